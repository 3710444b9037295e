package exe

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/internal/genfixture"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/applier"
)

func bundle(t *testing.T, name, os string) *pkggen.Bundle {
	b := genfixture.Bundle(t, name, os)
	b.Time, b.ToolVersion = time.Time{}, ""
	return b
}

// fakeGo records builds and writes a fake executable.
type fakeGo struct {
	builds [][]string
	envs   [][]string
	err    error
}

func (f *fakeGo) Version(context.Context) (string, error) { return "go1.99.1", nil }
func (f *fakeGo) Build(_ context.Context, dir string, env, args []string) error {
	f.builds = append(f.builds, args)
	f.envs = append(f.envs, env)
	if f.err != nil {
		return f.err
	}
	for _, must := range []string{"go.mod", "main.go", "plan.json", "applier/applier.go", "vendor/modules.txt", "vendor/golang.org/x/sys/windows/registry/key.go"} {
		if _, err := os.Stat(filepath.Join(dir, must)); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "applier", "embed.go")); err == nil {
		return errors.New("embed.go copied into the build module")
	}
	var arch string
	for _, e := range env {
		if strings.HasPrefix(e, "GOARCH=") {
			arch = e[7:]
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "resource_windows_"+arch+".syso")); err != nil {
		return err
	}
	return os.WriteFile(args[len(args)-2], []byte("MZ fake "+arch), 0o644)
}

type fakeSigner struct {
	signed   []string
	password string
	verify   error
}

func (s *fakeSigner) Name() string { return "fake" }
func (s *fakeSigner) Sign(_ context.Context, in, out, p12, password, desc string) error {
	s.signed = append(s.signed, filepath.Base(in))
	s.password = password
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(data, " signed"...), 0o644)
}
func (s *fakeSigner) Verify(_ context.Context, file, caFile string) error {
	if _, err := os.Stat(caFile); err != nil {
		return err
	}
	return s.verify
}

func TestSkip(t *testing.T) {
	g := New(Options{Go: &fakeGo{}})
	for _, tc := range []struct {
		os   string
		skip bool
	}{{"win7", true}, {"win81", true}, {"win10", false}, {"win11", false}} {
		why := g.Skip(bundle(t, "tls12", tc.os))
		if (why != "") != tc.skip {
			t.Errorf("%s: skip %q", tc.os, why)
		}
		if tc.skip && (!strings.Contains(why, "Windows 10") || !strings.Contains(why, "--format reg") || !strings.Contains(why, "--format msi")) {
			t.Errorf("%s: reason does not point to .reg and MSI: %q", tc.os, why)
		}
	}
	noGo := New(Options{LookPath: func(string) (string, error) { return "", errors.New("not found") }})
	if why := noGo.Skip(bundle(t, "tls12", "win10")); !strings.Contains(why, "Go toolchain") {
		t.Errorf("without go: %q", why)
	}
}

