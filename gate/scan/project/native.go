package project

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/rules"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// nativeConsts is the canonical table of WinHTTP, WinINet and SChannel
// constants (detection-rules.md §1.2, §1.3). Names resolve here first; a
// local #define with another value is reported as TLS909.
var nativeConsts = map[string]uint64{
	"WINHTTP_OPTION_SECURE_PROTOCOLS":          84,
	"WINHTTP_OPTION_SECURITY_FLAGS":            31,
	"WINHTTP_FLAG_SECURE_PROTOCOL_SSL2":        0x8,
	"WINHTTP_FLAG_SECURE_PROTOCOL_SSL3":        0x20,
	"WINHTTP_FLAG_SECURE_PROTOCOL_TLS1":        0x80,
	"WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1":      0x200,
	"WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2":      0x800,
	"WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3":      0x2000,
	"WINHTTP_FLAG_SECURE_PROTOCOL_ALL":         0xA8,
	"SECURITY_FLAG_IGNORE_REVOCATION":          0x80,
	"SECURITY_FLAG_IGNORE_UNKNOWN_CA":          0x100,
	"SECURITY_FLAG_IGNORE_WRONG_USAGE":         0x200,
	"SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE":    0x200,
	"SECURITY_FLAG_IGNORE_CERT_CN_INVALID":     0x1000,
	"SECURITY_FLAG_IGNORE_CERT_DATE_INVALID":   0x2000,
	"SECURITY_FLAG_IGNORE_ALL_CERT_ERRORS":     0x3380,
	"INTERNET_OPTION_SECURITY_FLAGS":           31,
	"SP_PROT_NONE":                             0,
	"SP_PROT_PCT1_SERVER":                      0x1,
	"SP_PROT_PCT1_CLIENT":                      0x2,
	"SP_PROT_PCT1":                             0x3,
	"SP_PROT_SSL2_SERVER":                      0x4,
	"SP_PROT_SSL2_CLIENT":                      0x8,
	"SP_PROT_SSL2":                             0xC,
	"SP_PROT_SSL3_SERVER":                      0x10,
	"SP_PROT_SSL3_CLIENT":                      0x20,
	"SP_PROT_SSL3":                             0x30,
	"SP_PROT_TLS1_SERVER":                      0x40,
	"SP_PROT_TLS1_CLIENT":                      0x80,
	"SP_PROT_TLS1":                             0xC0,
	"SP_PROT_TLS1_0_SERVER":                    0x40,
	"SP_PROT_TLS1_0_CLIENT":                    0x80,
	"SP_PROT_TLS1_0":                           0xC0,
	"SP_PROT_TLS1_1_SERVER":                    0x100,
	"SP_PROT_TLS1_1_CLIENT":                    0x200,
	"SP_PROT_TLS1_1":                           0x300,
	"SP_PROT_TLS1_2_SERVER":                    0x400,
	"SP_PROT_TLS1_2_CLIENT":                    0x800,
	"SP_PROT_TLS1_2":                           0xC00,
	"SP_PROT_TLS1_3_SERVER":                    0x1000,
	"SP_PROT_TLS1_3_CLIENT":                    0x2000,
	"SP_PROT_TLS1_3":                           0x3000,
	"SP_PROT_SSL3TLS1_CLIENTS":                 0xA0,
	"SP_PROT_SSL3TLS1_SERVERS":                 0x50,
	"SP_PROT_SSL3TLS1":                         0xF0,
	"SP_PROT_TLS1_1PLUS_CLIENT":                0x2A00,
	"SP_PROT_TLS1_1PLUS_SERVER":                0x1500,
	"SP_PROT_TLS1_X_CLIENT":                    0x2A80,
	"SP_PROT_TLS1_X_SERVER":                    0x1540,
	"SP_PROT_TLS1_X":                           0x3FC0,
	"SP_PROT_CLIENTS":                          0x2AAA,
	"SP_PROT_SERVERS":                          0x1555,
	"SP_PROT_ALL":                              0xFFFFFFFF,
	"SP_PROT_DTLS_SERVER":                      0x10000,
	"SCH_USE_STRONG_CRYPTO":                    0x00400000,
	"SCH_CRED_MANUAL_CRED_VALIDATION":          0x8,
	"SCH_CRED_NO_SERVERNAME_CHECK":             0x4,
	"INTERNET_FLAG_IGNORE_CERT_CN_INVALID":     0x00001000,
	"INTERNET_FLAG_IGNORE_CERT_DATE_INVALID":   0x00002000,
	"INTERNET_FLAG_SECURE":                     0x00800000,
	"ISC_REQ_MANUAL_CRED_VALIDATION":           0x00080000,
	"INTERNET_OPTION_SECURE_PROTOCOLS_SETTING": 0,
}

