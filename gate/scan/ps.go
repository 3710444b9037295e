package scan

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// psSkipCert handles -SkipCertificateCheck on Invoke-WebRequest and friends.
func (a *analyzer) psSkipCert(i int) {
	guard := false
	if a.isOp(i+1, ":") {
		v, _ := a.fold(i+2, i+3, nil)
		if v.boolean == 2 {
			return
		}
		if v.boolean == 0 {
			guard = true // -SkipCertificateCheck:$Insecure — caller-controlled
		}
	}
	s := a.stmtStart(i)
	e := a.stmtEnd(s)
	if e <= i {
		e = i + 1
	}
	// a parameter declared in a param block is "[switch]$SkipCertificateCheck", a TVar; this is a use
	a.reportCallback(s, e, guard || a.guarded(s))
}

// psSslProtocol handles Invoke-WebRequest/Invoke-RestMethod -SslProtocol X.
func (a *analyzer) psSslProtocol(i int) {
	vs := i + 1
	if a.isOp(vs, ":") {
		vs++
	}
	ve := vs
	// the argument: a comma list of bare words / strings / enum members
	for ve < len(a.t) && a.tok(ve).Kind != TNL && a.tok(ve).Kind != TParam && !a.isOp(ve, ";", "|", ")", "}") {
		if isOpen(a.t[ve]) {
			ve = a.match(ve)
		}
		ve++
	}
	if ve <= vs {
		return
	}
	var v val
	v.ok = true
	for _, ar := range a.splitArgs(vs, ve) {
		x, _ := a.fold(ar[0], ar[1], a.enclosingMethod(i))
		if !x.ok && ar[1] == ar[0]+1 && a.tok(ar[0]).Kind == TIdent {
			if ev, ok := parseEnumString(a.tok(ar[0]).Text); ok {
				x = ev
			}
		}
		v = v.or(x)
	}
	s := a.stmtStart(i)
	e := a.stmtEnd(s)
	a.judgeSsl(v, s, e, "-SslProtocol")
}

var (
	regCmdRe  = regexp.MustCompile(`(?i)^(set-itemproperty|new-itemproperty|remove-itemproperty|sp|rp)$`)
	hiveNames = map[string]string{
		"hklm": "HKLM", "hkey_local_machine": "HKLM", "hkcu": "HKCU", "hkey_current_user": "HKCU",
		"hku": "HKU", "hkey_users": "HKU", "hkcr": "HKCR", "hkey_classes_root": "HKCR",
	}
)

