package scan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/rules"
)

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func scanDir(t *testing.T, dir string, opts Options) *finding.Report {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = fixedNow
	}
	r, err := Scan(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func ids(r *finding.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Location.Path+":"+f.RuleID)
	}
	return out
}

func noteIDs(r *finding.Report) string {
	var out []string
	for _, n := range r.Notifications {
		out = append(out, n.Location.Path+":"+n.RuleID)
	}
	return strings.Join(out, " ")
}

const weakCS = "class A { void M() { System.Net.ServicePointManager.SecurityProtocol = System.Net.SecurityProtocolType.Tls; } }\n"

func TestWalkSkipsAndGitignore(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "src/A.cs", weakCS)
	for _, skip := range []string{".git/B.cs", "bin/B.cs", "obj/Debug/B.cs", "packages/P/B.cs", "node_modules/x/B.cs", "src/Bin/B.cs", "gen/B.cs", "src/ignored.cs"} {
		write(t, dir, skip, weakCS)
	}
	write(t, dir, ".gitignore", "gen/\n")
	write(t, dir, "src/.gitignore", "ignored.cs\n")
	write(t, dir, "notes.txt", weakCS) // unknown kind
	r := scanDir(t, dir, Options{})
	if got := strings.Join(ids(r), " "); got != "src/A.cs:TLS001" {
		t.Fatalf("findings = %s, want only src/A.cs", got)
	}
}

func TestSingleFilePath(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "deep/Startup.cs", weakCS)
	r := scanDir(t, filepath.Join(dir, "deep", "Startup.cs"), Options{})
	if len(r.Findings) != 1 || r.Findings[0].Location.Path != "Startup.cs" {
		t.Fatalf("findings = %v", ids(r))
	}
}

func TestUnreadableRoot(t *testing.T) {
	_, err := Scan(context.Background(), filepath.Join(t.TempDir(), "missing"), Options{})
	if err == nil || !strings.Contains(err.Error(), "cannot read scan root") {
		t.Fatalf("err = %v", err)
	}
}