// Bounds for hostile input: matches examined per pattern and file, and how
// far back a variable's assignments are searched.
const (
	maxMatches = 2000
	varWindow  = 32 << 10
)

// maskC blanks comments, string and character literals (keeping offsets and
// newlines), so matching only sees code.
func maskC(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); {
		switch {
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				b[i] = ' '
				i++
			}
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			b[i], b[i+1] = ' ', ' '
			i += 2
			for i < len(b) && !(b[i] == '*' && i+1 < len(b) && b[i+1] == '/') {
				if b[i] != '\n' {
					b[i] = ' '
				}
				i++
			}
			if i < len(b) {
				b[i] = ' '
				if i+1 < len(b) {
					b[i+1] = ' '
				}
				i += 2
			}
		case b[i] == '"' || b[i] == '\'':
			q := b[i]
			i++
			for i < len(b) && b[i] != q && b[i] != '\n' {
				if b[i] == '\\' && i+1 < len(b) && b[i+1] != '\n' {
					b[i] = ' '
					i++
				}
				b[i] = ' '
				i++
			}
			i++
		default:
			i++
		}
	}
	return string(b)
}

var ppIfRe = regexp.MustCompile(`^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b[ \t]*(.*)$`)

// maskDeadC blanks code that the preprocessor always drops: the body of
// "#if 0" (up to its #else / #elif / #endif) and the #else branch of
// "#if 1". Other conditions are kept, since either branch may be built.
func maskDeadC(s string) string {
	type frame struct{ dead, parentDead, constant, value bool }
	var st []frame
	dead := func() bool { return len(st) > 0 && st[len(st)-1].dead }
	b := []byte(s)
	for start := 0; start < len(b); {
		end := start
		for end < len(b) && b[end] != '\n' {
			end++
		}
		line := string(b[start:end])
		if m := ppIfRe.FindStringSubmatch(line); m != nil {
			cond := strings.TrimSpace(m[2])
			switch m[1] {
			case "if", "ifdef", "ifndef":
				f := frame{parentDead: dead()}
				if m[1] == "if" && (cond == "0" || cond == "1") {
					f.constant, f.value = true, cond == "1"
				}
				f.dead = f.parentDead || f.constant && !f.value
				st = append(st, f)
			case "elif":
				if n := len(st); n > 0 {
					st[n-1].dead = st[n-1].parentDead || st[n-1].constant && st[n-1].value
					st[n-1].constant = false
				}
			case "else":
				if n := len(st); n > 0 {
					st[n-1].dead = st[n-1].parentDead || st[n-1].constant && st[n-1].value
				}
			case "endif":
				if n := len(st); n > 0 {
					st = st[:n-1]
				}
			}
		} else if dead() {
			for i := start; i < end; i++ {
				b[i] = ' '
			}
		}
		start = end + 1
	}
	return string(b)
}

// cfile is a masked C/C++ translation unit with its macros.
type cfile struct {
	f      *source.File
	code   string
	macros map[string]string
	varRes map[string]*regexp.Regexp
}

