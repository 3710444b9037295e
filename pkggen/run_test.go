package pkggen_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/internal/golden"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/generators"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

var epoch = time.Unix(1700000000, 0).UTC()

func opts(t *testing.T, pol string, oses []string, formats ...string) pkggen.Options {
	t.Helper()
	p, ok := policy.Builtin(pol)
	if !ok {
		t.Fatalf("no policy %s", pol)
	}
	if len(formats) == 0 {
		formats = pkggen.DefaultFormats()
	}
	return pkggen.Options{Policy: p, OS: oses, Out: filepath.Join(t.TempDir(), "out"), Formats: formats,
		Generators: generators.All(generators.Options{}), Time: epoch, ToolVersion: "test"}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The manifest has the CONTRACTS.md shape, lists every file with its
// SHA-256 and the plan's settings; SHA256SUMS covers every file.
func TestRunManifest(t *testing.T) {
	o := opts(t, "tls12", []string{"win7", "win11"})
	bundles, err := pkggen.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(bundles) != 2 || bundles[0].Dir != filepath.Join(o.Out, "win7") || bundles[1].Dir != filepath.Join(o.Out, "win11") {
		t.Fatalf("bundles %v", bundles)
	}
	for _, b := range bundles {
		files := readTree(t, b.Dir)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
			t.Fatal(err)
		}
		var head struct {
			SchemaVersion int    `json:"schema_version"`
			Policy        string `json:"policy"`
			OS            string `json:"os"`
		}
		json.Unmarshal(files["manifest.json"], &head)
		if head.SchemaVersion != 1 || head.Policy != "tls12" || head.OS != b.Plan.OS {
			t.Errorf("manifest head %+v", head)
		}
		if !bytes.HasPrefix(files["manifest.json"], []byte("{\n  \"schema_version\": 1,\n  \"policy\": \"tls12\",\n  \"os\": ")) {
			t.Errorf("manifest does not start with the contract fields:\n%.200s", files["manifest.json"])
		}
		var arts []map[string]any
		json.Unmarshal(m["artifacts"], &arts)
		listed := map[string]bool{}
		for _, a := range arts {
			if len(a) != 3 || a["kind"] == "" {
				t.Errorf("artifact entry %v: want exactly kind, path, sha256", a)
			}
			path := a["path"].(string)
			listed[path] = true
			data, ok := files[path]
			if !ok {
				t.Errorf("manifest lists %s, which does not exist", path)
				continue
			}
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) != a["sha256"] {
				t.Errorf("%s: sha256 mismatch", path)
			}
		}
		for path := range files {
			if !listed[path] && path != "manifest.json" && path != "SHA256SUMS" {
				t.Errorf("%s exists but is not in the manifest", path)
			}
		}
		var sets []map[string]any
		json.Unmarshal(m["settings"], &sets)
		if len(sets) != len(b.Plan.Settings) || len(sets) == 0 {
			t.Fatalf("%d settings in manifest, plan has %d", len(sets), len(b.Plan.Settings))
		}
		for i, s := range sets {
			contract := []string{"hive", "key", "view", "name", "type", "value", "reason", "reboot"}
			for _, k := range contract {
				if _, ok := s[k]; !ok {
					t.Errorf("setting %d lacks %q", i, k)
				}
			}
			if len(s) != len(contract) {
				t.Errorf("setting %d has keys %v, want exactly %v", i, mapKeys(s), contract)
			}
			want := b.Plan.Settings[i]
			if s["key"] != want.Key || s["view"] != string(want.View) || s["value"].(float64) != float64(want.Value) || strings.Contains(s["key"].(string), "Wow6432Node") || strings.HasPrefix(s["key"].(string), "HKLM") {
				t.Errorf("setting %d = %v, want %+v", i, s, want)
			}
		}
		// SHA256SUMS: "<hex>  <path>" for every file but itself.
		lines := strings.Split(strings.TrimSpace(string(files["SHA256SUMS"])), "\n")
		if len(lines) != len(files)-1 {
			t.Errorf("SHA256SUMS has %d lines for %d files", len(lines), len(files)-1)
		}
		for _, l := range lines {
			sumHex, path, ok := strings.Cut(l, "  ")
			sum := sha256.Sum256(files[path])
			if !ok || hex.EncodeToString(sum[:]) != sumHex {
				t.Errorf("SHA256SUMS line %q does not verify", l)
			}
		}
		readme := string(files["README.md"])
		for _, want := range []string{"reg import apply.reg", "Import-GPO", "PolicyDefinitions", "Run script in 64-bit PowerShell", "SCCM", "EventLogging", "36880", "KB3080079", "reboot"} {
			if !strings.Contains(readme, want) {
				t.Errorf("%s README lacks %q", b.Plan.OS, want)
			}
		}
	}
}

