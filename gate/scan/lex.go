package scan

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Lang selects the lexer and the statement rules of a code analyzer.
type Lang int

// Languages the code analyzers read.
const (
	LangCSharp Lang = iota
	LangVB
	LangFSharp
	LangPS
)

// TokKind is the kind of a lexical token.
type TokKind uint8

// Token kinds. Comments and preprocessor lines are not tokens; they are
// recorded in Lexed.Comments / Lexed.Directives.
const (
	TIdent  TokKind = iota + 1 // identifier or keyword (VB Or/And/Not are identifiers)
	TNumber                    // numeric literal
	TString                    // string or char literal; Val holds the decoded content
	TOp                        // punctuation / operator (PS -bor etc. lower-cased)
	TVar                       // PowerShell $variable; Val is the lower-cased name without $
	TParam                     // PowerShell -Parameter; Val is the lower-cased name without -
	TNL                        // end of a logical line (VB and PowerShell only)
)

// Token is one lexical token. Start/End are byte offsets in the file text.
type Token struct {
	Kind       TokKind
	HereString bool   // a PowerShell here-string or a raw string
	Text       string // raw text
	Val        string // decoded string content, variable/parameter name
	Start, End int
	// ContentStart is the offset where a string's verbatim content starts
	// (here-strings, verbatim strings), for embedded-language analysis.
	ContentStart int
}

// Span is a comment or directive with its offsets.
type Span struct {
	Start, End int
	Text       string
}

// Lexed is a token stream with its comments and directives.
type Lexed struct {
	Toks       []Token
	Comments   []Span
	Directives []Span // C# / VB preprocessor lines (#pragma, #if, #Disable Warning)
}

// Lex tokenizes text[start:end] (offsets in the whole text) in language l.
// It never fails: unknown bytes become one-byte operator tokens, unterminated
// strings and comments run to the end.
func Lex(l Lang, text string, start, end int) *Lexed {
	lx := &lexer{lang: l, src: text, pos: start, end: end, out: &Lexed{}}
	if p, ok := tokPool.Get().(*[]Token); ok && cap(*p) >= (end-start)/8 {
		lx.out.Toks = (*p)[:0]
	} else {
		lx.out.Toks = make([]Token, 0, (end-start)/6+4)
	}
	lx.run()
	return lx.out
}

// tokPool recycles token slices between files (see Lexed.Release).
var tokPool sync.Pool

// Release returns the token slice for reuse; the Lexed must not be used
// afterwards.
func (l *Lexed) Release() {
	if cap(l.Toks) > 1<<20 {
		return // do not keep huge buffers alive
	}
	t := l.Toks[:0]
	l.Toks = nil
	tokPool.Put(&t)
}

type lexer struct {
	lang     Lang
	src      string
	pos, end int
	out      *Lexed
	depth    int // bracket depth, for PS/VB newline significance
}

func (lx *lexer) peek(o int) byte {
	if lx.pos+o < lx.end && lx.pos+o >= 0 {
		return lx.src[lx.pos+o]
	}
	return 0
}

func (lx *lexer) emit(k TokKind, start int, val string) {
	lx.out.Toks = append(lx.out.Toks, Token{Kind: k, Text: lx.src[start:lx.pos], Val: val, Start: start, End: lx.pos})
}

func (lx *lexer) emitNL(at int) {
	n := len(lx.out.Toks)
	if n > 0 && lx.out.Toks[n-1].Kind == TNL {
		return
	}
	lx.out.Toks = append(lx.out.Toks, Token{Kind: TNL, Text: "\n", Start: at, End: at})
}

func (lx *lexer) comment(start int) {
	lx.out.Comments = append(lx.out.Comments, Span{Start: start, End: lx.pos, Text: lx.src[start:lx.pos]})
}

func (lx *lexer) toEOL() {
	for lx.pos < lx.end && lx.src[lx.pos] != '\n' {
		lx.pos++
	}
}

var identASCII = func() (t [256]bool) {
	for c := 0; c < 128; c++ {
		b := byte(c)
		t[c] = b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
	}
	return
}()

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

func (lx *lexer) atLineStart() bool {
	for i := lx.pos - 1; i >= 0; i-- {
		switch lx.src[i] {
		case ' ', '\t':
			continue
		case '\n':
			return true
		default:
			return false
		}
	}
	return true
}

