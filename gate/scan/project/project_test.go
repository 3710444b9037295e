package project

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

func TestParseXMLPositionsAndComments(t *testing.T) {
	text := "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<configuration>\n  <!-- <httpRuntime targetFramework=\"4.7\" /> -->\n  <system.web>\n    <httpRuntime\n        maxRequestLength=\"1\"\n        targetFramework = '4.6.1' />\n  </system.web>\n</configuration>\n"
	f := source.New("Web.config", source.Config, text, source.UTF8)
	d := parseXML(f)
	if d.Err != nil {
		t.Fatal(d.Err)
	}
	hr := d.Root.path("system.web", "httpRuntime")
	if hr == nil {
		t.Fatal("httpRuntime not found")
	}
	if l := hr.loc(); l.StartLine != 5 || l.StartCol != 5 {
		t.Errorf("httpRuntime at %s, want line 5 col 5", l)
	}
	at, ok := hr.attr("targetFramework")
	if !ok || at.Value != "4.6.1" {
		t.Fatalf("attr = %+v", at)
	}
	if l := at.loc(nil); l.StartLine != 7 || l.StartCol != 9 {
		t.Errorf("targetFramework at %s, want 7:9", l)
	}
	if len(d.Root.children("httpRuntime")) != 0 {
		t.Error("commented-out element was parsed")
	}
}

func TestParseXMLMalformedKeepsPrefix(t *testing.T) {
	f := source.New("App.config", source.Config, "<configuration>\n <runtime>\n  <AppContextSwitchOverrides value=\"Switch.System.Net.DontEnableSchUseStrongCrypto=true\" />\n  <broken attr=\"unterminated>\n", source.UTF8)
	r := Analyze(context.Background(), Input{Files: []*source.File{f}})
	if !hasFinding(r, "TLS008", finding.Error, "App.config:3") {
		t.Errorf("finding before the syntax error lost: %v", lines(r.Findings))
	}
	if len(r.Notifications) != 1 || r.Notifications[0].RuleID != "TLS908" || r.Notifications[0].Location.StartLine != 4 {
		t.Errorf("want one TLS908 at line 4, got %v", r.Notifications)
	}
}

// Hostile XML: deep nesting and a huge element count stay bounded.
func TestParseXMLHostile(t *testing.T) {
	var b strings.Builder
	b.WriteString("<configuration>")
	for i := 0; i < 200000; i++ {
		b.WriteString("<a>")
	}
	b.WriteString("<runtime><AppContextSwitchOverrides value=\"x=true\"/></runtime>")
	for i := 0; i < 200000; i++ {
		b.WriteString("</a>")
	}
	b.WriteString("</configuration>")
	f := source.New("deep.config", source.Config, b.String(), source.UTF8)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := parseXML(f)
	runtime.ReadMemStats(&after)
	depth := 0
	for n := d.Root; n != nil; depth++ {
		if len(n.Children) == 0 {
			break
		}
		n = n.Children[0]
	}
	if depth > maxDepth {
		t.Errorf("kept %d levels, limit %d", depth, maxDepth)
	}
	if grow := after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc); grow > 64<<20 {
		t.Errorf("parsing 1.4 MB of nested XML grew the heap by %d MB", grow>>20)
	}
	// Analyze must not crash on it either.
	Analyze(context.Background(), Input{Files: []*source.File{f}})

	// Many siblings: bounded node count.
	b.Reset()
	b.WriteString("<configuration>")
	for i := 0; i < maxNodes+1000; i++ {
		b.WriteString("<add/>")
	}
	b.WriteString("</configuration>")
	d = parseXML(source.New("wide.config", source.Config, b.String(), source.UTF8))
	if n := len(d.Root.Children); n >= maxNodes {
		t.Errorf("kept %d nodes, limit %d", n, maxNodes)
	}
}