// With the same time, two runs give byte-identical bundles.
func TestRunReproducible(t *testing.T) {
	a := opts(t, "strict", []string{"win10", "win11"})
	b := a
	b.Out = filepath.Join(t.TempDir(), "again")
	if _, err := pkggen.Run(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if _, err := pkggen.Run(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	ta, tb := readTree(t, a.Out), readTree(t, b.Out)
	if len(ta) != len(tb) || len(ta) < 20 {
		t.Fatalf("%d files vs %d", len(ta), len(tb))
	}
	for path, data := range ta {
		if !bytes.Equal(data, tb[path]) {
			t.Errorf("%s differs between two runs", path)
		}
	}
	// A different time changes the stamped files.
	c := a
	c.Out = filepath.Join(t.TempDir(), "later")
	c.Time = epoch.Add(time.Hour)
	pkggen.Run(context.Background(), c)
	if bytes.Equal(readTree(t, c.Out)["win10/apply.reg"], ta["win10/apply.reg"]) {
		t.Error("the timestamp does not reach apply.reg")
	}
}

// The bundle of the G1 formats, byte for byte (README, manifest, sums).
func TestRunGolden(t *testing.T) {
	o := opts(t, "tls12", []string{"win7"}, "reg", "ps1", "intune")
	if _, err := pkggen.Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	golden.CheckDir(t, filepath.Join("testdata", "bundle-tls12-win7"), o.Out)
}

func TestRunOutputFolder(t *testing.T) {
	o := opts(t, "tls12", []string{"win10"}, "reg", "ps1")
	os.MkdirAll(o.Out, 0o755)
	mine := filepath.Join(o.Out, "notes.txt")
	os.WriteFile(mine, []byte("keep me"), 0o644)
	if _, err := pkggen.Run(context.Background(), o); !errors.Is(err, pkggen.ErrNotEmpty) {
		t.Fatalf("non-empty folder: %v", err)
	}
	o.Force = true
	if _, err := pkggen.Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	// A second forced run without ps1 removes the earlier scripts but
	// never the user's own file.
	o.Formats = []string{"reg"}
	if _, err := pkggen.Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(o.Out, "Apply-TlsGate.ps1")); !os.IsNotExist(err) {
		t.Errorf("stale Apply-TlsGate.ps1 left behind: %v", err)
	}
	if data, err := os.ReadFile(mine); err != nil || string(data) != "keep me" {
		t.Errorf("user file lost: %v", err)
	}

	// Folders that only held removed files go too; one with the user's
	// file in it, and a folder the user made, stay.
	o.Formats = pkggen.DefaultFormats()
	if _, err := pkggen.Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"gpo", "admx", "intune"} {
		if fi, err := os.Stat(filepath.Join(o.Out, d)); err != nil || !fi.IsDir() {
			t.Fatalf("default formats wrote no %s/ folder: %v", d, err)
		}
	}
	userFile := filepath.Join(o.Out, "admx", "mine.txt")
	os.WriteFile(userFile, []byte("keep me"), 0o644)
	userDir := filepath.Join(o.Out, "empty-by-user")
	os.Mkdir(userDir, 0o755)
	o.Formats = []string{"reg"}
	if _, err := pkggen.Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"gpo", "intune"} {
		if _, err := os.Stat(filepath.Join(o.Out, d)); !os.IsNotExist(err) {
			t.Errorf("empty %s/ folder of the earlier run left behind: %v", d, err)
		}
	}
	if data, err := os.ReadFile(userFile); err != nil || string(data) != "keep me" {
		t.Errorf("user file in admx/ lost: %v", err)
	}
	if fi, err := os.Stat(userDir); err != nil || !fi.IsDir() {
		t.Errorf("the user's own empty folder was removed: %v", err)
	}
}

