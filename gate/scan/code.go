package scan

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/rules"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// hitKind says how a code finding's level is decided.
type hitKind int

const (
	hitFixed    hitKind = iota // level fixed by the rule
	hitPinSPT                  // TLS003: depends on the host's effective target
	hitPinSsl                  // TLS004
	hitAdditive                // TLS005
)

// hit is a finding produced by a code analyzer before its host-dependent
// level is known.
type hit struct {
	finding.Finding
	kind       hitKind
	exactTls12 bool
	ps         bool
	start, end int
}

// fileResult collects everything analyzers learn from one file.
type fileResult struct {
	hits       []hit
	facts      []source.Fact
	notes      []finding.Notification
	comments   []Span
	directives []Span
	psCore     bool
	vbRegions  [][2]int // byte ranges analyzed as VB (for #Disable Warning)
	seenAt     map[string]bool
	// marker says whether the file contains "tlsgate:ignore" when
	// markerKnown (the anchor prefilter already looked)
	marker, markerKnown bool
}

func (r *fileResult) seen(rule string, start int) bool {
	return r.seenAt[fmt.Sprintf("%s@%d", rule, start)]
}

// seenLine reports whether rule already has a finding starting on line.
func (r *fileResult) seenLine(rule, path string, line int) bool {
	return r.seenAt[fmt.Sprintf("%s|%s:%d", rule, path, line)]
}

func (r *fileResult) mark(rule string, start int, path string, line int) {
	if r.seenAt == nil {
		r.seenAt = map[string]bool{}
	}
	r.seenAt[fmt.Sprintf("%s@%d", rule, start)] = true
	r.seenAt[fmt.Sprintf("%s|%s:%d", rule, path, line)] = true
}

// add records a finding over tokens [s, e) of the analyzer.
func (a *analyzer) add(rule string, lvl finding.Severity, kind hitKind, s, e int, msg string) *hit {
	if s < 0 || s >= len(a.t) {
		return nil
	}
	if e <= s {
		e = s + 1
	}
	if e > len(a.t) {
		e = len(a.t)
	}
	for e > s+1 && (a.t[e-1].Kind == TNL) {
		e--
	}
	so, eo := a.t[s].Start, a.t[e-1].End
	l, _ := a.f.Position(so)
	if a.res.seen(rule, so) || a.res.seenLine(rule, a.f.Path, l) {
		return nil
	}
	a.res.mark(rule, so, a.f.Path, l)
	if c := a.condAt(so); c != "" {
		msg += " (inside " + c + ")"
	}
	f := finding.Finding{
		RuleID: rule, Level: lvl, Message: msg,
		Location: a.f.Range(so, eo), Snippet: a.f.Snippet(so, eo), Fix: rules.Fix(rule),
	}
	a.res.hits = append(a.res.hits, hit{Finding: f, kind: kind, ps: a.lang == LangPS, start: so, end: eo})
	return &a.res.hits[len(a.res.hits)-1]
}

var (
	ppIfRe   = regexp.MustCompile(`(?i)^#\s*(if|elif|elseif|else|endif|end\s+if)\b\s*(.*?)\s*(?:\bthen\b)?\s*(?://.*|'.*)?$`)
	ppSpaceR = regexp.MustCompile(`\s+`)
)

// condAt describes the conditional-compilation branches (#if NET45 …) that
// enclose offset off, innermost last ("" outside any).
func (a *analyzer) condAt(off int) string {
	var stack []string
	for _, d := range a.lx.Directives {
		if d.Start >= off {
			break
		}
		m := ppIfRe.FindStringSubmatch(strings.TrimSpace(d.Text))
		if m == nil {
			continue
		}
		cond := ppSpaceR.ReplaceAllString(strings.TrimSpace(m[2]), " ")
		switch kw := strings.ToLower(ppSpaceR.ReplaceAllString(m[1], " ")); kw {
		case "if":
			stack = append(stack, "#if "+cond)
		case "elif", "elseif":
			if n := len(stack); n > 0 {
				stack[n-1] = "#elif " + cond
			}
		case "else":
			if n := len(stack); n > 0 && !strings.HasPrefix(stack[n-1], "#else") {
				stack[n-1] = "#else of " + stack[n-1]
			}
		default: // endif
			if n := len(stack); n > 0 {
				stack = stack[:n-1]
			}
		}
	}
	return strings.Join(stack, ", ")
}

func (a *analyzer) loc(s, e int) finding.Location {
	if s >= len(a.t) {
		return finding.Location{Path: a.f.Path}
	}
	if e > len(a.t) {
		e = len(a.t)
	}
	if e <= s {
		e = s + 1
	}
	return a.f.Range(a.t[s].Start, a.t[e-1].End)
}

var sslMethodNames = map[string]bool{
	"authenticateasclient": true, "authenticateasclientasync": true, "beginauthenticateasclient": true,
	"authenticateasserver": true, "authenticateasserverasync": true, "beginauthenticateasserver": true,
}

var callbackProps = map[string]bool{
	"servercertificatevalidationcallback": true, "servercertificatecustomvalidationcallback": true,
	"remotecertificatevalidationcallback": true,
}

// canonSwitch spells the switches of weakSwitches as documented.
var canonSwitch = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"Switch.System.Net.DontEnableSchUseStrongCrypto", "Switch.System.ServiceModel.DisableUsingServicePointManagerSecurityProtocols",
		"Switch.System.Net.DontEnableSystemDefaultTlsVersions", "Switch.System.ServiceModel.DontEnableSystemDefaultTlsVersions"} {
		m[strings.ToLower(n)] = n
	}
	return m
}()

// weakSwitches maps the TLS-weakening AppContext switches to their level.
var weakSwitches = map[string]finding.Severity{
	"switch.system.net.dontenableschusestrongcrypto":                              finding.Error,
	"switch.system.servicemodel.disableusingservicepointmanagersecurityprotocols": finding.Error,
	"switch.system.net.dontenablesystemdefaulttlsversions":                        finding.Warning,
	"switch.system.servicemodel.dontenablesystemdefaulttlsversions":               finding.Warning,
}

// trustAllName matches callback methods and ICertificatePolicy types whose
// name states that they accept everything (used when the definition is in
// another file).
var trustAllName = regexp.MustCompile(`(?i)^(accept|trust|allow)(all|any|every)|(accept|trust|allow)(all|any)(cert|ssl|server)|alwaystrue|returntrue|(ignore|bypass|skip|disable)\w*(cert|ssl|tls|validation)|nocertificatecheck|dontvalidate|novalidation|acceptallcertifications`)

var vbWithSPM = regexp.MustCompile(`(?i)\bWith\s+(System\.Net\.)?ServicePointManager\s*$|\bWith\s+(System\.Net\.)?ServicePointManager\s*\r?\n`)

var guardRe = regexp.MustCompile(`(?i)insecure|skip|allowinvalid|allowuntrusted|ignore(ssl|tls|cert|invalid)|disable(ssl|tls|cert)|trustall|acceptall|dangerous|(validate|verify|check)(ssl|tls|server)?cert\w*\s*(==|-eq)?\s*(false|\$false)|!\s*\w*(validate|verify)`)

// sinkLen holds the lengths of the identifiers scan() reacts to, so most
// identifiers are rejected without lower-casing them.
var sinkLen = func() (m [64]bool) {
	for _, n := range []string{"securityprotocol", "sslprotocols", "enabledsslprotocols", "dangerousacceptanyservercertificatevalidator",
		"certificatepolicy", "setswitch", "sslstream", "winhttpsetoption", "invokemember", "skipcertificatecheck", "setvalue"} {
		m[len(n)] = true
	}
	for n := range sslMethodNames {
		m[len(n)] = true
	}
	for n := range callbackProps {
		m[len(n)] = true
	}
	return
}()

// sinkNames are the lower-case identifiers scan() dispatches on.
var sinkNames = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{"securityprotocol", "sslprotocols", "enabledsslprotocols", "dangerousacceptanyservercertificatevalidator",
		"certificatepolicy", "setswitch", "sslstream", "winhttpsetoption", "invokemember", "skipcertificatecheck", "setvalue"} {
		m[n] = true
	}
	for n := range sslMethodNames {
		m[n] = true
	}
	for n := range callbackProps {
		m[n] = true
	}
	return m
}()

