package scan

import (
	"strings"
)

// folder evaluates a token range as a constant protocol expression.
type folder struct {
	a   *analyzer
	i   int
	end int
	// param is set when the value depends on a parameter of the enclosing
	// method (one-hop data flow through helper methods).
	param    string
	paramOK  bool
	encl     *method
	badParse bool
}

// fold evaluates tokens [s, e). encl is the method the expression is in
// (for parameter flow); it may be nil.
func (a *analyzer) fold(s, e int, encl *method) (val, *folder) {
	a.need()
	e = min(e, len(a.t))
	if a.depth > 6 || s >= e || s < 0 {
		return unknownVal, &folder{}
	}
	a.depth++
	defer func() { a.depth-- }()
	p := &folder{a: a, i: s, end: e, encl: encl}
	v := p.expr()
	if p.i < p.end {
		v.ok = false
		p.badParse = true
	}
	return v, p
}

func (p *folder) at() Token {
	if p.i >= p.end {
		return Token{}
	}
	return p.a.t[p.i]
}

func (p *folder) skipNL() {
	for p.i < p.end && p.a.t[p.i].Kind == TNL {
		p.i++
	}
}

func (p *folder) expr() val {
	p.skipNL()
	v := p.ternary()
	if p.a.lang == LangPS {
		for p.i < p.end && p.at().Kind == TOp && p.at().Text == "," {
			p.i++
			v = v.or(p.ternary())
		}
	}
	return v
}

func (p *folder) ternary() val {
	c := p.binary(1)
	if p.a.lang == LangCSharp && p.at().Kind == TOp && p.at().Text == "?" {
		p.i++
		x := p.ternary()
		if p.at().Kind == TOp && p.at().Text == ":" {
			p.i++
			y := p.ternary()
			r := x.or(y)
			return r
		}
		_ = c
		return unknownVal
	}
	return c
}

// binLevel returns the precedence level of a binary operator (0 = not one).
func (p *folder) binLevel(t Token) (int, string) {
	switch t.Kind {
	case TOp:
		switch t.Text {
		case "|", "|||", "-bor", "||":
			return 1, "or"
		case "^", "^^^", "-bxor":
			return 2, "or"
		case "&", "&&&", "-band":
			return 3, "and"
		case "+":
			return 4, "add"
		case "-":
			return 4, "sub"
		}
	case TIdent:
		if p.a.lang == LangVB {
			switch strings.ToLower(t.Text) {
			case "or", "orelse":
				return 1, "or"
			case "xor":
				return 2, "or"
			case "and", "andalso":
				return 3, "and"
			}
		}
	}
	return 0, ""
}

func (p *folder) binary(min int) val {
	l := p.unary()
	for p.i < p.end {
		lvl, op := p.binLevel(p.at())
		if lvl == 0 || lvl < min {
			return l
		}
		p.i++
		p.skipNL()
		r := p.binary(lvl + 1)
		switch op {
		case "or":
			l = l.or(r)
		case "and":
			l = l.and(r)
		case "add":
			if l.cur || r.cur {
				l = l.or(r)
			} else {
				l = val{ok: l.ok && r.ok, add: l.add + r.add, typ: max(l.typ, r.typ), enum: l.enum || r.enum}
			}
		case "sub":
			l = val{ok: false, add: 0, typ: max(l.typ, r.typ), enum: l.enum || r.enum}
		}
	}
	return l
}

func (p *folder) unary() val {
	t := p.at()
	if t.Kind == TOp && (t.Text == "~" || t.Text == "~~~" || t.Text == "-bnot") || t.Kind == TIdent && p.a.lang == LangVB && strings.EqualFold(t.Text, "Not") {
		p.i++
		return p.unary().not()
	}
	if t.Kind == TOp && (t.Text == "+") {
		p.i++
		return p.unary()
	}
	if t.Kind == TOp && (t.Text == "!" || t.Text == "-") {
		p.i++
		v := p.unary()
		return val{typ: v.typ, enum: v.enum}
	}
	return p.postfix(p.primary())
}

// postfix skips trailing member accesses we do not model (".value__").
func (p *folder) postfix(v val) val {
	for p.i < p.end && p.at().Kind == TOp && (p.at().Text == "." || p.at().Text == "?.") {
		// e.g. (x).ToString() — not a constant protocol value
		p.i++
		if p.at().Kind == TIdent {
			if strings.EqualFold(p.at().Text, "value__") {
				p.i++
				continue // the enum's underlying integer: same bits
			}
			p.i++
		}
		if p.at().Kind == TOp && p.at().Text == "(" {
			p.i = p.a.after(p.i)
		}
		v.ok = false
	}
	return v
}