// normKey turns "HKLM:\SOFTWARE\X", "Registry::HKEY_LOCAL_MACHINE\X" and
// "HKEY_LOCAL_MACHINE\X" into "HKLM\SOFTWARE\X".
func normKey(k string) string {
	k = strings.TrimSpace(k)
	k = strings.ReplaceAll(k, "/", `\`)
	for strings.Contains(k, `\\`) {
		k = strings.ReplaceAll(k, `\\`, `\`) // 'HKLM:\\SOFTWARE\\…' (doubled separators) names the same key
	}
	if i := strings.Index(strings.ToLower(k), "registry::"); i >= 0 {
		k = k[i+len("registry::"):]
	}
	hive, rest, _ := strings.Cut(k, `\`)
	hive = strings.TrimSuffix(hive, ":")
	if h, ok := hiveNames[strings.ToLower(hive)]; ok {
		hive = h
	}
	if rest == "" {
		return hive
	}
	return hive + `\` + strings.TrimSuffix(rest, `\`)
}

// psStr folds tokens [s, e) to a string: literals, "$var" expansion,
// variables bound to strings, '+' concatenation and Join-Path.
func (a *analyzer) psStr(s, e int) (string, bool) {
	a.need()
	e = min(e, len(a.t))
	if a.depth > 6 || s >= e || s < 0 {
		return "", false
	}
	a.depth++
	defer func() { a.depth-- }()
	var b strings.Builder
	for j := s; j < e; j++ {
		t := a.t[j]
		switch {
		case t.Kind == TString:
			v := t.Val
			if strings.HasPrefix(t.Text, `"`) || strings.HasPrefix(t.Text, `@"`) {
				v = a.expand(v, j)
			}
			b.WriteString(v)
		case t.Kind == TVar:
			x, ok := a.varStr(t.Val, j)
			if !ok {
				return "", false
			}
			b.WriteString(x)
		case t.Kind == TNumber:
			b.WriteString(t.Text)
		case a.isOp(j, "+"):
		case a.isOp(j, "(") && a.isIdent(j+1, "Join-Path"):
			cl := a.match(j)
			x, ok := a.joinPath(j+2, min(cl, e))
			if !ok {
				return "", false
			}
			b.WriteString(x)
			j = cl
		case j == s && a.isIdent(j, "Join-Path"):
			// $key = Join-Path $root $child: the command is the whole value
			x, ok := a.joinPath(j+1, e)
			if !ok {
				return "", false
			}
			b.WriteString(x)
			j = e
		case t.Kind == TIdent && e == s+1:
			b.WriteString(t.Text) // bare word argument
		default:
			return "", false
		}
	}
	return b.String(), true
}

// joinPath folds the arguments [s, e) of Join-Path (-Path / -ChildPath
// names skipped; an argument is a word, a string, a variable or a
// parenthesised expression such as a nested Join-Path).
func (a *analyzer) joinPath(s, e int) (string, bool) {
	var parts []string
	for k := s; k < e; k++ {
		if a.tok(k).Kind == TParam || a.isNL(k) {
			continue
		}
		ve := a.bareEnd(k, e)
		if isOpen(a.t[k]) {
			ve = a.after(k)
		}
		x, ok := a.psArg(k, min(ve, e))
		if !ok {
			return "", false
		}
		parts = append(parts, strings.TrimRight(x, `\`))
		k = ve - 1
	}
	if len(parts) == 0 {
		return "", false
	}
	return strings.Join(parts, `\`), true
}

var psVarRe = regexp.MustCompile(`\$\{([^}]+)\}|\$\(\$([A-Za-z_][\w:]*)\)|\$([A-Za-z_][\w]*(?::[A-Za-z_]\w*)?)`)

func (a *analyzer) expand(s string, at int) string {
	return psVarRe.ReplaceAllStringFunc(s, func(m string) string {
		g := psVarRe.FindStringSubmatch(m)
		name := g[1] + g[2] + g[3]
		name = strings.ToLower(name)
		for _, p := range []string{"script:", "global:", "local:"} {
			name = strings.TrimPrefix(name, p)
		}
		if x, ok := a.varStr(name, at); ok {
			return x
		}
		return m
	})
}

func (a *analyzer) varStr(name string, at int) (string, bool) {
	a.need()
	if v, ok := a.psBound[name]; ok {
		a.psBoundUse++
		return v, true
	}
	ds := a.decls[name]
	for k := len(ds) - 1; k >= 0; k-- {
		if ds[k].name < at {
			return a.psStr(ds[k].vs, ds[k].ve)
		}
	}
	return "", false
}

// psRegistry emits RegistryWrite facts for registry cmdlets, .NET registry
// calls, DSC Registry resources and reg.exe calls in a PowerShell stream.
func (a *analyzer) psRegistry() {
	for i := 0; i < len(a.t); i++ {
		t := a.t[i]
		if t.Kind != TIdent {
			continue
		}
		low := strings.ToLower(t.Text)
		switch {
		case regCmdRe.MatchString(low) && (i == 0 || a.tok(i-1).Kind == TNL || a.isOp(i-1, "{", ";", "|", "(")):
			a.psRegCmdlet(i)
		case low == "setvalue" && a.isOp(i+1, "(") && a.isOp(i-1, "::", "."):
			a.psSetValue(i)
		case low == "registry" && (a.tok(i+1).Kind == TIdent || a.tok(i+1).Kind == TString) && a.isOp(i+2, "{"):
			a.psDSC(i)
		case (low == "reg" || low == "reg.exe") && a.isIdent(i+1, "add") && !a.noRegExe:
			e := a.stmtEnd(i)
			ParseRegAdd(a.f, a.t[i].Start, a.t[min(e, len(a.t))-1].End, a.f.Text[a.t[i].Start:a.t[min(e, len(a.t))-1].End], a.res)
		}
	}
}

// psRegCmdlet judges one registry cmdlet. When its path, name or value is a
// parameter of the enclosing function, the write is evaluated again at each
// call site of that function with the parameters bound to the call-site
// arguments (a foreach loop variable over a literal list is bound to each
// element); the fact is reported at the call site when the name or the
// value came from it, else at the cmdlet.
func (a *analyzer) psRegCmdlet(i int) {
	if a.psRegCmdletOnce(i, -1, -1) || a.psBound != nil {
		return
	}
	// inside foreach loops over known lists: evaluate once per element
	// (foreach ($p in 'TLS 1.0','TLS 1.1') { foreach ($r in $sides) { … "$root\$p\$r" … } })
	if envs := a.psLoopEnvs(i); len(envs) > 0 {
		done := false
		for _, env := range envs {
			a.psBound = env
			if a.psRegCmdletOnce(i, -1, -1) {
				done = true
			}
			a.psBound = nil
		}
		if done {
			return
		}
	}
	m := a.enclosingMethod(i)
	if m == nil || len(m.params) == 0 {
		return
	}
	e := a.stmtEnd(i)
	uses := false
	for j := i + 1; j < e; j++ {
		if a.t[j].Kind == TVar {
			for _, p := range m.params {
				if p == a.key(a.t[j].Val) {
					uses = true
				}
			}
		}
	}
	if !uses {
		return
	}
	for _, cs := range a.psCallSites(m) {
		for _, b := range cs.bindings {
			a.psBound = b
			a.psRegCmdletOnce(i, cs.s, cs.e)
			a.psBound = nil
		}
	}
}

// psCall is one call of a PowerShell function with its argument bindings
// (several when an argument iterates a foreach list).
type psCall struct {
	s, e     int
	bindings []map[string]string
}

// psCallSites finds the calls of PowerShell function m in this file and
// binds its parameters to the string values of their arguments.
func (a *analyzer) psCallSites(m *method) []psCall {
	var out []psCall
	for j := 0; j < len(a.t); j++ {
		if a.t[j].Kind != TIdent || !strings.EqualFold(a.t[j].Text, m.name) || j == m.start+1 || a.isIdent(j-1, "function", "filter") {
			continue
		}
		if !(j == 0 || a.tok(j-1).Kind == TNL || a.isOp(j-1, "{", ";", "|", "(", "&", ".")) {
			continue
		}
		e := a.stmtEnd(j)
		named := map[string][2]int{}
		var pos [][2]int
		for k := j + 1; k < e; k++ {
			t := a.t[k]
			if t.Kind == TParam {
				v := k + 1
				if v < e && a.tok(v).Kind != TParam {
					ve := a.bareEnd(v, e)
					if isOpen(a.t[v]) {
						ve = a.after(v)
					}
					named[t.Val] = [2]int{v, ve}
					k = ve - 1
				}
				continue
			}
			ve := a.bareEnd(k, e)
			if isOpen(t) {
				ve = a.after(k)
			}
			pos = append(pos, [2]int{k, ve})
			k = ve - 1
		}
		args := map[string][2]int{}
		pi := 0
		for _, p := range m.params {
			if r, ok := named[p]; ok {
				args[p] = r
				continue
			}
			if pi < len(pos) {
				args[p] = pos[pi]
				pi++
			}
		}
		// a foreach variable over a literal list used in an argument
		loops := map[string][]string{}
		for _, r := range args {
			for k := r[0]; k < r[1]; k++ {
				if a.t[k].Kind == TVar {
					if vals := a.psLoopValues(a.key(a.t[k].Val), j); vals != nil {
						loops[a.key(a.t[k].Val)] = vals
					}
				}
				if a.t[k].Kind == TString {
					for _, mm := range psVarRe.FindAllStringSubmatch(a.t[k].Text, -1) {
						n := strings.ToLower(mm[1] + mm[2] + mm[3])
						if vals := a.psLoopValues(n, j); vals != nil {
							loops[n] = vals
						}
					}
				}
			}
		}
		envs := []map[string]string{{}}
		for n, vals := range loops {
			var next []map[string]string
			for _, env := range envs {
				for _, v := range vals {
					c := map[string]string{n: v}
					for k2, v2 := range env {
						c[k2] = v2
					}
					next = append(next, c)
				}
			}
			envs = next
		}
		call := psCall{s: j, e: e}
		for _, env := range envs {
			b := map[string]string{}
			a.psBound = env
			for p, r := range args {
				if v, ok := a.psArg(r[0], r[1]); ok {
					b[p] = v
				}
			}
			a.psBound = nil
			call.bindings = append(call.bindings, b)
		}
		out = append(out, call)
	}
	return out
}

// psLoopValues returns the elements of the literal list of the foreach loop
// whose variable is name and whose body contains token at (nil if none).
func (a *analyzer) psLoopValues(name string, at int) []string {
	for k := at - 1; k >= 0; k-- {
		if !a.isIdent(k, "foreach", "ForEach") || !a.isOp(k+1, "(") {
			continue
		}
		cl := a.match(k + 1)
		if cl < 0 || a.tok(k+2).Kind != TVar || a.key(a.tok(k+2).Val) != name || !a.isIdent(k+3, "in") {
			continue
		}
		b := cl + 1
		for b < len(a.t) && a.isNL(b) {
			b++
		}
		if !a.isOp(b, "{") || a.match(b) < at {
			continue
		}
		return a.psListValues(k+4, cl, k)
	}
	return nil
}

// psListValues returns the strings of a literal list [s, e) — 'a','b',
// @('a', 'b') — or of a variable assigned such a list before token at.
func (a *analyzer) psListValues(s, e, at int) []string {
	if e-s == 1 && a.t[s].Kind == TVar {
		ds := a.decls[a.key(a.t[s].Val)]
		for k := len(ds) - 1; k >= 0; k-- {
			if ds[k].name < at {
				return a.psListValues(ds[k].vs, ds[k].ve, ds[k].name)
			}
		}
		return nil
	}
	var vals []string
	for j := s; j < e; j++ {
		switch {
		case a.t[j].Kind == TString:
			vals = append(vals, a.t[j].Val)
		case a.isOp(j, ",", "@(", "(", ")") || a.isNL(j):
		default:
			return nil
		}
	}
	return vals
}

// psLoopEnvs binds the variables of the foreach loops enclosing token i
// whose lists are known to each combination of their elements (at most 64
// combinations; nil when no enclosing loop has a known list).
func (a *analyzer) psLoopEnvs(i int) []map[string]string {
	if a.psForeach == nil {
		a.psForeach = []int{}
		for k := range a.t {
			if a.isIdent(k, "foreach", "ForEach") && a.isOp(k+1, "(") && a.tok(k+2).Kind == TVar && a.isIdent(k+3, "in") {
				a.psForeach = append(a.psForeach, k)
			}
		}
	}
	envs := []map[string]string{{}}
	loops := 0
	for n := len(a.psForeach) - 1; n >= 0; n-- {
		k := a.psForeach[n]
		if k >= i {
			continue
		}
		cl := a.match(k + 1)
		b := cl + 1
		for b < len(a.t) && a.isNL(b) {
			b++
		}
		if !a.isOp(b, "{") || a.match(b) < i {
			continue // not enclosing i
		}
		vals := a.psListValues(k+4, cl, k)
		if len(vals) == 0 {
			continue
		}
		name := a.key(a.tok(k + 2).Val)
		var next []map[string]string
		for _, env := range envs {
			if _, ok := env[name]; ok {
				next = append(next, env) // an inner loop over the same name wins
				continue
			}
			for _, v := range vals {
				c := map[string]string{name: v}
				for k2, v2 := range env {
					c[k2] = v2
				}
				next = append(next, c)
			}
		}
		if len(next) > 64 {
			break
		}
		envs = next
		loops++
	}
	if loops == 0 {
		return nil
	}
	return envs
}

// bareEnd returns the index just past the PowerShell argument that starts
// at token j: an unquoted word is every token glued to it
// (HKLM:\SOFTWARE\…\$v, SSL` 3.0 with an escaped space).
func (a *analyzer) bareEnd(j, e int) int {
	k := j + 1
	for k < e && k < len(a.t) {
		gap := a.f.Text[a.t[k-1].End:a.t[k].Start]
		if gap != "" && gap != "` " || a.t[k].Kind == TNL || a.t[k].Kind == TParam || a.isOp(k, "|", ";", ")", "}", ",", "=") {
			break
		}
		k++
	}
	return k
}