var defineRe = regexp.MustCompile(`(?m)^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]*)$`)

func (a *analysis) nativeFile(f *source.File) {
	if !strings.Contains(f.Text, "WinHttpSetOption") && !strings.Contains(f.Text, "grbit") &&
		!strings.Contains(f.Text, "INTERNET_FLAG_IGNORE_CERT") && !strings.Contains(f.Text, "MANUAL_CRED_VALIDATION") &&
		!strings.Contains(f.Text, "SCH_CRED_NO_SERVERNAME_CHECK") && !strings.Contains(f.Text, "SECURITY_FLAG_IGNORE") {
		return
	}
	c := &cfile{f: f, code: maskDeadC(maskC(f.Text)), macros: map[string]string{}}
	for _, m := range defineRe.FindAllStringSubmatchIndex(c.code, maxMatches) {
		name := c.code[m[2]:m[3]]
		val := strings.TrimSpace(c.code[m[4]:m[5]])
		c.macros[name] = val
		if canon, ok := nativeConsts[name]; ok {
			if v, ok := c.eval(val, m[0], 0); ok && v != canon {
				line, _ := f.Position(m[0])
				a.notes = append(a.notes, finding.Notification{RuleID: rules.Redefinition, Level: finding.Note,
					Message:  fmt.Sprintf("%s is re-#defined as %#x; the canonical value %#x was used", name, v, canon),
					Location: finding.Location{Path: f.Path, StartLine: line}})
			}
		}
	}
	a.winhttpCalls(c)
	a.schannelCreds(c)
	a.certFlags(c)
}

var identRe = regexp.MustCompile(`^[A-Za-z_]\w*`)

// eval folds a C constant expression; identifiers resolve through the
// canonical table, then #defines, then the last assignment before at.
func (c *cfile) eval(expr string, at, depth int) (uint64, bool) {
	if depth > 8 {
		return 0, false
	}
	p := &cparser{s: expr, c: c, at: at, depth: depth}
	v, ok := p.or()
	p.skip()
	if !ok || p.i != len(p.s) {
		return 0, false
	}
	return v, true
}

type cparser struct {
	s     string
	i     int
	c     *cfile
	at    int
	depth int
}

func (p *cparser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r' || p.s[p.i] == '\\') {
		p.i++
	}
}

func (p *cparser) peek(op string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], op) && !strings.HasPrefix(p.s[p.i:], op+op) && !strings.HasPrefix(p.s[p.i:], op+"=") {
		return true
	}
	return false
}

func (p *cparser) or() (uint64, bool) {
	v, ok := p.xor()
	for ok && p.peek("|") {
		p.i++
		var w uint64
		w, ok = p.xor()
		v |= w
	}
	return v, ok
}

func (p *cparser) xor() (uint64, bool) {
	v, ok := p.and()
	for ok && p.peek("^") {
		p.i++
		var w uint64
		w, ok = p.and()
		v ^= w
	}
	return v, ok
}

func (p *cparser) and() (uint64, bool) {
	v, ok := p.add()
	for ok && p.peek("&") {
		p.i++
		var w uint64
		w, ok = p.add()
		v &= w
	}
	return v, ok
}

func (p *cparser) add() (uint64, bool) {
	v, ok := p.unary()
	for ok {
		switch {
		case p.peek("+"):
			p.i++
			var w uint64
			w, ok = p.unary()
			v += w
		case p.peek("-"):
			p.i++
			var w uint64
			w, ok = p.unary()
			v -= w
		default:
			return v, ok
		}
	}
	return v, ok
}

var castTypes = map[string]bool{"DWORD": true, "ULONG": true, "UINT": true, "unsigned": true, "int": true, "long": true, "uint32_t": true, "DWORD_PTR": true, "ULONG_PTR": true}

