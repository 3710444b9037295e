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
	case source.CSharp, source.VB, source.FSharp, source.Razor, source.PowerShell, source.YAML, source.Batch:
		return true
	}
	return false
}

// anchors are the lower-case literals at least one of which a code file
// must contain before it is lexed (a cheap prefilter).
var anchors = [][]byte{
	[]byte("securityprotocol"), []byte("sslprotocol"), []byte("certificate"), []byte("setswitch"),
	[]byte("winhttpsetoption"), []byte("authenticateas"),
}

var psAnchors = [][]byte{[]byte("itemproperty"), []byte("setvalue"), []byte("registry"), []byte("reg add"), []byte("reg.exe"), []byte("#requires")}

// lowerASCII lower-cases ASCII letters into buf (reused across files).
func lowerASCII(buf []byte, s string) []byte {
	buf = append(buf[:0], s...)
	for i, c := range buf {
		if c >= 'A' && c <= 'Z' {
			buf[i] = c + 32
		}
	}
	return buf
}

func hasAnchor(low []byte, ps bool) bool {
	for _, a := range anchors {
		if bytes.Contains(low, a) {
			return true
		}
	}
	if ps {
		for _, a := range psAnchors {
			if bytes.Contains(low, a) {
				return true
			}
		}
	}
	return false
}

// analyzeFile runs the code analyzers on one decoded file. buf is scratch
// space owned by the calling worker.
func analyzeFile(f *source.File, buf *[]byte) *fileResult {
	res := &fileResult{}
	if !codeKind(f.Kind) {
		return res
	}
	*buf = lowerASCII(*buf, f.Text)
	ps := f.Kind == source.PowerShell || f.Kind == source.YAML || f.Kind == source.Batch
	if !hasAnchor(*buf, ps) {
		return res
	}
	if (f.Kind == source.YAML || f.Kind == source.Batch) && !bytes.Contains(*buf, []byte("powershell")) && !bytes.Contains(*buf, []byte("pwsh")) && !bytes.Contains(*buf, []byte("script")) && !bytes.Contains(*buf, []byte("run:")) {
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
		for _, r := range yamlScripts(f.Text) {
			runPS(f, r[0], r[1], res, false)
		}
	case source.Batch:
		for _, r := range cmdPowerShell(f.Text) {
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
}

func runPS(f *source.File, s, e int, res *fileResult, host bool) {
	a := newAnalyzer(f, LangPS, s, e, res)
	types := map[string]bool{}
	a.acceptAllTypes = types
	subs := a.embeddedCSharp(types)
	a.collectPolicyTypes(types)
	if host {
		a.psHost()
	}
	for _, sub := range subs {
		sub.scan()
	}
	a.scan()
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

var cmdPSRe = regexp.MustCompile(`(?im)\b(?:powershell|pwsh)(?:\.exe)?\b[^\r\n"]*?-(?:c|command|encodedcommand)?\w*\s+"((?:[^"\r\n]|"")*)"`)

// cmdPowerShell returns the ranges of `powershell -Command "…"` scripts in a
// .cmd/.bat file.
func cmdPowerShell(text string) [][2]int {
	var out [][2]int
	for _, m := range cmdPSRe.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, [2]int{m[2], m[3]})
	}
	return out
}