func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	// a binary file with a .cs name
	bin := make([]byte, 4096)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	if err := os.WriteFile(filepath.Join(dir, "blob.cs"), bin, 0o644); err != nil {
		t.Fatal(err)
	}
	// invalid UTF-16 (BOM, odd length, unpaired surrogate) still scanned
	u16 := []byte{0xFF, 0xFE, 0x00, 0xD8, 'a', 0}
	for _, c := range weakCS {
		u16 = append(u16, byte(c), 0)
	}
	u16 = append(u16, 'x')
	if err := os.WriteFile(filepath.Join(dir, "utf16.cs"), u16, 0o644); err != nil {
		t.Fatal(err)
	}
	// a long single line under the limit: one weak statement at the end
	long := strings.Repeat("x", 4<<20) + "\n" + weakCS
	write(t, dir, "long.cs", "// "+long)
	// a 50 MB single line: skipped by size, with a note
	big := bytes.Repeat([]byte("ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls | "), 50<<20/66+1)
	if err := os.WriteFile(filepath.Join(dir, "huge.cs"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	// deeply nested braces / parentheses
	write(t, dir, "nest.cs", strings.Repeat("(", 200000)+"ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls;"+strings.Repeat(")", 10))
	write(t, dir, "nest.ps1", strings.Repeat("@(", 100000)+"[Net.ServicePointManager]::SecurityProtocol = 'Tls'")
	// a symlink loop and links out of the tree
	if runtime.GOOS != "windows" {
		_ = os.Symlink("loop2.cs", filepath.Join(dir, "loop1.cs"))
		_ = os.Symlink("loop1.cs", filepath.Join(dir, "loop2.cs"))
		_ = os.Symlink(".", filepath.Join(dir, "self"))
		outside := t.TempDir()
		write(t, outside, "Out.cs", weakCS)
		_ = os.Symlink(filepath.Join(outside, "Out.cs"), filepath.Join(dir, "out.cs"))
		_ = os.Symlink(outside, filepath.Join(dir, "outdir"))
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := scanDir(t, dir, Options{MaxFileSize: 16 << 20})
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
		t.Errorf("scanning the hostile tree allocated %d MB (the 50 MB file must be skipped unread)", alloc>>20)
	}
	notes := noteIDs(r)
	for _, want := range []string{"blob.cs:" + rules.SkippedBinary, "huge.cs:" + rules.SkippedLarge} {
		if !strings.Contains(notes, want) {
			t.Errorf("notifications %q lack %s", notes, want)
		}
	}
	if runtime.GOOS != "windows" {
		for _, want := range []string{"loop1.cs:" + rules.SkippedSymlink, "out.cs:" + rules.SkippedSymlink} {
			if !strings.Contains(notes, want) {
				t.Errorf("notifications %q lack %s", notes, want)
			}
		}
	}
	got := strings.Join(ids(r), " ")
	for _, want := range []string{"long.cs:TLS001", "utf16.cs:TLS001"} {
		if !strings.Contains(got, want) {
			t.Errorf("findings %q lack %s", got, want)
		}
	}
	if strings.Contains(got, "Out.cs") || strings.Contains(got, "outdir") {
		t.Errorf("followed a symlink out of the tree: %s", got)
	}
	for _, f := range r.Findings {
		if f.Location.Path == "long.cs" && f.Location.StartLine != 2 {
			t.Errorf("long.cs finding at line %d, want 2", f.Location.StartLine)
		}
	}
}

func TestFingerprintSurvivesLineMoves(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "A.cs", weakCS)
	r1 := scanDir(t, dir, Options{})
	write(t, dir, "A.cs", "// header\n\n\nusing System;\n"+weakCS)
	r2 := scanDir(t, dir, Options{})
	if len(r1.Findings) != 1 || len(r2.Findings) != 1 {
		t.Fatalf("findings %v / %v", ids(r1), ids(r2))
	}
	if r1.Findings[0].Location.StartLine == r2.Findings[0].Location.StartLine {
		t.Fatal("the fixture did not move")
	}
	if r1.Findings[0].Fingerprint == "" || r1.Findings[0].Fingerprint != r2.Findings[0].Fingerprint {
		t.Fatalf("fingerprint changed: %s vs %s", r1.Findings[0].Fingerprint, r2.Findings[0].Fingerprint)
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "A.cs", weakCS)
	r1 := scanDir(t, dir, Options{})
	var buf bytes.Buffer
	if err := WriteBaseline(&buf, NewBaseline(r1)); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBaseline(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// an old finding moves, a new one appears
	write(t, dir, "A.cs", "\n\n"+weakCS)
	write(t, dir, "B.cs", weakCS)
	r2 := scanDir(t, dir, Options{Baseline: b})
	var fresh, base []string
	for _, f := range r2.Findings {
		if f.Suppression != nil && f.Suppression.Kind == "baseline" {
			base = append(base, f.Location.Path)
		} else {
			fresh = append(fresh, f.Location.Path)
		}
	}
	if strings.Join(base, ",") != "A.cs" || strings.Join(fresh, ",") != "B.cs" {
		t.Fatalf("baseline matched %v, new %v", base, fresh)
	}
	if _, err := ReadBaseline(strings.NewReader(`{"schema_version":2}`)); err == nil {
		t.Fatal("bad baseline accepted")
	}
}

func TestDeterministicOrder(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"z.cs", "a.cs", "m/b.cs", "m/a.vb"} {
		if strings.HasSuffix(n, ".vb") {
			write(t, dir, n, "Module M\nSub X()\nServicePointManager.SecurityProtocol = SecurityProtocolType.Tls\nEnd Sub\nEnd Module\n")
			continue
		}
		write(t, dir, n, weakCS+weakCS)
	}
	first := strings.Join(ids(scanDir(t, dir, Options{Workers: 4})), " ")
	for i := 0; i < 3; i++ {
		if got := strings.Join(ids(scanDir(t, dir, Options{Workers: 1 + i})), " "); got != first {
			t.Fatalf("order differs: %s vs %s", got, first)
		}
	}
	if !strings.HasPrefix(first, "a.cs:") || !strings.Contains(first, "m/a.vb:TLS001") {
		t.Fatalf("unexpected order %s", first)
	}
}

