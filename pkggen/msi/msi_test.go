package msi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/internal/genfixture"
	"github.com/tlsgate/tlsgate/internal/golden"
	"github.com/tlsgate/tlsgate/internal/wine"
	"github.com/tlsgate/tlsgate/pkggen"
)

func bundle(t *testing.T, name, os string) *pkggen.Bundle {
	b := genfixture.Bundle(t, name, os)
	b.Time, b.ToolVersion = time.Time{}, "v0.0.0-test"
	return b
}

func TestSourceGolden(t *testing.T) {
	for _, tc := range []struct{ policy, os string }{{"tls12", "win10"}, {"compat", "win7"}} {
		t.Run(tc.policy+"-"+tc.os, func(t *testing.T) {
			src, err := Source(bundle(t, tc.policy, tc.os))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", t.Name(), "product.wxs.golden"), src)
		})
	}
}

func TestCodes(t *testing.T) {
	a, _ := Source(bundle(t, "tls12", "win10"))
	b, _ := Source(bundle(t, "tls12", "win7"))
	c, _ := Source(bundle(t, "strict", "win10"))
	code := func(src []byte, attr string) string {
		m := regexp.MustCompile(attr + `="(\{[0-9A-F-]{36}\})"`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("no %s in\n%s", attr, src)
		}
		return string(m[1])
	}
	if code(a, "UpgradeCode") != code(b, "UpgradeCode") || code(a, "UpgradeCode") != UpgradeCode("tls12") {
		t.Error("the UpgradeCode is not stable per policy")
	}
	if code(a, "UpgradeCode") == code(c, "UpgradeCode") {
		t.Error("two policies share an UpgradeCode")
	}
	if code(a, "Product Id") == code(b, "Product Id") || code(a, "Product Id") == code(c, "Product Id") {
		t.Error("different content, same ProductCode")
	}
	again, _ := Source(bundle(t, "tls12", "win10"))
	if !bytes.Equal(a, again) {
		t.Error("the WiX source is not deterministic")
	}
	if UpgradeCode("policies/tls12.yml") != UpgradeCode("tls12") {
		t.Error("a policy file named tls12.yml should keep the policy's UpgradeCode")
	}
}