func (p *folder) primary() val {
	a := p.a
	t := p.at()
	switch t.Kind {
	case TNumber:
		p.i++
		n, ok := parseNumber(t.Text)
		if !ok {
			return unknownVal
		}
		return known(n)
	case TString:
		p.i++
		s := t.Val
		if v, ok := parseEnumString(s); ok {
			v.str = &s
			if a.lang != LangPS {
				v.ok = false // a C#/VB string is not a protocol value by itself
			}
			return v
		}
		return val{str: &s}
	case TVar:
		p.i++
		switch t.Val {
		case "true":
			return val{ok: true, boolean: 1}
		case "false":
			return val{ok: true, boolean: 2}
		case "null":
			return val{ok: true}
		}
		return p.resolve(t.Val, p.i-1)
	case TOp:
		switch t.Text {
		case "(", "@(", "$(":
			cl := a.match(p.i)
			if cl > p.end {
				cl = p.end
			}
			// cast: (T)x
			if t.Text == "(" && a.lang != LangPS && a.lang != LangVB {
				if typ, ok := p.castType(p.i+1, cl); ok && cl+1 < p.end {
					nt := a.tok(cl + 1)
					if nt.Kind == TNumber || nt.Kind == TIdent || nt.Kind == TOp && (nt.Text == "(" || nt.Text == "~") {
						p.i = cl + 1
						v := p.unary()
						if typ != typUnknown {
							v.typ, v.enum = typ, true
						}
						return v
					}
				}
			}
			sub := p.inner(p.i+1, cl)
			p.i = cl + 1
			return sub
		case "[":
			if a.lang == LangPS {
				return p.psType()
			}
		case "{":
			// a scriptblock is not a protocol value
			p.i = a.after(p.i)
			return unknownVal
		}
		p.i++
		return unknownVal
	case TIdent:
		return p.ident()
	}
	p.i++
	return unknownVal
}

// inner folds a parenthesised sub-expression sharing the parameter state.
func (p *folder) inner(s, e int) val {
	q := &folder{a: p.a, i: s, end: min(e, len(p.a.t)), encl: p.encl}
	p.a.depth++
	v := q.expr()
	p.a.depth--
	if q.i < q.end {
		v.ok = false
	}
	if q.param != "" {
		p.param, p.paramOK = q.param, q.paramOK
	}
	return v
}

// castType checks whether tokens [s, e) name a type usable in a cast.
func (p *folder) castType(s, e int) (int, bool) {
	a := p.a
	if s >= e {
		return 0, false
	}
	for j := s; j < e; j++ {
		t := a.t[j]
		if (j-s)%2 == 0 && t.Kind != TIdent || (j-s)%2 == 1 && !(t.Kind == TOp && t.Text == ".") {
			return 0, false
		}
	}
	last := strings.ToLower(a.t[e-1].Text)
	if typ, ok := enumTypes[last]; ok {
		return typ, true
	}
	switch last {
	case "int", "uint", "long", "ulong", "int32", "uint32", "int64", "short", "ushort":
		return typUnknown, true
	}
	return typUnknown, true
}

// psType handles [T]::Member, [T]::Method(...), and the cast [T]value.
func (p *folder) psType() val {
	a := p.a
	cl := a.match(p.i)
	if cl >= p.end {
		p.i = p.end
		return unknownVal
	}
	if cl >= len(a.t) {
		p.i = p.end
		return unknownVal
	}
	name := strings.ToLower(strings.TrimSpace(a.f.Text[a.t[p.i].End:a.t[cl].Start]))
	last := name
	if k := strings.LastIndexByte(name, '.'); k >= 0 {
		last = name[k+1:]
	}
	p.i = cl + 1
	if p.at().Kind == TOp && p.at().Text == "::" {
		p.i++
		m := p.at()
		if m.Kind == TVar {
			p.i++
			return val{typ: enumTypes[last], enum: enumTypes[last] != 0}
		}
		if m.Kind != TIdent {
			return unknownVal
		}
		p.i++
		mem := strings.ToLower(m.Text)
		if p.at().Kind == TOp && p.at().Text == "(" {
			acl := a.match(p.i)
			args := a.splitArgs(p.i+1, min(acl, p.end))
			p.i = acl + 1
			switch {
			case (last == "enum" || last == "system.enum") && (mem == "parse" || mem == "toobject") && len(args) >= 2:
				v, _ := a.fold(args[1][0], args[1][1], p.encl)
				v.enum = true
				if v.str != nil {
					if ev, ok := parseEnumString(*v.str); ok {
						ev.ok = true
						return ev
					}
				}
				return v
			}
			return p.callHelper(mem, args)
		}
		if typ, ok := enumTypes[last]; ok {
			if n, ok := enumMembers[mem]; ok {
				return val{ok: true, add: n, typ: typ, enum: true, names: []string{m.Text}}
			}
			return val{typ: typ, enum: true}
		}
		if mem == "securityprotocol" && strings.HasSuffix(last, "servicepointmanager") {
			return val{ok: true, cur: true, keep: allBits}
		}
		return unknownVal
	}
	// cast [T] value
	if p.i < p.end {
		nt := p.at()
		if nt.Kind == TString || nt.Kind == TNumber || nt.Kind == TVar || nt.Kind == TOp && (nt.Text == "(" || nt.Text == "@(" || nt.Text == "[") {
			v := p.unary()
			if typ, ok := enumTypes[last]; ok {
				v.typ, v.enum = typ, true
				if v.str != nil {
					if ev, ok := parseEnumString(*v.str); ok {
						ev.typ = typ
						return ev
					}
				}
			}
			return v
		}
	}
	return unknownVal
}