// assignOp returns the assignment operator at token i for this language.
func (a *analyzer) assignOp(i int) string {
	t := a.tok(i)
	if t.Kind != TOp {
		return ""
	}
	switch a.lang {
	case LangCSharp:
		switch t.Text {
		case "=", "|=", "&=", "^=", "+=":
			if t.Text == "=" && a.isOp(i+1, "=") {
				return ""
			}
			return t.Text
		}
	case LangFSharp:
		if t.Text == "<-" || t.Text == "=" {
			return "="
		}
	case LangVB:
		if t.Text == "=" || t.Text == "+=" {
			return t.Text
		}
	case LangPS:
		switch t.Text {
		case "=", "+=", "-=":
			return t.Text
		}
	}
	return ""
}

// vbStmtStart reports whether token s begins a VB statement (so '=' after
// the chain is an assignment, not a comparison).
func (a *analyzer) vbStmtStart(s int) bool {
	if a.lang != LangVB {
		return true
	}
	p := a.tok(s - 1)
	if s == 0 || p.Kind == TNL || p.Kind == TOp && (p.Text == ":" || p.Text == "{" || p.Text == ",") {
		return true
	}
	return p.Kind == TIdent && (strings.EqualFold(p.Text, "Then") || strings.EqualFold(p.Text, "Else") || strings.EqualFold(p.Text, "With"))
}

// scan runs every code sink over the token stream.
func (a *analyzer) scan() {
	a.res.comments = append(a.res.comments, a.lx.Comments...)
	a.res.directives = append(a.res.directives, a.lx.Directives...)
	region := a.f.Text[a.t0():a.tEnd()]
	// containsLit is strings.Contains through the literal's rarest byte (prefilter.go)
	hasSslMember := containsLit(region, "SslProtocols.")
	hasRegistry := containsLit(region, "Registry") && (containsLit(region, "SchUseStrongCrypto") || containsLit(region, "SCHANNEL") || containsLit(region, "SystemDefaultTlsVersions") || containsLit(region, "SecureProtocols"))
	hasCbType := containsLit(region, "RemoteCertificateValidationCallback") || containsLit(region, "SslPolicyErrors, bool>")
	var chains []int
	defer func() {
		// after the call-site analysis, so a chain already judged through
		// the constructor it reaches keeps that finding
		for _, c := range chains {
			a.ctorChain(c)
		}
	}()
	var lowBuf [64]byte
	for i := 0; i < len(a.t); i++ {
		t := &a.t[i] // no copy (tokens are never modified after lexing)
		switch t.Kind {
		case TIdent:
			if len(t.Text) >= len(sinkLen) || !sinkLen[len(t.Text)] {
				continue
			}
			low := lowerIdent(&lowBuf, t.Text) // valid until the next token
			if sinkNames[low] {
				a.need()
			}
			switch {
			case low == "securityprotocol":
				a.securityProtocolSink(i)
			case low == "sslprotocols" || low == "enabledsslprotocols":
				a.sslPropertySink(i)
			case sslMethodNames[low] && a.isOp(i+1, "("):
				a.sslMethodSink(i)
			case callbackProps[low]:
				a.callbackSink(i)
			case low == "dangerousacceptanyservercertificatevalidator":
				a.dangerousValidator(i)
			case low == "certificatepolicy":
				a.certificatePolicySink(i)
			case low == "setswitch" && a.isOp(i+1, "(") && a.isOp(i-1, ".", "::", "?."):
				a.setSwitch(i)
			case low == "sslstream" && a.isIdent(i-1, "new", "New") && a.isOp(i+1, "("):
				a.sslStreamCtor(i)
			case low == "winhttpsetoption" && a.isOp(i+1, "(") && a.lang != LangPS:
				a.winHTTPSetOption(i)
			case low == "invokemember" && a.isOp(i+1, "("):
				a.invokeMemberSetSwitch(i)
			case low == "setvalue" && a.lang != LangPS && a.isOp(i+1, "(") && a.isOp(i-1, ".") && hasRegistry:
				// Registry.SetValue / RegistryKey.SetValue in installer code
				a.psSetValue(i)
			case low == "skipcertificatecheck" && a.lang == LangPS && a.isOp(i+1, "="):
				// splatting hashtable @{ SkipCertificateCheck = $true }
				v, _ := a.fold(i+2, a.stmtEnd(i+2), nil)
				if v.boolean == 1 {
					s := a.stmtStart(i)
					a.reportCallback(s, a.stmtEnd(i+2), a.guarded(s))
				}
			}
		case TOp:
			if t.Text == "=" && a.lang != LangPS && hasSslMember {
				a.sslValueAssign(i)
			}
			if t.Text == "=" && hasCbType && (a.lang == LangCSharp || a.lang == LangVB) {
				a.defaultValidator(i)
			}
			if t.Text == "=" && a.lang == LangCSharp && (hasSslMember || hasCbType) {
				a.memberDefault(i)
			}
			if t.Text == ":" && a.lang == LangCSharp && hasSslMember && a.isOp(i-1, ")") && a.isIdent(i+1, "this", "base") && a.isOp(i+2, "(") {
				chains = append(chains, i+1)
			}
		case TParam:
			a.need()
			if a.lang == LangPS {
				switch t.Val {
				case "skipcertificatecheck":
					a.psSkipCert(i)
				case "sslprotocol":
					a.psSslProtocol(i)
				}
			}
		}
	}
	if a.lang == LangPS {
		a.need()
		a.psRegistry()
	}
}

// text returns the source of tokens [s, e) ("" for an empty or invalid range).
func (a *analyzer) text(s, e int) string {
	e = min(e, len(a.t))
	if s < 0 || s >= e {
		return ""
	}
	return a.f.Text[a.t[s].Start:a.t[e-1].End]
}

// t0 and tEnd are the byte range the analyzer's tokens cover.
func (a *analyzer) t0() int {
	if len(a.t) == 0 {
		return 0
	}
	return a.t[0].Start
}

func (a *analyzer) tEnd() int {
	if len(a.t) == 0 {
		return 0
	}
	return a.t[len(a.t)-1].End
}

// securityProtocolSink handles writes to ServicePointManager.SecurityProtocol.
func (a *analyzer) securityProtocolSink(i int) {
	op := a.assignOp(i + 1)
	if op == "" {
		return
	}
	s := a.chainStart(i)
	chain := strings.ToLower(a.f.Text[a.t[s].Start:a.t[i].End])
	if !strings.Contains(chain, "servicepointmanager") {
		// a bare SecurityProtocol is the property only under
		// "using static System.Net.ServicePointManager" (C#) or inside
		// "With ServicePointManager" (VB); elsewhere it belongs to another type
		if s != i && !(a.lang == LangVB && a.tok(s).Text == ".") {
			return
		}
		switch a.lang {
		case LangCSharp:
			if !strings.Contains(a.f.Text, "static System.Net.ServicePointManager") || a.tok(i-1).Kind == TIdent || a.isOp(i-1, "{", ",") {
				return
			}
		case LangVB:
			if a.tok(s).Text != "." || !vbWithSPM.MatchString(a.f.Text[:a.t[s].Start]) {
				return
			}
		default:
			return
		}
	}
	if !a.vbStmtStart(s) {
		return
	}
	vs := i + 2
	e := a.stmtEnd(vs)
	encl := a.enclosingMethod(i)
	v, fp := a.fold(vs, e, encl)
	switch op {
	case "|=", "+=":
		v = val{ok: true, cur: true, keep: allBits}.or(v)
	case "&=", "-=":
		if op == "-=" {
			v = v.not()
		}
		v = val{ok: true, cur: true, keep: allBits}.and(v)
	case "^=":
		if a.guardedXor(s) {
			v = val{ok: true, cur: true, keep: allBits &^ v.add}
		} else {
			v = val{ok: true, cur: true, keep: allBits}.or(v)
		}
	case "=":
		// "p = p ^ X" is the non-compound spelling of "p ^= X"
		if v.cur && a.topLevelXor(vs, e) && a.guardedXor(s) {
			v = val{ok: true, cur: true, keep: allBits &^ v.add}
		}
	}
	if v.orUnknown && e == vs+1 {
		switch a.enumLoopVar(vs) {
		case loopStrips:
			// foreach (var p in Enum.GetValues(typeof(SecurityProtocolType)))
			// with a switch that skips the weak members: the strip idiom of
			// detection-rules.md §3.2, not an unresolved value
			v.orUnknown = false
		case loopAll:
			// every member, the deprecated ones included
			v = val{ok: true, cur: true, keep: allBits, add: bitSsl3 | bitTls | bitTls11 | bitTls12 | bitTls13, typ: typSPT, enum: true}
		}
	}
	if fp.param != "" && !v.ok && v.add&weakSPT == 0 && encl != nil {
		if a.helperCallSites(encl, fp.param, op, s, vs, e) {
			return
		}
	}
	a.judgeSPT(v, s, e, "ServicePointManager.SecurityProtocol")
}

