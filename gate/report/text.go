package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// textRenderer prints findings grouped by file (endpoint findings grouped by
// endpoint), then tool notifications and a summary. Colour only when asked
// (the CLI asks only on a terminal); suppressed findings are shown dimmed
// with their suppression, baseline matches only counted.
type textRenderer struct{ color bool }

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func (t *textRenderer) paint(code, s string) string {
	if !t.color {
		return s
	}
	return code + s + ansiReset
}

func (t *textRenderer) levelWord(l finding.Severity) string {
	w := fmt.Sprintf("%-7s", l.String())
	switch l {
	case finding.Error:
		return t.paint(ansiRed, w)
	case finding.Warning:
		return t.paint(ansiYellow, w)
	}
	return t.paint(ansiCyan, w)
}

func (t *textRenderer) Render(w io.Writer, r *finding.Report) error {
	b := &strings.Builder{}
	group := ""
	counts := map[finding.Severity]int{}
	suppressed, baseline := 0, 0
	for _, f := range r.Findings {
		if f.Suppression != nil && f.Suppression.Kind == "baseline" {
			baseline++
			continue
		}
		g := f.Location.Path
		if g == "" && f.Endpoint != nil {
			g = endpointURI(f.Endpoint)
		}
		if g != group {
			if group != "" {
				b.WriteString("\n")
			}
			b.WriteString(t.paint(ansiBold, g) + "\n")
			group = g
		}
		pos := ""
		if f.Location.StartLine > 0 {
			pos = fmt.Sprintf("%d:%d", f.Location.StartLine, f.Location.StartCol)
		}
		line := fmt.Sprintf("  %-8s %s %s [%s]", pos, t.levelWord(f.Level), f.Message, f.RuleID)
		if f.Suppression != nil {
			suppressed++
			line = fmt.Sprintf("  %-8s %-7s %s [%s] suppressed (%s: %s)", pos, f.Level, f.Message, f.RuleID, f.Suppression.Kind, f.Suppression.Reason)
			b.WriteString(t.paint(ansiDim, line) + "\n")
			continue
		}
		counts[f.Level]++
		b.WriteString(line + "\n")
		if f.Note != "" {
			fmt.Fprintf(b, "  %-8s %s\n", "", t.paint(ansiYellow, "note: "+f.Note))
		}
		if f.Snippet != "" {
			fmt.Fprintf(b, "  %-8s %s\n", "", t.paint(ansiDim, "| "+f.Snippet))
		}
		if f.Fix != "" {
			fmt.Fprintf(b, "  %-8s fix: %s\n", "", f.Fix)
		}
	}
	if len(r.Notifications) > 0 {
		if group != "" {
			b.WriteString("\n")
		}
		b.WriteString(t.paint(ansiBold, "tool notifications") + "\n")
		for _, n := range r.Notifications {
			fmt.Fprintf(b, "  %s\n", n.String())
		}
	}
	for _, x := range r.Inconclusive {
		fmt.Fprintf(b, "inconclusive: %s\n", x)
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "%s, %s, %s", plural(counts[finding.Error], "error"), plural(counts[finding.Warning], "warning"), plural(counts[finding.Note], "note"))
	if suppressed > 0 {
		fmt.Fprintf(b, "; %d suppressed", suppressed)
	}
	if baseline > 0 {
		fmt.Fprintf(b, "; %d in the baseline (not shown)", baseline)
	}
	if len(r.Applications) > 0 {
		fmt.Fprintf(b, "; %s", plural(len(r.Applications), "application"))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