func (lx *lexer) ident() {
	start := lx.pos
	// ASCII fast path
	for lx.pos < lx.end && identASCII[lx.src[lx.pos]] {
		lx.pos++
	}
	for lx.pos < lx.end {
		c := lx.src[lx.pos]
		if c < 0x80 {
			if !isIdentPart(c) {
				break
			}
			lx.pos++
			continue
		}
		r, n := utf8.DecodeRuneInString(lx.src[lx.pos:lx.end])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		lx.pos += n
	}
	if lx.pos == start { // a stray non-letter rune
		_, n := utf8.DecodeRuneInString(lx.src[lx.pos:lx.end])
		if n < 1 {
			n = 1
		}
		lx.pos += n
		lx.emit(TOp, start, "")
		return
	}
	lx.emit(TIdent, start, "")
}

func (lx *lexer) number() {
	start := lx.pos
	if lx.peek(0) == '0' && (lx.peek(1)|0x20 == 'x' || lx.peek(1)|0x20 == 'b') {
		lx.pos += 2
	} else if lx.lang == LangVB && lx.peek(0) == '&' {
		lx.pos = min(lx.pos+2, lx.end) // &H / &O / &B
	}
	for lx.pos < lx.end {
		c := lx.src[lx.pos]
		if isIdentPart(c) || c == '.' && lx.peek(1) >= '0' && lx.peek(1) <= '9' {
			lx.pos++
			continue
		}
		break
	}
	lx.emit(TNumber, start, "")
}

var csOps = []string{"<<=", ">>=", "??=", "|||", "&&&", "^^^", "~~~", "<<<", ">>>", "=>", "==", "!=", "<=", ">=", "&&", "||", "|=", "&=", "^=", "+=", "-=", "*=", "/=", "%=", "++", "--", "->", "::", "?.", "??", "<-", ":="}

// opTable is an operator list indexed by first byte, in list order.
type opTable [256][]string

func newOpTable(ops []string) *opTable {
	t := &opTable{}
	for _, o := range ops {
		t[o[0]] = append(t[o[0]], o)
	}
	return t
}

var (
	csOpTable = newOpTable(csOps)
	vbOpTable = newOpTable(vbOps)
	psOpTable = newOpTable(psOps)
)

func (lx *lexer) op(ops *opTable) {
	start := lx.pos
	c := lx.src[lx.pos]
	// only a few bytes start multi-byte operators: check those
	switch c {
	case '<', '>', '?', '|', '&', '^', '~', '=', '!', '+', '-', '*', '/', '%', ':', '.', '@', '$':
		rest := lx.src[lx.pos:lx.end]
		for _, o := range ops[c] {
			if strings.HasPrefix(rest, o) {
				lx.pos += len(o)
				lx.emit(TOp, start, "")
				return
			}
		}
	}
	lx.pos++
	lx.emit(TOp, start, "")
}

func (lx *lexer) run() {
	switch lx.lang {
	case LangVB:
		lx.runVB()
	case LangPS:
		lx.runPS()
	default:
		lx.runC()
	}
}

// ---- C# and F# ----