// judgeSPT classifies a folded SecurityProtocol write and emits its finding and fact.
func (a *analyzer) judgeSPT(v val, s, e int, what string) {
	fact := source.Fact{Kind: source.ProtocolAssign, Location: a.loc(s, e), Protocols: protoSet(v.add), Additive: v.cur && v.add != 0}
	weak := v.add & weakSPT
	switch {
	case weak != 0:
		a.add("TLS001", finding.Error, hitFixed, s, e, fmt.Sprintf("%s enables deprecated %s (value includes %s): the process opts out of the OS default and keeps protocols deprecated by RFC 8996", what, protoNames(weak), protoNames(v.add)))
	case !v.ok:
		fact.Unresolved = true
		if v.cur && v.add == 0 && !v.orUnknown {
			// current & unknown: a removal with an unresolved mask
			fact.Removal = true
			fact.Unresolved = false
			break
		}
		a.add("TLS019", finding.Note, hitFixed, s, e, what+" is set from a value that cannot be resolved statically: agility is lost and safety cannot be proven")
	case v.add == 0 && !v.cur:
		fact.SystemDefault = true
	case v.add == 0 && v.cur:
		fact.Removal = true
	case v.cur:
		h := a.add("TLS005", finding.Warning, hitAdditive, s, e, fmt.Sprintf("%s is OR-ed into %s: on 4.7+ this replaces the OS default with a fixed list (no TLS 1.3); on older targets the weak defaults stay enabled", protoNames(v.add), what))
		_ = h
		if v.keep != allBits {
			fact.Removal = true
		}
	default:
		h := a.add("TLS003", finding.Warning, hitPinSPT, s, e, fmt.Sprintf("%s is pinned to %s: the application loses OS agility (future TLS versions and OS-level deprecations)", what, protoNames(v.add)))
		if h != nil && v.add == bitTls12 {
			h.exactTls12 = true
		}
	}
	if v.cur && v.keep != allBits && v.add == 0 {
		fact.Removal = true
	}
	a.res.facts = append(a.res.facts, fact)
}

// Results of enumLoopVar.
const (
	loopNone   = iota // not a loop variable over Enum.GetValues
	loopStrips        // the loop body names deprecated members (case labels, tests)
	loopAll           // the loop takes every member
)

// enumLoopVar classifies the identifier at i: the variable of an enclosing
// foreach loop over Enum.GetValues(...) / T.GetValues(...), and whether the
// loop body singles out the deprecated members (the strip idiom) or takes
// every member.
func (a *analyzer) enumLoopVar(i int) int {
	t := a.tok(i)
	if t.Kind != TIdent && t.Kind != TVar {
		return loopNone
	}
	for k := i - 1; k >= 0 && i-k < 4*maxStmt; k-- {
		if !a.isIdent(k, "foreach", "ForEach", "For") || !a.isOp(k+1, "(") && !a.isIdent(k+1, "Each") {
			continue
		}
		end := a.stmtEnd(k)
		if a.isOp(k+1, "(") {
			end = a.match(k + 1)
		}
		if end <= k || end >= i {
			continue // the sink is not in this loop's body
		}
		seg := a.f.Text[a.t[k].Start:a.t[end].End]
		if !strings.Contains(strings.ToLower(seg), "getvalues") {
			continue
		}
		for j := k + 1; j < end; j++ {
			if (a.t[j].Kind == TIdent || a.t[j].Kind == TVar) && strings.EqualFold(a.t[j].Text, t.Text) && a.isIdent(j+1, "in", "In") {
				body := strings.ToLower(a.f.Text[a.t[end].End:a.t[i].Start])
				for _, w := range []string{".ssl3", ".tls:", ".tls)", ".tls ", ".tls11", "::ssl3", "::tls11", "'ssl3'", "'tls'", "'tls11'", "\"ssl3\"", "\"tls\"", "\"tls11\""} {
					if strings.Contains(body, w) {
						return loopStrips
					}
				}
				return loopAll
			}
		}
	}
	return loopNone
}

// topLevelXor reports whether the expression s..e combines its operands
// with XOR at bracket depth 0.
func (a *analyzer) topLevelXor(s, e int) bool {
	d := 0
	for j := s; j < e && j < len(a.t); j++ {
		t := a.t[j]
		switch {
		case isOpen(t):
			d++
		case isClose(t):
			d--
		case d == 0 && (t.Kind == TOp && (t.Text == "^" || t.Text == "^^^" || t.Text == "-bxor") || a.lang == LangVB && t.Kind == TIdent && strings.EqualFold(t.Text, "Xor")):
			return true
		}
	}
	return false
}

// guardedXor reports whether a ^= statement is guarded by a membership test
// (HasFlag or a bit test) in an enclosing if.
func (a *analyzer) guardedXor(s int) bool {
	c := strings.ToLower(a.guardCond(s))
	if !(strings.Contains(c, "hasflag") || strings.Contains(c, "&") || strings.Contains(c, "-band") || strings.Contains(c, " and ")) {
		return false
	}
	// a negated test ("not yet set") makes the XOR set the bit: an addition
	return !negatedMembership(c)
}

// negatedHasFlag matches "!X.HasFlag(", "-not X.HasFlag(" and "Not X.HasFlag(".
var negatedHasFlag = regexp.MustCompile(`(!|-not\b|\bnot\b)\s*\(?\s*[\w.\[\]:$]*hasflag\s*\(`)

