package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/gate/verdict"
)

// GateText renders a gate decision for a terminal or a CI log: the matrix,
// each failing pair with the error users will see, the evidence chain and
// the ranked fixes, the endpoints, the findings, what could not be judged,
// and the verdict last.
func GateText(w io.Writer, d *verdict.Decision) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "tlsgate gate — policy %s, fail-on %s, assumed client host %s with .NET Framework %s\n\n",
		d.Policy, d.FailOn, hostName(d.Host), d.Host.DotNet)
	switch {
	case len(d.Applications) == 0 && len(d.Endpoints) > 0:
		b.WriteString("no application found under PATH: only the endpoints were judged\n\n")
	case len(d.Endpoints) == 0:
		b.WriteString("no endpoint to probe (give --endpoint, list endpoints in the policy, or use --discover): only the repository was judged\n\n")
	}
	if len(d.Pairs) > 0 {
		fmt.Fprintf(b, "applications × endpoints (as shipped | with the %s package):\n", d.Policy)
		for _, p := range d.Pairs {
			fmt.Fprintf(b, "  %s → %s: %s | %s\n", p.Application, p.Endpoint, textCell(p.AsShipped), textCell(p.WithPackage))
		}
		b.WriteString("\n")
	}
	for _, p := range d.Pairs {
		if p.Verdict != verdict.Incompatible && p.Verdict != verdict.PolicyFail && p.Verdict != verdict.Inconclusive {
			continue
		}
		fmt.Fprintf(b, "%s → %s: %s\n  %s\n", p.Application, p.Endpoint, strings.ToUpper(string(p.Verdict)), p.Reason)
		if len(p.UserErrors) > 0 {
			b.WriteString("  the application will report:\n")
			for _, e := range p.UserErrors {
				fmt.Fprintf(b, "    %s: %q\n", e.API, e.Message)
			}
		}
		if len(p.Evidence) > 0 {
			b.WriteString("  why:\n")
			for _, s := range p.Evidence {
				if l := s.Location.String(); l != "" {
					fmt.Fprintf(b, "    %s: %s\n", l, s.Text)
				} else {
					fmt.Fprintf(b, "    %s\n", s.Text)
				}
			}
		}
		if len(p.Fixes) > 0 {
			b.WriteString("  fixes, best first (✓ = alone makes the pair work):\n")
			for _, f := range p.Fixes {
				mark := "✗"
				if f.Sufficient {
					mark = "✓"
				}
				fmt.Fprintf(b, "    %d. %s [%s] %s", f.Rank, mark, f.Kind, f.Title)
				if f.Location != nil && f.Location.Path != "" {
					fmt.Fprintf(b, " (%s)", f.Location)
				}
				b.WriteString("\n")
				if f.Command != "" {
					fmt.Fprintf(b, "       $ %s\n", f.Command)
				}
			}
		}
		b.WriteString("\n")
	}
	if len(d.Endpoints) > 0 {
		b.WriteString("endpoints:\n")
		for _, e := range d.Endpoints {
			fmt.Fprintf(b, "  %s: %s", e.Target, protocolsLine(e.Result))
			if len(e.WeakCiphers) > 0 {
				fmt.Fprintf(b, "; weak classes %s", strings.Join(e.WeakCiphers, ", "))
			} else if !weakClassesKnown(e.Result) {
				b.WriteString("; weak classes not determined")
			}
			if c := e.Certificate; c != nil {
				fmt.Fprintf(b, "; certificate %s, %d days left", c.Subject, c.DaysToExpiry)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	var active int
	for _, f := range d.Findings {
		if !f.Suppressed() {
			active++
		}
	}
	if active > 0 {
		b.WriteString("findings:\n")
		for _, f := range d.Findings {
			if f.Suppressed() {
				continue
			}
			fmt.Fprintf(b, "  %s\n", findingLine(f))
			if f.Fix != "" {
				fmt.Fprintf(b, "      fix: %s\n", f.Fix)
			}
		}
		b.WriteString("\n")
	}
	if len(d.Inconclusive) > 0 {
		b.WriteString("inconclusive (never a pass):\n")
		for _, t := range sortedCopy(d.Inconclusive) {
			fmt.Fprintf(b, "  %s\n", t)
		}
		b.WriteString("\n")
	}
	if len(d.Notifications) > 0 {
		b.WriteString("notes:\n")
		for _, n := range d.Notifications {
			fmt.Fprintf(b, "  %s\n", n)
		}
		b.WriteString("\n")
	}
	if len(d.Reasons) > 0 {
		fmt.Fprintf(b, "verdict: %s — %s\n", strings.ToUpper(string(d.Verdict)), d.Reasons[0])
	} else {
		fmt.Fprintf(b, "verdict: %s\n", strings.ToUpper(string(d.Verdict)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// GateJSON renders a gate decision as the gate JSON document.
func GateJSON(w io.Writer, d *verdict.Decision) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

func findingLine(f finding.Finding) string {
	where := f.Location.String()
	if f.Endpoint != nil {
		if where != "" {
			where += " → " + f.Endpoint.Target
		} else {
			where = f.Endpoint.Target
		}
	}
	if where == "" {
		return fmt.Sprintf("%s: %s [%s]", f.Level, f.Message, f.RuleID)
	}
	return fmt.Sprintf("%s: %s: %s [%s]", where, f.Level, f.Message, f.RuleID)
}

func textCell(s verdict.Side) string {
	mark := map[verdict.Verdict]string{verdict.Compatible: "✓", verdict.Incompatible: "✗", verdict.PolicyFail: "✗ policy:", verdict.Inconclusive: "? inconclusive:"}[s.Verdict]
	return mark + " " + s.Reason
}

func protocolsLine(r probe.Result) string {
	var acc, unk []string
	for _, p := range finding.Protocols {
		switch r.Protocols[p.Key()] {
		case probe.Accepted:
			acc = append(acc, p.String())
		case probe.Rejected:
		default:
			unk = append(unk, p.String())
		}
	}
	s := "accepts " + strings.Join(acc, ", ")
	if len(acc) == 0 {
		s = "accepts nothing conclusively"
	}
	if len(unk) > 0 {
		s += "; inconclusive: " + strings.Join(unk, ", ")
	}
	return s
}