func TestTransformSetAttributesAndReplace(t *testing.T) {
	base := source.New("Web.config", source.Config, `<configuration>
  <appSettings>
    <add key="a" value="1" />
    <add key="AppContext.SetSwitch:Switch.System.Net.DontEnableSchUseStrongCrypto" value="true" />
  </appSettings>
  <system.web>
    <httpRuntime />
  </system.web>
</configuration>`, source.UTF8)
	tr := source.New("Web.Release.config", source.Config, `<configuration xmlns:xdt="http://schemas.microsoft.com/XML-Document-Transform">
  <appSettings>
    <add key="AppContext.SetSwitch:Switch.System.Net.DontEnableSchUseStrongCrypto" value="false" xdt:Transform="SetAttributes" xdt:Locator="Match(key)" />
    <add key="a" xdt:Transform="Remove" xdt:Locator="Match(key)" />
  </appSettings>
  <system.web>
    <httpRuntime targetFramework="4.8" xdt:Transform="Replace" />
  </system.web>
</configuration>`, source.UTF8)
	out := applyTransform(parseXML(base).Root, parseXML(tr).Root)
	sws := configSwitches(out)
	if len(sws) != 1 || sws[0].Value || sws[0].Attr.File.Path != "Web.Release.config" || sws[0].Attr.loc(nil).StartLine != 3 {
		t.Errorf("switch after transform: %+v", sws)
	}
	if n := len(out.child("appSettings").children("add")); n != 1 {
		t.Errorf("Remove: %d adds left, want 1", n)
	}
	hr := out.path("system.web", "httpRuntime")
	if hr == nil || hr.attrValue("targetFramework") != "4.8" || hr.File.Path != "Web.Release.config" {
		t.Errorf("Replace: %+v", hr)
	}
	if parseXML(base).Root.path("system.web", "httpRuntime").attrValue("targetFramework") != "" {
		t.Error("transform modified the base document")
	}
}

func TestHostOf(t *testing.T) {
	r := analyzeMap(map[string]string{
		"src/Sdk/Sdk.csproj": `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net48</TargetFramework></PropertyGroup>
<ItemGroup><ProjectReference Include="..\Lib\Lib.csproj" /></ItemGroup></Project>`,
		"src/Sdk/Program.cs":           "class P {}",
		"src/Sdk/obj/Gen.cs":           "class G {}",
		"src/Sdk/Nested/Nested.csproj": `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net48</TargetFramework></PropertyGroup></Project>`,
		"src/Sdk/Nested/N.cs":          "class N {}",
		"src/Lib/Lib.csproj":           `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup></Project>`,
		"src/Lib/Helper.cs":            "class H {}",
		"src/Old/Old.csproj": `<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003"><PropertyGroup><OutputType>WinExe</OutputType><TargetFrameworkVersion>v4.7.2</TargetFrameworkVersion></PropertyGroup>
<ItemGroup><Compile Include="Main.cs" /><Compile Include="Gen\**\*.cs" /><Compile Include="..\Shared\Linked.cs"><Link>Linked.cs</Link></Compile></ItemGroup></Project>`,
		"src/Shared/Linked.cs": "class L {}",
		"src/Old/Main.cs":      "class M {}",
		"src/Old/Gen/a/B.cs":   "class B {}",
		"src/Old/Stray.cs":     "class S {}",
		"scripts/setup.ps1":    "[Net.ServicePointManager]::SecurityProtocol = 'Tls12'",
		"scripts/other.ps1":    "Write-Host hi",
	}, source.Fact{Kind: source.ProtocolAssign, Protocols: finding.SetOf(finding.TLS12), Location: finding.Location{Path: "scripts/setup.ps1", StartLine: 1}})
	names := func(p string) string {
		var s []string
		for _, a := range r.HostOf(p) {
			s = append(s, a.Name+"/"+a.Kind)
		}
		return strings.Join(s, ",")
	}
	for p, want := range map[string]string{
		"src/Sdk/Program.cs":   "Sdk/exe",
		"src/Sdk/obj/Gen.cs":   "",
		"src/Sdk/Nested/N.cs":  "",
		"src/Lib/Helper.cs":    "Sdk/exe",
		"src/Old/Main.cs":      "Old/exe",
		"src/Old/Gen/a/B.cs":   "Old/exe",
		"src/Old/Stray.cs":     "",
		"src/Shared/Linked.cs": "Old/exe",
		"scripts/setup.ps1":    "setup.ps1/script",
		"scripts/other.ps1":    "other.ps1/script",
		"elsewhere/Nothing.cs": "",
	} {
		if got := names(p); got != want {
			t.Errorf("HostOf(%s) = %q, want %q", p, got, want)
		}
	}
	for _, a := range r.Applications {
		if a.Name == "Sdk" && (a.EffectiveTarget != "4.8" || a.Runtime != "netfx") {
			t.Errorf("Sdk app: %+v", a)
		}
		if a.Name == "other.ps1" {
			t.Error("a script without protocol facts is not listed as an application")
		}
	}
	if a := r.HostOf("scripts/other.ps1"); len(a) != 1 || a[0].Runtime != "powershell" || a[0].EffectiveTarget != "4.0" {
		t.Errorf("unlisted script host: %+v", a)
	}
	var nilRes *Result
	if nilRes.HostOf("x.cs") != nil {
		t.Error("nil result must have no hosts")
	}
}