// negatedMembership reports whether a (lower-cased) guard condition tests
// that a flag is NOT present, so that the ^= it guards adds the flag.
func negatedMembership(c string) bool {
	if strings.Contains(c, "hasflag") {
		return negatedHasFlag.MatchString(c)
	}
	// a bit test compared with zero: "(x & f) == 0", "-eq 0", VB "= 0"
	z := strings.Join(strings.Fields(c), "")
	for i := 0; i < len(z); i++ {
		if z[i] != '0' || i+1 < len(z) && isWordByte(z[i+1]) || i > 0 && isWordByte(z[i-1]) && z[i-1] != 'q' {
			continue
		}
		switch {
		case strings.HasSuffix(z[:i], "=="), strings.HasSuffix(z[:i], "-eq"):
			return true
		case strings.HasSuffix(z[:i], "=") && !strings.HasSuffix(z[:i], "!=") && !strings.HasSuffix(z[:i], "<=") && !strings.HasSuffix(z[:i], ">="):
			return true
		}
	}
	return false
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// guardCond returns the text of the if-condition that directly guards the
// statement starting at token s ("" when none).
func (a *analyzer) guardCond(s int) string {
	k := s - 1
	for k >= 0 && a.isNL(k) {
		k--
	}
	if a.isOp(k, "{") {
		k--
		for k >= 0 && a.isNL(k) {
			k--
		}
	}
	if a.lang == LangVB {
		if a.isIdent(k, "Then") {
			j := k
			for j >= 0 && !a.isNL(j) && !a.isIdent(j, "If") {
				j--
			}
			if a.isIdent(j, "If") {
				return a.f.Text[a.t[j].End:a.t[k].Start]
			}
		}
		return ""
	}
	if a.isOp(k, ")") {
		o := a.matchBack(k)
		if o > 0 && a.isIdent(o-1, "if", "elseif", "while") {
			return a.f.Text[a.t[o].Start:a.t[k].End]
		}
	}
	return ""
}

// helperCallSites evaluates a helper method that writes its parameter into
// the sink, at each call site in the file: the sink expression [vs, e) is
// folded again with the parameter bound to the call-site argument, so
// "|= p", "&= ~p" and "= p | X" keep their meaning. Calls that only forward
// a parameter of another method are followed one more hop. It reports true
// when a call site was judged (then the sink itself is not reported).
func (a *analyzer) helperCallSites(m *method, param, op string, s, vs, e int) bool {
	sites := a.callSiteValues(m, param, 0)
	for _, cs := range sites {
		a.bound = map[string]val{param: cs.v}
		v, _ := a.fold(vs, e, m)
		a.bound = nil
		cur := val{ok: true, cur: true, keep: allBits}
		switch op {
		case "|=", "+=", "^=":
			v = cur.or(v)
		case "&=":
			v = cur.and(v)
		case "-=":
			v = cur.and(v.not())
		}
		a.judgeSPT(v, cs.s, cs.e, "ServicePointManager.SecurityProtocol (through "+m.name+")")
	}
	return len(sites) > 0
}

// siteVal is the value a call site passes for a helper parameter, and the
// statement the call is in.
type siteVal struct {
	v    val
	s, e int
}

// callSiteValues returns the values passed for parameter param of method m
// at its call sites in the file. Declarations of same-named overloads are
// not call sites; a call that passes a parameter of its own enclosing
// method is replaced by that method's call sites (depth-limited).
func (a *analyzer) callSiteValues(m *method, param string, depth int) []siteVal {
	idx := -1
	for k, p := range m.params {
		if p == param {
			idx = k
		}
	}
	if idx < 0 || depth > 2 {
		return nil
	}
	var out []siteVal
	for j := 0; j < len(a.t); j++ {
		if !a.isOp(j+1, "(") || a.t[j].Kind != TIdent || !strings.EqualFold(a.t[j].Text, m.name) {
			continue
		}
		if (j >= m.bs && j < m.be) || a.declaresMethod(j) {
			continue
		}
		cl := a.match(j + 1)
		args := a.splitArgs(j+2, cl)
		if idx >= len(args) {
			continue
		}
		caller := a.enclosingMethod(j)
		v, fp := a.fold(args[idx][0], args[idx][1], caller)
		if !v.ok && fp.param != "" && caller != nil && caller != m {
			// a forwarding overload or wrapper: judge its own call sites
			if !strings.EqualFold(caller.name, m.name) || caller.start != m.start {
				out = append(out, a.callSiteValues(caller, fp.param, depth+1)...)
			}
			continue
		}
		cs := a.stmtStart(j)
		ce := a.stmtEnd(cs)
		if ce <= j {
			ce = cl + 1
		}
		out = append(out, siteVal{v: v, s: cs, e: ce})
	}
	return out
}

// declaresMethod reports whether the identifier at j names a method in its
// own declaration (a same-named overload), not a call.
func (a *analyzer) declaresMethod(j int) bool {
	for _, ms := range a.meths {
		for _, mm := range ms {
			if mm.start <= j && j <= mm.start+1 && strings.EqualFold(mm.name, a.t[j].Text) {
				return true
			}
		}
	}
	return false
}

// sslCallSites evaluates the SslProtocols parameter of a method or
// constructor at its call sites in the file (including ": this(…)"
// constructor chaining); it reports true when a call site was judged.
func (a *analyzer) sslCallSites(m *method, param, what string) bool {
	idx := -1
	for k, p := range m.params {
		if p == param {
			idx = k
		}
	}
	if idx < 0 {
		return false
	}
	found := false
	for j := 0; j+1 < len(a.t); j++ {
		if j == m.start || !a.isOp(j+1, "(") || a.t[j].Kind != TIdent {
			continue
		}
		isCall := a.t[j].Text == m.name && !(j >= m.bs && j < m.be)
		isChain := (a.t[j].Text == "this" || a.t[j].Text == "base") && a.isOp(j-1, ":")
		if !isCall && !isChain {
			continue
		}
		cl := a.match(j + 1)
		args := a.splitArgs(j+2, cl)
		if idx >= len(args) || len(args) != len(m.params) {
			continue
		}
		v, _ := a.fold(args[idx][0], args[idx][1], a.enclosingMethod(j))
		if !v.ok && !v.enum {
			continue
		}
		cs := a.stmtStart(j)
		found = true
		a.judgeSsl(v, cs, cl+1, what+" (through "+m.name+")")
	}
	return found
}

// sslPropertySink handles X.SslProtocols = v, { SslProtocols = v },
// EnabledSslProtocols = v, named arguments and property defaults.
func (a *analyzer) sslPropertySink(i int) {
	var vs int
	s := i
	switch {
	case a.assignOp(i+1) != "" && !(a.lang == LangVB && !a.vbStmtStart(a.chainStart(i))):
		p := a.tok(i - 1)
		name := a.t[i].Text
		upper := name != "" && name[0] >= 'A' && name[0] <= 'Z'
		// a field default "SslProtocols SslProtocols = x" counts; a local
		// "var sslProtocols = x" does not (its use is the sink)
		if !(a.isOp(i-1, ".", "?.", "{", ",", "(") || p.Kind == TNL || i == 0 || p.Kind == TIdent && upper && !a.isIdent(i-1, "var", "Dim", "let", "const")) {
			return
		}
		s = a.chainStart(i)
		vs = i + 2
		if a.assignOp(i+1) != "=" && a.assignOp(i+1) != "|=" {
			return
		}
	case a.isOp(i+1, ":") && a.isOp(i-1, "(", ",") && a.lang == LangCSharp:
		vs = i + 2 // named argument enabledSslProtocols: x
	case a.isOp(i+1, "{") && a.lang == LangCSharp:
		// auto-property with a default: SslProtocols SslProtocols { get; set; } = X;
		cl := a.match(i + 1)
		if !a.isOp(cl+1, "=") {
			return
		}
		vs = cl + 2
		s = i
	default:
		return
	}
	e := a.stmtEnd(vs)
	v, fp := a.fold(vs, e, a.enclosingMethod(i))
	if a.assignOp(i+1) == "|=" {
		v = val{ok: true, cur: true, keep: allBits}.or(v)
	}
	if !v.ok && !v.enum && v.add == 0 {
		// not recognisably a protocol value (e.g. a property of another type)
		if fp.param == "" && !a.looksProtocolTyped(vs, e) {
			return
		}
	}
	// copying another options object's protocols (this.SslProtocols =
	// other.SslProtocols) chooses nothing itself
	if !v.ok && e-vs >= 3 && a.isOp(e-2, ".", "?.") && strings.EqualFold(strings.TrimPrefix(a.t[e-1].Text, "Enabled"), "SslProtocols") {
		return
	}
	name := a.t[i].Text
	a.judgeSsl(v, s, e, name)
}

// sslValueAssign handles any member assignment whose value is an
// SslProtocols constant (RabbitMQ's factory.Ssl.Version = SslProtocols.Tls,
// custom options forwarded to SslStream).
func (a *analyzer) sslValueAssign(i int) {
	n := i - 1
	nt := a.tok(n)
	if nt.Kind != TIdent || a.isOp(i+1, "=") {
		return
	}
	low := strings.ToLower(nt.Text)
	if low == "sslprotocols" || low == "enabledsslprotocols" || low == "securityprotocol" {
		return // handled by the dedicated sinks
	}
	if !a.isOp(n-1, ".", "?.") {
		return // locals and initializer members of unknown types are not sinks
	}
	e := a.stmtEnd(i + 1)
	has := false
	for j := i + 1; j < e; j++ {
		if a.isIdent(j, "SslProtocols") && a.isOp(j+1, ".") {
			has = true
			break
		}
	}
	if !has {
		return
	}
	s := a.chainStart(n)
	if !a.vbStmtStart(s) {
		return
	}
	v, _ := a.fold(i+1, e, a.enclosingMethod(i))
	if !v.ok || v.typ != typSsl {
		return
	}
	a.judgeSsl(v, s, e, nt.Text+" (SslProtocols)")
}

// ctorChain handles a constructor initializer ": this(…)" / ": base(…)"
// that passes an SslProtocols constant: the convenience constructor of a
// library default (detection-rules.md §2 TLS002, §6).
func (a *analyzer) ctorChain(i int) {
	cl := a.match(i + 1)
	if cl < 0 {
		return
	}
	for _, ar := range a.splitArgs(i+2, cl) {
		v, _ := a.fold(ar[0], ar[1], nil)
		if !v.ok || v.typ != typSsl {
			continue
		}
		a.judgeSsl(v, i, cl+1, "constructor chain "+a.t[i].Text+"(…) passes SslProtocols")
	}
}

// memberDefault handles constants stored in an instance field that the
// library later hands to its sinks: an SslProtocols field set to a
// constant (TLS002 / TLS004) and a RemoteCertificateValidationCallback
// field set to a validator that accepts everything (TLS006) — the
// "library defaults insecure for every consumer" of detection-rules.md §6.
func (a *analyzer) memberDefault(i int) {
	n := i - 1
	nt := a.tok(n)
	if nt.Kind != TIdent || a.isOp(i+1, "=") {
		return
	}
	s := n
	dotted := false
	if a.isOp(n-1, ".") {
		if !a.isIdent(n-2, "this") {
			return
		}
		s, dotted = n-2, true
	}
	var typ string
	switch {
	case a.tok(s-1).Kind == TIdent && !dotted:
		// a field declaration with an initializer: "private SslProtocols _p = …"
		if a.enclosingMethod(i) != nil || !a.isIdent(s-1, "SslProtocols") {
			return
		}
		ds := a.stmtStart(s - 1)
		mods := a.f.Text[a.t[ds].Start:a.t[s].Start]
		if strings.Contains(mods, "const") {
			return
		}
		if !publicRe.MatchString(mods) && !a.referencedElsewhere(n) {
			return // a private field nothing in this file reads cannot reach a sink
		}
		typ, s = "SslProtocols", ds
	case a.isOp(s-1, ","), a.initializerBrace(s - 1):
		return // a member of an object initializer, not this class's field
	default:
		typ = a.fieldType(nt.Text)
	}
	e := a.stmtEnd(i + 1)
	switch {
	case sslTypeRe.MatchString(typ) && !dotted:
		// "this.x = …" is covered by sslValueAssign; only a value written
		// here as an SslProtocols constant is a default (a copy from another
		// instance or a parameter is not)
		if !a.mentionsMember(i+1, e, "SslProtocols") {
			return
		}
		v, _ := a.fold(i+1, e, a.enclosingMethod(i))
		if !v.ok || v.typ != typSsl {
			return
		}
		a.judgeSsl(v, s, e, nt.Text+" (SslProtocols default)")
	case strings.Contains(typ, "RemoteCertificateValidationCallback") && a.enclosingMethod(i) != nil || strings.Contains(typ, "RemoteCertificateValidationCallback") && a.tok(s-1).Kind != TIdent:
		if ok, guard := a.acceptsAll(i+1, e); ok {
			a.reportCallback(s, e, guard || a.guarded(s))
		}
	}
}

var sslTypeRe = regexp.MustCompile(`(^|[^\w.])SslProtocols\s*$`)

// publicRe matches the access modifiers that let other files read a field.
var publicRe = regexp.MustCompile(`\b(public|protected|internal)\b`)

// referencedElsewhere reports whether the identifier at token n (a field's
// declared name) is used anywhere else in the file.
func (a *analyzer) referencedElsewhere(n int) bool {
	name := a.tok(n).Text
	for j := range a.t {
		if j != n && a.t[j].Kind == TIdent && a.t[j].Text == name {
			return true
		}
	}
	return false
}

// mentionsMember reports whether [s, e) names a member of enum type typ
// ("SslProtocols.Tls") or casts to it.
func (a *analyzer) mentionsMember(s, e int, typ string) bool {
	for j := s; j < e && j < len(a.t); j++ {
		if a.isIdent(j, typ) && (a.isOp(j+1, ".") || a.isOp(j+1, ")") && a.isOp(j-1, "(")) {
			return true
		}
	}
	return false
}

// initializerBrace reports whether token k is the "{" of an object or
// collection initializer (new T { … }, new T(…) { … }, new() { … }).
func (a *analyzer) initializerBrace(k int) bool {
	if !a.isOp(k, "{") {
		return false
	}
	p := k - 1
	for p >= 0 && a.isNL(p) {
		p--
	}
	if a.isOp(p, ")") {
		o := a.matchBack(p)
		if o < 0 {
			return false
		}
		p = o - 1
		if a.isIdent(p, "new") {
			return true
		}
	}
	for p >= 0 && (a.tok(p).Kind == TIdent || a.isOp(p, ".", "<", ">", ",")) {
		if a.isIdent(p, "new") {
			return true
		}
		p--
	}
	return false
}

// fieldType returns the declared type of a class-level field or property
// named name in this file ("" when there is none). The declarations are
// indexed in one pass on first use.
func (a *analyzer) fieldType(name string) string {
	if a.fieldTypes == nil {
		a.fieldTypes = map[string]string{}
		for k := 1; k+1 < len(a.t); k++ {
			t := a.t[k]
			if t.Kind != TIdent || !a.isOp(k+1, ";", "=", ",", "{") {
				continue
			}
			if _, done := a.fieldTypes[t.Text]; done {
				continue
			}
			p := a.tok(k - 1)
			if p.Kind != TIdent && !a.isOp(k-1, ">", "]", "?") || a.isIdent(k-1, "new", "return", "var", "in", "out", "ref", "await", "yield", "throw", "else", "case", "goto") {
				continue
			}
			if a.enclosingMethod(k) != nil {
				continue
			}
			ds := a.stmtStart(k - 1)
			a.fieldTypes[t.Text] = a.f.Text[a.t[ds].Start:t.Start]
		}
	}
	return a.fieldTypes[name]
}

// defaultValidator handles a class-level field or property whose type is a
// certificate-validation callback and whose default accepts everything (a
// library default insecure for every consumer, detection-rules.md §6).
func (a *analyzer) defaultValidator(i int) {
	a.need()
	if i < 1 || a.isOp(i+1, "=") || a.enclosingMethod(i) != nil {
		return
	}
	// the declaration: from the previous ';', '{' or '}' up to '='
	s := i - 1
	if a.isOp(s, "}") { // auto-property "{ get; set; } = …"
		if o := a.matchBack(s); o > 0 {
			s = o
		}
	}
	for s > 0 && !a.isOp(s-1, ";", "{", "}") && !a.isNL(s-1) && i-s < 64 {
		s--
	}
	decl := a.f.Text[a.t[s].Start:a.t[i].Start]
	if !strings.Contains(decl, "RemoteCertificateValidationCallback") && !strings.Contains(decl, "SslPolicyErrors, bool>") {
		return
	}
	if strings.Contains(decl, "(") && !strings.Contains(decl, "Func<") {
		return // a parameter default or a call, not a member declaration
	}
	vs := i + 1
	if !(a.isIdent(vs, "delegate") || a.isIdent(vs, "Function") || a.isIdent(vs, "new") || a.isOp(vs, "(") || a.tok(vs).Kind == TIdent && a.isOp(vs+1, "=>")) {
		return // method groups are judged where they are used
	}
	e := a.stmtEnd(vs)
	if ok, guard := a.acceptsAll(vs, e); ok {
		for s < i && a.isOp(s, "[") { // attributes
			s = a.after(s)
		}
		a.reportCallback(s, e, guard)
	}
}

// looksProtocolTyped reports whether an unresolved value mentions protocols.
func (a *analyzer) looksProtocolTyped(s, e int) bool {
	if s >= len(a.t) {
		return false
	}
	if e > len(a.t) {
		e = len(a.t)
	}
	if e <= s {
		return false
	}
	txt := strings.ToLower(a.f.Text[a.t[s].Start:a.t[e-1].End])
	return strings.Contains(txt, "sslprotocols") || strings.Contains(txt, "protocol")
}

// judgeSsl classifies a folded SslProtocols value at a sink.
func (a *analyzer) judgeSsl(v val, s, e int, what string) {
	weak := v.add & weakSsl
	switch {
	case weak != 0:
		a.add("TLS002", finding.Error, hitFixed, s, e, fmt.Sprintf("%s enables deprecated %s (value includes %s)", what, protoNames(weak), protoNames(v.add)))
	case !v.ok:
		if v.cur {
			return
		}
		a.add("TLS019", finding.Note, hitFixed, s, e, what+" is set from a value that cannot be resolved statically: agility is lost and safety cannot be proven")
	case v.add&modernBits != 0:
		h := a.add("TLS004", finding.Warning, hitPinSsl, s, e, fmt.Sprintf("%s is pinned to %s: the connection loses OS agility (future TLS versions and OS-level deprecations)", what, protoNames(v.add)))
		if h != nil && v.add == bitTls12 {
			h.exactTls12 = true
		}
	}
}

// sslMethodSink handles SslStream.AuthenticateAs*(…, SslProtocols, …).
func (a *analyzer) sslMethodSink(i int) {
	if !a.isOp(i-1, ".", "?.") {
		return // a declaration or an unrelated method of the same name
	}
	cl := a.match(i + 1)
	args := a.splitArgs(i+2, cl)
	low := strings.ToLower(a.t[i].Text)
	pos := 2
	for k, ar := range args {
		// named argument enabledSslProtocols: X
		if a.isOp(ar[0]+1, ":") && strings.EqualFold(a.tok(ar[0]).Text, "enabledSslProtocols") {
			pos = k
			args[k][0] = ar[0] + 2
		}
	}
	if pos >= len(args) {
		return
	}
	ar := args[pos]
	v, fp := a.fold(ar[0], ar[1], a.enclosingMethod(i))
	if v.boolean != 0 {
		return
	}
	if !(len(args) >= 4 || v.enum || v.typ != typUnknown) {
		return
	}
	if strings.HasPrefix(low, "begin") && len(args) < 5 && !v.enum {
		return
	}
	if !v.ok && !v.enum && !a.looksProtocolTyped(ar[0], ar[1]) {
		// an unresolved argument counts only when it is visibly a protocol
		// value (NegotiateStream.AuthenticateAsClient takes a ProtectionLevel
		// in the same position)
		encl := a.enclosingMethod(i)
		if fp.param == "" || encl == nil || !strings.Contains(a.f.Text[a.t[encl.start].Start:a.t[max(encl.bs-1, encl.start)].End], "SslProtocols") {
			return
		}
	}
	if fp.param != "" && !v.ok && v.add&weakSsl == 0 {
		if encl := a.enclosingMethod(i); encl != nil && a.sslCallSites(encl, fp.param, "SslStream."+a.t[i].Text) {
			return
		}
	}
	s := a.stmtStart(i)
	e := a.stmtEnd(s)
	if e <= cl {
		e = cl + 1
	}
	a.judgeSsl(v, s, e, "SslStream."+a.t[i].Text)
}

// callbackSink handles certificate-validation callbacks assigned or added.
func (a *analyzer) callbackSink(i int) {
	op := a.assignOp(i + 1)
	var vs int
	s := i
	switch {
	case op == "=" || op == "+=":
		if !a.isOp(i-1, ".", "?.", "::", "{", ",", "(") && a.tok(i-1).Kind != TNL && i != 0 {
			return
		}
		s = a.chainStart(i)
		if !a.vbStmtStart(s) {
			return
		}
		vs = i + 2
	case a.isOp(i+1, ":") && a.isOp(i-1, "(", ","):
		vs = i + 2
	case a.isOp(i+1, "(") && a.isIdent(i-1, "new", "New"):
		// new RemoteCertificateValidationCallback(X)
		cl := a.match(i + 1)
		ok, guard := a.acceptsAll(i+2, cl)
		if !ok {
			return
		}
		s = a.stmtStart(i - 1)
		e := a.stmtEnd(s)
		if e <= cl {
			e = cl + 1
		}
		a.reportCallback(s, e, guard || a.guarded(s))
		return
	case a.lang == LangVB && a.isIdent(i-2, "AddHandler") && a.isOp(i+1, ","):
		s = i - 2
		vs = i + 2
	default:
		return
	}
	e := a.stmtEnd(vs)
	ok, guard := a.acceptsAll(vs, e)
	if !ok {
		return
	}
	a.reportCallback(s, e, guard || a.guarded(s))
}

func (a *analyzer) reportCallback(s, e int, guarded bool) {
	lvl := finding.Error
	msg := "certificate validation callback accepts every certificate (returns true on every path): any man in the middle is trusted"
	if guarded {
		lvl = finding.Warning
		msg += " (behind an opt-in setting)"
	}
	a.add("TLS006", lvl, hitFixed, s, e, msg)
}

// guarded reports whether the statement at s sits under an opt-in flag whose
// name says insecure / skip / allowInvalid.
func (a *analyzer) guarded(s int) bool {
	c := a.guardCond(s)
	if c == "" {
		// also look one enclosing level further (if (x) { … stmt … })
		d := 0
		for k := s - 1; k >= 0 && k > s-400; k-- {
			if isClose(a.t[k]) {
				d++
			} else if isOpen(a.t[k]) {
				if d == 0 {
					if a.t[k].Text == "{" {
						c = a.guardCond(k + 1)
					}
					break
				}
				d--
			}
		}
	}
	if sinkStateRe.MatchString(c) {
		// "if (current policy is not already TrustAllCertsPolicy)": a test of the sink's own
		// state names the trust-all type in a string; that string is data, not an opt-in flag.
		c = quotedRe.ReplaceAllString(c, `""`)
	}
	return c != "" && guardRe.MatchString(c)
}

// sinkStateRe matches a condition that reads the certificate-validation sink itself.
var sinkStateRe = regexp.MustCompile(`(?i)\b(CertificatePolicy|ServerCertificateValidationCallback|ServerCertificateCustomValidationCallback)\b`)

// quotedRe matches single- or double-quoted string literals.
var quotedRe = regexp.MustCompile(`"(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'`)

// acceptsAll decides whether the callback expression [s, e) returns true on
// every path. The second result is true when a ternary's condition gates it.
func (a *analyzer) acceptsAll(s, e int) (bool, bool) {
	a.need()
	e = min(e, len(a.t))
	if a.depth > 6 || s >= e || s < 0 {
		return false, false
	}
	a.depth++
	defer func() { a.depth-- }()
	for s < e && a.isNL(s) {
		s++
	}
	// strip wrappers: new RemoteCertificateValidationCallback(x), [T] { }, (x)
	if a.isIdent(s, "new", "New") {
		j := s + 1
		for j < e && (a.tok(j).Kind == TIdent || a.isOp(j, ".")) {
			j++
		}
		if a.isOp(j, "<") { // Func<...>
			d := 0
			for ; j < e; j++ {
				if a.isOp(j, "<") {
					d++
				} else if a.isOp(j, ">") {
					d--
					if d == 0 {
						j++
						break
					}
				}
			}
		}
		if a.isOp(j, "(") {
			cl := a.match(j)
			return a.acceptsAll(j+1, cl)
		}
		return false, false
	}
	if a.lang == LangPS && a.isOp(s, "[") {
		cl := a.match(s)
		return a.acceptsAll(cl+1, e)
	}
	if a.isOp(s, "(") && a.match(s) == e-1 {
		return a.acceptsAll(s+1, e-1)
	}
	// C# ternary: cond ? a : b
	if a.lang == LangCSharp {
		d := 0
		for j := s; j < e; j++ {
			if isOpen(a.t[j]) {
				d++
			} else if isClose(a.t[j]) {
				d--
			} else if d == 0 && a.isOp(j, "?") {
				// find ':' at depth 0
				d2 := 0
				for k := j + 1; k < e; k++ {
					if isOpen(a.t[k]) {
						d2++
					} else if isClose(a.t[k]) {
						d2--
					} else if d2 == 0 && a.isOp(k, ":") {
						x, _ := a.acceptsAll(j+1, k)
						y, _ := a.acceptsAll(k+1, e)
						if x || y {
							return true, true
						}
						return false, false
					}
				}
				return false, false
			} else if d == 0 && a.isOp(j, "=>") {
				break
			}
		}
	}
	t := a.tok(s)
	switch a.lang {
	case LangPS:
		if a.isOp(s, "{") {
			cl := a.match(s)
			return a.psBlockTrue(s+1, cl), false
		}
		if t.Kind == TVar && e == s+1 {
			return a.declAcceptsAll(t.Val, s)
		}
		return false, false
	case LangVB:
		if a.isIdent(s, "AddressOf") {
			return a.methodAcceptsAll(a.lastIdent(s+1, e)), false
		}
		if a.isIdent(s, "Function") && a.isOp(s+1, "(") {
			cl := a.match(s + 1)
			if cl+1 < len(a.t) && !a.isNL(cl+1) {
				// single-line Function(x) True
				return cl+2 == e && a.isIdent(cl+1, "True"), false
			}
			// multi-line: body until End Function
			for k := cl + 1; k+1 < len(a.t); k++ {
				if a.isIdent(k, "End") && a.isIdent(k+1, "Function") {
					return a.blockTrue(cl+1, k), false
				}
			}
			return false, false
		}
	case LangFSharp:
		if a.isIdent(s, "fun") {
			for j := s; j < e; j++ {
				if a.isOp(j, "->") {
					return j+2 == e && a.isIdent(j+1, "true"), false
				}
			}
			return false, false
		}
	}
	if a.isIdent(s, "delegate") {
		j := s + 1
		if a.isOp(j, "(") {
			j = a.after(j)
		}
		if a.isOp(j, "{") {
			return a.blockTrue(j+1, a.match(j)), false
		}
		return false, false
	}
	if a.isIdent(s, "static", "async") {
		return a.acceptsAll(s+1, e)
	}
	// lambda: params => body
	for j := s; j < e; j++ {
		if isOpen(a.t[j]) && a.t[j].Text == "(" {
			j = a.match(j)
			continue
		}
		if a.isOp(j, "=>") {
			b := j + 1
			if a.isOp(b, "{") {
				return a.blockTrue(b+1, a.match(b)), false
			}
			return b+1 == e && a.isIdent(b, "true"), false
		}
		if isOpen(a.t[j]) || a.t[j].Kind == TOp && a.t[j].Text != "." && a.t[j].Text != "," {
			break
		}
	}
	if a.isIdent(s, "HttpClientHandler") || strings.EqualFold(a.lastIdentText(s, e), "DangerousAcceptAnyServerCertificateValidator") {
		if strings.EqualFold(a.lastIdentText(s, e), "DangerousAcceptAnyServerCertificateValidator") {
			return true, false
		}
	}
	// method group or local holding a lambda
	if t.Kind == TIdent {
		allChain := true
		for j := s; j < e; j++ {
			if !(a.t[j].Kind == TIdent || a.isOp(j, ".")) {
				allChain = false
			}
		}
		if allChain {
			name := a.lastIdentText(s, e)
			if ms := a.meths[a.key(name)]; len(ms) > 0 {
				return a.methodAcceptsAll(name), false
			}
			if e == s+1 {
				if ok, g := a.declAcceptsAll(name, s); ok {
					return ok, g
				}
			}
			// a method defined in another file: judge by an unambiguous name
			return trustAllName.MatchString(name), false
		}
	}
	return false, false
}

func (a *analyzer) lastIdent(s, e int) string { return a.lastIdentText(s, e) }

func (a *analyzer) lastIdentText(s, e int) string {
	for j := min(e, len(a.t)) - 1; j >= s; j-- {
		if a.t[j].Kind == TIdent {
			return a.t[j].Text
		}
	}
	return ""
}

func (a *analyzer) declAcceptsAll(name string, at int) (bool, bool) {
	ds := a.decls[a.key(name)]
	for k := len(ds) - 1; k >= 0; k-- {
		d := ds[k]
		if d.name < at {
			return a.acceptsAll(d.vs, d.ve)
		}
	}
	return false, false
}

// methodAcceptsAll reports whether every method of that name in the file
// returns true on every path.
func (a *analyzer) methodAcceptsAll(name string) bool {
	ms := a.meths[a.key(name)]
	if len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		if m.exprBody {
			if !(m.be == m.bs+1 && a.isIdent(m.bs, "true")) {
				return false
			}
			continue
		}
		if a.lang == LangPS {
			if !a.psBlockTrue(m.bs, m.be) {
				return false
			}
			continue
		}
		if !a.blockTrue(m.bs, m.be) {
			return false
		}
	}
	return true
}