func (lx *lexer) runC() {
	fs := lx.lang == LangFSharp
	for lx.pos < lx.end {
		c := lx.src[lx.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			lx.pos++
			for lx.pos < lx.end && (lx.src[lx.pos] == ' ' || lx.src[lx.pos] == '\t') {
				lx.pos++ // indentation runs
			}
		case c == '/' && lx.peek(1) == '/':
			s := lx.pos
			lx.toEOL()
			lx.comment(s)
		case c == '/' && lx.peek(1) == '*' && !fs:
			s := lx.pos
			i := strings.Index(lx.src[lx.pos+2:lx.end], "*/")
			if i < 0 {
				lx.pos = lx.end
			} else {
				lx.pos += 2 + i + 2
			}
			lx.comment(s)
		case fs && c == '(' && lx.peek(1) == '*' && lx.peek(2) != ')':
			s := lx.pos
			lx.pos += 2
			depth := 1
			for lx.pos < lx.end && depth > 0 {
				if lx.peek(0) == '(' && lx.peek(1) == '*' {
					depth++
					lx.pos += 2
				} else if lx.peek(0) == '*' && lx.peek(1) == ')' {
					depth--
					lx.pos += 2
				} else {
					lx.pos++
				}
			}
			lx.comment(s)
		case c == '#' && lx.atLineStart():
			s := lx.pos
			lx.toEOL()
			lx.out.Directives = append(lx.out.Directives, Span{Start: s, End: lx.pos, Text: lx.src[s:lx.pos]})
		case c == '"' || (c == '@' || c == '$') && (lx.peek(1) == '"' || (lx.peek(1) == '@' || lx.peek(1) == '$') && lx.peek(2) == '"') || c == '$' && lx.peek(1) == '$':
			lx.cString()
		case c == '\'':
			lx.cChar(fs)
		case c >= '0' && c <= '9':
			lx.number()
		case c == '@' && isIdentStart(lx.peek(1)):
			lx.pos++
			lx.ident()
		case isIdentStart(c):
			lx.ident()
		default:
			lx.op(csOpTable)
		}
	}
}

// cString lexes "..", @"..", $"..", $@"..", @$"..", """raw""" and $"""raw""".
func (lx *lexer) cString() {
	start := lx.pos
	verbatim := false
	for lx.pos < lx.end && (lx.src[lx.pos] == '@' || lx.src[lx.pos] == '$') {
		if lx.src[lx.pos] == '@' {
			verbatim = true
		}
		lx.pos++
	}
	if lx.pos >= lx.end || lx.src[lx.pos] != '"' {
		// a prefix with no string after it ("$$" at the end of a file, "$$x")
		lx.pos = start + 1
		lx.emit(TOp, start, "")
		return
	}
	// raw string: three or more quotes
	q := 0
	for lx.pos+q < lx.end && lx.src[lx.pos+q] == '"' {
		q++
	}
	if q >= 3 {
		lx.pos += q
		cs := lx.pos
		delim := strings.Repeat(`"`, q)
		i := strings.Index(lx.src[lx.pos:lx.end], delim)
		if i < 0 {
			lx.pos = lx.end
			lx.emitString(start, cs, lx.end)
			return
		}
		lx.pos += i + q
		for lx.pos < lx.end && lx.src[lx.pos] == '"' {
			lx.pos++
		}
		lx.emitString(start, cs, cs+i)
		return
	}
	lx.pos++ // opening quote
	cs := lx.pos
	// fast path: no escape before the closing quote, the value is the source
	for j := lx.pos; j < lx.end; j++ {
		if c := lx.src[j]; c == '"' {
			if verbatim && j+1 < lx.end && lx.src[j+1] == '"' {
				break
			}
			lx.pos = j + 1
			lx.out.Toks = append(lx.out.Toks, Token{Kind: TString, Text: lx.src[start:lx.pos], Val: lx.src[cs:j], Start: start, End: lx.pos, ContentStart: cs})
			return
		} else if !verbatim && (c == '\\' || c == '\n') {
			break
		}
	}
	var b strings.Builder
	for lx.pos < lx.end {
		c := lx.src[lx.pos]
		if verbatim {
			if c == '"' {
				if lx.peek(1) == '"' {
					b.WriteByte('"')
					lx.pos += 2
					continue
				}
				break
			}
		} else {
			if c == '\\' && lx.pos+1 < lx.end {
				b.WriteByte(lx.src[lx.pos+1])
				lx.pos += 2
				continue
			}
			if c == '"' || c == '\n' {
				break
			}
		}
		b.WriteByte(c)
		lx.pos++
	}
	ce := lx.pos
	if lx.pos < lx.end && lx.src[lx.pos] == '"' {
		lx.pos++
	}
	lx.out.Toks = append(lx.out.Toks, Token{Kind: TString, Text: lx.src[start:lx.pos], Val: b.String(), Start: start, End: lx.pos, ContentStart: cs})
	_ = ce
}

func (lx *lexer) emitString(start, cs, ce int) {
	lx.out.Toks = append(lx.out.Toks, Token{Kind: TString, Text: lx.src[start:lx.pos], Val: lx.src[cs:ce], Start: start, End: lx.pos, ContentStart: cs, HereString: true})
}