// psArg is the string value of a cmdlet argument [s, e): psStr, or for an
// unquoted word of several tokens its text with variables expanded.
func (a *analyzer) psArg(s, e int) (string, bool) {
	if e-s > 1 && (a.t[s].Kind == TIdent || a.t[s].Kind == TVar || a.t[s].Kind == TOp && !isOpen(a.t[s])) {
		raw := strings.ReplaceAll(a.f.Text[a.t[s].Start:a.t[e-1].End], "` ", " ")
		x := a.expand(raw, s)
		if strings.Contains(x, "$") {
			return "", false
		}
		return x, true
	}
	return a.psStr(s, e)
}

func (a *analyzer) psRegCmdletOnce(i, cs, ce int) bool {
	e := a.stmtEnd(i)
	low := strings.ToLower(a.t[i].Text)
	named := map[string][2]int{}
	var pos [][2]int
	for j := i + 1; j < e; j++ {
		t := a.t[j]
		if t.Kind == TParam {
			k := j + 1
			if a.isOp(k, ":") {
				k++
			}
			if k < e && a.tok(k).Kind != TParam {
				ve := a.bareEnd(k, e)
				if isOpen(a.t[k]) {
					ve = a.after(k)
				}
				named[t.Val] = [2]int{k, ve}
				j = ve - 1
			} else {
				named[t.Val] = [2]int{k, k}
			}
			continue
		}
		if a.isOp(j, "@") && a.tok(j+1).Kind == TIdent {
			// splatting: @params → $params = @{ Path = …; Name = … }
			a.splat(a.key(a.t[j+1].Text), j, named)
			j++
			continue
		}
		ve := a.bareEnd(j, e)
		if isOpen(t) {
			ve = a.after(j)
		}
		pos = append(pos, [2]int{j, ve})
		j = ve - 1
	}
	boundUse := 0
	get := func(names []string, p int) (string, bool) {
		before := a.psBoundUse
		defer func() { boundUse += a.psBoundUse - before }()
		for _, n := range names {
			if r, ok := named[n]; ok {
				return a.psArg(r[0], r[1])
			}
		}
		if p >= 0 && p < len(pos) {
			return a.psArg(pos[p][0], pos[p][1])
		}
		return "", false
	}
	// positional parameters are filled in order after the named ones
	pIdx := func(n int) int {
		k := 0
		for _, names := range [][]string{{"path", "literalpath"}, {"name"}, {"value"}} {
			has := false
			for _, nm := range names {
				if _, ok := named[nm]; ok {
					has = true
				}
			}
			if n == 0 && !has {
				return k
			}
			if n == 0 {
				return -1
			}
			if !has {
				k++
			}
			n--
		}
		return -1
	}
	key, ok1 := get([]string{"path", "literalpath", "pspath"}, pIdx(0))
	boundUse = 0
	name, ok2 := get([]string{"name"}, pIdx(1))
	if !ok1 || !ok2 || strings.Contains(key, "$") || strings.Contains(name, "$") {
		return false // a variable left unexpanded in "…\$p": not a known key
	}
	f := source.Fact{Kind: source.RegistryWrite, Location: a.loc(i, e), RegKey: normKey(key), RegName: name}
	if low == "remove-itemproperty" || low == "rp" {
		f.RegDelete = true
	} else {
		vs, ok := get([]string{"value"}, pIdx(2))
		if !ok {
			return false
		}
		typ, _ := get([]string{"type", "propertytype"}, -1)
		a.setRegValue(&f, vs, typ)
	}
	if cs >= 0 && boundUse > 0 {
		// the name or the value came from the call site: report it there
		f.Location = a.loc(cs, ce)
	}
	a.res.facts = append(a.res.facts, f)
	return true
}