// blockTrue: a C#/VB block [s, e) whose every return is "return true", with
// at least one, and no throw.
func (a *analyzer) blockTrue(s, e int) bool {
	n := 0
	for j := s; j < e && j < len(a.t); j++ {
		if a.isIdent(j, "throw", "Throw") {
			return false
		}
		if a.isIdent(j, "return", "Return") {
			if !a.isIdent(j+1, "true", "True") {
				return false
			}
			nx := a.tok(j + 2)
			if !(nx.Kind == TOp && (nx.Text == ";" || nx.Text == "}") || nx.Kind == TNL || j+2 >= e) {
				return false
			}
			n++
		}
	}
	return n > 0
}

// psBlockTrue: a PowerShell scriptblock body that outputs $true on every
// path ({ $true } / { return $true }).
func (a *analyzer) psBlockTrue(s, e int) bool {
	var toks []Token
	for j := s; j < e && j < len(a.t); j++ {
		if a.t[j].Kind == TNL || a.isOp(j, ";") {
			continue
		}
		toks = append(toks, a.t[j])
	}
	if len(toks) == 0 {
		return false
	}
	lastT := toks[len(toks)-1]
	if !(lastT.Kind == TVar && lastT.Val == "true") {
		return false
	}
	for k, t := range toks {
		if t.Kind == TIdent && strings.EqualFold(t.Text, "return") {
			if k+1 >= len(toks) || !(toks[k+1].Kind == TVar && toks[k+1].Val == "true") {
				return false
			}
		}
		if t.Kind == TVar && t.Val == "false" || t.Kind == TIdent && strings.EqualFold(t.Text, "throw") {
			return false
		}
	}
	// a param() block or other statements before the final $true are fine
	return true
}