func TestMSIVersion(t *testing.T) {
	for in, want := range map[string]string{"": "1.0.0", "2": "2.0.0", "v1.2.3": "1.2.3", "1.2.3.4": "1.2.3", "3.1.0-rc1": "3.1.0"} {
		if got, err := MSIVersion(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"256.0.0", "1.256", "1.2.65536", "x", "1.2.3.4.5"} {
		if _, err := MSIVersion(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestWithoutWixl(t *testing.T) {
	b := bundle(t, "tls12", "win10")
	g := New(Options{LookPath: func(string) (string, error) { return "", errors.New("not found") }})
	if why := g.Skip(b); why != "" {
		t.Fatal(why)
	}
	if err := g.Generate(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if len(b.Artifacts) != 1 || b.Artifacts[0].Path != "tlsgate-tls12.wxs" {
		t.Errorf("artifacts %v", b.Artifacts)
	}
	if len(b.Skips) != 1 || !strings.Contains(b.Skips[0].Reason, "wixl is not installed") || !strings.Contains(b.Skips[0].Reason, "wixl -a x64 -o tlsgate-tls12.msi tlsgate-tls12.wxs") {
		t.Errorf("skips %v", b.Skips)
	}
}

type failBuilder struct{}

func (failBuilder) Build(context.Context, string, string) error {
	return errors.New("wixl: bad element")
}

func TestBuildErrorIsAnError(t *testing.T) {
	err := New(Options{Builder: failBuilder{}}).Generate(context.Background(), bundle(t, "tls12", "win10"))
	if err == nil || !strings.Contains(err.Error(), "tlsgate-tls12.msi") {
		t.Errorf("err %v", err)
	}
}

// build runs the real generator (wixl) and returns the bundle.
func build(t *testing.T, policyName, os string) *pkggen.Bundle {
	t.Helper()
	wine.SkipWithoutTools(t, "wixl", "msiinfo")
	b := bundle(t, policyName, os)
	if err := New(Options{}).Generate(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if len(b.Artifacts) != 2 || len(b.Skips) != 0 {
		t.Fatalf("artifacts %v skips %v", b.Artifacts, b.Skips)
	}
	return b
}

func msiinfo(t *testing.T, msi, table string) string {
	t.Helper()
	out, err := exec.Command("msiinfo", "export", msi, table).Output()
	if err != nil {
		t.Fatalf("msiinfo export %s: %v", table, err)
	}
	return string(out)
}

func TestRegistryTableMatchesSettings(t *testing.T) {
	for _, tc := range []struct{ policy, os string }{{"tls12", "win10"}, {"compat", "win7"}, {"strict", "win11"}} {
		t.Run(tc.policy+"-"+tc.os, func(t *testing.T) {
			b := build(t, tc.policy, tc.os)
			_, msiName := Names(b)
			path := filepath.Join(b.Dir, msiName)
			rows, err := ParseRegistryTable(msiinfo(t, path, "Registry"))
			if err != nil {
				t.Fatal(err)
			}
			// Component attributes: 256 (msidbComponentAttributes64bit) for
			// the 64-bit view.
			attrs := map[string]int{}
			for _, l := range strings.Split(msiinfo(t, path, "Component"), "\n")[3:] {
				f := strings.Split(strings.TrimRight(l, "\r"), "\t")
				if len(f) >= 4 {
					n, err := strconv.Atoi(f[3])
					if err != nil {
						t.Fatalf("Component row %q: %v", l, err)
					}
					attrs[f[0]] = n
				}
			}
			var got, want []string
			for _, r := range rows {
				view := "32"
				if attrs[r.Component]&256 != 0 {
					view = "64"
				}
				got = append(got, fmt.Sprintf("%d|%s|%s|%s|%s", r.Root, strings.TrimSuffix(r.Key, `\`), view, r.Name, r.Value))
			}
			for _, s := range b.Plan.Settings {
				want = append(want, fmt.Sprintf("2|%s|%s|%s|#%d", s.Key, s.View, s.Name, s.Value))
			}
			if strings.Join(sorted(got), "\n") != strings.Join(sorted(want), "\n") {
				t.Errorf("Registry table:\n%s\nsettings:\n%s", strings.Join(sorted(got), "\n"), strings.Join(sorted(want), "\n"))
			}
			if !strings.Contains(msiinfo(t, path, "Property"), UpgradeCode(tc.policy)) {
				t.Error("UpgradeCode not in the Property table")
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestInstallUninstallUnderWine(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the Wine run")
	}
	wine.SkipWithoutTools(t, "wine", "wineboot", "wineserver", wine.MinGW)
	b := build(t, "tls12", "win10")
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "tlsgate-msi-wine-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	p, err := wine.NewGoPrefix(ctx, filepath.Join(tmp, "prefix"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, msiName := Names(b)
	msi := wine.WindowsPath(filepath.Join(b.Dir, msiName))
	read := func() map[string]map[string]string {
		out := map[string]map[string]string{}
		for _, s := range b.Plan.Settings {
			k := s.FullKey()
			if _, ok := out[k]; ok {
				continue
			}
			text, _, err := p.ExportKey(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			out[k] = wine.ExportDWORDs(text, k)
		}
		return out
	}
	_, stderr, code, err := p.Wine(ctx, "msiexec", "/i", msi, "/qn", "/l*v", wine.WindowsPath(filepath.Join(tmp, "install.log")))
	if err != nil || code != 0 {
		log, _ := os.ReadFile(filepath.Join(tmp, "install.log"))
		t.Fatalf("msiexec /i: exit %d %v %s\n%s", code, err, stderr, log)
	}
	got := read()
	for _, s := range b.Plan.Settings {
		if v := got[s.FullKey()][strings.ToLower(s.Name)]; v != fmt.Sprintf("%08x", s.Value) {
			t.Errorf("after install %s\\%s = %q, want %08x", s.FullKey(), s.Name, v, s.Value)
		}
	}
	_, stderr, code, err = p.Wine(ctx, "msiexec", "/x", msi, "/qn")
	if err != nil || code != 0 {
		t.Fatalf("msiexec /x: exit %d %v %s", code, err, stderr)
	}
	got = read()
	for _, s := range b.Plan.Settings {
		if v, ok := got[s.FullKey()][strings.ToLower(s.Name)]; ok {
			t.Errorf("after uninstall %s\\%s is still %s", s.FullKey(), s.Name, v)
		}
	}
}

// Names the user gives reach the MSI intact as far as MSI can hold them:
// wixl's preprocessor eats a lone "$" and fails on "$(", and a Windows-1252
// database cannot hold other characters (wixl silently stores an empty
// ProductName then).
func TestHostileNamesSurviveWixl(t *testing.T) {
	b := bundle(t, "tls12", "win10")
	b.Policy.Package.Product = `P$(whoami) Żółw $x "q" <a> ]]> ` + "`id`"
	b.Policy.Package.Company = `Co $$ & 'x'`
	src, err := Source(b)
	if err != nil {
		t.Fatal(err)
	}
	wantName := `P$ (whoami) ?ó?w $x "q" <a> ]]> ` + "`id`" + ` (tls12, win10)`
	if !strings.Contains(string(src), `Name="P$$ (whoami) ?ó?w $$x &quot;q&quot; &lt;a&gt; ]]&gt; `+"`id`"+` (tls12, win10)"`) {
		t.Errorf("product name not escaped for WiX:\n%.900s", src)
	}
	wine.SkipWithoutTools(t, "wixl", "msiinfo")
	if err := New(Options{}).Generate(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	_, msiName := Names(b)
	props := msiinfo(t, filepath.Join(b.Dir, msiName), "Property")
	for _, want := range []string{"ProductName\t" + wantName + "\n", "Manufacturer\tCo $ & 'x'\n"} {
		if !strings.Contains(strings.ReplaceAll(props, "\r\n", "\n"), want) {
			t.Errorf("Property table lacks %q:\n%s", want, props)
		}
	}
}

// A package name from the user never makes a hidden or escaping file name.
func TestNamesAreSafeFileNames(t *testing.T) {
	for in, want := range map[string]string{"": "tlsgate-tls12", `../../evil $(x) "q"`: "evil-x-q", ".hidden": "hidden"} {
		b := bundle(t, "tls12", "win10")
		b.Policy.Package.Name = in
		if wxs, msi := Names(b); wxs != want+".wxs" || msi != want+".msi" {
			t.Errorf("Names(%q) = %s, %s; want %s.wxs, %s.msi", in, wxs, msi, want, want)
		}
	}
}