type fakeGen struct {
	name, skip string
	extra      map[string]any
}

func (f fakeGen) Name() string               { return f.name }
func (f fakeGen) Skip(*pkggen.Bundle) string { return f.skip }
func (f fakeGen) Describe() string           { return "fake " + f.name }
func (f fakeGen) Generate(_ context.Context, b *pkggen.Bundle) error {
	for k, v := range f.extra {
		b.Extra[k] = v
	}
	return b.WriteFile(f.name, f.name+".txt", []byte(f.name))
}

func TestRunSkipsAndExtra(t *testing.T) {
	o := opts(t, "tls12", []string{"win7"}, "reg", "exe", "msi")
	o.Generators = []pkggen.Generator{fakeGen{name: "reg", extra: map[string]any{"go_version": "go1.26.8"}}, fakeGen{name: "exe", skip: "Go executables need Windows 10 or later; use apply.reg or the MSI"}, fakeGen{name: "msi"}}
	bundles, err := pkggen.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	b := bundles[0]
	if len(b.Skips) != 1 || b.Skips[0].Generator != "exe" {
		t.Fatalf("skips %+v", b.Skips)
	}
	data, _ := os.ReadFile(filepath.Join(o.Out, "manifest.json"))
	var m struct {
		Skipped   []pkggen.Skip `json:"skipped"`
		GoVersion string        `json:"go_version"`
	}
	json.Unmarshal(data, &m)
	if len(m.Skipped) != 1 || m.GoVersion != "go1.26.8" {
		t.Errorf("manifest skipped %v go_version %q", m.Skipped, m.GoVersion)
	}
	readme, _ := os.ReadFile(filepath.Join(o.Out, "README.md"))
	if !strings.Contains(string(readme), "`exe`: Go executables need Windows 10") || !strings.Contains(string(readme), "fake msi") {
		t.Errorf("README lacks the skip or a description:\n%s", readme)
	}

	o = opts(t, "tls12", []string{"win7"}, "reg")
	o.Generators = []pkggen.Generator{fakeGen{name: "reg", extra: map[string]any{"settings": 1}}}
	if _, err := pkggen.Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "collides") {
		t.Errorf("extra field overriding settings: %v", err)
	}
	o = opts(t, "tls12", []string{"win7"}, "reg", "msi")
	o.Generators = []pkggen.Generator{fakeGen{name: "reg"}}
	if _, err := pkggen.Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "no msi generator") {
		t.Errorf("unlinked generator: %v", err)
	}
}

func TestRunRefusesPolicy(t *testing.T) {
	o := opts(t, "tls12", []string{"win10", "win7"})
	o.Policy.Package.EnableClient = nil
	_, err := pkggen.Run(context.Background(), o)
	var se *settings.Error
	if !errors.As(err, &se) || se.OS != "win7" {
		t.Fatalf("want a settings.Error for win7, got %v", err)
	}
	if _, statErr := os.Stat(o.Out); !os.IsNotExist(statErr) {
		t.Error("refused run still created the output folder")
	}
}