func (a *analyzer) dangerousValidator(i int) {
	if a.assignOp(i+1) != "" {
		return // assigning the field itself (a re-implementation)
	}
	s := a.stmtStart(i)
	e := a.stmtEnd(s)
	if e <= i {
		e = i + 1
	}
	// the assignment sink reports the same statement; dedupe by start
	if a.res.seen("TLS006", a.t[s].Start) {
		return
	}
	a.reportCallback(s, e, a.guarded(s))
}

// certificatePolicySink handles ServicePointManager.CertificatePolicy = new X().
func (a *analyzer) certificatePolicySink(i int) {
	if a.assignOp(i+1) != "=" {
		return
	}
	s := a.chainStart(i)
	if !a.vbStmtStart(s) {
		return
	}
	vs := i + 2
	e := a.stmtEnd(vs)
	typ := ""
	for j := vs; j < e; j++ {
		t := a.t[j]
		if t.Kind == TIdent && (strings.EqualFold(t.Text, "new") || strings.EqualFold(t.Text, "New-Object")) {
			k := j + 1
			for a.tok(k).Kind == TParam {
				k++
			}
			typ = a.lastChainIdent(k)
			break
		}
		if a.lang == LangPS && a.isOp(j, "[") {
			cl := a.match(j)
			if cl < len(a.t) && a.isOp(cl+1, "::") && a.isIdent(cl+2, "new") {
				typ = strings.TrimSpace(a.f.Text[a.t[j].End:a.t[cl].Start])
				break
			}
		}
	}
	if typ == "" {
		return
	}
	if k := strings.LastIndexByte(typ, '.'); k >= 0 {
		typ = typ[k+1:]
	}
	if a.acceptAllTypes[strings.ToLower(typ)] || trustAllName.MatchString(typ) {
		a.reportCallback(s, e, a.guarded(s))
	}
}

