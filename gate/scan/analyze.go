package scan

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// codeKinds are the file kinds this package's code analyzers read.
func codeKind(k source.Kind) bool {
	switch k {
	case source.CSharp, source.VB, source.FSharp, source.Razor, source.PowerShell, source.YAML, source.Batch, source.Dockerfile:
		return true
	}
	return false
}

// anchors are the lower-case literals at least one of which a code file
// must contain (ASCII case-insensitively) before it is lexed: a cheap
// one-pass prefilter.
var anchors = []string{
	"securityprotocol", "sslprotocol", // ServicePointManager.SecurityProtocol, SslProtocols, -SslProtocol
	"validationcallback", "certificatepolicy", "skipcertificatecheck", "dangerousaccept",
	"setswitch", "winhttpsetoption",
	"schusestrongcrypto", "systemdefaulttlsversions", // registry writes from installer code
}

// psAnchors are the extra anchors of PowerShell-bearing files (registry
// writes, #Requires).
var psAnchors = []string{"itemproperty", "setvalue", "registry", "reg add", "reg.exe", "#requires"}

var lowerTab = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		t[i] = c
	}
	return
}()

// anchorSet finds needles by their first four lower-case bytes, kept in a
// small open-addressing table probed once per input byte.
type anchorSet struct {
	keys    [1 << anchorBits]uint32
	needles [1 << anchorBits][]string
	// bigram has a bit for every (3rd, 4th) lower-case byte pair of a
	// prefix: most positions are rejected by this one L1-resident lookup
	bigram [1 << 16 / 64]uint64
	skip   *strideFilter // first stage (prefilter.go)
}

// ignoreMarker starts an inline suppression; the anchor pass notes it too.
const ignoreMarker = "tlsgate:ignore"

const anchorBits = 10

func slot(k uint32) uint32 { return (k * 0x9E3779B1) >> (32 - anchorBits) }

func newAnchorSet(needles ...[]string) *anchorSet {
	s := &anchorSet{skip: newStrideFilter(needles...)}
	for _, list := range needles {
		for _, n := range list {
			k := uint32(n[0])<<24 | uint32(n[1])<<16 | uint32(n[2])<<8 | uint32(n[3])
			i := slot(k)
			for s.keys[i] != 0 && s.keys[i] != k {
				i = (i + 1) & (1<<anchorBits - 1)
			}
			s.keys[i] = k
			s.needles[i] = append(s.needles[i], n)
			b := k & 0xFFFF
			s.bigram[b>>6] |= 1 << (b & 63)
		}
	}
	return s
}

func (s *anchorSet) lookup(k uint32) []string {
	i := slot(k)
	for s.keys[i] != 0 {
		if s.keys[i] == k {
			return s.needles[i]
		}
		i = (i + 1) & (1<<anchorBits - 1)
	}
	return nil
}

var (
	codeAnchors = newAnchorSet(anchors, []string{ignoreMarker})
	psAnchorSet = newAnchorSet(anchors, psAnchors, []string{ignoreMarker})
)

// find reports whether text contains any anchor, ASCII case-insensitively,
// in one pass with a rolling four-byte window. It stops at the first
// anchor; marker is then only known when it was seen before it.
func (s *anchorSet) find(text string) (found, marker bool) {
	if s.skip != nil {
		return s.findStride(text) // prefilter.go
	}
	var h uint32
	for i := 0; i < len(text); i++ {
		h = h<<8 | uint32(lowerTab[text[i]])
		if b := h & 0xFFFF; s.bigram[b>>6]&(1<<(b&63)) == 0 || i < 3 {
			continue
		}
		ns := s.lookup(h)
		if ns == nil {
			continue
		}
		for _, n := range ns {
			st := i - 3
			if st+len(n) <= len(text) && strings.EqualFold(text[st:st+len(n)], n) {
				if n == ignoreMarker {
					marker = true
					continue
				}
				return true, marker
			}
		}
	}
	return false, marker
}

// lowerASCII lower-cases ASCII letters into buf (reused across files).
func lowerASCII(buf []byte, s string) []byte {
	buf = append(buf[:0], s...)
	for i, c := range buf {
		buf[i] = lowerTab[c]
	}
	return buf
}