func (p *cparser) unary() (uint64, bool) {
	p.skip()
	if p.i >= len(p.s) {
		return 0, false
	}
	switch p.s[p.i] {
	case '~':
		p.i++
		v, ok := p.unary()
		return ^v & 0xFFFFFFFF, ok
	case '(':
		// A cast such as (DWORD) or a parenthesised expression.
		rest := p.s[p.i+1:]
		if j := strings.IndexByte(rest, ')'); j > 0 {
			inner := strings.TrimSpace(rest[:j])
			if castTypes[strings.TrimSpace(strings.TrimPrefix(inner, "unsigned "))] || castTypes[inner] {
				p.i += j + 2
				return p.unary()
			}
		}
		p.i++
		v, ok := p.or()
		p.skip()
		if !ok || p.i >= len(p.s) || p.s[p.i] != ')' {
			return 0, false
		}
		p.i++
		return v, true
	}
	if c := p.s[p.i]; c >= '0' && c <= '9' {
		j := p.i
		for j < len(p.s) && (isAlnum(p.s[j])) {
			j++
		}
		lit := strings.TrimRight(p.s[p.i:j], "uUlL")
		p.i = j
		v, err := strconv.ParseUint(lit, 0, 64)
		return v, err == nil
	}
	id := identRe.FindString(p.s[p.i:])
	if id == "" {
		return 0, false
	}
	p.i += len(id)
	if v, ok := nativeConsts[id]; ok {
		return v, true
	}
	if m, ok := p.c.macros[id]; ok {
		return p.c.eval(m, p.at, p.depth+1)
	}
	return p.c.varValue(id, p.at, p.depth+1)
}

func isAlnum(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// varValue folds the assignments to a local variable before offset at:
// the last `v = …` / `T v = …` / `T v(…)` / `v{…}`, then later `|=` / `&=`.
func (c *cfile) varValue(name string, at, depth int) (uint64, bool) {
	if depth > 8 || at > len(c.code) {
		return 0, false
	}
	re := c.varRes[name]
	if re == nil {
		var err error
		re, err = regexp.Compile(`\b` + regexp.QuoteMeta(name) + `\s*(\|=|&=|=|\(|\{)`)
		if err != nil {
			return 0, false
		}
		if c.varRes == nil {
			c.varRes = map[string]*regexp.Regexp{}
		}
		c.varRes[name] = re
	}
	var val uint64
	known := false
	from := max(0, at-varWindow)
	for _, m := range re.FindAllStringSubmatchIndex(c.code[from:at], maxMatches) {
		for k := range m {
			m[k] += from
		}
		op := c.code[m[2]:m[3]]
		if op == "=" && m[3] < len(c.code) && c.code[m[3]] == '=' {
			continue // ==
		}
		if m[0] > 0 {
			prev := strings.TrimRight(c.code[:m[0]], " \t")
			if strings.HasSuffix(prev, ".") || strings.HasSuffix(prev, "->") || strings.HasSuffix(prev, "!") || strings.HasSuffix(prev, "<") || strings.HasSuffix(prev, ">") {
				continue
			}
		}
		start := m[3]
		var end int
		switch op {
		case "(":
			// Only a declaration `T v(expr)`: the previous token is a type.
			prev := strings.TrimRight(c.code[:m[0]], " \t")
			if !strings.HasSuffix(prev, "DWORD") && !strings.HasSuffix(prev, "ULONG") && !strings.HasSuffix(prev, "auto") && !strings.HasSuffix(prev, "int") {
				continue
			}
			end = matchParen(c.code, m[3]-1)
			if end < 0 {
				continue
			}
			end-- // exclude ')'
		case "{":
			prev := strings.TrimRight(c.code[:m[0]], " \t")
			if !strings.HasSuffix(prev, "DWORD") && !strings.HasSuffix(prev, "ULONG") && !strings.HasSuffix(prev, "auto") {
				continue
			}
			end = strings.IndexByte(c.code[start:at], '}')
			if end < 0 {
				continue
			}
			end += start
		default:
			end = strings.IndexByte(c.code[start:at], ';')
			if end < 0 {
				continue
			}
			end += start
		}
		v, ok := c.eval(c.code[start:end], m[0], depth)
		switch {
		case !ok:
			known = false
		case op == "|=":
			val |= v
		case op == "&=":
			val &= v
		default:
			val, known = v, true
		}
	}
	return val, known
}

// matchParen returns the offset after the ')' matching the '(' at open.
func matchParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s) && i < open+1<<16; i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// splitTop splits call arguments at top-level commas.
func splitTop(s string) []string {
	var out []string
	depth, last := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[last:i])
				last = i + 1
			}
		}
	}
	return append(out, s[last:])
}

