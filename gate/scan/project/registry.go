package project

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/rules"
	"github.com/tlsgate/tlsgate/gate/scan/source"
	"github.com/tlsgate/tlsgate/internal/regfile"
)

// regWrite is one registry value written by a repository artifact.
type regWrite struct {
	Key     string // as written, with hive
	Name    string
	Value   uint64
	Str     string // REG_SZ data
	DWord   bool   // REG_DWORD / REG_QWORD
	IsStr   bool   // REG_SZ / REG_EXPAND_SZ
	Delete  bool   // the value is deleted
	KeyDel  bool   // the whole key is deleted
	Loc     finding.Location
	Snippet string
	Source  string // "reg", "batch", "dockerfile", "shell", "wix", "script"
}

// normKey canonicalises a key path: long hive names to short, Wow6432Node
// removed, backslashes collapsed, lower-case. It reports whether the key was
// in the 32-bit view.
func normKey(k string) (string, bool) {
	k = strings.ReplaceAll(strings.TrimSpace(k), "/", "\\")
	k = strings.Trim(k, "\\\"'")
	for strings.Contains(k, "\\\\") {
		k = strings.ReplaceAll(k, "\\\\", "\\")
	}
	low := strings.ToLower(k)
	for _, p := range []string{`microsoft.powershell.core\registry::`, `registry::`} {
		low = strings.TrimPrefix(low, p)
	}
	hive, rest, _ := strings.Cut(low, `\`)
	hive = strings.TrimSuffix(hive, ":")
	if h, r, ok := strings.Cut(hive, ":"); ok { // HKLM:SOFTWARE\…
		hive, rest = h, r+`\`+rest
	}
	switch hive {
	case "hkey_local_machine", "hklm":
		hive = "hklm"
	case "hkey_current_user", "hkcu":
		hive = "hkcu"
	}
	low = strings.TrimSuffix(hive+`\`+rest, `\`)
	wow := strings.Contains(low, "\\wow6432node\\")
	low = strings.Replace(low, "\\wow6432node\\", "\\", 1)
	return low, wow
}

// keyClass describes what a (normalised) key controls.
type keyClass struct {
	Kind     string // "netfx4", "netfx2", "netfx4-spm", "schannel", "winhttp", "wininet"
	Protocol finding.Protocol
	PCT      bool
	Client   bool
}

func classify(k string) (keyClass, bool) {
	switch {
	case strings.HasSuffix(k, `\microsoft\.netframework\v4.0.30319`):
		return keyClass{Kind: "netfx4"}, true
	case strings.HasSuffix(k, `\microsoft\.netframework\v2.0.50727`):
		return keyClass{Kind: "netfx2"}, true
	case strings.HasSuffix(k, `\microsoft\.netframework\v4.0.30319\system.net.servicepointmanager.securityprotocol`):
		return keyClass{Kind: "netfx4-spm"}, true
	case strings.HasSuffix(k, `\microsoft\windows\currentversion\internet settings\winhttp`):
		return keyClass{Kind: "winhttp"}, true
	case strings.HasSuffix(k, `\microsoft\windows\currentversion\internet settings`):
		return keyClass{Kind: "wininet"}, true
	}
	const sch = `\control\securityproviders\schannel\protocols\`
	i := strings.Index(k, sch)
	if i < 0 {
		return keyClass{}, false
	}
	rest := k[i+len(sch):]
	proto, side, ok := strings.Cut(rest, `\`)
	if !ok || (side != "client" && side != "server") {
		return keyClass{}, false
	}
	c := keyClass{Kind: "schannel", Client: side == "client"}
	switch proto {
	case "pct 1.0":
		c.PCT = true
	case "ssl 2.0":
		c.Protocol = finding.SSL20
	case "ssl 3.0":
		c.Protocol = finding.SSL30
	case "tls 1.0":
		c.Protocol = finding.TLS10
	case "tls 1.1":
		c.Protocol = finding.TLS11
	case "tls 1.2":
		c.Protocol = finding.TLS12
	case "tls 1.3":
		c.Protocol = finding.TLS13
	default:
		return keyClass{}, false
	}
	return c, true
}

// regFile reads a .reg file with the lenient regfile parser.
func (a *analysis) regFile(f *source.File) {
	rf, err := regfile.Parse([]byte(f.Text), regfile.Options{Lenient: true})
	if err != nil {
		line := 0
		if e, ok := err.(*regfile.Error); ok {
			line = e.Line
		}
		a.notes = append(a.notes, finding.Notification{RuleID: rules.ParseFailure, Level: finding.Note,
			Message: "unreadable .reg file: " + err.Error(), Location: finding.Location{Path: f.Path, StartLine: line}})
		return
	}
	for _, k := range rf.Keys {
		if k.Delete {
			a.regWrites = append(a.regWrites, regWrite{Key: k.Path, KeyDel: true, Loc: lineLoc(f, k.Line, 0), Snippet: f.Line(k.Line), Source: "reg"})
			continue
		}
		for _, v := range k.Values {
			w := regWrite{Key: k.Path, Name: v.Name, Delete: v.Delete, Loc: lineLoc(f, v.Line, v.Col), Snippet: strings.TrimSpace(f.Line(v.Line)), Source: "reg"}
			switch {
			case v.Delete:
			case v.Type == regfile.DWord:
				d, err := v.DWORD()
				if err != nil {
					continue
				}
				w.DWord, w.Value = true, uint64(d)
			case v.Type == regfile.QWord:
				q, err := v.QWORD()
				if err != nil {
					continue
				}
				w.DWord, w.Value = true, q
			case v.Type == regfile.SZ || v.Type == regfile.ExpandSZ:
				s, err := v.String()
				if err != nil {
					continue
				}
				w.IsStr, w.Str = true, s
			default:
				continue
			}
			a.regWrites = append(a.regWrites, w)
		}
	}
}

// lineLoc is the location of a whole line (from col when known).
func lineLoc(f *source.File, line, col int) finding.Location {
	start := f.LineStart(line)
	text := f.Line(line)
	s := start
	if col > 1 {
		s = start + len(string([]rune(text)[:min(col-1, len([]rune(text)))]))
	} else {
		s = start + len(text) - len(strings.TrimLeft(text, " \t"))
	}
	return f.Range(s, start+len(strings.TrimRight(text, " \t")))
}

// cmdLine is a logical command line (continuations joined) with the offset
// of its first character and a map back to the source for each joined part.
type cmdLine struct {
	Text  string
	Start int
	End   int
	segs  []seg
}

type seg struct{ text, src int } // Text[text:] starts at source offset src

// srcOf maps an offset in Text back to the file.
func (l cmdLine) srcOf(off int) int {
	src := l.Start
	for _, s := range l.segs {
		if s.text > off {
			break
		}
		src = s.src + off - s.text
	}
	return src
}

// locAt is the location of the physical line holding Text[off:].
func (l cmdLine) locAt(f *source.File, off int) (finding.Location, string) {
	line, _ := f.Position(l.srcOf(off))
	return lineLoc(f, line, 0), strings.TrimSpace(f.Line(line))
}

// batchLines returns the non-comment lines of a .cmd/.bat file (^ continuations joined).
func batchLines(f *source.File) []cmdLine {
	return joinLines(f, "^", func(s string) bool {
		t := strings.ToLower(strings.TrimSpace(s))
		return strings.HasPrefix(t, "rem ") || t == "rem" || strings.HasPrefix(t, "::") || strings.HasPrefix(t, "@rem ")
	})
}

// shellLines returns the non-comment lines of a shell script (\ continuations joined).
func shellLines(f *source.File) []cmdLine {
	return joinLines(f, "\\", func(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "#") })
}

func joinLines(f *source.File, cont string, comment func(string) bool) []cmdLine {
	var out []cmdLine
	var cur *cmdLine
	n := f.LineCount()
	for i := 1; i <= n; i++ {
		line := f.Line(i)
		if cur == nil && comment(line) {
			continue
		}
		t := strings.TrimRight(line, " \t")
		more := strings.HasSuffix(t, cont)
		if more {
			t = strings.TrimSuffix(t, cont)
		}
		lead := len(line) - len(strings.TrimLeft(line, " \t"))
		off := f.LineStart(i) + lead
		if cur == nil {
			cur = &cmdLine{Text: strings.TrimLeft(t, " \t"), Start: off}
			cur.segs = append(cur.segs, seg{0, off})
		} else if !comment(line) {
			cur.Text += " "
			cur.segs = append(cur.segs, seg{len(cur.Text), off})
			cur.Text += strings.TrimSpace(t)
		}
		cur.End = f.LineStart(i) + len(strings.TrimRight(line, " \t"))
		if !more || len(cur.Text) > 1<<16 {
			out = append(out, *cur)
			cur = nil
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// dockerRunLines returns the RUN instructions of a Dockerfile (continuations
// joined, # comment lines dropped, the RUN keyword removed).
func dockerRunLines(f *source.File) []cmdLine {
	var out []cmdLine
	esc := "\\"
	if m := regexp.MustCompile(`(?im)^#\s*escape\s*=\s*(\S)`).FindStringSubmatch(f.Text[:min(len(f.Text), 512)]); m != nil {
		esc = m[1]
	}
	for _, l := range joinLines(f, esc, func(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "#") }) {
		t := l.Text
		if len(t) >= 4 && strings.EqualFold(t[:3], "RUN") && (t[3] == ' ' || t[3] == '\t' || t[3] == '[') {
			out = append(out, l)
		}
		if len(t) >= 4 && strings.EqualFold(t[:3], "ENV") {
			out = append(out, l)
		}
	}
	return out
}

