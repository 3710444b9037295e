package ghaction

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	githubactions "github.com/sethvargo/go-githubactions"
)

// FuzzEscaping: whatever a repository contains, Markdown leaves no ASCII
// punctuation unescaped and no line break, Code stays one line and keeps
// table pipes escaped, and an annotation is exactly one workflow-command
// line.
func FuzzEscaping(f *testing.F) {
	for _, s := range []string{"Web.config", "a\n::error::x", "<img src=x>", "`code`|x", "100%\r\n", "@team #1 [l](u)", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		md := Markdown(s)
		if strings.ContainsAny(md, "\r\n") {
			t.Fatalf("Markdown(%q) has a line break", s)
		}
		rs := []rune(md)
		for i := 0; i < len(rs); i++ {
			r := rs[i]
			if r == '\\' {
				i++ // the escaped character
				continue
			}
			if r < 0x80 && (unicode.IsPunct(r) || unicode.IsSymbol(r)) {
				t.Fatalf("Markdown(%q) = %q leaves %q unescaped", s, md, r)
			}
		}
		c := Code(s)
		if strings.ContainsAny(c, "\r\n") {
			t.Fatalf("Code(%q) has a line break", s)
		}
		if strings.Contains(strings.ReplaceAll(c, `\|`, ""), "|") {
			t.Fatalf("Code(%q) = %q has an unescaped pipe", s, c)
		}
		var buf bytes.Buffer
		a := githubactions.New(githubactions.WithWriter(&buf))
		a.IssueCommand(&githubactions.Command{Name: "error", Message: s, Properties: githubactions.CommandProperties{"file": s, "title": s}})
		out := strings.TrimRight(buf.String(), "\r\n")
		if strings.ContainsAny(out, "\r\n") {
			t.Fatalf("annotation for %q spans lines: %q", s, out)
		}
		props, _, ok := strings.Cut(strings.TrimPrefix(out, "::error "), "::")
		if !ok || strings.Count(props, ",") != 1 {
			t.Fatalf("annotation properties for %q are not two: %q", s, props)
		}
	})
}