// argValue folds a pointer argument (&v, (LPVOID)&v) or a value.
func (c *cfile) argValue(arg string, at int) (uint64, bool) {
	arg = strings.TrimSpace(arg)
	for strings.HasPrefix(arg, "(") {
		j := strings.IndexByte(arg, ')')
		if j < 0 {
			break
		}
		inner := arg[1:j]
		if strings.ContainsAny(inner, "&|+") {
			break
		}
		arg = strings.TrimSpace(arg[j+1:])
	}
	arg = strings.TrimSpace(strings.TrimPrefix(arg, "&"))
	// C99 compound literal: &(ULONG){ FLAG_A | FLAG_B } points at its single initializer.
	if m := compoundLitRe.FindStringSubmatch(arg); m != nil && castTypes[strings.TrimSpace(strings.TrimPrefix(m[1], "unsigned "))] {
		if inits := splitTop(m[2]); len(inits) == 1 || len(inits) == 2 && strings.TrimSpace(inits[1]) == "" {
			arg = strings.TrimSpace(inits[0])
		}
	}
	return c.eval(arg, at, 0)
}

var compoundLitRe = regexp.MustCompile(`^\(\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*\)\s*\{([^{}]*)\}$`)

var winhttpCallRe = regexp.MustCompile(`\b(WinHttpSetOption|InternetSetOption[AW]?)\s*\(`)

func (a *analysis) winhttpCalls(c *cfile) {
	for _, m := range winhttpCallRe.FindAllStringSubmatchIndex(c.code, maxMatches) {
		end := matchParen(c.code, m[1]-1)
		if end < 0 {
			continue
		}
		args := splitTop(c.code[m[1] : end-1])
		if len(args) < 3 {
			continue
		}
		opt, ok := c.eval(strings.TrimSpace(args[1]), m[0], 0)
		if !ok {
			continue
		}
		fn := c.code[m[2]:m[3]]
		loc := c.f.Range(m[0], end)
		snip := c.f.Snippet(m[0], end)
		switch {
		case opt == 84 && fn == "WinHttpSetOption":
			v, ok := c.argValue(args[2], m[0])
			if !ok {
				continue
			}
			set := winhttpMask(v)
			switch {
			case set&weakSet != 0:
				a.report("TLS015", finding.Error, c.f, loc, snip, fmt.Sprintf("WinHttpSetOption(WINHTTP_OPTION_SECURE_PROTOCOLS) with mask %#x pins deprecated %s", v, listOf(set&weakSet)))
			case set != 0:
				a.report("TLS015", finding.Note, c.f, loc, snip, fmt.Sprintf("WinHttpSetOption(WINHTTP_OPTION_SECURE_PROTOCOLS) with mask %#x pins %s instead of following the OS default", v, listOf(set)))
			}
		case opt == 31:
			v, ok := c.argValue(args[2], m[0])
			if !ok {
				continue
			}
			a.securityFlags(c, v, m[0], end, fn)
		}
	}
}