func (a *analyzer) setRegValue(f *source.Fact, v, typ string) {
	typ = strings.ToLower(strings.TrimSpace(typ))
	switch typ {
	case "", "dword", "reg_dword", "qword", "reg_qword":
		if typ == "" {
			typ = "dword"
		}
		f.RegType = strings.TrimPrefix(typ, "reg_")
		if n, ok := parseNumber(strings.TrimSpace(v)); ok {
			f.RegValue = n
		} else if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			f.RegValue = uint64(n) & 0xFFFFFFFF
		} else if typ == "dword" && f.RegType == "dword" {
			f.RegType = "string"
			f.RegString = v
		}
	default:
		f.RegType = strings.TrimPrefix(typ, "reg_")
		if f.RegType == "expandstring" || f.RegType == "multistring" || f.RegType == "sz" || f.RegType == "expand_sz" {
			f.RegType = "string"
		}
		f.RegString = v
		if n, ok := parseNumber(strings.TrimSpace(v)); ok {
			f.RegValue = n
		}
	}
}

// splat fills named parameters from a hashtable variable.
func (a *analyzer) splat(name string, at int, named map[string][2]int) {
	a.need()
	ds := a.decls[name]
	for k := len(ds) - 1; k >= 0; k-- {
		d := ds[k]
		if d.name > at || !a.isOp(d.vs, "@{") {
			continue
		}
		cl := a.match(d.vs)
		for j := d.vs + 1; j < cl; j++ {
			if (a.tok(j).Kind == TIdent || a.tok(j).Kind == TString) && a.isOp(j+1, "=") {
				ve := a.stmtEnd(j + 2)
				if ve > cl {
					ve = cl
				}
				key := a.tok(j).Text
				if a.tok(j).Kind == TString {
					key = a.tok(j).Val
				}
				named[strings.ToLower(key)] = [2]int{j + 2, ve}
				j = ve
			}
		}
		return
	}
}

