package scan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// seeds adds every fixture file with one of the extensions as a seed.
func seeds(f *testing.F, exts ...string) {
	_ = filepath.Walk(filepath.Join("testdata", "rules"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		for _, e := range exts {
			if strings.HasSuffix(strings.ToLower(p), e) {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(string(b))
				}
			}
		}
		return nil
	})
}

// fuzzAnalyze lexes and analyzes text as a file named name and checks the
// invariants every analyzer must keep: no panic, tokens in order and in
// bounds, findings located inside the file.
func fuzzAnalyze(t *testing.T, name, text string, lang Lang) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fuzzAnalyzeOnce(t, name, text, lang)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		if p := os.Getenv("TLSGATE_FUZZ_HANG"); p != "" {
			_ = os.WriteFile(p, []byte(text), 0o644)
		}
		t.Fatalf("analysis of %d bytes did not finish in 5s: %q", len(text), text)
	}
}

func fuzzAnalyzeOnce(t *testing.T, name, text string, lang Lang) {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	lx := Lex(lang, text, 0, len(text))
	prev := 0
	for _, tk := range lx.Toks {
		if tk.Start < prev || tk.End < tk.Start || tk.End > len(text) {
			t.Fatalf("token %+v out of order or bounds (prev end %d, len %d)", tk, prev, len(text))
		}
		prev = tk.Start
	}
	f := source.New(name, source.KindOf(name), text, source.UTF8)
	var buf []byte
	res := analyzeFile(f, &buf)
	lines := f.LineCount()
	for _, h := range res.hits {
		if h.Location.StartLine < 1 || h.Location.StartLine > lines || h.Location.EndLine < h.Location.StartLine {
			t.Fatalf("finding outside the file: %+v", h.Location)
		}
	}
}

func FuzzCSharp(f *testing.F) {
	seeds(f, ".cs", ".cshtml", ".aspx", ".asax")
	f.Add(`x = $"{a}" + @"b""c" + """raw""" + '\''; /* */ // c`)
	f.Fuzz(func(t *testing.T, s string) { fuzzAnalyze(t, "F.cs", s, LangCSharp) })
}

func FuzzVB(f *testing.F) {
	seeds(f, ".vb")
	f.Add("ServicePointManager.SecurityProtocol = _\n  &HC0 Or CType(768, SecurityProtocolType) ' c\nREM x\n")
	f.Fuzz(func(t *testing.T, s string) { fuzzAnalyze(t, "F.vb", s, LangVB) })
}

func FuzzPowerShell(f *testing.F) {
	seeds(f, ".ps1", ".psm1")
	f.Add("@\"\n$x\n\"@\n<# c #> [Net.ServicePointManager]::SecurityProtocol = 'Tls' -bor `\n 3072 # c\n")
	f.Fuzz(func(t *testing.T, s string) { fuzzAnalyze(t, "F.ps1", s, LangPS) })
}

func FuzzFSharp(f *testing.F) {
	seeds(f, ".fs", ".fsx")
	f.Add("(* c *) ServicePointManager.SecurityProtocol <- SecurityProtocolType.Tls ||| enum<SecurityProtocolType> 3072 // c\nlet x = \"\"\"raw\"\"\" + 'T\n")
	f.Fuzz(func(t *testing.T, s string) { fuzzAnalyze(t, "F.fs", s, LangFSharp) })
}

// FuzzRazor: code blocks inside markup (.cshtml/.aspx) are cut out and
// analyzed as C#.
func FuzzRazor(f *testing.F) {
	seeds(f, ".cshtml", ".aspx", ".asax")
	f.Add("<p>@x</p>@{ ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls; }\n<% var y = 1; %><script runat=\"server\">void F(){}</script>@* c *@")
	f.Fuzz(func(t *testing.T, s string) { fuzzAnalyze(t, "F.cshtml", s, LangCSharp) })
}