func (a *analysis) securityFlags(c *cfile, v uint64, start, end int, fn string) {
	var what []string
	for _, x := range []struct {
		bit  uint64
		name string
	}{{0x100, "unknown CA"}, {0x1000, "wrong host name"}, {0x2000, "expired certificate"}, {0x200, "wrong usage"}} {
		if v&x.bit != 0 {
			what = append(what, x.name)
		}
	}
	loc := c.f.Range(start, end)
	snip := c.f.Snippet(start, end)
	if len(what) == 0 {
		if v&0x80 != 0 {
			a.report("TLS017", finding.Note, c.f, loc, snip, fn+" security flags ignore certificate revocation")
		}
		return
	}
	lvl := finding.Error
	if guarded(c, start) {
		lvl = finding.Warning
	}
	a.report("TLS017", lvl, c.f, loc, snip, fmt.Sprintf("%s security flags %#x ignore certificate errors (%s)", fn, v, strings.Join(what, ", ")))
}

var guardRe = regexp.MustCompile(`(?i)\bif\s*\([^;{}]*(insecure|skip|allowinvalid|allow_invalid|noverify|no_verify|ignorecert|ignore_cert|disablevalidation|trustall|verify|validat)`)

// guarded reports whether the statement at off sits under an if whose
// condition names an explicit opt-out or a verification option (within the
// previous six lines, which covers the else branch of `if (verifypeer)`).
func guarded(c *cfile, off int) bool {
	line, _ := c.f.Position(off)
	from := c.f.LineStart(max(1, line-6))
	return guardRe.MatchString(c.code[from:off])
}

// cExprEnd returns the length of the C expression at the start of s: it ends
// at ";", "," or "}" outside parentheses, or at a line break unless the
// line ends with a binary operator (a mask continued on the next line:
// "SP_PROT_TLS1_0_CLIENT |\n SP_PROT_TLS1_1_CLIENT").
func cExprEnd(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return i
			}
			depth--
		case ';', ',', '}':
			if depth == 0 {
				return i
			}
		case '\n':
			t := strings.TrimRight(s[:i], " \t\r\\")
			if t == "" {
				continue
			}
			if depth == 0 && !strings.ContainsAny(t[len(t)-1:], "|&+-^~(<=") {
				return i
			}
		}
	}
	return len(s)
}

var grbitRe = regexp.MustCompile(`\b(grbitEnabledProtocols|grbitDisabledProtocols)\s*=\s*`)

func (a *analysis) schannelCreds(c *cfile) {
	strongFlag := strings.Contains(c.code, "SCH_USE_STRONG_CRYPTO")
	for _, m := range grbitRe.FindAllStringSubmatchIndex(c.code, maxMatches) {
		if m[1] < len(c.code) && c.code[m[1]] == '=' {
			continue
		}
		rest := c.code[m[1]:]
		end := cExprEnd(rest)
		v, ok := c.eval(rest[:end], m[0], 0)
		// Report from the start of the statement (the struct variable).
		st := m[0]
		for st > 0 && (isAlnum(c.code[st-1]) || c.code[st-1] == '.' || c.code[st-1] == '>' || c.code[st-1] == '-' || c.code[st-1] == '[' || c.code[st-1] == ']') {
			st--
		}
		loc := c.f.Range(st, m[1]+end)
		snip := c.f.Snippet(st, m[1]+end)
		if !ok {
			continue
		}
		set := spMask(v)
		if v&0x3 != 0 {
			set = set.With(finding.SSL20) // PCT 1.0 reported with the broken protocols
		}
		field := c.code[m[2]:m[3]]
		if field == "grbitEnabledProtocols" {
			switch {
			case v == 0:
			case set&weakSet != 0:
				name := listOf(set & weakSet)
				if v&0x3 != 0 {
					name = "PCT 1.0, " + name
				}
				a.report("TLS016", finding.Error, c.f, loc, snip, fmt.Sprintf("SCHANNEL_CRED.grbitEnabledProtocols = %#x enables deprecated %s", v, name))
			default:
				msg := fmt.Sprintf("SCHANNEL_CRED.grbitEnabledProtocols = %#x pins %s instead of the OS default", v, listOf(set))
				if !strongFlag {
					msg += "; dwFlags never sets SCH_USE_STRONG_CRYPTO"
				}
				a.report("TLS016", finding.Note, c.f, loc, snip, msg)
			}
			continue
		}
		// grbitDisabledProtocols: 0 = OS default; a non-zero mask must cover
		// the deprecated client versions.
		if v == 0 {
			continue
		}
		left := finding.ProtocolSet(0)
		for bit, p := range map[uint64]finding.Protocol{0x20: finding.SSL30, 0x80: finding.TLS10, 0x200: finding.TLS11} {
			if v&bit == 0 {
				left = left.With(p)
			}
		}
		if left != 0 {
			a.report("TLS016", finding.Error, c.f, loc, snip, fmt.Sprintf("TLS_PARAMETERS.grbitDisabledProtocols = %#x disables some protocols but leaves deprecated %s enabled", v, listOf(left)))
		}
	}
}

