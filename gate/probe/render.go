package probe

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// WriteJSON writes the `probe --format json` document.
func WriteJSON(w io.Writer, results []Result) error {
	if results == nil {
		results = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Report{SchemaVersion: 1, Endpoints: results})
}

// WriteText writes a readable report, one block per endpoint.
func WriteText(w io.Writer, results []Result) error {
	var b strings.Builder
	for i, r := range results {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s", r.Target)
		var meta []string
		if r.Address != "" && r.Address != r.Target {
			meta = append(meta, "address "+r.Address)
		}
		if r.SNI != "" {
			meta = append(meta, "sni "+r.SNI)
		}
		if r.Proxy != "" {
			meta = append(meta, "via proxy "+r.Proxy)
		}
		meta = append(meta, fmt.Sprintf("%d connections", r.Connections), fmt.Sprintf("%d ms", r.ElapsedMS))
		fmt.Fprintf(&b, " (%s)\n", strings.Join(meta, ", "))
		for _, p := range finding.Protocols {
			st := r.Protocols[p.Key()]
			d := r.ProtocolDetails[p.Key()]
			ev := d.Reason
			if d.Suite != "" && st == Accepted {
				ev += ", " + d.Suite
			}
			if d.FirstBytes != "" {
				ev += ", first bytes " + d.FirstBytes
			}
			fmt.Fprintf(&b, "  %-8s %-13s %s\n", p.String(), st, ev)
		}
		weak := "none"
		if len(r.WeakCiphers) > 0 {
			weak = strings.Join(r.WeakCiphers, ", ")
		}
		var unknown []string
		for _, c := range append(WeakClasses, ClassAEAD) {
			if st, ok := r.CipherClasses[c]; ok && st == Inconclusive {
				unknown = append(unknown, c)
			}
		}
		if len(unknown) > 0 {
			weak += " (inconclusive: " + strings.Join(unknown, ", ") + ")"
		}
		fmt.Fprintf(&b, "  weak ciphers: %s\n", weak)
		for _, p := range finding.Protocols {
			if s := r.Suites[p.Key()]; len(s) > 0 {
				fmt.Fprintf(&b, "  %s suites: %s\n", p, strings.Join(s, ", "))
			}
		}
		if c := r.Certificate; c != nil {
			fmt.Fprintf(&b, "  certificate: %s, issuer %s, %s %d, %s\n", c.Subject, c.Issuer, c.KeyType, c.KeyBits, c.SignatureAlgorithm)
			var facts []string
			switch {
			case c.Expired:
				facts = append(facts, fmt.Sprintf("EXPIRED %s", c.NotAfter))
			case c.NotYetValid:
				facts = append(facts, fmt.Sprintf("NOT YET VALID before %s", c.NotBefore))
			default:
				facts = append(facts, fmt.Sprintf("expires %s (%d days)", c.NotAfter, c.DaysToExpiry))
			}
			if c.ChainValid {
				facts = append(facts, "chain valid")
			} else {
				facts = append(facts, "CHAIN NOT VALID")
			}
			if c.MissingIntermediate {
				facts = append(facts, "MISSING INTERMEDIATE")
			}
			if c.HostnameMatch {
				facts = append(facts, "host name matches")
			} else {
				facts = append(facts, "HOST NAME MISMATCH")
			}
			if c.WeakSignature {
				facts = append(facts, "WEAK SIGNATURE (SHA-1/MD5)")
			}
			facts = append(facts, fmt.Sprintf("%d sent", c.ChainLength), "from "+c.Source)
			fmt.Fprintf(&b, "    %s\n", strings.Join(facts, "; "))
			if c.ChainError != "" {
				fmt.Fprintf(&b, "    chain: %s\n", c.ChainError)
			}
		} else {
			fmt.Fprintf(&b, "  certificate: none obtained\n")
		}
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "  error: %s\n", e)
		}
		if !r.Conclusive() {
			fmt.Fprintf(&b, "  INCONCLUSIVE: some answers could not be decided\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Schema is the JSON Schema (draft 2020-12) of the `probe --format json`
// document.
//
//go:embed schema.json
var Schema []byte