var batchSetRe = regexp.MustCompile(`(?i)^@?set\s+"?([A-Za-z_][\w.]*)=([^"\r\n]*)"?\s*$`)

// expandBatch replaces %NAME% with values from earlier `set NAME=value` lines.
func expandBatch(s string, vars map[string]string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			break
		}
		name := strings.ToLower(s[i+1 : i+1+j])
		v, ok := vars[name]
		b.WriteString(s[:i])
		if ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+j+2])
		}
		s = s[i+j+2:]
	}
	b.WriteString(s)
	return b.String()
}

var regAddRe = regexp.MustCompile(`(?i)(?:^|[\s;&|("'])(?:reg|reg\.exe)\s+add\s+`)

// regAddLines finds `reg add KEY /v NAME /t TYPE /d DATA [/f] [/reg:32|64]`.
func (a *analysis) regAddLines(f *source.File, lines []cmdLine) {
	vars := map[string]string{}
	for _, l := range lines {
		if f.Kind == source.Batch {
			if m := batchSetRe.FindStringSubmatch(l.Text); m != nil {
				vars[strings.ToLower(m[1])] = expandBatch(strings.TrimSpace(m[2]), vars)
			}
		}
		locs := regAddRe.FindAllStringIndex(l.Text, -1)
		for i, m := range locs {
			end := len(l.Text)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			args := splitArgs(l.Text[m[1]:end])
			if len(args) == 0 {
				continue
			}
			if f.Kind == source.Batch {
				for k := range args {
					args[k] = expandBatch(args[k], vars)
				}
			}
			w := regWrite{Key: args[0], Source: f.Kind.String()}
			typ := "REG_SZ"
			data := ""
			hasData := false
			for j := 1; j < len(args); j++ {
				switch strings.ToLower(args[j]) {
				case "/v":
					if j+1 < len(args) {
						w.Name = args[j+1]
						j++
					}
				case "/ve":
					w.Name = ""
				case "/t":
					if j+1 < len(args) {
						typ = strings.ToUpper(args[j+1])
						j++
					}
				case "/d":
					if j+1 < len(args) {
						data = args[j+1]
						hasData = true
						j++
					}
				}
			}
			if w.Name == "" {
				continue
			}
			switch typ {
			case "REG_DWORD", "REG_QWORD":
				v, ok := parseRegNumber(data)
				if !hasData {
					v, ok = 0, true
				}
				if !ok {
					continue
				}
				w.DWord, w.Value = true, v
			case "REG_SZ", "REG_EXPAND_SZ":
				w.IsStr, w.Str = true, data
			default:
				continue
			}
			w.Loc, _ = l.locAt(f, m[0]+1)
			w.Snippet = strings.TrimSpace(l.Text[m[0]:end])
			a.regWrites = append(a.regWrites, w)
		}
	}
}