func TestParseFormats(t *testing.T) {
	for in, want := range map[string]string{
		"":             "reg,gpo,admx,ps1,intune",
		"all":          "reg,gpo,admx,ps1,intune,exe,msi",
		"msi, reg,reg": "reg,msi",
		"PS1":          "ps1",
	} {
		got, err := pkggen.ParseFormats(in)
		if err != nil || strings.Join(got, ",") != want {
			t.Errorf("ParseFormats(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := pkggen.ParseFormats("reg,zip"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestSourceDate(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	if tm, ok, err := pkggen.SourceDate(env("1700000000")); err != nil || !ok || !tm.Equal(epoch) {
		t.Errorf("got %v %v %v", tm, ok, err)
	}
	if _, ok, err := pkggen.SourceDate(env("")); ok || err != nil {
		t.Error("empty value")
	}
	for _, bad := range []string{"-1", "1e9", "12abc", "0x10"} {
		if _, _, err := pkggen.SourceDate(env(bad)); err == nil {
			t.Errorf("SOURCE_DATE_EPOCH=%q accepted", bad)
		}
	}
}

func TestFileName(t *testing.T) {
	p, _ := policy.Builtin("tls12")
	for in, want := range map[string]string{
		"":                  "tlsgate-tls12",
		"..\\..\\evil name": "evil-name",
		"../x":              "x",
		"ok_name-1.2":       "ok_name-1.2",
		"$(calc)":           "calc",
		"\u00e9t\u00e9":     "t",
	} {
		p.Package.Name = in
		b := &pkggen.Bundle{Policy: p, Plan: settings.Plan{Policy: "tls12"}}
		if got := b.FileName(); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkRun generates the default formats for all four OS families.
func BenchmarkRun(b *testing.B) {
	p, _ := policy.Builtin("tls12")
	for i := 0; i < b.N; i++ {
		o := pkggen.Options{Policy: p, OS: []string{"win7", "win81", "win10", "win11"}, Out: filepath.Join(b.TempDir(), "out"),
			Formats: pkggen.DefaultFormats(), Generators: generators.All(generators.Options{}), Time: epoch, ToolVersion: "bench"}
		if _, err := pkggen.Run(context.Background(), o); err != nil {
			b.Fatal(err)
		}
	}
}

func mapKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

type failGen struct{ name string }

func (f failGen) Name() string               { return f.name }
func (f failGen) Skip(*pkggen.Bundle) string { return "" }
func (f failGen) Describe() string           { return "failing " + f.name }
func (f failGen) Generate(_ context.Context, b *pkggen.Bundle) error {
	if err := b.WriteFile(f.name, f.name+".wxs", []byte("source")); err != nil {
		return err
	}
	return errors.New("wixl: exit status 1\nEntity: line 2: parser error")
}

// A generator that fails does not cost the user the rest: every bundle is
// finished (README, manifest, SHA256SUMS list what was written and the
// failure), and Run still returns the error.
func TestRunFinishesBundlesWhenAGeneratorFails(t *testing.T) {
	o := opts(t, "tls12", []string{"win7", "win10"}, "reg", "msi")
	o.Generators = []pkggen.Generator{fakeGen{name: "reg"}, failGen{name: "msi"}}
	bundles, err := pkggen.Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "win7: msi: wixl") || !strings.Contains(err.Error(), "win10: msi: wixl") {
		t.Fatalf("err = %v, want both bundles' msi failures", err)
	}
	if len(bundles) != 2 {
		t.Fatalf("%d bundles, want 2", len(bundles))
	}
	for _, b := range bundles {
		files := readTree(t, b.Dir)
		for _, f := range []string{"README.md", "manifest.json", "SHA256SUMS", "reg.txt", "msi.wxs"} {
			if _, ok := files[f]; !ok {
				t.Errorf("%s: %s missing", b.Plan.OS, f)
			}
		}
		var m struct {
			Skipped []pkggen.Skip `json:"skipped"`
		}
		json.Unmarshal(files["manifest.json"], &m)
		if len(m.Skipped) != 1 || m.Skipped[0].Generator != "msi" || m.Skipped[0].Reason != "failed: wixl: exit status 1" {
			t.Errorf("%s: skipped %+v", b.Plan.OS, m.Skipped)
		}
	}
}