func TestGenerateWithFakes(t *testing.T) {
	fg := &fakeGo{}
	g := New(Options{Go: fg})
	b := bundle(t, "tls12", "win11")
	if err := g.Generate(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if len(fg.builds) != 2 {
		t.Fatalf("builds: %v", fg.builds)
	}
	for _, args := range fg.builds {
		got := strings.Join(args[:3], " ")
		if got != "build -trimpath -ldflags=-s -w -buildid=" {
			t.Errorf("build args %q", got)
		}
	}
	env := strings.Join(fg.envs[0], " ")
	for _, want := range []string{"GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOPROXY=off", "GOWORK=off", "-mod=vendor", "GOTOOLCHAIN=local"} {
		if !strings.Contains(env, want) {
			t.Errorf("build env lacks %s: %s", want, env)
		}
	}
	var paths []string
	for _, a := range b.Artifacts {
		paths = append(paths, a.Kind+":"+a.Path)
	}
	if strings.Join(paths, ",") != "exe:tlsgate-tls12-amd64.exe,exe:tlsgate-tls12-arm64.exe" {
		t.Errorf("artifacts %v", paths)
	}
	if b.Extra["go_version"] != "go1.99.1" || b.Extra["exe_signed"] != false {
		t.Errorf("extra %v", b.Extra)
	}
	sums := b.Extra["exe_unsigned_sha256"].(map[string]string)
	if sums["tlsgate-tls12-amd64.exe"] != b.Artifacts[0].SHA256 {
		t.Errorf("unsigned sha %v vs artifact %v", sums, b.Artifacts[0])
	}
	d := g.Describe()
	for _, want := range []string{
		"signtool sign /fd SHA256 /f codesign.p12 /p %TLSGATE_SIGN_PASSWORD% /d \"tlsgate TLS hardening\"",
		"tlsgate-tls12-arm64.exe",
		"osslsigncode sign -pkcs12 codesign.p12 -pass \"$TLSGATE_SIGN_PASSWORD\" -h sha256 -n \"tlsgate TLS hardening\" -in tlsgate-tls12-amd64.exe -out tlsgate-tls12-amd64-signed.exe",
		"osslsigncode verify -CAfile",
		"signtool verify /pa /v tlsgate-tls12-amd64.exe",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("README text lacks %q:\n%s", want, d)
		}
	}
}

func TestGenerateSignsWithFakes(t *testing.T) {
	dir := t.TempDir()
	p12, _, err := makeTestCertificate(dir, "pw")
	if err != nil {
		t.Fatal(err)
	}
	fs := &fakeSigner{}
	g := New(Options{Go: &fakeGo{}, Signer: fs, SignPKCS12: p12, SignPassword: "pw"})
	b := bundle(t, "strict", "win10")
	if err := g.Generate(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if len(fs.signed) != 2 || fs.password != "pw" {
		t.Errorf("signed %v with %q", fs.signed, fs.password)
	}
	data, _ := os.ReadFile(filepath.Join(b.Dir, "tlsgate-strict-amd64.exe"))
	if !strings.HasSuffix(string(data), " signed") {
		t.Errorf("bundle holds the unsigned file: %q", data)
	}
	if b.Extra["exe_signed"] != true || strings.Contains(g.Describe(), "signtool sign") {
		t.Errorf("signed bundle: extra %v, describe %s", b.Extra, g.Describe())
	}
	// A wrong password and a failing verification are errors.
	g = New(Options{Go: &fakeGo{}, Signer: &fakeSigner{}, SignPKCS12: p12, SignPassword: "wrong"})
	if err := g.Generate(context.Background(), bundle(t, "strict", "win10")); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("wrong password: %v", err)
	}
	g = New(Options{Go: &fakeGo{}, Signer: &fakeSigner{verify: errors.New("MISMATCH")}, SignPKCS12: p12, SignPassword: "pw"})
	if err := g.Generate(context.Background(), bundle(t, "strict", "win10")); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Errorf("failed verification: %v", err)
	}
}

func TestBuildFailureIsAnError(t *testing.T) {
	g := New(Options{Go: &fakeGo{err: errors.New("compile error")}})
	err := g.Generate(context.Background(), bundle(t, "tls12", "win10"))
	if err == nil || !strings.Contains(err.Error(), "tlsgate-tls12-amd64.exe") || !strings.Contains(err.Error(), "compile error") {
		t.Errorf("err %v", err)
	}
}

func TestPlanJSONRoundTrips(t *testing.T) {
	b := bundle(t, "tls12", "win10")
	data, err := PlanJSON(b, "1.2.3.4")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := applier.ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Settings) != len(b.Plan.Settings) || cfg.Policy != "tls12" || cfg.OS != "win10" {
		t.Fatalf("config %+v", cfg)
	}
	var views = map[string]int{}
	for i, s := range cfg.Settings {
		w := b.Plan.Settings[i]
		if s.Key != w.Key || s.Name != w.Name || s.Value != w.Value || s.View != string(w.View) || s.Reboot != w.Reboot {
			t.Errorf("setting %d: %+v vs %+v", i, s, w)
		}
		views[s.View]++
	}
	if views["32"] == 0 || views["64"] == 0 {
		t.Errorf("views %v: the plan should have both", views)
	}
	var raw map[string]any
	json.Unmarshal(data, &raw)
	if raw["schema_version"].(float64) != 1 {
		t.Error("schema_version")
	}
}