func TestParseTFM(t *testing.T) {
	for in, want := range map[string]string{
		"net45": "netfx 4.5", "net452": "netfx 4.5.2", "net48": "netfx 4.8", "net481": "netfx 4.8.1", "net35": "clr2 3.5",
		"net20": "clr2 2.0", "net8.0": "netcore net8.0", "net6.0-windows": "netcore net6.0", "netcoreapp3.1": "netcore netcoreapp3.1",
		"netstandard2.0": "netstandard netstandard2.0", "v4.6.2": "netfx 4.6.2", "v3.5": "clr2 3.5", "net48-windows": "netfx 4.8",
	} {
		got, ok := parseTFM(in)
		if !ok || got.Runtime+" "+got.Label != want {
			t.Errorf("parseTFM(%q) = %+v %t, want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "monoandroid", "vX"} {
		if _, ok := parseTFM(bad); ok {
			t.Errorf("parseTFM(%q) should fail", bad)
		}
	}
}

func TestNormKeyAndClassify(t *testing.T) {
	for in, want := range map[string]string{
		`HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319`:                                        "netfx4",
		`HKLM:\SOFTWARE\Microsoft\.NETFramework\v2.0.50727`:                                                                 "netfx2",
		`Registry::HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client`: "schannel",
		`hklm\software\microsoft\windows\currentversion\internet settings\winhttp`:                                          "winhttp",
		`HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings`:                                                  "wininet",
		`HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319\System.Net.ServicePointManager.SecurityProtocol`:                  "netfx4-spm",
	} {
		k, _ := normKey(in)
		c, ok := classify(k)
		if !ok || c.Kind != want {
			t.Errorf("classify(%s) = %+v %t, want %s", in, c, ok, want)
		}
	}
	if _, wow := normKey(`HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319`); !wow {
		t.Error("Wow6432Node not detected")
	}
	if _, ok := classify(`hklm\software\example`); ok {
		t.Error("unrelated key classified")
	}
}

func TestRepoStatePrefers64BitView(t *testing.T) {
	ws := []regWrite{
		{Key: `HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319`, Name: "SchUseStrongCrypto", DWord: true, Value: 0},
		{Key: `HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319`, Name: "SchUseStrongCrypto", DWord: true, Value: 1},
		{Key: `HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319`, Name: "SystemDefaultTlsVersions", DWord: true, Value: 1},
		{Key: `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client`, Name: "Enabled", DWord: true, Value: 0},
		{Key: `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.1\Server`, Name: "Enabled", DWord: true, Value: 0},
		{Key: `HKCU\SOFTWARE\Microsoft\.NETFramework\v4.0.30319`, Name: "SchUseStrongCrypto", DWord: true, Value: 0},
	}
	st, used := repoState(ws)
	if !isOne(st.SchUseStrongCrypto) || !isOne(st.SystemDefaultTlsVersions) {
		t.Errorf("state %+v", st)
	}
	if on, ok := st.ClientEnabled[finding.TLS10]; !ok || on {
		t.Errorf("TLS 1.0 client: %v", st.ClientEnabled)
	}
	if _, ok := st.ClientEnabled[finding.TLS11]; ok {
		t.Error("a server key must not change the client state")
	}
	if len(used) != 3 {
		t.Errorf("used %d values, want 3: %+v", len(used), used)
	}
}

func TestSplitArgsAndRegAdd(t *testing.T) {
	got := splitArgs(`"HKLM\SOFTWARE\x y" /v Name /t REG_DWORD /d 0x1 /f & echo done`)
	want := []string{`HKLM\SOFTWARE\x y`, "/v", "Name", "/t", "REG_DWORD", "/d", "0x1", "/f"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("splitArgs = %q", got)
	}
}

// The examples directory must produce applications for each example.
func TestLoadExamplesDirectly(t *testing.T) {
	root := filepath.Join("..", "..", "..", "examples")
	if _, err := os.Stat(root); err != nil {
		t.Skip("examples not present")
	}
	r := Analyze(context.Background(), Input{Files: loadDir(t, root)})
	seen := map[string]bool{}
	for _, a := range r.Applications {
		seen[a.ProjectFile] = true
	}
	for _, p := range []string{"legacy-webapp/LegacyWebApp.csproj", "legacy-webapp-fixed/LegacyWebApp.csproj", "legacy-webapp-switch-fix/LegacyWebApp.csproj", "net48-app/InvoiceSync.csproj", "net48-pinned-tls11/LedgerExport.csproj"} {
		if !seen[p] {
			t.Errorf("no application for %s", p)
		}
	}
	// Registry artifacts stay with their own application.
	for _, a := range r.Applications {
		for _, v := range a.Registry {
			if !strings.HasPrefix(v.Location.Path, strings.Split(a.ProjectFile, "/")[0]+"/") {
				t.Errorf("%s got registry value from %s", a.ProjectFile, v.Location.Path)
			}
		}
	}
}

// A huge single-line C file full of calls finishes (bounded work per file).
func TestNativeHostileLongLine(t *testing.T) {
	var b strings.Builder
	b.WriteString("DWORD p = 0xA80;")
	for b.Len() < 2<<20 {
		b.WriteString(" WinHttpSetOption(h, 84, &p, 4); p |= 0x20;")
	}
	r := Analyze(context.Background(), Input{Files: []*source.File{source.New("big.c", source.Native, b.String(), source.UTF8)}})
	if len(r.Findings) == 0 || len(r.Findings) > maxMatches {
		t.Errorf("%d findings", len(r.Findings))
	}
}

func TestScriptAppGetsItsFacts(t *testing.T) {
	r := analyzeMap(map[string]string{"deploy/run.ps1": "[Net.ServicePointManager]::SecurityProtocol = 'Tls'"},
		source.Fact{Kind: source.ProtocolAssign, Protocols: finding.SetOf(finding.TLS10), Location: finding.Location{Path: "deploy/run.ps1", StartLine: 1}},
		source.Fact{Kind: source.SwitchSet, Switch: swStrong, SwitchValue: false, Location: finding.Location{Path: "deploy/run.ps1", StartLine: 2}})
	if len(r.Applications) != 1 {
		t.Fatalf("apps: %+v", r.Applications)
	}
	a := r.Applications[0]
	if a.Kind != "script" || a.CodeProtocols == nil || len(a.Switches) != 1 {
		t.Errorf("script app without its facts: %+v", a)
	}
	if got := a.OfferedProtocols[finding.StateAsShipped]; len(got) != 1 || got[0] != finding.TLS10 {
		t.Errorf("offered %v, want TLS 1.0", got)
	}
}

func TestEvidenceNotDuplicated(t *testing.T) {
	r := analyzeMap(map[string]string{"run.ps1": "x"},
		source.Fact{Kind: source.ProtocolAssign, Protocols: finding.SetOf(finding.TLS12), Location: finding.Location{Path: "run.ps1", StartLine: 1}})
	seen := map[string]bool{}
	for _, s := range r.Applications[0].Evidence {
		if seen[s.Text] {
			t.Errorf("duplicate evidence step %q", s.Text)
		}
		seen[s.Text] = true
	}
}

func TestLegacyTargetSeverities(t *testing.T) {
	proj := `<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003"><PropertyGroup><OutputType>Exe</OutputType><TargetFrameworkVersion>v4.5</TargetFrameworkVersion></PropertyGroup><ItemGroup><Compile Include="P.cs" /></ItemGroup></Project>`
	files := map[string]string{"A.csproj": proj, "P.cs": "x"}
	at := finding.Location{Path: "P.cs", StartLine: 1}
	cases := []struct {
		name string
		fact *source.Fact
		want finding.Severity
	}{
		{"no compensation", nil, finding.Error},
		{"code pins Tls12", &source.Fact{Kind: source.ProtocolAssign, Protocols: finding.SetOf(finding.TLS12), Location: at}, finding.Warning},
		{"code ORs Tls12", &source.Fact{Kind: source.ProtocolAssign, Protocols: finding.SetOf(finding.TLS12), Additive: true, Location: at}, finding.Warning},
		{"code pins Ssl3|Tls", &source.Fact{Kind: source.ProtocolAssign, Protocols: finding.SetOf(finding.SSL30, finding.TLS10), Location: at}, finding.Error},
		{"code SetSwitch OS default", &source.Fact{Kind: source.SwitchSet, Switch: swSysDefault, SwitchValue: false, Location: at}, finding.None},
		{"code SetSwitch strong only", &source.Fact{Kind: source.SwitchSet, Switch: swStrong, SwitchValue: false, Location: at}, finding.Warning},
		{"unresolved value ignored", &source.Fact{Kind: source.ProtocolAssign, Unresolved: true, Location: at}, finding.Error},
	}
	for _, c := range cases {
		var facts []source.Fact
		if c.fact != nil {
			facts = append(facts, *c.fact)
		}
		r := analyzeMap(files, facts...)
		got := finding.None
		for _, f := range r.Findings {
			if f.RuleID == "TLS009" {
				got = f.Level
			}
		}
		if got != c.want {
			t.Errorf("%s: TLS009 level %s, want %s (%v)", c.name, got, c.want, lines(r.Findings))
		}
	}
}

func TestRepoStateRoundTrip(t *testing.T) {
	r := analyzeMap(map[string]string{
		"A.csproj": `<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003"><PropertyGroup><OutputType>Exe</OutputType><TargetFrameworkVersion>v4.5</TargetFrameworkVersion></PropertyGroup></Project>`,
		"tls.reg":  "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]\n\"SchUseStrongCrypto\"=dword:00000001\n\"SystemDefaultTlsVersions\"=-\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Client]\n\"Enabled\"=dword:00000000\n",
	})
	app := &r.Applications[0]
	st := RepoState(app)
	if !isOne(st.SchUseStrongCrypto) || st.SystemDefaultTlsVersions != nil || st.ClientEnabled[finding.TLS10] {
		t.Errorf("RepoState = %+v", st)
	}
	got, strong, _ := Offered(app, DefaultHost(), st)
	if got != finding.SetOf(finding.TLS11, finding.TLS12) || !strong {
		t.Errorf("offered %s strong=%t, want TLS 1.1, TLS 1.2 with strong crypto", listOf(got), strong)
	}
	want := app.OfferedProtocols[finding.StateAsShipped]
	if len(want) != 2 || want[0] != finding.TLS11 {
		t.Errorf("as_shipped %v disagrees with the recomputation", want)
	}
}
