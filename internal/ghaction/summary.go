package ghaction

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/verdict"
)

// SummaryOptions shape the markdown report.
type SummaryOptions struct {
	// Policy is the policy name or file the gate used (for the gen command).
	Policy string
	// MaxFindings limits the findings listed (0 = all).
	MaxFindings int
	// Omitted is how many findings got no annotation because of GitHub's
	// per-step limits.
	Omitted int
	// Shard is "K/N" when the report covers one shard of the endpoints.
	Shard string
	// RunURL links the workflow run (for PR comments).
	RunURL string
	// OS lists the package families for the gen command (default win10).
	OS string
}

var verdictLine = map[string]string{
	VerdictPass:         "✅ **pass**",
	VerdictFail:         "❌ **gate failed**",
	VerdictInconclusive: "⚠️ **inconclusive** (not a pass)",
}

var pairMark = map[string]string{
	"compatible":   "✅ compatible",
	"incompatible": "❌ incompatible",
	"policy":       "❌ policy",
	"inconclusive": "⚠️ inconclusive",
}

var levelMark = map[finding.Severity]string{
	finding.Error:   "🔴 error",
	finding.Warning: "🟠 warning",
	finding.Note:    "🔵 note",
}

// Markdown renders the report as GitHub-flavoured markdown: the verdict,
// the application × endpoint matrix, the findings (most severe first), and
// how to get the fix package. Every repository-derived string is escaped.
func Summary(r *Report, o SummaryOptions) string {
	var b strings.Builder
	c := r.Count()
	title := "tlsgate"
	if o.Shard != "" {
		title += " (shard " + Markdown(o.Shard) + ")"
	}
	v := verdictLine[r.V()]
	if v == "" {
		v = "**" + Markdown(r.V()) + "**"
	}
	fmt.Fprintf(&b, "## %s: %s\n\n", title, v)
	fmt.Fprintf(&b, "%s, %s, %s", plural(c.Errors, "error"), plural(c.Warnings, "warning"), plural(c.Notes, "note"))
	if c.Suppressed > 0 {
		fmt.Fprintf(&b, " (%d suppressed)", c.Suppressed)
	}
	fmt.Fprintf(&b, " · %s · %s", plural(len(r.Applications), "application"), plural(len(r.Endpoints), "endpoint"))
	if o.RunURL != "" {
		fmt.Fprintf(&b, " · [workflow run](%s)", o.RunURL)
	}
	b.WriteString("\n\n")
	reasons := r.Reasons
	if o.MaxFindings > 0 && len(reasons) > maxReasons {
		reasons = reasons[:maxReasons]
	}
	for _, reason := range reasons {
		b.WriteString("- " + Markdown(reason) + "\n")
	}
	if len(reasons) < len(r.Reasons) {
		fmt.Fprintf(&b, "- … and %d more (see the findings)\n", len(r.Reasons)-len(reasons))
	}
	if len(r.Reasons) > 0 {
		b.WriteString("\n")
	}
	if len(r.Inconclusive) > 0 {
		b.WriteString("Could not be judged: ")
		for i, s := range r.Inconclusive {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(Code(s))
		}
		b.WriteString(". An inconclusive result never passes.\n\n")
	}

	if len(r.Pairs) > 0 {
		b.WriteString("### Applications × endpoints\n\n")
		b.WriteString("| application | endpoint | verdict | as shipped | with the fix package | reason |\n|---|---|---|---|---|---|\n")
		pairs := rankPairs(r.Pairs)
		if o.MaxFindings > 0 && len(pairs) > maxPairs {
			pairs = pairs[:maxPairs]
		}
		for _, p := range pairs {
			mark := pairMark[string(p.Verdict)]
			if mark == "" {
				mark = Markdown(string(p.Verdict))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", Markdown(p.Application), Code(p.Endpoint), mark,
				Markdown(sideCell(p.AsShipped)), Markdown(sideCell(p.WithPackage)), Markdown(p.Reason))
		}
		if len(pairs) < len(r.Pairs) {
			fmt.Fprintf(&b, "\n%d more pairs (all compatible or shown above first by severity) are in the markdown report.\n", len(r.Pairs)-len(pairs))
		}
		b.WriteString("\n")
	}

	ranked := r.Ranked()
	if len(ranked) > 0 {
		shown := ranked
		if o.MaxFindings > 0 && len(shown) > o.MaxFindings {
			shown = shown[:o.MaxFindings]
		}
		if len(shown) < len(ranked) {
			fmt.Fprintf(&b, "### Top %d of %d findings\n\n", len(shown), len(ranked))
		} else {
			b.WriteString("### Findings\n\n")
		}
		b.WriteString("| level | rule | where | finding | fix |\n|---|---|---|---|---|\n")
		for _, f := range shown {
			where := f.Location.String()
			if where == "" && f.Endpoint != nil {
				where = f.Endpoint.Target
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", levelMark[f.Level], Markdown(f.RuleID), Code(where), Markdown(f.Message), Markdown(f.Fix))
		}
		b.WriteString("\n")
	}
	if o.Omitted > 0 {
		fmt.Fprintf(&b, "%s got no annotation: GitHub shows at most 10 error and 10 warning annotations per step. "+
			"The SARIF file and the code-scanning alerts list every finding.\n\n", plural(o.Omitted, "finding"))
	}
	if r.V() != VerdictPass || c.Findings > 0 {
		policy := o.Policy
		if policy == "" {
			policy = r.Policy
		}
		if policy == "" {
			policy = "tls12"
		}
		osList := o.OS
		if osList == "" {
			osList = r.Host.OS
		}
		if osList == "" {
			osList = "win10"
		}
		b.WriteString("### Fix package\n\n")
		b.WriteString("The hosts' side of most fixes is a registry package generated from the same policy " +
			"(.reg, GPO, ADMX, PowerShell, Intune, and with `--format all` an .exe and an MSI):\n\n")
		fmt.Fprintf(&b, "```sh\ntlsgate gen --policy %s --os %s --out tlsgate-fix\n```\n\n", shellQuote(policy), shellQuote(osList))
		b.WriteString("The \"with the fix package\" column shows what each application would offer once it is applied.\n")
	}
	return b.String()
}

// Limits of the short summary (job summary, PR comment); the markdown
// report file has everything.
const (
	maxReasons = 3
	maxPairs   = 30
)

var pairRank = map[string]int{"incompatible": 0, "policy": 1, "inconclusive": 2, "compatible": 3}

// rankPairs orders the matrix failing pairs first, then inconclusive, then
// compatible, keeping the report's order within each group.
func rankPairs(ps []verdict.Pair) []verdict.Pair {
	out := append([]verdict.Pair(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool {
		ri, ok := pairRank[string(out[i].Verdict)]
		if !ok {
			ri = 2
		}
		rj, ok := pairRank[string(out[j].Verdict)]
		if !ok {
			rj = 2
		}
		return ri < rj
	})
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// shellQuote quotes s for a POSIX shell command shown in a code block.
func shellQuote(s string) string {
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./,:=", r)) {
			safe = false
			break
		}
	}
	if safe && s != "" {
		return s
	}
	// Strip what could end the code block; quote the rest.
	s = strings.NewReplacer("```", "", "\n", " ", "\r", " ").Replace(s)
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