// analyzeFile runs the code analyzers on one decoded file. buf is scratch
// space owned by the calling worker.
func analyzeFile(f *source.File, buf *[]byte) *fileResult {
	res := &fileResult{}
	if !codeKind(f.Kind) {
		return res
	}
	ps := f.Kind == source.PowerShell || f.Kind == source.YAML || f.Kind == source.Batch || f.Kind == source.Dockerfile
	set := codeAnchors
	if ps {
		set = psAnchorSet
	}
	found, marker := set.find(f.Text)
	res.markerKnown = !found
	res.marker = marker
	if !found {
		return res
	}
	if f.Kind == source.YAML || f.Kind == source.Batch || f.Kind == source.Dockerfile {
		*buf = lowerASCII(*buf, f.Text)
	}
	if (f.Kind == source.YAML || f.Kind == source.Batch || f.Kind == source.Dockerfile) && !bytes.Contains(*buf, []byte("powershell")) && !bytes.Contains(*buf, []byte("pwsh")) && !bytes.Contains(*buf, []byte("script")) && !bytes.Contains(*buf, []byte("run:")) {
		return res
	}
	switch f.Kind {
	case source.CSharp:
		runCode(f, LangCSharp, 0, len(f.Text), res)
	case source.VB:
		res.vbRegions = append(res.vbRegions, [2]int{0, len(f.Text)})
		runCode(f, LangVB, 0, len(f.Text), res)
	case source.FSharp:
		runCode(f, LangFSharp, 0, len(f.Text), res)
	case source.Razor:
		for _, r := range razorBlocks(f) {
			if r.lang == LangVB {
				res.vbRegions = append(res.vbRegions, [2]int{r.s, r.e})
			}
			runCode(f, r.lang, r.s, r.e, res)
		}
	case source.PowerShell:
		runPS(f, 0, len(f.Text), res, true)
	case source.YAML:
		// GitHub Actions "shell: pwsh" and Azure Pipelines "pwsh:" steps run
		// PowerShell 7 (.NET), where pinning is not the 5.1 workaround
		res.psCore = yamlPwshRe.MatchString(f.Text)
		for _, r := range yamlScripts(f.Text) {
			runPS(f, r[0], r[1], res, false)
		}
	case source.Batch:
		for _, r := range cmdPowerShell(f.Text) {
			runPS(f, r[0], r[1], res, false)
		}
	case source.Dockerfile:
		for _, r := range dockerPowerShell(f.Text) {
			runPS(f, r[0], r[1], res, false)
		}
	}
	return res
}

func runCode(f *source.File, lang Lang, s, e int, res *fileResult) {
	a := newAnalyzer(f, lang, s, e, res)
	a.acceptAllTypes = map[string]bool{}
	a.collectPolicyTypes(a.acceptAllTypes)
	a.scan()
	a.lx.Release()
}

func runPS(f *source.File, s, e int, res *fileResult, host bool) {
	a := newAnalyzer(f, LangPS, s, e, res)
	// reg.exe in .cmd files and Dockerfiles is read by the application model
	a.noRegExe = f.Kind == source.Batch || f.Kind == source.Dockerfile
	types := map[string]bool{}
	a.acceptAllTypes = types
	subs := a.embeddedCSharp(types)
	a.collectPolicyTypes(types)
	if host {
		a.psHost()
	}
	for _, sub := range subs {
		sub.scan()
		sub.lx.Release()
	}
	a.scan()
	a.lx.Release()
}

type region struct {
	s, e int
	lang Lang
}

var (
	aspLangRe   = regexp.MustCompile(`(?i)<%@[^%]*\blanguage\s*=\s*"?(vb|visualbasic|c#|csharp)`)
	aspBlockRe  = regexp.MustCompile(`(?s)<%[^@=:#$-](.*?)%>`)
	aspScriptRe = regexp.MustCompile(`(?is)<script[^>]*runat\s*=\s*"?server"?[^>]*>(.*?)</script>`)
	razorKwRe   = regexp.MustCompile(`@(functions|code)?\s*\{`)
)

// razorBlocks finds the server-side code blocks of .cshtml/.vbhtml/.aspx/
// .asax/.ascx/.master files: <% … %>, <script runat="server">, @{ … },
// @functions { … }, @code { … }.
func razorBlocks(f *source.File) []region {
	text := f.Text
	lang := LangCSharp
	lp := strings.ToLower(f.Path)
	if strings.HasSuffix(lp, ".vbhtml") {
		lang = LangVB
	}
	if m := aspLangRe.FindStringSubmatch(text); m != nil && strings.HasPrefix(strings.ToLower(m[1]), "v") {
		lang = LangVB
	}
	var out []region
	for _, m := range aspBlockRe.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, region{m[2] - 1, m[3], lang})
	}
	for _, m := range aspScriptRe.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, region{m[2], m[3], lang})
	}
	if strings.HasSuffix(lp, ".cshtml") || strings.HasSuffix(lp, ".vbhtml") || strings.HasSuffix(lp, ".razor") {
		for _, m := range razorKwRe.FindAllStringIndex(text, -1) {
			open := m[1] - 1
			end := matchBrace(text, open)
			out = append(out, region{open + 1, end, lang})
		}
	}
	return out
}

// matchBrace returns the offset of the '}' closing the '{' at open, skipping
// strings and comments roughly (enough for Razor code blocks).
func matchBrace(text string, open int) int {
	d := 0
	for i := open; i < len(text); i++ {
		switch text[i] {
		case '{':
			d++
		case '}':
			d--
			if d == 0 {
				return i
			}
		case '"':
			j := strings.IndexByte(text[i+1:], '"')
			if j < 0 {
				return len(text)
			}
			i += j + 1
		}
	}
	return len(text)
}

