package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/gate/verdict"
)

// Markdown renders a gate decision as the report a person reads: the
// verdict line, the applications × endpoints matrix (as shipped and with the
// package), the explanation and ranked fixes of every failing pair, the
// endpoints, the findings and what could not be judged. Every piece of text
// that comes from the repository or the network is escaped.
func Markdown(w io.Writer, d *verdict.Decision) error {
	b := &strings.Builder{}
	icon := map[verdict.Outcome]string{verdict.Pass: "✅ pass", verdict.Fail: "❌ fail", verdict.OutcomeUnknown: "⚠️ inconclusive"}[d.Verdict]
	fmt.Fprintf(b, "## tlsgate gate: %s\n\n", icon)
	fmt.Fprintf(b, "Policy %s · fails on %s · assumed client host: %s, .NET Framework %s\n\n",
		code(d.Policy), d.FailOn, mdEscape(hostName(d.Host)), mdEscape(d.Host.DotNet))
	if len(d.Reasons) > 0 {
		fmt.Fprintf(b, "%s.\n\n", mdEscape(upper(d.Reasons[0])))
	}

	b.WriteString("### Applications × endpoints\n\n")
	if len(d.Pairs) == 0 {
		switch {
		case len(d.Endpoints) == 0:
			b.WriteString("No endpoint to probe (give `--endpoint`, list endpoints in the policy, or use `--discover`): only the repository was judged.\n\n")
		case len(d.Applications) == 0:
			b.WriteString("No application found: only the endpoints were judged.\n\n")
		default:
			b.WriteString("No application calls the probed endpoints (see the policy's `endpoints` mapping).\n\n")
		}
	} else {
		fmt.Fprintf(b, "| Application | Endpoint | As shipped | With the %s package |\n|---|---|---|---|\n", code(d.Policy))
		for _, p := range d.Pairs {
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdEscape(p.Application), code(p.Endpoint), cell(p.AsShipped), cell(p.WithPackage))
		}
		b.WriteString("\n")
	}

	for _, p := range d.Pairs {
		if p.Verdict != verdict.Incompatible && p.Verdict != verdict.PolicyFail && p.Verdict != verdict.Inconclusive {
			continue
		}
		fmt.Fprintf(b, "#### %s → %s: %s\n\n", mdEscape(p.Application), code(p.Endpoint), p.Verdict)
		fmt.Fprintf(b, "%s.\n\n", mdEscape(upper(p.Reason)))
		if len(p.UserErrors) > 0 {
			b.WriteString("What the application will report:\n\n")
			for _, e := range p.UserErrors {
				fmt.Fprintf(b, "- %s: %s\n", mdEscape(e.API), code(e.Message))
			}
			b.WriteString("\n")
		}
		if len(p.Evidence) > 0 {
			b.WriteString("Why it offers what it offers:\n\n")
			for i, s := range p.Evidence {
				fmt.Fprintf(b, "%d. %s%s\n", i+1, where(s.Location), mdEscape(s.Text))
			}
			b.WriteString("\n")
		}
		if len(p.Fixes) > 0 {
			b.WriteString("Fixes, best first (✓ = this fix alone makes the pair work):\n\n")
			for _, f := range p.Fixes {
				mark := "✗"
				if f.Sufficient {
					mark = "✓"
				}
				loc := ""
				if f.Location != nil && f.Location.Path != "" {
					loc = " at " + code(f.Location.String())
				}
				fmt.Fprintf(b, "%d. %s **%s**%s: %s", f.Rank, mark, f.Kind, loc, mdEscape(f.Title))
				if f.Command != "" {
					fmt.Fprintf(b, " — run %s", code(f.Command))
				}
				if f.Negotiated != nil {
					fmt.Fprintf(b, " (then: %s, %s)", f.Result, f.Negotiated)
				} else {
					fmt.Fprintf(b, " (then: %s)", f.Result)
				}
				b.WriteString("\n")
			}
			b.WriteString("\n")
		}
	}

	if len(d.Endpoints) > 0 {
		b.WriteString("### Endpoints\n\n| Endpoint | SSL 2.0 | SSL 3.0 | TLS 1.0 | TLS 1.1 | TLS 1.2 | TLS 1.3 | Weak classes | Certificate |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, e := range d.Endpoints {
			fmt.Fprintf(b, "| %s |", code(e.Target))
			for _, p := range finding.Protocols {
				fmt.Fprintf(b, " %s |", statusCell(e.Protocols[p.Key()]))
			}
			weak := "none"
			switch {
			case len(e.WeakCiphers) > 0:
				weak = mdEscape(strings.Join(e.WeakCiphers, ", "))
			case !weakClassesKnown(e.Result):
				weak = "not determined"
			}
			fmt.Fprintf(b, " %s | %s |\n", weak, certCell(e.Certificate))
		}
		b.WriteString("\n")
	}

	var active, suppressed []finding.Finding
	for _, f := range d.Findings {
		if f.Suppressed() {
			suppressed = append(suppressed, f)
		} else {
			active = append(active, f)
		}
	}
	if len(active) > 0 {
		b.WriteString("### Findings\n\n| Level | Rule | Where | Message | Fix |\n|---|---|---|---|---|\n")
		for _, f := range active {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", f.Level, f.RuleID, code(place(f)), mdEscape(f.Message), mdEscape(f.Fix))
		}
		b.WriteString("\n")
	}
	if len(suppressed) > 0 {
		fmt.Fprintf(b, "<details><summary>%d suppressed finding(s)</summary>\n\n", len(suppressed))
		for _, f := range suppressed {
			fmt.Fprintf(b, "- %s %s: %s — suppressed: %s\n", f.RuleID, code(place(f)), mdEscape(f.Message), mdEscape(f.Suppression.Reason))
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(d.Inconclusive) > 0 {
		b.WriteString("### Inconclusive (never a pass)\n\n")
		for _, t := range sortedCopy(d.Inconclusive) {
			fmt.Fprintf(b, "- %s\n", mdEscape(t))
		}
		b.WriteString("\n")
	}
	if len(d.Notifications) > 0 {
		b.WriteString("### Notes\n\n")
		for _, n := range d.Notifications {
			fmt.Fprintf(b, "- %s\n", mdEscape(n.String()))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func hostName(h policy.Host) string {
	if h.OSName != "" {
		return h.OSName
	}
	return h.OS
}

func cell(s verdict.Side) string {
	mark := map[verdict.Verdict]string{verdict.Compatible: "✓", verdict.Incompatible: "✗", verdict.PolicyFail: "✗ policy:", verdict.Inconclusive: "? inconclusive:"}[s.Verdict]
	return mark + " " + mdEscape(s.Reason)
}

// weakClassesKnown reports whether the prober answered every weak cipher
// class question it asked; "none accepted" is only true then.
func weakClassesKnown(r probe.Result) bool {
	if len(r.CipherClasses) == 0 {
		return false
	}
	for _, st := range r.CipherClasses {
		if st != probe.Accepted && st != probe.Rejected {
			return false
		}
	}
	return true
}

func statusCell(s probe.Status) string {
	switch s {
	case probe.Accepted:
		return "accepted"
	case probe.Rejected:
		return "—"
	}
	return "?"
}

func certCell(c *probe.Certificate) string {
	if c == nil {
		return "not retrieved"
	}
	var parts []string
	parts = append(parts, mdEscape(c.Subject))
	if c.Expired {
		parts = append(parts, "**expired**")
	} else {
		parts = append(parts, fmt.Sprintf("%d days left", c.DaysToExpiry))
	}
	if !c.ChainValid {
		parts = append(parts, "**untrusted**")
	}
	if c.KeyType != "" {
		parts = append(parts, fmt.Sprintf("%s %d", mdEscape(c.KeyType), c.KeyBits))
	}
	return strings.Join(parts, ", ")
}

func place(f finding.Finding) string {
	if s := f.Location.String(); s != "" {
		if f.Endpoint != nil {
			return s + " → " + f.Endpoint.Target
		}
		return s
	}
	if f.Endpoint != nil {
		return f.Endpoint.Target
	}
	return ""
}

func where(l finding.Location) string {
	if l.Path == "" {
		return ""
	}
	return code(l.String()) + ": "
}

// mdEscape escapes text for inline Markdown (including table cells): the
// punctuation Markdown gives meaning to, HTML, and line breaks.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '{', '}', '[', ']', '(', ')', '#', '+', '-', '!', '|', '~', '>', '<':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '&':
			b.WriteString("&amp;")
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// code renders s as an inline code span that s cannot break out of; a
// pipe is escaped so the span is safe inside a table cell (GFM removes the
// backslash there).
func code(s string) string {
	s = strings.NewReplacer("\n", " ", "\r", " ", "|", "\\|").Replace(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			if run > longest {
				longest = run
			}
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 || strings.HasPrefix(s, " ") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