func TestFourPartVersion(t *testing.T) {
	for in, want := range map[string]string{"1": "1.0.0.0", "1.2": "1.2.0.0", "v1.2.3": "1.2.3.0", "1.2.3.4": "1.2.3.4", "2.0.1-rc.1": "2.0.1.0"} {
		if got, err := FourPartVersion(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "x", "1.2.3.4.5", "70000", "1..2"} {
		if _, err := FourPartVersion(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSourceEmbedsVendor(t *testing.T) {
	mods, err := applier.Source.ReadFile("_vendor/modules.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mods), "# golang.org/x/sys "+applier.XSysVersion+"\n") {
		t.Errorf("vendor/modules.txt does not pin x/sys %s:\n%s", applier.XSysVersion, mods)
	}
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(gomod), "golang.org/x/sys "+applier.XSysVersion) {
		t.Errorf("go.mod requires another x/sys than the vendored %s: run pkggen/applier/vendor.sh", applier.XSysVersion)
	}
}

func TestResourcesWithIcon(t *testing.T) {
	dir := t.TempDir()
	var pngData bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	img.Set(3, 3, color.RGBA{R: 200, A: 255})
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	// An .ico file with one PNG image.
	var ico bytes.Buffer
	binary.Write(&ico, binary.LittleEndian, []uint16{0, 1, 1})
	ico.Write([]byte{16, 16, 0, 0})
	binary.Write(&ico, binary.LittleEndian, []uint16{1, 32})
	binary.Write(&ico, binary.LittleEndian, []uint32{uint32(pngData.Len()), 22})
	ico.Write(pngData.Bytes())
	icon := filepath.Join(dir, "app.ico")
	os.WriteFile(icon, ico.Bytes(), 0o644)
	mod := filepath.Join(dir, "src")
	os.MkdirAll(mod, 0o755)
	m := meta{Company: "C", Product: "P", Description: "D", Version: "2.3.4.5", Icon: icon}
	if err := writeResources(mod, "amd64", "x-amd64.exe", m); err != nil {
		t.Fatal(err)
	}
	syso, err := os.ReadFile(filepath.Join(mod, "resource_windows_amd64.syso"))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(syso, pngData.Bytes()); n != 2 {
		t.Errorf("icon image appears %d times in the .syso, want 2 (group icon and IDI_APPLICATION)", n)
	}
	for _, s := range []string{"2.3.4.5", "x-amd64.exe", "P"} {
		if !bytes.Contains(syso, utf16le(s)) {
			t.Errorf(".syso lacks %q", s)
		}
	}
	if !bytes.Contains(syso, []byte(`requireAdministrator`)) {
		t.Error(".syso lacks the manifest")
	}
	// A missing icon is an error, not a silent omission.
	m.Icon = filepath.Join(dir, "missing.ico")
	if err := writeResources(mod, "amd64", "x-amd64.exe", m); err == nil {
		t.Error("missing icon accepted")
	}
	// The same input gives the same .syso.
	m.Icon = icon
	writeResources(mod, "amd64", "x-amd64.exe", m)
	again, _ := os.ReadFile(filepath.Join(mod, "resource_windows_amd64.syso"))
	if !bytes.Equal(syso, again) {
		t.Error(".syso not deterministic")
	}
}

// A package name from the user never makes a hidden or escaping file name.
func TestFileNamesAreSafe(t *testing.T) {
	for in, want := range map[string]string{"": "tlsgate-tls12", `../../evil $(x) "q"`: "evil-x-q", ".hidden": "hidden"} {
		b := bundle(t, "tls12", "win10")
		b.Policy.Package.Name = in
		if got := BaseName(b); got != want {
			t.Errorf("BaseName(%q) = %q, want %q", in, got, want)
		}
	}
}