// ident folds a member chain, call or identifier (C#, VB, F#, PS commands).
func (p *folder) ident() val {
	a := p.a
	start := p.i
	segs := []string{strings.ToLower(a.t[p.i].Text)}
	orig := a.t[p.i].Text
	p.i++
	for p.i+1 < p.end && a.t[p.i].Kind == TOp && (a.t[p.i].Text == "." || a.t[p.i].Text == "?.") && a.t[p.i+1].Kind == TIdent {
		segs = append(segs, strings.ToLower(a.t[p.i+1].Text))
		orig = a.t[p.i+1].Text
		p.i += 2
	}
	// PS command tokens contain dots inside [] only; "New-Object X" is a command
	first := segs[0]
	last := segs[len(segs)-1]
	switch first {
	case "true":
		if len(segs) == 1 {
			return val{ok: true, boolean: 1}
		}
	case "false":
		if len(segs) == 1 {
			return val{ok: true, boolean: 2}
		}
	case "null", "nothing", "default":
		if len(segs) == 1 {
			return val{ok: true}
		}
	case "new":
		p.skipTo()
		return unknownVal
	}
	// generic arguments: Enum.Parse<T>(...), enum<T> x (F#)
	gen := ""
	if p.at().Kind == TOp && p.at().Text == "<" {
		j := p.i + 1
		for j < p.end && (a.t[j].Kind == TIdent || a.t[j].Kind == TOp && (a.t[j].Text == "." || a.t[j].Text == ",")) {
			j++
		}
		if j < p.end && a.t[j].Kind == TOp && a.t[j].Text == ">" {
			gen = strings.ToLower(a.t[j-1].Text)
			p.i = j + 1
		}
	}
	if len(segs) >= 2 {
		if typ, ok := enumTypes[segs[len(segs)-2]]; ok {
			if n, ok := enumMembers[last]; ok {
				return val{ok: true, add: n, typ: typ, enum: true, names: []string{a.t[p.i-1].Text}}
			}
			return val{typ: typ, enum: true}
		}
		if last == "securityprotocol" {
			for _, s := range segs {
				if s == "servicepointmanager" {
					return val{ok: true, cur: true, keep: allBits}
				}
			}
		}
	}
	// F# enum<T> x / LanguagePrimitives.EnumOfValue x / unbox 192 (the target type is inferred
	// from the sink, so the integer is the value)
	if a.lang == LangFSharp && (last == "enum" || last == "enumofvalue" || last == "unbox") && p.i < p.end {
		v := p.unary()
		if typ, ok := enumTypes[gen]; ok {
			v.typ, v.enum = typ, true
		}
		return v
	}
	if p.at().Kind == TOp && p.at().Text == "(" {
		cl := a.match(p.i)
		args := a.splitArgs(p.i+1, min(cl, p.end))
		p.i = cl + 1
		switch {
		case last == "parse" || last == "tryparse" || last == "toobject":
			// Enum.Parse(typeof(T), "Tls12") / Enum.Parse<T>("Tls12") / Enum.ToObject(typeof(T), 3072)
			for k := len(args) - 1; k >= 0; k-- {
				v, _ := a.fold(args[k][0], args[k][1], p.encl)
				if v.str != nil {
					if ev, ok := parseEnumString(*v.str); ok {
						return ev
					}
				}
				if v.ok && last == "toobject" {
					v.enum = true
					return v
				}
			}
			return val{enum: true}
		case a.lang == LangVB && len(segs) == 1 && (last == "ctype" || last == "directcast" || last == "trycast" || last == "cint" || last == "clng" || last == "cuint" || last == "cshort"):
			if len(args) >= 1 {
				v, _ := a.fold(args[0][0], args[0][1], p.encl)
				if len(args) >= 2 {
					tn := strings.ToLower(a.tok(args[1][1] - 1).Text)
					if typ, ok := enumTypes[tn]; ok {
						v.typ, v.enum = typ, true
					}
				}
				return v
			}
			return unknownVal
		case a.lang == LangFSharp && (last == "enum" || last == "enumofvalue" || last == "unbox") && len(args) == 1:
			v, _ := a.fold(args[0][0], args[0][1], p.encl)
			if typ, ok := enumTypes[gen]; ok {
				v.typ, v.enum = typ, true
			}
			return v
		}
		return p.callHelper(orig, args)
	}
	if a.lang == LangPS && len(segs) == 1 {
		// a bare word in PowerShell is a command or an unquoted string argument
		if v, ok := parseEnumString(a.t[start].Text); ok && p.i >= p.end {
			return v
		}
		p.skipTo()
		return unknownVal
	}
	if len(segs) == 1 {
		return p.resolve(orig, start)
	}
	// Consts.Tls12Protocol: resolve the last segment if declared in this file
	if _, ok := a.decls[a.key(orig)]; ok {
		return p.resolve(orig, start)
	}
	return unknownVal
}