func (a *analyzer) lastChainIdent(k int) string {
	name := ""
	for a.tok(k).Kind == TIdent || a.tok(k).Kind == TString {
		name = a.tok(k).Text
		if a.tok(k).Kind == TString {
			name = a.tok(k).Val
		}
		if !a.isOp(k+1, ".") {
			break
		}
		k += 2
	}
	return name
}

// collectPolicyTypes records classes whose CheckValidationResult returns
// true on every path (ICertificatePolicy implementations that trust all).
func (a *analyzer) collectPolicyTypes(into map[string]bool) {
	if !containsLit(a.f.Text[a.t0():a.tEnd()], "CheckValidationResult") {
		return
	}
	a.need()
	for _, m := range a.meths[a.key("CheckValidationResult")] {
		ok := false
		if m.exprBody {
			ok = m.be == m.bs+1 && a.isIdent(m.bs, "true")
		} else if a.lang == LangPS {
			ok = a.psBlockTrue(m.bs, m.be)
		} else {
			ok = a.blockTrue(m.bs, m.be)
		}
		if !ok {
			continue
		}
		// the class: nearest preceding "class X"
		for j := m.start; j >= 0; j-- {
			if a.isIdent(j, "class", "Class") && a.tok(j+1).Kind == TIdent {
				into[strings.ToLower(a.t[j+1].Text)] = true
				break
			}
		}
	}
	// PowerShell classes: class X : System.Net.ICertificatePolicy { [bool] CheckValidationResult(...) { return $true } }
	if a.lang == LangPS {
		for j := 0; j+1 < len(a.t); j++ {
			if !a.isIdent(j, "class") || a.tok(j+1).Kind != TIdent {
				continue
			}
			k := j + 2
			for k < len(a.t) && !a.isOp(k, "{") {
				k++
			}
			cl := a.match(k)
			for q := k; q < cl; q++ {
				if a.isIdent(q, "CheckValidationResult") && a.isOp(q+1, "(") {
					pc := a.match(q + 1)
					if a.isOp(pc+1, "{") && a.psBlockTrue(pc+2, a.match(pc+1)) {
						into[strings.ToLower(a.t[j+1].Text)] = true
					}
				}
			}
		}
	}
}