// psSetValue handles [Microsoft.Win32.Registry]::SetValue(key, name, value[, kind]).
func (a *analyzer) psSetValue(i int) {
	cl := a.match(i + 1)
	args := a.splitArgs(i+2, cl)
	s := a.stmtStart(i)
	e := a.stmtEnd(s)
	recv := strings.ToLower(a.f.Text[a.t[a.chainStart(i)].Start:a.t[i].Start])
	var key, name, value, typ string
	var ok bool
	switch {
	case (strings.Contains(recv, "registry]") || a.lang != LangPS && strings.HasSuffix(recv, "registry.")) && len(args) >= 3:
		if key, ok = a.psStr(args[0][0], args[0][1]); !ok {
			return
		}
		if name, ok = a.psStr(args[1][0], args[1][1]); !ok {
			return
		}
		if value, ok = a.psStr(args[2][0], args[2][1]); !ok {
			return
		}
		if len(args) >= 4 {
			typ = strings.ToLower(a.lastIdentText(args[3][0], args[3][1]))
		}
	case len(args) >= 2:
		// $key.SetValue(name, value) where $key = …CreateSubKey('path') / OpenSubKey('path', $true)
		recvTok := a.tok(i - 2)
		rname := recvTok.Val
		switch {
		case recvTok.Kind == TVar:
		case recvTok.Kind == TIdent && a.lang != LangPS:
			rname = a.key(recvTok.Text)
		default:
			return
		}
		key, ok = a.subKeyPath(rname, i)
		if !ok {
			return
		}
		if name, ok = a.psStr(args[0][0], args[0][1]); !ok {
			return
		}
		if value, ok = a.psStr(args[1][0], args[1][1]); !ok {
			return
		}
		if len(args) >= 3 {
			typ = strings.ToLower(a.lastIdentText(args[2][0], args[2][1]))
		}
	default:
		return
	}
	f := source.Fact{Kind: source.RegistryWrite, Location: a.loc(s, e), RegKey: normKey(key), RegName: name}
	a.setRegValue(&f, value, typ)
	a.res.facts = append(a.res.facts, f)
}