var yamlPwshRe = regexp.MustCompile(`(?m)^\s*(?:-\s+)?(?:shell:\s*pwsh\b|pwsh:\s*(?:true|\||>|\S))`)

var yamlKeyRe = regexp.MustCompile(`(?m)^([ \t]*)(?:-[ \t]+)?(powershell|pwsh|script|inlineScript|inline|run|Inline|ScriptBlock|scriptBlock|command)[ \t]*:[ \t]*(.*)$`)

// yamlScripts returns the byte ranges of inline scripts in a pipeline YAML
// file (Azure Pipelines powershell:/pwsh:/script:, task inputs
// inlineScript:, GitHub Actions run:), block scalars or one-line values.
func yamlScripts(text string) [][2]int {
	var out [][2]int
	for _, m := range yamlKeyRe.FindAllStringSubmatchIndex(text, -1) {
		val := strings.TrimSpace(text[m[6]:m[7]])
		lineEnd := m[1]
		if strings.HasPrefix(val, "|") || strings.HasPrefix(val, ">") {
			// block scalar: the following lines indented deeper than the key
			indent := m[3] - m[2]
			if text[m[2]:m[3]] != "" || strings.Contains(text[m[0]:m[4]], "-") {
				indent = m[4] - m[0]
			}
			s := lineEnd + 1
			e := s
			for e < len(text) {
				nl := strings.IndexByte(text[e:], '\n')
				line := text[e:]
				if nl >= 0 {
					line = text[e : e+nl]
				}
				trimmed := strings.TrimLeft(line, " \t")
				if strings.TrimSpace(line) != "" && len(line)-len(trimmed) <= indent {
					break
				}
				if nl < 0 {
					e = len(text)
					break
				}
				e += nl + 1
			}
			if s < e && s <= len(text) {
				out = append(out, [2]int{s, min(e, len(text))})
			}
			continue
		}
		if val != "" {
			s := m[6]
			e := m[7]
			// strip surrounding quotes of a one-line scalar
			if len(val) >= 2 && (val[0] == '\'' || val[0] == '"') && val[len(val)-1] == val[0] {
				s = strings.Index(text[m[6]:m[7]], val) + m[6] + 1
				e = s + len(val) - 2
			}
			out = append(out, [2]int{s, e})
		}
	}
	return out
}

var cmdPSRe = regexp.MustCompile(`(?im)\b(?:powershell|pwsh)(?:\.exe)?"?(?:[ \t][^\r\n"]*?)?[ \t]-(?:c|command)?\w*[ \t]+"((?:[^"\r\n]|"")*)"`)

// cmdPowerShell returns the ranges of `powershell -Command "…"` scripts in a
// .cmd/.bat file.
func cmdPowerShell(text string) [][2]int {
	var out [][2]int
	for _, m := range cmdPSRe.FindAllStringSubmatchIndex(text, -1) {
		ls := strings.LastIndexByte(text[:m[0]], '\n') + 1
		head := strings.ToLower(strings.TrimLeft(text[ls:m[0]], " \t@"))
		if strings.HasPrefix(head, "rem ") || strings.HasPrefix(head, "rem\t") || strings.HasPrefix(head, "::") || head == "rem" {
			continue // a commented-out line
		}
		out = append(out, [2]int{m[2], m[3]})
	}
	return out
}

var (
	dockerShellPSRe = regexp.MustCompile(`(?im)^[ \t]*SHELL[ \t]*\[[ \t]*"(?:[^"]*\\)?(?:powershell|pwsh)(?:\.exe)?"`)
	dockerRunRe     = regexp.MustCompile(`(?im)^[ \t]*RUN[ \t]+`)
)

// dockerPowerShell returns the RUN instruction bodies of a Dockerfile that
// run under PowerShell (SHELL ["powershell", …] before them), plus
// `powershell -Command "…"` scripts anywhere.
func dockerPowerShell(text string) [][2]int {
	out := cmdPowerShell(text)
	loc := dockerShellPSRe.FindStringIndex(text)
	if loc == nil {
		return out
	}
	for _, m := range dockerRunRe.FindAllStringIndex(text, -1) {
		if m[0] < loc[0] {
			continue
		}
		s := m[1]
		e := s
		// the instruction continues while a line ends with ` or \
		for e < len(text) {
			nl := strings.IndexByte(text[e:], '\n')
			if nl < 0 {
				e = len(text)
				break
			}
			line := strings.TrimRight(text[e:e+nl], " \t\r")
			e += nl + 1
			if !strings.HasSuffix(line, "`") && !strings.HasSuffix(line, "\\") {
				break
			}
		}
		if strings.HasPrefix(strings.TrimSpace(text[s:e]), "[\"") {
			continue // exec form
		}
		out = append(out, [2]int{s, e})
	}
	return out
}