// skipTo consumes the rest of the range (an expression we do not model).
func (p *folder) skipTo() { p.i = p.end }

// resolve folds a local, field or const declared in the same file, or
// records a parameter of the enclosing method.
func (p *folder) resolve(name string, at int) val {
	a := p.a
	ds := a.decls[a.key(name)]
	best := -1
	for k, d := range ds {
		if at >= d.vs && at < d.ve {
			continue // self reference
		}
		if d.name < at && (best < 0 || d.name > ds[best].name) {
			best = k
		}
	}
	if best < 0 {
		for k, d := range ds {
			if !(at >= d.vs && at < d.ve) {
				best = k
				break
			}
		}
	}
	if p.encl != nil && (best < 0 || ds[best].name < p.encl.start) {
		for _, pn := range p.encl.params {
			if pn == a.key(name) {
				if bv, ok := a.bound[pn]; ok {
					return bv
				}
				p.param, p.paramOK = pn, true
				return val{}
			}
		}
	}
	if best < 0 {
		// a C# property getter of this file read by name
		if ms := a.meths[a.key(name)]; len(ms) > 0 && ms[0].prop {
			return p.callHelper(name, nil)
		}
		return unknownVal
	}
	d := ds[best]
	v, sub := a.fold(d.vs, d.ve, a.enclosingMethod(d.vs))
	if sub.param != "" && p.param == "" {
		p.param, p.paramOK = sub.param, sub.paramOK
	}
	if v.ok {
		v.enum = v.enum || v.typ != typUnknown
	}
	return v
}

// callHelper folds a call to a method of this file that returns a constant.
func (p *folder) callHelper(name string, args [][2]int) val {
	a := p.a
	ms := a.meths[a.key(name)]
	if len(ms) == 0 || a.depth > 4 {
		return unknownVal
	}
	var r val
	first := true
	for _, m := range ms {
		var vs []val
		if m.exprBody {
			v, _ := a.fold(m.bs, m.be, &m)
			vs = append(vs, v)
		} else {
			for j := m.bs; j < m.be; j++ {
				if a.isIdent(j, "return", "Return") {
					e := a.stmtEnd(j + 1)
					v, _ := a.fold(j+1, e, &m)
					vs = append(vs, v)
					j = e
				}
			}
		}
		for _, v := range vs {
			if first {
				r, first = v, false
			} else {
				r = r.or(v)
			}
		}
	}
	if first {
		return unknownVal
	}
	return r
}

// splitArgs splits the argument tokens [s, e) at top-level commas.
func (a *analyzer) splitArgs(s, e int) [][2]int {
	var out [][2]int
	e = min(e, len(a.t))
	if s >= e {
		return out
	}
	d := 0
	st := s
	for j := s; j < e && j < len(a.t); j++ {
		t := a.t[j]
		if isOpen(t) {
			d++
		} else if isClose(t) {
			d--
		} else if d == 0 && t.Kind == TOp && t.Text == "," {
			out = append(out, [2]int{st, j})
			st = j + 1
		}
	}
	out = append(out, [2]int{st, e})
	return out
}