// splitArgs splits a command line on blanks, honouring double quotes and
// stopping at a command separator.
func splitArgs(s string) []string {
	var out []string
	var b strings.Builder
	inQ := false
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			inQ = !inQ
		case c == '\\' && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case !inQ && (c == ' ' || c == '\t'):
			flush()
		case !inQ && (c == '&' || c == '|' || c == ';' || c == ')'):
			flush()
			return out
		default:
			b.WriteByte(c)
		}
	}
	flush()
	return out
}

// parseRegNumber parses reg.exe / WiX data: 0x… is hex, anything else
// decimal (leading zeros allowed, as reg.exe accepts them).
func parseRegNumber(s string) (uint64, bool) {
	s = strings.Trim(strings.TrimSpace(s), `"'`)
	s = strings.TrimPrefix(s, "#") // WiX "#1" integer form
	if s == "" {
		return 0, false
	}
	base := 10
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s, base = s[2:], 16
	}
	v, err := strconv.ParseUint(s, base, 64)
	return v, err == nil
}

// wixFile reads WiX <RegistryValue Root Key Name Type Value> (Key from the
// enclosing <RegistryKey> elements when absent).
func (a *analysis) wixFile(f *source.File) {
	if !hasXMLShape(f.Text) {
		return
	}
	d := a.doc(f)
	d.Root.walk(func(n *node) {
		if !strings.EqualFold(n.Name, "RegistryValue") {
			return
		}
		key := n.attrValue("Key")
		root := n.attrValue("Root")
		for p := n.Parent; p != nil; p = p.Parent {
			if strings.EqualFold(p.Name, "RegistryKey") {
				if key == "" || !strings.EqualFold(key, p.attrValue("Key")) {
					if key == "" {
						key = p.attrValue("Key")
					} else if pk := p.attrValue("Key"); pk != "" {
						key = pk + `\` + key
					}
				}
				if root == "" {
					root = p.attrValue("Root")
				}
			}
		}
		if root != "" {
			key = root + `\` + key
		}
		w := regWrite{Key: key, Name: n.attrValue("Name"), Loc: n.loc(), Snippet: n.snippet(), Source: "wix"}
		val := n.attrValue("Value")
		if val == "" {
			val = n.Text
		}
		switch strings.ToLower(n.attrValue("Type")) {
		case "integer":
			v, ok := parseRegNumber(val)
			if !ok {
				return
			}
			w.DWord, w.Value = true, v
		case "string", "expandable", "":
			w.IsStr, w.Str = true, val
		default:
			return
		}
		a.regWrites = append(a.regWrites, w)
	})
}

// regValueState is the values one artifact leaves in one key.
type keyWrites struct {
	key    string // normalised
	class  keyClass
	writes []regWrite
	path   string
}

// judgeRegistry is TLS013: judge every write, a key's values together.
func (a *analysis) judgeRegistry() {
	groups := map[string]*keyWrites{}
	var order []string
	for _, w := range a.regWrites {
		nk, _ := normKey(w.Key)
		c, ok := classify(nk)
		if !ok || w.KeyDel {
			continue
		}
		id := w.Loc.Path + "\x00" + nk
		g := groups[id]
		if g == nil {
			g = &keyWrites{key: nk, class: c, path: w.Loc.Path}
			groups[id] = g
			order = append(order, id)
		}
		g.writes = append(g.writes, w)
	}
	for _, id := range order {
		a.judgeKey(groups[id])
	}
}

func (a *analysis) judgeKey(g *keyWrites) {
	last := map[string]regWrite{} // value name (lower) → last write
	for _, w := range g.writes {
		last[strings.ToLower(w.Name)] = w
	}
	rep := func(w regWrite, lvl finding.Severity, msg string) {
		a.findings = append(a.findings, finding.Finding{RuleID: "TLS013", Level: lvl, Message: msg, Location: w.Loc, Snippet: w.Snippet, Fix: rules.Fix("TLS013")})
	}
	stringNote := func(w regWrite) {
		rep(w, finding.Note, fmt.Sprintf("%q written as a string: ignored by SChannel (DWORD required)", w.Name))
	}
	switch g.class.Kind {
	case "netfx4", "netfx2":
		for _, w := range g.writes {
			if !w.DWord {
				continue
			}
			fw := map[string]string{"netfx4": "v4.0.30319", "netfx2": "v2.0.50727"}[g.class.Kind]
			if _, wow := normKey(w.Key); wow {
				fw += " (32-bit view)"
			}
			switch strings.ToLower(w.Name) {
			case "schusestrongcrypto":
				if w.Value == 0 {
					rep(w, finding.Error, fmt.Sprintf("SchUseStrongCrypto=0 under .NETFramework\\%s turns strong crypto off machine-wide: apps fall back to SSL 3.0 / TLS 1.0 defaults and weak ciphers", fw))
				}
			case "systemdefaulttlsversions":
				if w.Value == 0 {
					rep(w, finding.Warning, fmt.Sprintf("SystemDefaultTlsVersions=0 under .NETFramework\\%s stops .NET apps from using the OS default protocols", fw))
				}
			}
		}
	case "netfx4-spm":
		for _, w := range g.writes {
			if !w.IsStr {
				continue
			}
			set, weak := parseEnumList(w.Str)
			if weak {
				rep(w, finding.Error, fmt.Sprintf("per-process ServicePointManager.SecurityProtocol for %q is %q: enables deprecated %s", w.Name, w.Str, listOf(set&weakSet)))
			}
		}
	case "schannel":
		en, hasEn := last["enabled"]
		dbd, hasDbd := last["disabledbydefault"]
		for _, w := range []regWrite{en, dbd} {
			if w.Name != "" && w.IsStr {
				stringNote(w)
			}
		}
		enabledOff := hasEn && en.DWord && en.Value == 0
		name := g.class.Protocol.String()
		if g.class.PCT {
			name = "PCT 1.0"
		}
		side := "server"
		if g.class.Client {
			side = "client"
		}
		weak := g.class.PCT || g.class.Protocol <= finding.TLS11
		switch {
		case weak && (g.class.PCT || g.class.Protocol <= finding.SSL30):
			if hasEn && en.DWord && en.Value != 0 {
				rep(en, finding.Error, fmt.Sprintf("SCHANNEL %s %s Enabled=%#x enables a broken protocol", name, side, en.Value))
			} else if !enabledOff && hasDbd && dbd.DWord && dbd.Value == 0 {
				rep(dbd, finding.Error, fmt.Sprintf("SCHANNEL %s %s DisabledByDefault=0 turns a broken protocol on by default", name, side))
			}
		case weak:
			if hasEn && en.DWord && en.Value != 0 {
				rep(en, finding.Warning, fmt.Sprintf("SCHANNEL %s %s Enabled=%#x enables a deprecated protocol (RFC 8996)", name, side, en.Value))
			} else if !enabledOff && hasDbd && dbd.DWord && dbd.Value == 0 {
				rep(dbd, finding.Warning, fmt.Sprintf("SCHANNEL %s %s DisabledByDefault=0 turns a deprecated protocol (RFC 8996) on by default", name, side))
			}
		default:
			if enabledOff {
				rep(en, finding.Error, fmt.Sprintf("SCHANNEL %s %s Enabled=0 disables a modern protocol machine-wide", name, side))
			}
			if hasDbd && dbd.DWord && dbd.Value == 1 {
				rep(dbd, finding.Error, fmt.Sprintf("SCHANNEL %s %s DisabledByDefault=1 takes a modern protocol out of the OS default", name, side))
			}
		}
	case "winhttp", "wininet":
		want := "defaultsecureprotocols"
		if g.class.Kind == "wininet" {
			want = "secureprotocols"
		}
		for _, w := range g.writes {
			if !w.DWord || strings.ToLower(w.Name) != want {
				continue
			}
			set := winhttpMask(w.Value)
			if set&weakSet != 0 || !set.Has(finding.TLS12) {
				msg := fmt.Sprintf("%s=%#x", w.Name, w.Value)
				if set&weakSet != 0 {
					msg += " includes deprecated " + listOf(set&weakSet)
				}
				if !set.Has(finding.TLS12) {
					if set&weakSet != 0 {
						msg += " and"
					}
					msg += " lacks TLS 1.2"
				}
				rep(w, finding.Warning, msg)
			}
		}
	}
}

var weakSet = finding.SetOf(finding.SSL20, finding.SSL30, finding.TLS10, finding.TLS11)

// winhttpMask maps WINHTTP_FLAG_SECURE_PROTOCOL_* bits to protocols.
func winhttpMask(v uint64) finding.ProtocolSet {
	var s finding.ProtocolSet
	for bit, p := range map[uint64]finding.Protocol{0x8: finding.SSL20, 0x20: finding.SSL30, 0x80: finding.TLS10, 0x200: finding.TLS11, 0x800: finding.TLS12, 0x2000: finding.TLS13} {
		if v&bit != 0 {
			s = s.With(p)
		}
	}
	return s
}

// parseEnumList parses an Enum.TryParse-style "Tls12, Tls11" (or a number).
func parseEnumList(s string) (finding.ProtocolSet, bool) {
	if v, ok := parseRegNumber(s); ok {
		set := spMask(v)
		return set, set&weakSet != 0
	}
	var set finding.ProtocolSet
	for _, part := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(part)) {
		case "ssl2":
			set = set.With(finding.SSL20)
		case "ssl3":
			set = set.With(finding.SSL30)
		case "tls":
			set = set.With(finding.TLS10)
		case "tls11":
			set = set.With(finding.TLS11)
		case "tls12":
			set = set.With(finding.TLS12)
		case "tls13":
			set = set.With(finding.TLS13)
		}
	}
	return set, set&weakSet != 0
}

// spMask maps SecurityProtocolType / SP_PROT bits (client or server) to protocols.
func spMask(v uint64) finding.ProtocolSet {
	var s finding.ProtocolSet
	for bits, p := range map[uint64]finding.Protocol{0xC: finding.SSL20, 0x30: finding.SSL30, 0xC0: finding.TLS10, 0x300: finding.TLS11, 0xC00: finding.TLS12, 0x3000: finding.TLS13} {
		if v&bits != 0 {
			s = s.With(p)
		}
	}
	return s
}

// repoState is the registry state the repository's artifacts leave, for
// the writes that apply (the 64-bit view wins over Wow6432Node; a later
// write in the same artifact wins), with the writes that decided it.
func repoState(ws []regWrite) (RegistryState, []finding.RegistryValue) {
	var st RegistryState
	type slot struct {
		w   regWrite
		wow bool
	}
	best := map[string]slot{}
	var keys []string
	for _, w := range ws {
		nk, wow := normKey(w.Key)
		c, ok := classify(nk)
		if !ok || w.KeyDel || !strings.HasPrefix(nk, "hklm\\") {
			continue
		}
		if c.Kind == "schannel" && (!c.Client || c.PCT) {
			continue
		}
		if !w.DWord && !w.Delete {
			continue
		}
		id := c.Kind + "|" + fmt.Sprint(c.Protocol) + "|" + strings.ToLower(w.Name)
		if old, ok := best[id]; ok && !old.wow && wow {
			continue
		}
		if _, ok := best[id]; !ok {
			keys = append(keys, id)
		}
		best[id] = slot{w: w, wow: wow}
	}
	sort.Strings(keys)
	var used []finding.RegistryValue
	sch := map[finding.Protocol]map[string]*regWrite{}
	for _, id := range keys {
		s := best[id]
		w := s.w
		nk, _ := normKey(w.Key)
		c, _ := classify(nk)
		var ptr **uint32
		switch c.Kind + "|" + strings.ToLower(w.Name) {
		case "netfx4|schusestrongcrypto":
			ptr = &st.SchUseStrongCrypto
		case "netfx4|systemdefaulttlsversions":
			ptr = &st.SystemDefaultTlsVersions
		case "netfx2|schusestrongcrypto":
			ptr = &st.SchUseStrongCrypto2
		case "netfx2|systemdefaulttlsversions":
			ptr = &st.SystemDefaultTlsVersions2
		}
		if c.Kind == "schannel" {
			n := strings.ToLower(w.Name)
			if n == "enabled" || n == "disabledbydefault" {
				if sch[c.Protocol] == nil {
					sch[c.Protocol] = map[string]*regWrite{}
				}
				ww := w
				sch[c.Protocol][n] = &ww
			} else {
				continue
			}
		} else if ptr == nil {
			continue
		} else if w.Delete {
			*ptr = nil
			continue // a deletion leaves the value absent: nothing to record
		} else {
			*ptr = u32(uint32(w.Value))
		}
		if w.Delete {
			continue
		}
		used = append(used, finding.RegistryValue{Key: w.Key, Name: w.Name, Value: w.Value, Location: w.Loc})
	}
	for p, vals := range sch {
		en, dbd := vals["enabled"], vals["disabledbydefault"]
		var on, known bool
		switch {
		case en != nil && !en.Delete && en.Value == 0:
			on, known = false, true
		case dbd != nil && !dbd.Delete && dbd.Value != 0:
			on, known = false, true
		case en != nil && !en.Delete && en.Value != 0:
			on, known = true, true
		case dbd != nil && !dbd.Delete && dbd.Value == 0:
			on, known = true, true
		}
		if known {
			if st.ClientEnabled == nil {
				st.ClientEnabled = map[finding.Protocol]bool{}
			}
			st.ClientEnabled[p] = on
		}
	}
	return st, used
}

// RepoState returns the registry state an application's repository
// artifacts leave (app.Registry, as the scanner recorded it), for
// recomputing Offered on another host: Offered(app, host, RepoState(app)),
// or with a package: overlaid by PackageState.
func RepoState(app *finding.Application) RegistryState {
	ws := make([]regWrite, 0, len(app.Registry))
	for _, v := range app.Registry {
		ws = append(ws, regWrite{Key: v.Key, Name: v.Name, Value: v.Value, DWord: true, Loc: v.Location})
	}
	st, _ := repoState(ws)
	return st
}

// Overlay returns base with every value set in top replacing base's (a
// package applied on top of the repository's registry state).
func Overlay(base, top RegistryState) RegistryState { return overlay(base, top) }
