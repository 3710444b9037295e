package scan

import (
	"sort"
	"strings"

	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// commentSpans returns the comments of f in the syntax of its kind, in
// text order (they may overlap only where languages nest, as in Razor): an
// inline suppression counts only inside one of them (CONTRACTS.md: "in a
// comment on the line or the line above"), and its reason ends where the
// comment ends. The same words in a string literal or in code are not a
// suppression.
func commentSpans(f *source.File) [][2]int {
	text := f.Text
	switch f.Kind {
	case source.CSharp, source.JSON:
		// appsettings*.json is read as JSON with comments (// and /* */)
		return lexComments(LangCSharp, text, 0, len(text), nil)
	case source.Native:
		return lexComments(LangCSharp, text, 0, len(text), nil)
	case source.VB:
		return lexComments(LangVB, text, 0, len(text), nil)
	case source.FSharp:
		return lexComments(LangFSharp, text, 0, len(text), nil)
	case source.PowerShell:
		return lexComments(LangPS, text, 0, len(text), nil)
	case source.Razor:
		var out [][2]int
		out = delimited(text, "<!--", "-->", out)
		out = delimited(text, "@*", "*@", out)
		out = delimited(text, "<%--", "--%>", out)
		for _, r := range razorBlocks(f) {
			out = lexComments(r.lang, text, r.s, r.e, out)
		}
		sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
		return out
	case source.Config, source.MSBuild, source.PackagesConfig, source.WiX, source.Settings:
		return delimited(text, "<!--", "-->", nil)
	case source.Reg:
		return lineComments(text, func(line string, i int) bool { return line[i] == ';' }, `"`)
	case source.Batch:
		return batchComments(text)
	case source.Shell, source.Dockerfile, source.OpenSSLConf, source.YAML:
		// '#' at the start of a line or after a blank ("<#" too: a
		// PowerShell block comment in an inline script)
		return lineComments(text, func(line string, i int) bool {
			return line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t' || line[i-1] == '<')
		}, `"'`)
	}
	return nil
}

// lexComments appends the comments the code lexer finds in text[s:e], and
// the trailing // comment of a preprocessor line (the lexer keeps a
// directive line whole).
func lexComments(l Lang, text string, s, e int, out [][2]int) [][2]int {
	lx := Lex(l, text, s, e)
	for _, c := range lx.Comments {
		out = append(out, [2]int{c.Start, c.End})
	}
	if l != LangPS {
		for _, d := range lx.Directives {
			if i := strings.Index(d.Text, "//"); i >= 0 {
				out = append(out, [2]int{d.Start + i, d.End})
			}
		}
	}
	lx.Release()
	return out
}

// delimited appends the spans from each open to its close (or the end of
// the text when it is never closed).
func delimited(text, open, close string, out [][2]int) [][2]int {
	for i := 0; ; {
		j := strings.Index(text[i:], open)
		if j < 0 {
			return out
		}
		start := i + j
		k := strings.Index(text[start+len(open):], close)
		end := len(text)
		if k >= 0 {
			end = start + len(open) + k + len(close)
		}
		out = append(out, [2]int{start, end})
		i = end
	}
}

// lineComments returns, per line, the span from the first byte where
// starts reports a comment to the end of the line, ignoring bytes inside
// the quote characters quotes (a backslash escapes inside "…").
func lineComments(text string, starts func(line string, i int) bool, quotes string) [][2]int {
	var out [][2]int
	for off := 0; off < len(text); {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += off
		}
		line := text[off:end]
		var q byte
		for i := 0; i < len(line); i++ {
			c := line[i]
			switch {
			case q != 0:
				if c == '\\' && q == '"' {
					i++
				} else if c == q {
					q = 0
				}
			case strings.IndexByte(quotes, c) >= 0:
				q = c
			case starts(line, i):
				out = append(out, [2]int{off + i, end})
				i = len(line)
			}
		}
		off = end + 1
	}
	return out
}

// batchComments returns the REM and :: comments of a .cmd/.bat file: at
// the start of a line (after blanks and '@') or after a command separator
// (&, &&, ||, '(').
func batchComments(text string) [][2]int {
	var out [][2]int
	for off := 0; off < len(text); {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += off
		}
		line := text[off:end]
		atCmd := true // at the start of a command
		var q bool
		for i := 0; i < len(line); i++ {
			c := line[i]
			if q {
				q = c != '"'
				continue
			}
			switch {
			case c == ' ' || c == '\t' || c == '@':
				continue
			case c == '"':
				q, atCmd = true, false
				continue
			case c == '&' || c == '|' || c == '(':
				atCmd = true
				continue
			}
			if atCmd && (strings.HasPrefix(line[i:], "::") || isRem(line[i:])) {
				out = append(out, [2]int{off + i, end})
				break
			}
			atCmd = false
		}
		off = end + 1
	}
	return out
}

// isRem reports whether s starts with the REM command.
func isRem(s string) bool {
	if len(s) < 3 || !strings.EqualFold(s[:3], "rem") {
		return false
	}
	return len(s) == 3 || s[3] == ' ' || s[3] == '\t' || s[3] == '\r' || s[3] == ':' || s[3] == '.'
}