func (a *analyzer) subKeyPath(v string, at int) (string, bool) {
	a.need()
	ds := a.decls[v]
	for k := len(ds) - 1; k >= 0; k-- {
		d := ds[k]
		if d.name > at {
			continue
		}
		txt := strings.ToLower(a.f.Text[a.t[d.vs].Start:a.t[max(d.ve-1, d.vs)].End])
		hive := ""
		switch {
		case strings.Contains(txt, "localmachine"):
			hive = "HKLM"
		case strings.Contains(txt, "currentuser"):
			hive = "HKCU"
		default:
			return "", false
		}
		for j := d.vs; j < d.ve; j++ {
			if a.isIdent(j, "CreateSubKey", "OpenSubKey") && a.isOp(j+1, "(") {
				args := a.splitArgs(j+2, a.match(j+1))
				if len(args) > 0 {
					p, ok := a.psStr(args[0][0], args[0][1])
					return hive + `\` + p, ok
				}
			}
		}
		return "", false
	}
	return "", false
}

// psDSC handles DSC: Registry Name { Key = '…'; ValueName = '…'; ValueData = '…'; ValueType = 'Dword' }.
func (a *analyzer) psDSC(i int) {
	ob := i + 2
	cl := a.match(ob)
	props := map[string][2]int{}
	for j := ob + 1; j < cl; j++ {
		if a.tok(j).Kind == TIdent && a.isOp(j+1, "=") {
			ve := a.stmtEnd(j + 2)
			if ve > cl {
				ve = cl
			}
			props[strings.ToLower(a.t[j].Text)] = [2]int{j + 2, ve}
			j = ve - 1
		}
	}
	get := func(n string) (string, bool) {
		r, ok := props[n]
		if !ok {
			return "", false
		}
		if a.isOp(r[0], "@(") { // ValueData = @('1')
			return a.psStr(r[0]+1, a.match(r[0]))
		}
		return a.psStr(r[0], r[1])
	}
	key, ok1 := get("key")
	name, ok2 := get("valuename")
	if !ok1 || !ok2 {
		return
	}
	f := source.Fact{Kind: source.RegistryWrite, Location: a.loc(i, cl+1), RegKey: normKey(key), RegName: name}
	if en, _ := get("ensure"); strings.EqualFold(en, "absent") {
		f.RegDelete = true
	} else {
		data, ok := get("valuedata")
		if !ok {
			return
		}
		typ, _ := get("valuetype")
		if hex, _ := get("hex"); strings.EqualFold(hex, "true") && !strings.HasPrefix(strings.ToLower(data), "0x") {
			data = "0x" + data
		}
		a.setRegValue(&f, data, typ)
	}
	a.res.facts = append(a.res.facts, f)
}

var regAddRe = regexp.MustCompile(`(?i)\breg(?:\.exe)?\s+add\s+("?)([^"\s]+(?:\s[^"/]+)*?)"?\s+(/.*)$`)
var regArgRe = regexp.MustCompile(`(?i)/(v|t|d)\s+("([^"]*)"|'([^']*)'|(\S+))`)

// ParseRegAdd parses one "reg add KEY /v NAME /t TYPE /d DATA" command in
// text (located at [start, end) of f) and records its RegistryWrite fact.
// It is exported for reuse by other file kinds' analyzers.
func ParseRegAdd(f *source.File, start, end int, text string, res *fileResult) {
	m := regAddRe.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return
	}
	key := m[2]
	fact := source.Fact{Kind: source.RegistryWrite, Location: f.Range(start, end), RegKey: normKey(key)}
	typ, data := "", ""
	for _, g := range regArgRe.FindAllStringSubmatch(m[3], -1) {
		v := g[3] + g[4] + g[5]
		switch strings.ToLower(g[1]) {
		case "v":
			fact.RegName = v
		case "t":
			typ = v
		case "d":
			data = v
		}
	}
	if fact.RegName == "" {
		return
	}
	(&analyzer{}).setRegValue(&fact, data, typ)
	res.facts = append(res.facts, fact)
}

// psCoreRe matches "#Requires -PSEdition Core".
var psCoreRe = regexp.MustCompile(`(?i)#requires\s+.*-psedition\s+core`)

// psHost records whether the script declares PowerShell 7 (Core).
func (a *analyzer) psHost() {
	for _, c := range a.lx.Comments {
		if psCoreRe.MatchString(c.Text) {
			a.res.psCore = true
			a.res.facts = append(a.res.facts, source.Fact{Kind: source.PowerShellCoreHost, Location: a.f.Range(c.Start, c.End)})
			return
		}
	}
}

// embeddedCSharp analyzes here-strings (and multi-line strings) that hold
// C# compiled with Add-Type.
func (a *analyzer) embeddedCSharp(types map[string]bool) []*analyzer {
	var out []*analyzer
	for _, t := range a.t {
		if t.Kind != TString || !strings.Contains(t.Val, "\n") {
			continue
		}
		if !csAnchor.MatchString(t.Val) {
			continue
		}
		cs := t.ContentStart
		ce := cs + len(t.Val)
		if !t.HereString {
			ce = t.End - 1
		}
		if ce > len(a.f.Text) || cs >= ce {
			continue
		}
		sub := newAnalyzer(a.f, LangCSharp, cs, ce, a.res)
		sub.acceptAllTypes = types
		sub.collectPolicyTypes(types)
		out = append(out, sub)
	}
	return out
}

var csAnchor = regexp.MustCompile(`(?i)class\s|servicepointmanager|validationcallback|sslprotocols|appcontext`)
