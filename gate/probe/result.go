// Package probe asks TLS endpoints what they accept: protocol versions from
// hand-built hellos (so SSL 2.0 and 3.0 are seen), weak cipher classes one
// question per class, and certificate facts from one full handshake.
//
// Results are observations, not judgments: the verdict package turns them
// into findings against a policy.
package probe

import "github.com/tlsgate/tlsgate/gate/finding"

// Status is the answer for one protocol version.
type Status string

// Statuses (CONTRACTS.md). Rejected needs evidence of refusal; a timeout, a
// reset with no other answer, or non-TLS bytes are Inconclusive.
const (
	Accepted     Status = "accepted"
	Rejected     Status = "rejected"
	Inconclusive Status = "inconclusive"
)

// Result is one probed endpoint; its JSON form is the CONTRACTS.md
// `probe --format json` endpoint entry.
type Result struct {
	// Target is the normalised host:port.
	Target string `json:"target"`
	// Address is the ip:port probed.
	Address string `json:"address"`
	SNI     string `json:"sni"`
	// Protocols has exactly the keys SSL2.0 … TLS1.3.
	Protocols map[string]Status `json:"protocols"`
	// ProtocolDetails has the same keys: the evidence behind each answer.
	ProtocolDetails map[string]Detail `json:"protocol_details"`
	// WeakCiphers lists accepted weak classes: RC4, 3DES, NULL, EXPORT,
	// ANON, NO_PFS, CBC_ONLY.
	WeakCiphers []string `json:"weak_ciphers"`
	// CipherClasses records every class question and its answer (accepted,
	// rejected, inconclusive), including AEAD.
	CipherClasses map[string]Status `json:"cipher_classes,omitempty"`
	// Suites lists, in --full mode, every accepted suite per version key.
	Suites      map[string][]string `json:"suites,omitempty"`
	Certificate *Certificate        `json:"certificate"`
	// Proxy is the HTTP CONNECT proxy used, when one was.
	Proxy       string   `json:"proxy,omitempty"`
	Connections int      `json:"connections"`
	ElapsedMS   int64    `json:"elapsed_ms"`
	Errors      []string `json:"errors"`
}

// Detail is the evidence for one protocol answer.
type Detail struct {
	// Reason is a short explanation: "server hello", "alert 70
	// (protocol_version)", "server chose TLS 1.2", "timeout", "not TLS",
	// "closed after hello".
	Reason string `json:"reason"`
	// Alert is the alert description code when one was received.
	Alert *int `json:"alert,omitempty"`
	// FirstBytes is a hex dump of the first bytes of a non-TLS reply.
	FirstBytes string `json:"first_bytes,omitempty"`
	// Suite is the cipher suite the server chose: its IANA name (identical
	// to tls.CipherSuiteName for the suites Go knows; see SuiteName and
	// SuiteID), or 0xNNNN when unknown.
	Suite string `json:"suite,omitempty"`
	// Version is the version the server answered with, when different.
	Version string `json:"version,omitempty"`
}

// Certificate holds facts about the leaf certificate and chain.
type Certificate struct {
	Subject            string   `json:"subject"`
	Issuer             string   `json:"issuer"`
	DNSNames           []string `json:"dns_names,omitempty"`
	NotBefore          string   `json:"not_before"`
	NotAfter           string   `json:"not_after"`
	DaysToExpiry       int      `json:"days_to_expiry"`
	Expired            bool     `json:"expired"`
	KeyType            string   `json:"key_type"` // RSA, ECDSA, Ed25519
	KeyBits            int      `json:"key_bits"`
	SignatureAlgorithm string   `json:"signature_algorithm"`
	// ChainValid: the chain verifies against system roots or --ca-file.
	ChainValid bool   `json:"chain_valid"`
	ChainError string `json:"chain_error,omitempty"`
	// HostnameMatch: the leaf is valid for the SNI / host name.
	HostnameMatch bool `json:"hostname_match"`
	// MissingIntermediate: the chain verifies only when intermediates are
	// fetched/known, not from what the server sent.
	MissingIntermediate bool `json:"missing_intermediate"`
	ChainLength         int  `json:"chain_length"`
	// Source is "handshake" or "raw" (from a raw probe's Certificate message).
	Source string `json:"source"`
	// NotYetValid: now is before not_before.
	NotYetValid bool `json:"not_yet_valid,omitempty"`
	// SelfSigned: the leaf is signed by its own key.
	SelfSigned bool `json:"self_signed,omitempty"`
	// IPAddresses are the leaf's IP subject alternative names.
	IPAddresses []string `json:"ip_addresses,omitempty"`
	// WeakSignature: a sent certificate (other than a self-signed root) is
	// signed with SHA-1 or MD5; flagged by tlsgate because crypto/x509 no
	// longer verifies such signatures at all.
	WeakSignature bool `json:"weak_signature"`
}

// Conclusive reports whether every protocol answer, and every cipher class
// answer that was asked, is accepted or rejected.
func (r *Result) Conclusive() bool {
	for _, p := range finding.Protocols {
		if r.Protocols[p.Key()] != Accepted && r.Protocols[p.Key()] != Rejected {
			return false
		}
	}
	for _, st := range r.CipherClasses {
		if st != Accepted && st != Rejected {
			return false
		}
	}
	return true
}

// Accepts returns the set of accepted protocols.
func (r *Result) Accepts() finding.ProtocolSet {
	var s finding.ProtocolSet
	for _, p := range finding.Protocols {
		if r.Protocols[p.Key()] == Accepted {
			s = s.With(p)
		}
	}
	return s
}

// Report is the `probe --format json` document.
type Report struct {
	SchemaVersion int      `json:"schema_version"`
	Endpoints     []Result `json:"endpoints"`
}
