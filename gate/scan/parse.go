package scan

import (
	"strings"

	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// analyzer holds one lexed code region (a file, or an embedded block of one)
// and answers structural questions about it: statement bounds, declarations,
// methods, constant values.
type analyzer struct {
	f     *source.File
	lang  Lang
	lx    *Lexed
	t     []Token
	pair  []int32 // index of the matching bracket, -1 when unmatched
	decls map[string][]decl
	meths map[string][]method
	res   *fileResult
	depth int
	// shared with embedded regions of the same file (PS + Add-Type C#)
	acceptAllTypes map[string]bool
	noRegExe       bool // reg.exe calls are left to the application model
	// bound holds call-site values of a helper's parameters while the
	// helper's sink expression is re-evaluated for one call site
	bound map[string]val
	// psBound binds PowerShell function parameters (and foreach variables)
	// to call-site strings; psBoundUse counts their uses
	psBound    map[string]string
	psBoundUse int
	psForeach  []int // token indices of "foreach ($v in", collected on first use
	// fieldTypes maps class-level field names to their declaration text
	fieldTypes map[string]string
}

type decl struct{ name, vs, ve int }

type method struct {
	name       string
	params     []string
	bs, be     int // body token range [bs, be)
	exprBody   bool
	start, end int // whole declaration token range
	// prop marks a C# property getter (Name => expr; Name { get => expr; } or
	// Name { get { return expr; } }): it is read without parentheses.
	prop bool
}

func newAnalyzer(f *source.File, lang Lang, start, end int, res *fileResult) *analyzer {
	lx := Lex(lang, f.Text, start, end)
	a := &analyzer{f: f, lang: lang, lx: lx, t: lx.Toks, res: res}
	a.pairBrackets()
	return a
}

func (a *analyzer) ci() bool { return a.lang == LangVB || a.lang == LangPS }

// key normalises a name for lookups: VB and PowerShell names are
// case-insensitive, C# and F# names are not.
func (a *analyzer) key(s string) string {
	if a.ci() {
		return strings.ToLower(s)
	}
	return s
}

func (a *analyzer) tok(i int) Token {
	if i < 0 || i >= len(a.t) {
		return Token{}
	}
	return a.t[i]
}

func (a *analyzer) isOp(i int, ops ...string) bool {
	if i < 0 || i >= len(a.t) {
		return false
	}
	t := &a.t[i] // no copy: this is the analyzers' hottest helper
	if t.Kind != TOp {
		return false
	}
	for _, o := range ops {
		if t.Text == o {
			return true
		}
	}
	return false
}

func (a *analyzer) isIdent(i int, names ...string) bool {
	if i < 0 || i >= len(a.t) {
		return false
	}
	t := &a.t[i]
	if t.Kind != TIdent {
		return false
	}
	for _, n := range names {
		if strings.EqualFold(t.Text, n) {
			return true
		}
	}
	return false
}

func (a *analyzer) isNL(i int) bool { return a.tok(i).Kind == TNL }

// lineBreakBefore reports whether a newline separates token i from token i-1.
func (a *analyzer) lineBreakBefore(i int) bool {
	if i <= 0 || i >= len(a.t) {
		return true
	}
	return strings.IndexByte(a.f.Text[a.t[i-1].End:a.t[i].Start], '\n') >= 0
}

func isOpen(t Token) bool {
	return t.Kind == TOp && (t.Text == "(" || t.Text == "[" || t.Text == "{" || t.Text == "@(" || t.Text == "@{" || t.Text == "$(")
}

func isClose(t Token) bool {
	return t.Kind == TOp && (t.Text == ")" || t.Text == "]" || t.Text == "}")
}

// pairBrackets matches every bracket once (O(n)), so match/matchBack are
// constant time even on hostile input.
func (a *analyzer) pairBrackets() {
	a.pair = make([]int32, len(a.t))
	var stack []int32
	for i := range a.t {
		a.pair[i] = -1
		t := &a.t[i]
		if t.Kind != TOp {
			continue
		}
		switch t.Text { // isOpen / isClose, without copying the token
		case "(", "[", "{", "@(", "@{", "$(":
			stack = append(stack, int32(i))
		case ")", "]", "}":
			if n := len(stack); n > 0 {
				o := stack[n-1]
				stack = stack[:n-1]
				a.pair[i], a.pair[o] = o, int32(i)
			}
		}
	}
}

// match returns the index of the bracket matching the opener at i (or the
// end of the stream).
func (a *analyzer) match(i int) int {
	if i < 0 || i >= len(a.t) || a.pair[i] < 0 {
		return len(a.t)
	}
	return int(a.pair[i])
}

// after returns the index just past the closer that matches the opener at i:
// len(a.t) when the opener is never closed (hostile or truncated input), so
// that it is always a valid exclusive end.
func (a *analyzer) after(i int) int {
	return min(a.match(i)+1, len(a.t))
}

// matchBack returns the index of the opener matching the closer at i (or -1).
func (a *analyzer) matchBack(i int) int {
	if i < 0 || i >= len(a.t) {
		return -1
	}
	return int(a.pair[i])
}

// maxStmt bounds how far a statement is scanned (hostile input).
const maxStmt = 20000

var continuationOps = map[string]bool{
	"|": true, "||": true, "&": true, "&&": true, "+": true, "-": true, "*": true, "/": true, ",": true, "=": true,
	"(": true, "[": true, "{": true, "|||": true, "&&&": true, "^": true, "<-": true, "=>": true, "->": true, ".": true,
	"-bor": true, "-band": true, "-bxor": true, "-bnot": true, "-and": true, "-or": true, "+=": true, "|=": true, "&=": true, "?": true, ":": true,
	"@(": true, "@{": true,
}

var vbContinuationWords = map[string]bool{"or": true, "and": true, "orelse": true, "andalso": true, "xor": true, "not": true, "is": true, "isnot": true}

// stmtEnd returns the index just past the last token of the expression or
// statement that starts at i: C# ends at ';' or at a ',' / closer that
// would leave the enclosing bracket; VB, F# and PowerShell also end at a
// line break at depth 0 unless the line ends with an operator.
func (a *analyzer) stmtEnd(i int) int {
	d := 0
	nlLang := a.lang != LangCSharp
	for j := i; j < len(a.t); j++ {
		if j-i > maxStmt {
			return j
		}
		t := a.t[j]
		if t.Kind == TNL {
			if d == 0 && j > i && !a.continues(j-1) {
				return j
			}
			continue
		}
		if nlLang && a.lang == LangFSharp && d == 0 && j > i && a.lineBreakBefore(j) && !a.continues(j-1) && !(t.Kind == TOp && (t.Text == "|||" || t.Text == "|")) {
			return j
		}
		if isOpen(t) {
			d++
			continue
		}
		if isClose(t) {
			if d == 0 {
				return j
			}
			d--
			if d == 0 && t.Text == "}" && a.lang == LangPS && j+1 < len(a.t) && a.t[j+1].Kind == TNL {
				// a scriptblock argument closes the statement at the line end
				continue
			}
			continue
		}
		if d == 0 && t.Kind == TOp && (t.Text == ";" || t.Text == "," && a.lang != LangPS) {
			return j
		}
		if d == 0 && a.lang == LangVB && t.Kind == TOp && t.Text == ":" {
			return j
		}
	}
	return len(a.t)
}

func (a *analyzer) continues(j int) bool {
	t := a.tok(j)
	if t.Kind == TOp && continuationOps[t.Text] {
		return true
	}
	if a.lang == LangVB && t.Kind == TIdent && vbContinuationWords[strings.ToLower(t.Text)] {
		return true
	}
	return false
}

// chainStart walks back from token i over a member-access chain
// (a.b?.c, [T]::m, x().y, this.z) and returns its first token index.
func (a *analyzer) chainStart(i int) int {
	j := i
	for {
		p := j - 1
		if !a.isOp(p, ".", "?.", "::", "!") {
			return j
		}
		q := p - 1
		t := a.tok(q)
		switch {
		case t.Kind == TIdent || t.Kind == TVar:
			j = q
		case t.Kind == TOp && (t.Text == ")" || t.Text == "]"):
			o := a.matchBack(q)
			if o < 0 {
				return j
			}
			j = o
			if a.tok(o-1).Kind == TIdent && t.Text == ")" {
				j = o - 1
			}
		default:
			// VB With-initializer ".Name" — start at the dot
			if a.lang == LangVB && a.tok(p).Text == "." {
				return p
			}
			return j
		}
	}
}

var controlWords = map[string]bool{
	"if": true, "while": true, "for": true, "foreach": true, "switch": true, "using": true, "lock": true,
	"fixed": true, "catch": true, "elseif": true, "until": true,
}

// stmtStart walks back from token i to the first token of its statement.
func (a *analyzer) stmtStart(i int) int {
	j := i
	for k := i - 1; k >= 0 && i-k < maxStmt; k-- {
		t := a.t[k]
		if t.Kind == TNL {
			if a.continues(k-1) && !(a.lang == LangCSharp && a.isOp(k-1, "=>")) {
				continue
			}
			return j
		}
		if a.lang == LangCSharp && t.Kind == TOp && t.Text == "=>" {
			// a lambda or expression body is a statement of its own: the
			// sink inside it is reported on its line, not on the enclosing
			// call, if or member declaration
			return j
		}
		if a.lang != LangCSharp && a.lineBreakBefore(j) && !a.continues(k) && a.lang == LangFSharp {
			return j
		}
		if t.Kind == TOp {
			switch t.Text {
			case ";", "{", "}", "@{":
				return j
			case ")", "]":
				o := a.matchBack(k)
				if o < 0 {
					return j
				}
				if t.Text == ")" && a.tok(o-1).Kind == TIdent && controlWords[strings.ToLower(a.tok(o-1).Text)] {
					return j
				}
				k = o
				j = o
				continue
			}
		}
		if a.lang == LangVB && t.Kind == TIdent && strings.EqualFold(t.Text, "Then") {
			return j
		}
		j = k
	}
	return j
}

// need builds the declaration and method index on first use: most lexed
// files have no sink, and then it is never built.
func (a *analyzer) need() {
	if a.decls == nil {
		a.collect()
	}
}

// collect indexes declarations (name = value) and method bodies.
func (a *analyzer) collect() {
	a.decls = map[string][]decl{}
	a.meths = map[string][]method{}
	for i := 0; i < len(a.t); i++ {
		t := &a.t[i] // no copy: collect visits every token
		if t.Kind == TOp && (t.Text == "=" || t.Text == ":=") && i > 0 {
			if a.isOp(i+1, "=") || a.isOp(i-1, "=", "!", "<", ">") {
				continue
			}
			n := i - 1
			nt := a.t[n]
			switch a.lang {
			case LangVB:
				// Dim x As T = v / Const X As T = v / x = v at line start
				if nt.Kind == TIdent {
					k := n
					for a.isOp(k-1, ".") && a.tok(k-2).Kind == TIdent {
						k -= 2
					}
					if a.isIdent(k-1, "As") && a.tok(k-2).Kind == TIdent {
						n = k - 2
					} else if a.isIdent(k-1, "New") && a.isIdent(k-2, "As") {
						continue
					}
				}
				if !(a.tok(n-1).Kind == TNL || n == 0 || a.isIdent(n-1, "Dim", "Const", "Static", "ReadOnly", "Shared", "Private", "Public", "Friend", "Protected")) {
					continue
				}
			case LangFSharp:
				if nt.Kind == TIdent && a.isOp(n-1, ":") {
					// let x : T = v
					k := n - 1
					if a.tok(k-1).Kind == TIdent {
						n = k - 1
					}
				}
			}
			if a.lang == LangCSharp && a.isOp(n, "}") {
				if pn, ok := a.autoPropertyName(n); ok {
					n = pn
				}
			}
			nt = a.tok(n)
			if nt.Kind != TIdent && nt.Kind != TVar {
				continue
			}
			if a.isOp(n-1, ".", "?.", "::") {
				continue
			}
			vs := i + 1
			if vs >= len(a.t) {
				continue
			}
			ve := a.stmtEnd(vs)
			name := nt.Text
			if nt.Kind == TVar {
				name = nt.Val
			}
			k := a.key(name)
			a.decls[k] = append(a.decls[k], decl{name: n, vs: vs, ve: ve})
		}
		a.collectMethod(i)
	}
}

var notMethodNames = map[string]bool{
	"if": true, "while": true, "for": true, "foreach": true, "switch": true, "using": true, "lock": true,
	"catch": true, "return": true, "new": true, "nameof": true, "typeof": true, "sizeof": true, "when": true,
	"await": true, "base": true, "this": true, "fixed": true, "default": true, "checked": true, "unchecked": true,
}

func (a *analyzer) collectMethod(i int) {
	t := &a.t[i]
	switch a.lang {
	case LangCSharp:
		if t.Kind == TIdent && !notMethodNames[t.Text] && (a.isOp(i+1, "=>") || a.isOp(i+1, "{") && a.isIdent(i+2, "get")) {
			a.collectProperty(i)
			return
		}
		if t.Kind != TIdent || !a.isOp(i+1, "(") || notMethodNames[t.Text] {
			return
		}
		p := a.tok(i - 1)
		if !(p.Kind == TIdent && !notMethodNames[p.Text] && p.Text != "else" || p.Kind == TOp && (p.Text == ">" || p.Text == "]" || p.Text == "?")) {
			return
		}
		cl := a.match(i + 1)
		b := cl + 1
		// skip generic constraints "where T : ..."
		for b < len(a.t) && a.isIdent(b, "where") {
			for b < len(a.t) && !a.isOp(b, "{", "=>", ";") {
				b++
			}
		}
		m := method{name: t.Text, start: i}
		switch {
		case a.isOp(b, "{"):
			m.bs, m.be = b+1, a.match(b)
			m.end = m.be
		case a.isOp(b, "=>"):
			m.bs, m.be, m.exprBody = b+1, a.stmtEnd(b+1), true
			m.end = m.be
		default:
			return
		}
		m.params = a.paramNames(i+2, cl)
		a.meths[a.key(m.name)] = append(a.meths[a.key(m.name)], m)
	case LangVB:
		if !(a.isIdent(i, "Function", "Sub")) || a.isIdent(i-1, "End", "Exit") || a.tok(i+1).Kind != TIdent || !a.isOp(i+2, "(") {
			return
		}
		kw := a.t[i].Text
		cl := a.match(i + 2)
		m := method{name: a.t[i+1].Text, params: a.paramNames(i+3, cl), start: i}
		j := cl + 1
		for j < len(a.t) && !a.isNL(j) {
			j++
		}
		m.bs = j + 1
		for k := j; k+1 < len(a.t); k++ {
			if a.isIdent(k, "End") && strings.EqualFold(a.t[k+1].Text, kw) {
				m.be = k
				break
			}
		}
		if m.be == 0 {
			return
		}
		m.end = m.be
		a.meths[a.key(m.name)] = append(a.meths[a.key(m.name)], m)
	case LangPS:
		if !a.isIdent(i, "function", "filter") || a.tok(i+1).Kind != TIdent {
			return
		}
		m := method{name: a.t[i+1].Text, start: i}
		j := i + 2
		if a.isOp(j, "(") {
			cl := a.match(j)
			m.params = a.paramNames(j+1, cl)
			j = cl + 1
		}
		for j < len(a.t) && a.isNL(j) {
			j++
		}
		if !a.isOp(j, "{") {
			return
		}
		m.bs, m.be = j+1, a.match(j)
		m.end = m.be
		// param( ... ) block
		k := m.bs
		for k < m.be && (a.isNL(k) || a.tok(k).Kind == TOp && a.tok(k).Text == "[") {
			if a.isOp(k, "[") {
				k = a.after(k)
				continue
			}
			k++
		}
		if a.isIdent(k, "param") && a.isOp(k+1, "(") {
			cl := a.match(k + 1)
			m.params = append(m.params, a.paramNames(k+2, cl)...)
		}
		a.meths[a.key(m.name)] = append(a.meths[a.key(m.name)], m)
	}
}

// collectProperty records a C# property getter declared at token i (the
// property name): "T Name => expr;", "T Name { get => expr; }" and
// "T Name { get { … return expr; … } }". A lambda "x => …" is not a
// property: the token before the name must end a type (an identifier that is
// not a keyword, or >, ], ?).
func (a *analyzer) collectProperty(i int) {
	p := a.tok(i - 1)
	typeEnd := p.Kind == TIdent && !notMethodNames[p.Text] && !propNotType[p.Text] ||
		p.Kind == TOp && (p.Text == ">" || p.Text == "]" || p.Text == "?")
	if !typeEnd {
		return
	}
	m := method{name: a.t[i].Text, start: i, prop: true}
	switch {
	case a.isOp(i+1, "=>"):
		m.bs, m.be, m.exprBody = i+2, a.stmtEnd(i+2), true
	default: // Name { get … }
		g := i + 2
		switch {
		case a.isOp(g+1, "=>"):
			m.bs, m.be, m.exprBody = g+2, a.stmtEnd(g+2), true
		case a.isOp(g+1, "{"):
			m.bs, m.be = g+2, a.match(g+1)
		default:
			return // auto-property: its initializer is a declaration
		}
	}
	if m.be <= m.bs {
		return
	}
	m.end = m.be
	a.meths[a.key(m.name)] = append(a.meths[a.key(m.name)], m)
}

// propNotType lists words that can precede "x =>" in a lambda or a pattern
// and are not the end of a property type.
var propNotType = map[string]bool{"async": true, "in": true, "out": true, "ref": true, "is": true, "and": true, "or": true, "not": true, "select": true, "where": true, "let": true, "case": true, "var": true}

// autoPropertyName returns the name token of "Name { get; … }" when token c
// is the closing brace of an accessor list without bodies (the initializer
// after it is the property's value).
func (a *analyzer) autoPropertyName(c int) (int, bool) {
	o := a.matchBack(c)
	if o <= 0 || !a.isOp(o, "{") || a.tok(o-1).Kind != TIdent {
		return 0, false
	}
	for k := o + 1; k < c; k++ {
		if !(a.isIdent(k, "get", "set", "init", "private", "protected", "internal") || a.isOp(k, ";")) {
			return 0, false
		}
	}
	return o - 1, true
}

// paramNames extracts parameter names from the token range of a parameter list.
func (a *analyzer) paramNames(s, e int) []string {
	var out []string
	d := 0
	last := ""
	seenEq := false
	flush := func() {
		if last != "" {
			out = append(out, a.key(last))
		}
		last, seenEq = "", false
	}
	for j := s; j < e && j < len(a.t); j++ {
		t := a.t[j]
		if isOpen(t) {
			d++
			continue
		}
		if isClose(t) {
			d--
			continue
		}
		if d > 0 {
			continue
		}
		switch {
		case t.Kind == TOp && t.Text == ",":
			flush()
		case t.Kind == TOp && t.Text == "=":
			seenEq = true
		case seenEq:
		case t.Kind == TVar:
			last = t.Val
		case a.lang == LangVB && t.Kind == TIdent:
			if strings.EqualFold(t.Text, "As") {
				seenEq = true // the type follows
				continue
			}
			if !a.isIdent(j, "ByVal", "ByRef", "Optional", "ParamArray") {
				last = t.Text
			}
		case t.Kind == TIdent && a.lang != LangVB && a.lang != LangPS:
			last = t.Text
		}
	}
	flush()
	return out
}

// enclosingMethod returns the innermost method whose body contains token i.
func (a *analyzer) enclosingMethod(i int) *method {
	a.need()
	var best *method
	for _, ms := range a.meths {
		for k := range ms {
			m := &ms[k]
			if i >= m.bs && i < m.be && (best == nil || m.bs > best.bs) {
				best = m
			}
		}
	}
	return best
}
