package exe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tlsgate/tlsgate/internal/wine"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/applier"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

// One Wine prefix per test binary (closed in TestMain).
var shared struct {
	sync.Mutex
	prefix *wine.GoPrefix
	dir    string
	built  *pkggen.Bundle
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.prefix != nil {
		shared.prefix.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func sharedDir(t *testing.T) string {
	if shared.dir == "" {
		d, err := os.MkdirTemp("", "tlsgate-exe-test-")
		if err != nil {
			t.Fatal(err)
		}
		shared.dir = d
	}
	return shared.dir
}

func prefix(t *testing.T) *wine.GoPrefix {
	t.Helper()
	wine.SkipWithoutTools(t, "wine", "wineboot", "wineserver", wine.MinGW)
	shared.Lock()
	defer shared.Unlock()
	if shared.prefix == nil {
		p, err := wine.NewGoPrefix(context.Background(), filepath.Join(sharedDir(t), "prefix"))
		if err != nil {
			t.Fatal(err)
		}
		shared.prefix = p
	}
	return shared.prefix
}

// offlineGo is the real go command with an empty module cache and no
// proxy: the build must work from the embedded vendor tree alone.
func offlineGo(t *testing.T) *GoCommand {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	modcache := filepath.Join(sharedDir(t), "empty-modcache")
	env := append(os.Environ(), "GOMODCACHE="+modcache, "GOPROXY=off", "GONOSUMDB=*", "GOFLAGS=")
	return &GoCommand{LookPath: func(string) (string, error) { return goBin, nil }, Env: env}
}

func build(t *testing.T, opts Options, dir string) *pkggen.Bundle {
	t.Helper()
	if opts.Go == nil {
		opts.Go = offlineGo(t)
	}
	b := bundle(t, "tls12", "win10")
	b.Dir = dir
	g := New(opts)
	if why := g.Skip(b); why != "" {
		t.Fatal(why)
	}
	if err := g.Generate(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b
}

// builtOnce is the unsigned tls12/win10 bundle, built once per test binary.
func builtOnce(t *testing.T) *pkggen.Bundle {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if shared.built == nil {
		shared.built = build(t, Options{}, filepath.Join(sharedDir(t), "unsigned"))
	}
	return shared.built
}

func TestRealBuildIsReproducibleAndSignedReady(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the Windows cross-builds")
	}
	first := builtOnce(t)
	// The second build starts from an empty build cache, so nothing is
	// shared with the first but the source: identical bytes mean the build
	// itself is reproducible (same Go version).
	cold := offlineGo(t)
	cold.Env = append(cold.Env, "GOCACHE="+filepath.Join(sharedDir(t), "cold-gocache"))
	second := build(t, Options{Go: cold}, t.TempDir())
	if first.Extra["go_version"] != runtime.Version() && !strings.HasPrefix(fmt.Sprint(first.Extra["go_version"]), "go1.") {
		t.Errorf("go_version %v", first.Extra["go_version"])
	}
	for _, name := range Names(first) {
		a, err := os.ReadFile(filepath.Join(first.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(second.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two builds differ (%d vs %d bytes)", name, len(a), len(b))
		}
		sums := first.Extra["exe_unsigned_sha256"].(map[string]string)
		for _, art := range first.Artifacts {
			if art.Path == name && art.SHA256 != sums[name] {
				t.Errorf("%s: artifact sha %s, unsigned sha %s", name, art.SHA256, sums[name])
			}
		}
		f, err := readPE(a)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wantMachine := map[bool]uint16{true: 0x8664, false: 0xaa64}[strings.Contains(name, "amd64")]
		if f.Machine != wantMachine {
			t.Errorf("%s: machine %#x, want %#x", name, f.Machine, wantMachine)
		}
		if f.SecuritySize != 0 {
			t.Errorf("%s: has a certificate table (%d bytes)", name, f.SecuritySize)
		}
		if f.Checksum == 0 {
			t.Logf("%s: PE checksum is 0 (Go leaves it; signing tools fill it) - a warning, not an error", name)
		}
		if f.FileVersion != [4]uint16{1, 0, 0, 0} {
			t.Errorf("%s: file version %v", name, f.FileVersion)
		}
		ver := f.Resources[rtVersion]
		for _, s := range []string{"OriginalFilename", name, "CompanyName", "tlsgate", "ProductName", "tlsgate TLS hardening", "FileVersion", "1.0.0.0"} {
			if !bytes.Contains(ver, utf16le(s)) {
				t.Errorf("%s: version resource lacks %q", name, s)
			}
		}
		man := string(f.Resources[rtManifest])
		for _, s := range []string{`level="requireAdministrator"`, `<supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/>`, `version="1.0.0.0"`} {
			if !strings.Contains(man, s) {
				t.Errorf("%s: manifest lacks %s:\n%s", name, s, man)
			}
		}
	}
	// The unsigned file has no signature for osslsigncode either.
	if _, err := exec.LookPath("osslsigncode"); err == nil {
		out, err := exec.Command("osslsigncode", "verify", "-in", filepath.Join(first.Dir, Names(first)[0])).CombinedOutput()
		if err == nil {
			t.Errorf("osslsigncode verify accepted the unsigned file:\n%s", out)
		}
	}
}

// regExport reads the settings' keys back from the Wine registry with
// `reg export`, one text per key ("" when absent).
func regExport(t *testing.T, p *wine.GoPrefix, plan settings.Plan) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, s := range plan.Settings {
		k := s.FullKey()
		if _, done := out[k]; done {
			continue
		}
		text, ok, err := p.ExportKey(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			text = ""
		}
		out[k] = text
	}
	return out
}

func runExe(t *testing.T, p *wine.GoPrefix, exe string, args ...string) (applier.Status, int, string) {
	t.Helper()
	out, stderr, code, err := p.Wine(context.Background(), append([]string{exe}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	var st applier.Status
	if len(args) > 0 && args[len(args)-1] == "--json" {
		if err := json.Unmarshal(out, &st); err != nil {
			t.Fatalf("%v: status JSON: %v\nstdout:\n%s\nstderr:\n%s", args, err, out, stderr)
		}
		// The Unix exit status is the Windows exit code modulo 256.
		if st.ExitCode%256 != code {
			t.Errorf("%v: exit %d, JSON exit_code %d", args, code, st.ExitCode)
		}
	}
	return st, code, string(out) + string(stderr)
}

func TestExeUnderWine(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the Wine run")
	}
	p := prefix(t)
	b := builtOnce(t)
	exe := filepath.Join(b.Dir, Names(b)[0])
	ctx := context.Background()

	// Seed: a value with another type, one in the 32-bit copy with another
	// DWORD, and an unrelated value that must survive.
	net4 := `HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319`
	seeds := [][]string{
		{"reg", "add", net4, "/v", "SchUseStrongCrypto", "/t", "REG_SZ", "/d", "0", "/f"},
		{"reg", "add", `HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319`, "/v", "SystemDefaultTlsVersions", "/t", "REG_DWORD", "/d", "0", "/f"},
		{"reg", "add", net4, "/v", "TlsgateUnrelated", "/t", "REG_DWORD", "/d", "7", "/f"},
	}
	for _, s := range seeds {
		if _, stderr, code, err := p.Wine(ctx, s...); err != nil || code != 0 {
			t.Fatalf("%v: %d %v %s", s, code, err, stderr)
		}
	}
	before := regExport(t, p, b.Plan)
	if !strings.Contains(before[net4], `"SchUseStrongCrypto"="0"`) {
		t.Fatalf("seed not visible:\n%s", before[net4])
	}
	programData := filepath.Join(p.Dir, "drive_c", "ProgramData", "tlsgate")
	backup := filepath.Join(programData, "backup-tls12.json")

	st, _, out := runExe(t, p, exe, "check", "--json")
	if st.ExitCode != 1 || st.Result != "not_compliant" {
		t.Fatalf("check before apply: %+v\n%s", st, out)
	}

	st, _, out = runExe(t, p, exe, "apply", "--whatif", "--json")
	if st.ExitCode != 0 || st.Result != "would_change" {
		t.Fatalf("apply --whatif: %+v\n%s", st, out)
	}
	if got := regExport(t, p, b.Plan); !equalExports(got, before) {
		t.Fatal("apply --whatif changed the registry")
	}
	if _, err := os.Stat(backup); err == nil {
		t.Fatal("apply --whatif wrote a backup")
	}

	st, code, out := runExe(t, p, exe, "apply", "--json")
	if st.ExitCode != 3010 || code != 3010%256 || st.Result != "changed" || !st.RebootRequired {
		t.Fatalf("apply: exit %d %+v\n%s", code, st, out)
	}
	// Every setting, in its view, reads back with its value.
	after := regExport(t, p, b.Plan)
	for _, s := range b.Plan.Settings {
		got := wine.ExportDWORDs(after[s.FullKey()], s.FullKey())[strings.ToLower(s.Name)]
		if want := fmt.Sprintf("%08x", s.Value); got != want {
			t.Errorf("%s\\%s: read back %q, want %s", s.FullKey(), s.Name, got, want)
		}
	}
	if !strings.Contains(after[net4], `"TlsgateUnrelated"=dword:00000007`) {
		t.Error("apply touched an unrelated value")
	}
	firstBackup, err := os.ReadFile(backup)
	if err != nil {
		t.Fatalf("no backup under ProgramData: %v", err)
	}

	if _, code, out := runExe(t, p, exe, "check"); code != 0 || !strings.Contains(out, "compliant") {
		t.Fatalf("check after apply: exit %d\n%s", code, out)
	}
	// A second apply changes nothing and keeps the first backup.
	st, _, _ = runExe(t, p, exe, "apply", "--json")
	if st.ExitCode != 0 || st.Result != "unchanged" {
		t.Errorf("second apply: %+v", st)
	}
	if again, _ := os.ReadFile(backup); !bytes.Equal(again, firstBackup) {
		t.Error("the second apply rewrote the backup")
	}

	st, _, _ = runExe(t, p, exe, "rollback", "--whatif", "--json")
	if st.ExitCode != 0 || st.Result != "would_change" {
		t.Errorf("rollback --whatif: %+v", st)
	}
	if got := regExport(t, p, b.Plan); !equalExports(got, after) {
		t.Fatal("rollback --whatif changed the registry")
	}

	st, code, out = runExe(t, p, exe, "rollback", "--json")
	if st.ExitCode != 3010 || st.Result != "changed" {
		t.Fatalf("rollback: exit %d %+v\n%s", code, st, out)
	}
	restored := regExport(t, p, b.Plan)
	keys := make([]string, 0, len(before))
	for k := range before {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if restored[k] != before[k] {
			t.Errorf("%s not restored exactly:\n--- before\n%s\n--- after rollback\n%s", k, before[k], restored[k])
		}
	}
	log, err := os.ReadFile(filepath.Join(programData, "tlsgate-tls12.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`apply tls12: set HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319\SchUseStrongCrypto = 1 (was REG_SZ "0")`, "rollback tls12: restored", "check tls12: compliant", "deleted key HKLM\\SYSTEM"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log file lacks %q:\n%s", want, log)
		}
	}
}

func equalExports(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestSignedExe(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the Windows cross-builds")
	}
	wine.SkipWithoutTools(t, "osslsigncode")
	dir := t.TempDir()
	p12, crt, err := makeTestCertificate(dir, "s3cret pass")
	if err != nil {
		t.Fatal(err)
	}
	b := build(t, Options{SignPKCS12: p12, SignPassword: "s3cret pass"}, t.TempDir())
	exe := filepath.Join(b.Dir, Names(b)[0])
	if out, err := exec.Command("osslsigncode", "verify", "-CAfile", crt, "-in", exe).CombinedOutput(); err != nil {
		t.Fatalf("osslsigncode verify: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(exe)
	f, err := readPE(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.SecuritySize == 0 {
		t.Error("signed file has no certificate table")
	}
	sums := b.Extra["exe_unsigned_sha256"].(map[string]string)
	unsigned := builtOnce(t)
	for _, a := range unsigned.Artifacts {
		if a.Path == Names(b)[0] && a.SHA256 != sums[Names(b)[0]] {
			t.Errorf("recorded unsigned sha %s, the unsigned build is %s", sums[Names(b)[0]], a.SHA256)
		}
	}
	// Tampering breaks the signature.
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 0xff
	badPath := filepath.Join(dir, "tampered.exe")
	os.WriteFile(badPath, bad, 0o644)
	if out, err := exec.Command("osslsigncode", "verify", "-CAfile", crt, "-in", badPath).CombinedOutput(); err == nil {
		t.Errorf("tampered file verified:\n%s", out)
	}
	// The signed exe still runs.
	p := prefix(t)
	st, _, out := runExe(t, p, exe, "check", "--json")
	if st.Policy != "tls12" || (st.ExitCode != 0 && st.ExitCode != 1) || len(st.Settings) != len(b.Plan.Settings) {
		t.Fatalf("signed exe check: %+v\n%s", st, out)
	}
}