func TestEmbeddedFileKinds(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "azure-pipelines.yml", `steps:
- powershell: |
    Write-Host "setting TLS"
    [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls11
  displayName: tls
- task: PowerShell@2
  inputs:
    targetType: inline
    script: '[Net.ServicePointManager]::SecurityProtocol = "Tls"'
- script: echo "[Net.ServicePointManager]::SecurityProtocol is documented"
`)
	write(t, dir, "install.cmd", "@echo off\r\npowershell -NoProfile -Command \"[Net.ServicePointManager]::SecurityProtocol = 'Ssl3'; iwr https://x\"\r\n")
	write(t, dir, "Global.asax", `<%@ Application Language="C#" %>
<script runat="server">
    void Application_Start(object sender, EventArgs e)
    {
        System.Net.ServicePointManager.SecurityProtocol = System.Net.SecurityProtocolType.Tls;
    }
</script>
`)
	write(t, dir, "Views/Home/Index.cshtml", `@{
    ViewBag.Title = "Home";
    System.Net.ServicePointManager.ServerCertificateValidationCallback = (s, c, ch, e) => true;
}
<p>ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls</p>
`)
	write(t, dir, "Default.aspx", `<%@ Page Language="VB" %>
<% ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls Or SecurityProtocolType.Tls12 %>
`)
	r := scanDir(t, dir, Options{})
	got := make([]string, 0)
	for _, f := range r.Findings {
		got = append(got, f.Location.String()+":"+f.RuleID)
	}
	want := "Default.aspx:2:4:TLS001 Global.asax:5:9:TLS001 Views/Home/Index.cshtml:3:5:TLS006 azure-pipelines.yml:4:5:TLS001 azure-pipelines.yml:9:14:TLS001 install.cmd:2:33:TLS001"
	if strings.Join(got, " ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestRegistryFactsFromPowerShell(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "harden.ps1", `$net = 'HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319'
Set-ItemProperty -Path $net -Name 'SchUseStrongCrypto' -Value 0 -Type DWord
New-ItemProperty "HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client" -Name Enabled -Value 0 -PropertyType DWORD -Force
$p = @{ Path = 'HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319'; Name = 'SystemDefaultTlsVersions'; Value = 1 }
Set-ItemProperty @p
Configuration Tls {
    Registry Ssl3 {
        Key       = 'HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\SSL 3.0\Client'
        ValueName = 'Enabled'
        ValueData = '1'
        ValueType = 'Dword'
        Ensure    = 'Present'
    }
}
`)
	f := processFile(entry{rel: "harden.ps1", abs: filepath.Join(dir, "harden.ps1")}, DefaultMaxFileSize, new([]byte))
	var got []string
	for _, x := range f.res.facts {
		got = append(got, x.RegKey+"|"+x.RegName+"|"+x.RegType+"|"+strings.TrimSpace(strings.Repeat(" ", 0))+string(rune('0'+x.RegValue)))
	}
	want := []string{
		`HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319|SchUseStrongCrypto|dword|0`,
		`HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client|Enabled|dword|0`,
		`HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319|SystemDefaultTlsVersions|dword|1`,
		`HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\SSL 3.0\Client|Enabled|dword|1`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("facts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// and the application model judges them (TLS013)
	r := scanDir(t, dir, Options{})
	n := 0
	for _, x := range r.Findings {
		if x.RuleID == "TLS013" {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("TLS013 findings = %d (%v), want 3", n, ids(r))
	}
}
