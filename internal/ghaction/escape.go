package ghaction

import (
	"strings"
	"unicode"
)

// Markdown escapes repository-derived text for GitHub-flavoured markdown
// (job summaries, PR comments, check-run summaries): every ASCII
// punctuation character is backslash-escaped, so no emphasis, link, image,
// HTML tag, entity, table pipe, @mention or #reference can be formed; line
// breaks and other control characters become spaces, so the text stays in
// its paragraph or table cell.
func Markdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n' || r == '\t' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		case r < 0x80 && unicode.IsPunct(r) || r < 0x80 && unicode.IsSymbol(r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Code renders s as an inline code span that is safe inside a table cell:
// the fence is longer than any backtick run in s, line breaks become spaces,
// and "|" is escaped (GFM splits table cells on a pipe even inside code).
func Code(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == '\t' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.ReplaceAll(s, "|", `\|`)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if s == "" {
		return ""
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// oneLine makes a value safe for a single-line step output: line breaks
// become spaces, so the value can neither end the output's heredoc early
// nor add outputs of its own.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}