// setSwitch handles AppContext.SetSwitch(name, value).
func (a *analyzer) setSwitch(i int) {
	chain := strings.ToLower(a.f.Text[a.t[a.chainStart(i)].Start:a.t[i].End])
	if !strings.Contains(chain, "appcontext") {
		return
	}
	cl := a.match(i + 1)
	args := a.splitArgs(i+2, cl)
	if len(args) != 2 {
		return
	}
	a.judgeSwitch(args[0], args[1], i)
}

func (a *analyzer) judgeSwitch(nameArg, valArg [2]int, i int) {
	nv, _ := a.fold(nameArg[0], nameArg[1], a.enclosingMethod(i))
	if nv.str == nil {
		// name via a const / static readonly string
		if nameArg[1] == nameArg[0]+1 || a.tok(nameArg[0]).Kind == TIdent {
			if ds := a.decls[a.key(a.lastIdentText(nameArg[0], nameArg[1]))]; len(ds) > 0 {
				if a.tok(ds[len(ds)-1].vs).Kind == TString {
					s := a.tok(ds[len(ds)-1].vs).Val
					nv.str = &s
				}
			}
		}
	}
	if nv.str == nil {
		// a constant declared in another file: its name usually says which switch
		id := strings.ToLower(a.lastIdentText(nameArg[0], nameArg[1]))
		for sw := range weakSwitches {
			short := sw[strings.LastIndexByte(sw, '.')+1:]
			if strings.Contains(id, short) && (strings.Contains(sw, "servicemodel") == strings.Contains(id, "servicemodel") || strings.Contains(id, "wcf") && strings.Contains(sw, "servicemodel")) {
				s := canonSwitch[sw]
				nv.str = &s
			}
		}
		if nv.str == nil {
			return
		}
	}
	name := *nv.str
	bv, _ := a.fold(valArg[0], valArg[1], a.enclosingMethod(i))
	if bv.boolean == 0 {
		return
	}
	s := a.stmtStart(i)
	e := a.stmtEnd(s)
	if e <= i {
		e = a.after(i + 1)
	}
	on := bv.boolean == 1
	a.res.facts = append(a.res.facts, source.Fact{Kind: source.SwitchSet, Location: a.loc(s, e), Switch: name, SwitchValue: on})
	if lvl, ok := weakSwitches[strings.ToLower(name)]; ok && on {
		what := "strong crypto off: the default falls back to Ssl3, Tls and weak ciphers"
		switch strings.ToLower(name) {
		case "switch.system.servicemodel.disableusingservicepointmanagersecurityprotocols":
			what = "WCF message security stops following ServicePointManager (TLS 1.0 ceiling)"
		case "switch.system.net.dontenablesystemdefaulttlsversions", "switch.system.servicemodel.dontenablesystemdefaulttlsversions":
			what = "the OS default protocols are replaced by a fixed list"
		}
		a.add("TLS007", lvl, hitFixed, s, e, fmt.Sprintf("AppContext switch %s is set to true: %s", name, what))
	}
}

// invokeMemberSetSwitch handles typeof(AppContext).InvokeMember("SetSwitch", …, new object[] { name, true }).
func (a *analyzer) invokeMemberSetSwitch(i int) {
	cl := a.match(i + 1)
	args := a.splitArgs(i+2, cl)
	if len(args) < 4 || a.tok(args[0][0]).Kind != TString || !strings.EqualFold(a.tok(args[0][0]).Val, "SetSwitch") {
		return
	}
	last := args[len(args)-1]
	// find the { name, value } initializer
	for j := last[0]; j < last[1]; j++ {
		if a.isOp(j, "{") {
			inner := a.splitArgs(j+1, a.match(j))
			if len(inner) == 2 {
				a.judgeSwitch(inner[0], inner[1], i)
			}
			return
		}
	}
}

// sslStreamCtor handles new SslStream(stream, leaveOpen, callback, …).
func (a *analyzer) sslStreamCtor(i int) {
	cl := a.match(i + 1)
	args := a.splitArgs(i+2, cl)
	if len(args) < 3 {
		return
	}
	ok, guard := a.acceptsAll(args[2][0], args[2][1])
	if !ok {
		return
	}
	s := a.stmtStart(i - 1)
	e := a.stmtEnd(s)
	if e <= cl {
		e = cl + 1
	}
	a.reportCallback(s, e, guard || a.guarded(s))
}

// winHTTPSetOption handles C# P/Invoke WinHttpSetOption(h, 84 | 31, ref v, …).
func (a *analyzer) winHTTPSetOption(i int) {
	if a.lang == LangPS || !a.isOp(i+1, "(") {
		return
	}
	// skip the extern declaration
	if a.isIdent(i-1, "extern", "bool", "Boolean", "Function", "Sub") || a.tok(i-1).Kind == TIdent && strings.EqualFold(a.tok(i-1).Text, "static") {
		return
	}
	cl := a.match(i + 1)
	args := a.splitArgs(i+2, cl)
	if len(args) < 3 {
		return
	}
	ov, _ := a.fold(args[1][0], args[1][1], nil)
	optText := strings.ToUpper(a.text(args[1][0], args[1][1]))
	opt := uint64(0)
	switch {
	case ov.ok:
		opt = ov.add
	case strings.Contains(optText, "SECURE_PROTOCOLS"):
		opt = 84
	case strings.Contains(optText, "SECURITY_FLAGS"):
		opt = 31
	}
	vs, ve := args[2][0], args[2][1]
	for vs < ve && a.isIdent(vs, "ref", "out", "ByRef") {
		vs++
	}
	v, _ := a.fold(vs, ve, a.enclosingMethod(i))
	txt := strings.ToUpper(a.text(vs, ve))
	s := a.stmtStart(i)
	e := a.stmtEnd(s)
	if e <= cl {
		e = cl + 1
	}
	switch opt {
	case 84:
		bits := v.add
		if !v.ok && strings.Contains(txt, "SECURE_PROTOCOL_ALL") {
			bits = 0xA8
		}
		if bits&0x2A8 != 0 {
			a.add("TLS015", finding.Error, hitFixed, s, e, fmt.Sprintf("WinHttpSetOption(WINHTTP_OPTION_SECURE_PROTOCOLS) pins a mask with deprecated protocols (0x%X)", bits))
		} else if v.ok && bits != 0 {
			a.add("TLS015", finding.Note, hitFixed, s, e, fmt.Sprintf("WinHttpSetOption(WINHTTP_OPTION_SECURE_PROTOCOLS) pins a modern-only mask (0x%X): the OS default would follow future versions", bits))
		}
	case 31:
		bits := v.add
		if v.ok && bits&0x3300 != 0 {
			a.add("TLS017", finding.Error, hitFixed, s, e, fmt.Sprintf("WinHttpSetOption(WINHTTP_OPTION_SECURITY_FLAGS) ignores certificate errors (0x%X)", bits))
		} else if v.ok && bits&0x80 != 0 {
			a.add("TLS017", finding.Note, hitFixed, s, e, "WinHttpSetOption(WINHTTP_OPTION_SECURITY_FLAGS) ignores certificate revocation")
		}
	}
}
