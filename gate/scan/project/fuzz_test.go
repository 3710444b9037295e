package project

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// seedFiles adds every fixture file with one of the extensions as a seed.
func seedFiles(f *testing.F, exts ...string) {
	root := filepath.Join("..", "testdata", "rules")
	_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Size() > 64<<10 {
			return nil
		}
		for _, e := range exts {
			if strings.HasSuffix(strings.ToLower(p), e) {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
		}
		return nil
	})
}

// FuzzConfigXML runs the XML reader and every XML rule (config, MSBuild,
// WiX) on arbitrary input: no panic, positions inside the file.
func FuzzConfigXML(f *testing.F) {
	f.Add([]byte(`<configuration><system.web><httpRuntime targetFramework="4.5"/></system.web></configuration>`))
	f.Add([]byte(`<configuration xmlns:xdt="http://schemas.microsoft.com/XML-Document-Transform"><appSettings><add key="AppContext.SetSwitch:Switch.System.Net.DontEnableSchUseStrongCrypto" value="true" xdt:Transform="Insert"/></appSettings></configuration>`))
	f.Add([]byte("<configuration><!-- <a> --><runtime><AppContextSwitchOverrides value=\"a=b;;=;c\"/></runtime>"))
	f.Add([]byte("<<<>>>&amp;&bogus;<![CDATA[x]]><?pi?><!DOCTYPE x>"))
	seedFiles(f, ".config", ".csproj", ".wxs", ".props")
	f.Fuzz(func(t *testing.T, data []byte) {
		text, enc, err := source.Decode(data)
		if err != nil {
			return
		}
		files := []*source.File{
			source.New("Web.config", source.Config, text, enc),
			source.New("Web.Release.config", source.Config, text, enc),
			source.New("App.csproj", source.MSBuild, text, enc),
			source.New("Setup.wxs", source.WiX, text, enc),
		}
		r := Analyze(context.Background(), Input{Files: files})
		for _, fd := range r.Findings {
			if fd.Location.StartLine < 1 || fd.Location.StartLine > files[0].LineCount() || !utf8.ValidString(fd.Message) {
				t.Fatalf("bad finding %+v", fd)
			}
		}
		d := parseXML(files[0])
		d.Root.walk(func(n *node) {
			if n.Start < 0 || n.End > len(text) || n.Start > n.End {
				t.Fatalf("node %s offsets %d..%d outside %d", n.Name, n.Start, n.End, len(text))
			}
		})
	})
}

// FuzzRegFile runs the .reg reader, reg add parsing and TLS013 on
// arbitrary input.
func FuzzRegFile(f *testing.F) {
	f.Add([]byte("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]\r\n\"SchUseStrongCrypto\"=dword:00000000\r\n"))
	f.Add([]byte("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\SSL 3.0\\Client]\n\"Enabled\"=hex(b):01,00,00,00,00,00,00,00\n\"DisabledByDefault\"=-\n[-HKEY_LOCAL_MACHINE\\x]\n"))
	f.Add([]byte{0xff, 0xfe, 'W', 0, 'i', 0, 0x00, 0xd8})
	f.Add([]byte("reg add \"HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319\" /v SchUseStrongCrypto /t REG_DWORD /d 0 /f ^\n"))
	seedFiles(f, ".reg", ".cmd", "dockerfile")
	f.Fuzz(func(t *testing.T, data []byte) {
		text, enc, err := source.Decode(data)
		if err != nil {
			return
		}
		files := []*source.File{
			source.New("tls.reg", source.Reg, text, enc),
			source.New("setup.cmd", source.Batch, text, enc),
			source.New("Dockerfile", source.Dockerfile, text, enc),
			source.New("fix.sh", source.Shell, text, enc),
		}
		r := Analyze(context.Background(), Input{Files: files})
		for _, fd := range r.Findings {
			if fd.Location.StartLine < 1 {
				t.Fatalf("finding without a line: %+v", fd)
			}
		}
	})
}

// FuzzNative runs the C/C++ masker, constant folder and TLS015–TLS017.
func FuzzNative(f *testing.F) {
	f.Add([]byte("DWORD p = WINHTTP_FLAG_SECURE_PROTOCOL_ALL; WinHttpSetOption(h, 84, &p, sizeof p);"))
	f.Add([]byte("#define X (X|1)\nsc.grbitEnabledProtocols = X;"))
	f.Add([]byte("/* unterminated \"string WinHttpSetOption( grbitEnabledProtocols = ((((((1"))
	seedFiles(f, ".c", ".cpp", ".h")
	f.Fuzz(func(t *testing.T, data []byte) {
		text, enc, err := source.Decode(data)
		if err != nil {
			return
		}
		if m := maskC(text); len(m) != len(text) {
			t.Fatalf("maskC changed the length: %d → %d", len(text), len(m))
		}
		Analyze(context.Background(), Input{Files: []*source.File{source.New("a.cpp", source.Native, text, enc)}})
	})
}