var certTokRe = regexp.MustCompile(`\b(SCH_CRED_MANUAL_CRED_VALIDATION|SCH_CRED_NO_SERVERNAME_CHECK|ISC_REQ_MANUAL_CRED_VALIDATION|INTERNET_FLAG_IGNORE_CERT_CN_INVALID|INTERNET_FLAG_IGNORE_CERT_DATE_INVALID)\b`)

// certFlags is TLS017 for SChannel manual validation without a chain check
// in the same translation unit, and WinINet ignore-certificate flags.
func (a *analysis) certFlags(c *cfile) {
	chainCheck := strings.Contains(c.code, "CertVerifyCertificateChainPolicy") && strings.Contains(c.code, "CertGetCertificateChain")
	type hit struct {
		st, en int
		toks   []string
		sch    bool
	}
	var hits []*hit
	for _, m := range certTokRe.FindAllStringSubmatchIndex(c.code, maxMatches) {
		// Skip #define lines and removals (&= ~X).
		ls := strings.LastIndexByte(c.code[:m[0]], '\n') + 1
		le := strings.IndexByte(c.code[m[0]:], '\n')
		if le < 0 {
			le = len(c.code) - m[0]
		}
		line := c.code[ls : m[0]+le]
		if strings.HasPrefix(strings.TrimSpace(line), "#") || strings.Contains(c.code[ls:m[0]], "~") ||
			strings.Contains(c.code[ls:m[0]], "&") && !strings.Contains(c.code[ls:m[0]], "|") && strings.Contains(c.code[ls:m[0]], "if") {
			continue
		}
		tok := c.code[m[2]:m[3]]
		if strings.HasPrefix(tok, "SCH_") || strings.HasPrefix(tok, "ISC_") {
			if chainCheck {
				continue
			}
		}
		st := ls + len(line) - len(strings.TrimLeft(line, " \t"))
		en := ls + len(strings.TrimRight(line, " \t\r"))
		if n := len(hits); n > 0 && hits[n-1].st == st {
			hits[n-1].toks = append(hits[n-1].toks, tok)
			continue
		}
		hits = append(hits, &hit{st: st, en: en, toks: []string{tok}, sch: strings.HasPrefix(tok, "SCH_") || strings.HasPrefix(tok, "ISC_")})
	}
	for _, h := range hits {
		lvl := finding.Error
		if guarded(c, h.st) {
			lvl = finding.Warning
		}
		msg := strings.Join(h.toks, " | ") + " turns off server certificate validation"
		if h.sch {
			msg += " and this file never verifies the chain (CertGetCertificateChain + CertVerifyCertificateChainPolicy)"
		}
		a.report("TLS017", lvl, c.f, c.f.Range(h.st, h.en), c.f.Snippet(h.st, h.en), msg)
	}
}
