// Package verdict is the gate's judgment: a pure function from the scan
// report, the probe results, the policy and the current time to a Decision.
//
// # What it decides
//
// For every probed endpoint it checks the endpoint against the policy
// (protocols and cipher classes accepted, certificate rules) and reports
// TLS1nn findings. For every application × endpoint pair it intersects the
// protocols the application offers — computed by the application model for
// two registry states, as shipped and with tlsgate's package applied — with
// the protocols the endpoint accepts, then checks that the negotiated
// protocol has a cipher suite in common (per-OS SChannel client suite tables,
// clientsuites.json). A pair with no overlap is incompatible (TLS201 /
// TLS202), with the error the user will see, the evidence chain and ranked
// fixes; a pair that only works over a protocol the policy forbids fails the
// policy (TLS203). An inconclusive probe makes the pair inconclusive: never a
// pass.
//
// # Purity
//
// Evaluate does no I/O and never exits. The application model is passed in
// as an OfferFunc so the package does not depend on the scanner.
package verdict