func (lx *lexer) cChar(fs bool) {
	start := lx.pos
	// F# type parameters 'T and C# never; a char literal closes within a few bytes.
	limit := lx.pos + 12
	if limit > lx.end {
		limit = lx.end
	}
	i := lx.pos + 1
	for i < limit {
		if lx.src[i] == '\\' {
			i += 2
			continue
		}
		if lx.src[i] == '\'' || lx.src[i] == '\n' {
			break
		}
		i++
	}
	if i < limit && i < lx.end && lx.src[i] == '\'' {
		lx.pos = i + 1
		lx.emit(TString, start, lx.src[start+1:i])
		return
	}
	if fs {
		lx.pos++
		if lx.pos < lx.end && isIdentStart(lx.src[lx.pos]) {
			lx.ident()
			return
		}
		lx.emit(TOp, start, "")
		return
	}
	lx.pos++
	lx.emit(TOp, start, "")
}

// ---- VB.NET ----

var vbOps = []string{"<<=", ">>=", "<>", "<=", ">=", "+=", "-=", "&=", ":=", "=>", "?."}

func (lx *lexer) runVB() {
	for lx.pos < lx.end {
		c := lx.src[lx.pos]
		switch {
		case c == '\n':
			lx.emitNL(lx.pos)
			lx.pos++
		case c == ' ' || c == '\t' || c == '\r':
			lx.pos++
		case c == '_' && !isIdentPart(lx.peek(1)) && lx.lineRestBlank(lx.pos+1):
			// line continuation: skip to after the newline
			lx.toEOL()
			lx.pos++
		case c == '\'' || strings.HasPrefix(lx.src[lx.pos:lx.end], "\u2018") || strings.HasPrefix(lx.src[lx.pos:lx.end], "\u2019"):
			s := lx.pos
			lx.toEOL()
			lx.comment(s)
		case (c == 'R' || c == 'r') && strings.EqualFold(lx.src[lx.pos:min(lx.pos+3, lx.end)], "rem") && (lx.pos+3 >= lx.end || lx.src[lx.pos+3] == ' ' || lx.src[lx.pos+3] == '\t' || lx.src[lx.pos+3] == '\r' || lx.src[lx.pos+3] == '\n') && (lx.pos == 0 || !isIdentPart(lx.src[lx.pos-1])):
			s := lx.pos
			lx.toEOL()
			lx.comment(s)
		case c == '#' && lx.atLineStart():
			s := lx.pos
			lx.toEOL()
			lx.out.Directives = append(lx.out.Directives, Span{Start: s, End: lx.pos, Text: lx.src[s:lx.pos]})
		case c == '"' || c == '$' && lx.peek(1) == '"':
			start := lx.pos
			if c == '$' {
				lx.pos++
			}
			lx.pos++
			var b strings.Builder
			for lx.pos < lx.end {
				ch := lx.src[lx.pos]
				if ch == '"' {
					if lx.peek(1) == '"' {
						b.WriteByte('"')
						lx.pos += 2
						continue
					}
					lx.pos++
					break
				}
				if ch == '\n' {
					break
				}
				b.WriteByte(ch)
				lx.pos++
			}
			if lx.pos < lx.end && (lx.src[lx.pos] == 'c' || lx.src[lx.pos] == 'C') && !isIdentPart(lx.peek(1)) {
				lx.pos++ // "x"c char literal
			}
			lx.emit(TString, start, b.String())
		case c == '&' && (lx.peek(1)|0x20 == 'h' || lx.peek(1)|0x20 == 'o' || lx.peek(1)|0x20 == 'b') && isHexDigit(lx.peek(2)):
			lx.number()
		case c >= '0' && c <= '9':
			lx.number()
		case c == '[' && isIdentStart(lx.peek(1)):
			// escaped identifier [Name]
			start := lx.pos
			i := strings.IndexByte(lx.src[lx.pos:lx.end], ']')
			if i > 0 && !strings.ContainsAny(lx.src[lx.pos:lx.pos+i], " \n.") {
				lx.pos += i + 1
				lx.emit(TIdent, start, "")
				lx.out.Toks[len(lx.out.Toks)-1].Text = lx.src[start+1 : lx.pos-1]
				continue
			}
			lx.op(vbOpTable)
		case isIdentStart(c):
			lx.ident()
		default:
			lx.op(vbOpTable)
		}
	}
	lx.emitNL(lx.end)
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

func (lx *lexer) lineRestBlank(i int) bool {
	for ; i < lx.end; i++ {
		switch lx.src[i] {
		case ' ', '\t', '\r':
			continue
		case '\n':
			return true
		case '\'':
			return true // comment after continuation
		default:
			return false
		}
	}
	return true
}

// ---- PowerShell ----

var psOperators = map[string]bool{
	"bor": true, "band": true, "bnot": true, "bxor": true, "shl": true, "shr": true,
	"eq": true, "ne": true, "gt": true, "ge": true, "lt": true, "le": true,
	"ieq": true, "ine": true, "ceq": true, "cne": true,
	"like": true, "notlike": true, "match": true, "notmatch": true, "imatch": true, "cmatch": true,
	"contains": true, "notcontains": true, "in": true, "notin": true, "replace": true, "ireplace": true,
	"and": true, "or": true, "not": true, "xor": true, "is": true, "isnot": true, "as": true,
	"split": true, "join": true, "f": true,
}

var psOps = []string{"::", "+=", "-=", "*=", "/=", "==", "&&", "||", "..", "++", "--", "@(", "@{", "$("}

func (lx *lexer) runPS() {
	for lx.pos < lx.end {
		c := lx.src[lx.pos]
		switch {
		case c == '\n':
			if lx.depth <= 0 {
				lx.emitNL(lx.pos)
			}
			lx.pos++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			lx.pos++
		case c == '`':
			// escape / line continuation
			if lx.peek(1) == '\n' || lx.peek(1) == '\r' && lx.peek(2) == '\n' {
				lx.toEOL()
				lx.pos++
				continue
			}
			lx.pos += 2
		case c == '<' && lx.peek(1) == '#':
			s := lx.pos
			i := strings.Index(lx.src[lx.pos+2:lx.end], "#>")
			if i < 0 {
				lx.pos = lx.end
			} else {
				lx.pos += 2 + i + 2
			}
			lx.comment(s)
		case c == '#':
			s := lx.pos
			lx.toEOL()
			lx.comment(s)
		case c == '@' && (lx.peek(1) == '"' || lx.peek(1) == '\'') && lx.hereStart():
			lx.psHereString()
		case c == '\'' || c == '"' || c == 0xE2 && lx.peek(1) == 0x80 && (lx.peek(2) == 0x98 || lx.peek(2) == 0x99 || lx.peek(2) == 0x9C || lx.peek(2) == 0x9D):
			lx.psString()
		case c == '$':
			lx.psVar()
		case c == '-' && isIdentStart(lx.peek(1)) && (lx.pos == 0 || !isIdentPart(lx.src[lx.pos-1]) && lx.src[lx.pos-1] != ']' && lx.src[lx.pos-1] != ')'):
			start := lx.pos
			lx.pos++
			for lx.pos < lx.end && (isIdentPart(lx.src[lx.pos]) || lx.src[lx.pos] == '-' && isIdentStart(lx.peek(1))) {
				lx.pos++
			}
			name := strings.ToLower(lx.src[start+1 : lx.pos])
			if psOperators[name] {
				lx.emit(TOp, start, "-"+name)
			} else {
				// -Param:value — keep the colon as its own op
				lx.emit(TParam, start, name)
			}
		case c >= '0' && c <= '9':
			lx.number()
		case isIdentStart(c):
			// command names may contain '-' (Set-ItemProperty) and '.'
			start := lx.pos
			for lx.pos < lx.end {
				ch := lx.src[lx.pos]
				if isIdentPart(ch) || ch == '-' && isIdentStart(lx.peek(1)) && lx.pos > start || ch == '.' && isIdentStart(lx.peek(1)) && lx.insideBracketType() {
					lx.pos++
					continue
				}
				break
			}
			lx.emit(TIdent, start, "")
		default:
			start := lx.pos
			lx.op(psOpTable)
			t := lx.src[start:lx.pos]
			switch t {
			case "(", "@(", "$(", "[":
				lx.depth++
			case ")", "]":
				if lx.depth > 0 {
					lx.depth--
				}
			}
		}
	}
	lx.emitNL(lx.end)
}

// insideBracketType reports whether the last op token is '[' (a type literal
// such as [System.Net.ServicePointManager]), so dots join the name.
func (lx *lexer) insideBracketType() bool {
	n := len(lx.out.Toks)
	return n > 0 && lx.out.Toks[n-1].Kind == TOp && lx.out.Toks[n-1].Text == "["
}

func (lx *lexer) hereStart() bool {
	// @" or @' followed by optional spaces and a newline
	for i := lx.pos + 2; i < lx.end; i++ {
		switch lx.src[i] {
		case ' ', '\t', '\r':
			continue
		case '\n':
			return true
		default:
			return false
		}
	}
	return false
}

func (lx *lexer) psHereString() {
	start := lx.pos
	q := lx.src[lx.pos+1]
	nl := strings.IndexByte(lx.src[lx.pos:lx.end], '\n')
	lx.pos += nl + 1
	cs := lx.pos
	term := "\n" + string(q) + "@"
	// the terminator must be at the start of a line (optionally indented in PS7)
	i := cs - 1
	for {
		j := strings.Index(lx.src[i:lx.end], string(q)+"@")
		if j < 0 {
			lx.pos = lx.end
			lx.emitString(start, cs, lx.end)
			return
		}
		k := i + j
		// check only whitespace between the previous newline and k
		ls := strings.LastIndexByte(lx.src[:k], '\n')
		if ls >= cs-1 && strings.TrimSpace(lx.src[ls+1:k]) == "" {
			ce := ls
			if ce < cs {
				ce = cs
			}
			lx.pos = k + 2
			lx.emitString(start, cs, ce)
			return
		}
		i = k + 2
		_ = term
	}
}

func (lx *lexer) psString() {
	start := lx.pos
	c := lx.src[lx.pos]
	double := c == '"'
	if c == 0xE2 {
		double = lx.peek(2) == 0x9C || lx.peek(2) == 0x9D
		lx.pos += 3
	} else {
		lx.pos++
	}
	var b strings.Builder
	for lx.pos < lx.end {
		ch := lx.src[lx.pos]
		if double && ch == '`' && lx.pos+1 < lx.end {
			b.WriteByte(lx.src[lx.pos+1])
			lx.pos += 2
			continue
		}
		if ch == '"' && double || ch == '\'' && !double {
			if lx.peek(1) == ch {
				b.WriteByte(ch)
				lx.pos += 2
				continue
			}
			lx.pos++
			break
		}
		if ch == 0xE2 && lx.peek(1) == 0x80 && (lx.peek(2) >= 0x98 && lx.peek(2) <= 0x9D) {
			lx.pos += 3
			break
		}
		b.WriteByte(ch)
		lx.pos++
	}
	t := Token{Kind: TString, Text: lx.src[start:lx.pos], Val: b.String(), Start: start, End: lx.pos, ContentStart: start + 1}
	lx.out.Toks = append(lx.out.Toks, t)
}

func (lx *lexer) psVar() {
	start := lx.pos
	lx.pos++
	if lx.peek(0) == '{' {
		i := strings.IndexByte(lx.src[lx.pos:lx.end], '}')
		if i < 0 {
			lx.pos = lx.end
		} else {
			lx.pos += i + 1
		}
		lx.emit(TVar, start, strings.ToLower(strings.Trim(lx.src[start+1:lx.pos], "{}")))
		return
	}
	if lx.peek(0) == '(' {
		lx.pos--
		lx.op(psOpTable) // $(
		lx.depth++
		return
	}
	for lx.pos < lx.end && (isIdentPart(lx.src[lx.pos]) || lx.src[lx.pos] == ':' && isIdentStart(lx.peek(1)) || lx.src[lx.pos] == '?' || lx.src[lx.pos] == '^' || lx.src[lx.pos] == '$' && lx.pos == start+1) {
		lx.pos++
	}
	name := strings.ToLower(lx.src[start+1 : lx.pos])
	for _, p := range []string{"script:", "global:", "local:", "private:"} {
		name = strings.TrimPrefix(name, p)
	}
	lx.emit(TVar, start, name)
}
