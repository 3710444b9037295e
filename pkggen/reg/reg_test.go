package reg

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/internal/genfixture"
	"github.com/tlsgate/tlsgate/internal/golden"
	"github.com/tlsgate/tlsgate/internal/regfile"
	"github.com/tlsgate/tlsgate/internal/wine"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

func TestMain(m *testing.M) {
	code := m.Run()
	wine.CloseShared()
	os.Exit(code)
}

func bundle(t testing.TB, pol, os string) *pkggen.Bundle {
	return genfixture.Bundle(t, pol, os)
}

func TestGolden(t *testing.T) {
	for _, tc := range [][2]string{{"tls12", "win7"}, {"tls12", "win11"}, {"compat", "win81"}, {"audit", "win10"}, {"strict", "win10"}} {
		t.Run(tc[0]+"-"+tc[1], func(t *testing.T) {
			b := bundle(t, tc[0], tc[1])
			if err := (Generator{}).Generate(context.Background(), b); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"apply.reg", "rollback.reg"} {
				data, err := os.ReadFile(filepath.Join(b.Dir, name))
				if err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join("testdata", tc[0]+"-"+tc[1], name), data)
			}
			if len(b.Artifacts) != 2 || b.Artifacts[0].Kind != "reg" || len(b.Artifacts[0].SHA256) != 64 {
				t.Errorf("artifacts %+v", b.Artifacts)
			}
		})
	}
}

// Every policy × OS renders files the strict parser reads back as exactly
// the settings list (apply) and its deletions (rollback).
func TestRoundTripAll(t *testing.T) {
	for _, pol := range policy.Names() {
		for _, f := range settings.Families() {
			b := bundle(t, pol, f.Token)
			apply, rollback, err := Render(b)
			if err != nil {
				t.Fatalf("%s/%s: %v", pol, f.Token, err)
			}
			for name, data := range map[string][]byte{"apply": apply, "rollback": rollback} {
				if string(data[:2]) != "\xff\xfe" {
					t.Errorf("%s/%s %s: no UTF-16LE BOM", pol, f.Token, name)
				}
				file, err := regfile.Parse(data, regfile.Options{RequireUnicode: true})
				if err != nil {
					t.Fatalf("%s/%s %s: %v", pol, f.Token, name, err)
				}
				n := 0
				for _, k := range file.Keys {
					n += len(k.Values)
				}
				// Written back by the regfile writer, it reads the same.
				again, err := regfile.Parse(file.Marshal(), regfile.Options{RequireUnicode: true})
				if err != nil {
					t.Fatalf("%s/%s %s rewritten: %v", pol, f.Token, name, err)
				}
				for i, k := range file.Keys {
					for j, v := range k.Values {
						w := again.Keys[i].Values[j]
						if w.Format() != v.Format() || again.Keys[i].Path != k.Path {
							t.Errorf("%s/%s %s: %s %s became %s %s", pol, f.Token, name, k.Path, v.Format(), again.Keys[i].Path, w.Format())
						}
					}
				}
				if n != len(b.Plan.Settings) {
					t.Errorf("%s/%s %s: %d values, want %d", pol, f.Token, name, n, len(b.Plan.Settings))
				}
			}
			// Each value of the plan is in apply.reg with its data, under
			// the Wow6432Node path for the 32-bit view.
			file, _ := regfile.Parse(apply, regfile.Options{})
			for _, s := range b.Plan.Settings {
				k := file.Lookup(Path(s))
				if k == nil {
					t.Fatalf("%s/%s: key %s missing", pol, f.Token, Path(s))
				}
				v, err := k.Value(s.Name).DWORD()
				if err != nil || v != s.Value {
					t.Errorf("%s/%s: %s\\%s = %d (%v), want %d", pol, f.Token, Path(s), s.Name, v, err, s.Value)
				}
				if (s.View == settings.View32) != strings.Contains(k.Path, `\Wow6432Node\`) {
					t.Errorf("%s/%s: view %s written to %s", pol, f.Token, s.View, k.Path)
				}
			}
		}
	}
}

// Verify catches a file that differs from the settings list.
func TestVerifyRejects(t *testing.T) {
	b := bundle(t, "tls12", "win10")
	apply, rollback, err := Render(b)
	if err != nil {
		t.Fatal(err)
	}
	text, _, _ := regfile.Decode(apply)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	wrong := strings.Replace(text, `"SchUseStrongCrypto"=dword:00000001`, `"SchUseStrongCrypto"=dword:00000000`, 1)
	if err := Verify(regfile.Encode(wrong), b.Plan.Settings, false); err == nil {
		t.Error("a changed value passed Verify")
	}
	blank := strings.Replace(text, "\"SchUseStrongCrypto\"=dword:00000001\n", "\n\"SchUseStrongCrypto\"=dword:00000001\n", 1)
	if err := Verify(regfile.Encode(blank), b.Plan.Settings, false); err == nil || !strings.Contains(err.Error(), "outside a key block") {
		t.Errorf("a value after a blank line passed Verify: %v", err)
	}
	if err := Verify(rollback, b.Plan.Settings, false); err == nil {
		t.Error("rollback.reg passed as apply")
	}
	if err := Verify(apply, b.Plan.Settings[1:], false); err == nil {
		t.Error("an extra value passed Verify")
	}
}

// User-supplied names land only in comments, on one line each.
func TestHostileNames(t *testing.T) {
	b := bundle(t, "tls12", "win10")
	b.Policy.Package.Product = "Evil\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Pwned]\r\n\"x\"=dword:1"
	b.Policy.Package.Company = "Q\"uote $(calc) `tick` ]]> ..\\..\\"
	apply, _, err := Render(b)
	if err != nil {
		t.Fatal(err)
	}
	f, err := regfile.Parse(apply, regfile.Options{RequireUnicode: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range f.Keys {
		if strings.Contains(k.Path, "Pwned") {
			t.Fatalf("product name injected a key: %s", k.Path)
		}
	}
	text, _, _ := regfile.Decode(apply)
	if !strings.Contains(text, "; Evil  [HKEY_LOCAL_MACHINE") {
		t.Errorf("product name not kept as one comment line")
	}
}

// Wine: apply.reg imported with regedit /S sets every value in both views;
// rollback.reg removes them again.
func TestWineImport(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine test skipped in -short mode")
	}
	p := wine.Shared(t)
	ctx := context.Background()
	// Two exports cover every key: HKLM\SOFTWARE holds the Wow6432Node
	// copies and the Policies key too.
	roots := []string{
		`HKLM\SOFTWARE`,
		`HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL`,
	}
	read := func() map[string]*regfile.Key {
		keys := map[string]*regfile.Key{}
		for _, r := range roots {
			f, err := p.ReadTree(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if f == nil {
				continue
			}
			for _, k := range f.Keys {
				keys[strings.ToLower(k.Path)] = k
			}
		}
		return keys
	}
	// The strict parser accepts everything Wine's own reg export writes (a
	// full HKLM\SOFTWARE tree: strings, expand strings, multi-strings,
	// binaries, dwords, qwords).
	t.Run("strict-parse-wine-export", func(t *testing.T) {
		text, ok, err := p.ExportKey(ctx, `HKLM\SOFTWARE`)
		if err != nil || !ok {
			t.Fatalf("export: %v %v", ok, err)
		}
		f, err := regfile.Parse([]byte(text), regfile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Keys) < 100 {
			t.Errorf("only %d keys in the export", len(f.Keys))
		}
	})
	// What the regfile writer emits, regedit imports to the same bytes.
	t.Run("writer-types", func(t *testing.T) {
		key := `HKEY_CURRENT_USER\Software\tlsgate-test\Types`
		u16 := func(s string) []byte {
			f, _ := regfile.Parse(regfile.Encode(regfile.HeaderUnicode+"\n\n[HKEY_CURRENT_USER\\x]\n\"v\"=\""+regfile.EscapeString(s)+"\"\n"), regfile.Options{})
			return f.Keys[0].Values[0].Data
		}
		want := &regfile.File{Keys: []*regfile.Key{{Path: key, Values: []*regfile.Value{
			{Name: "dword", Type: regfile.DWord, Data: []byte{0xff, 0xff, 0xff, 0xff}},
			{Name: "qword", Type: regfile.QWord, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}},
			{Name: `quo"te\d`, Type: regfile.SZ, Data: u16(`C:\Program Files\"x"` + "\u00e9")},
			{Name: "expand", Type: regfile.ExpandSZ, Data: u16("%SystemRoot%\\x")},
			{Name: "multi", Type: regfile.MultiSZ, Data: append(append(u16("one"), u16("two")...), 0, 0)},
			{Name: "binary", Type: regfile.Binary, Data: bytes.Repeat([]byte{0xab, 0x01}, 40)},
			{Name: "", Type: regfile.SZ, Data: u16("default")},
		}}}}
		path := filepath.Join(t.TempDir(), "types.reg")
		if err := os.WriteFile(path, want.Marshal(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := p.ImportReg(ctx, path); err != nil {
			t.Fatal(err)
		}
		got, err := p.ReadKey(ctx, `HKCU\Software\tlsgate-test\Types`)
		if err != nil || got == nil {
			t.Fatalf("read back: %v", err)
		}
		for _, w := range want.Keys[0].Values {
			g := got.Value(w.Name)
			if g == nil {
				t.Errorf("value %q missing after import", w.Name)
				continue
			}
			if g.Type != w.Type || !bytes.Equal(g.Data, w.Data) {
				t.Errorf("value %q: got %s %x, want %s %x", w.Name, regfile.TypeName(g.Type), g.Data, regfile.TypeName(w.Type), w.Data)
			}
		}
	})
	// tls12/win7 covers every family (.NET both views, WinHTTP both views,
	// WinINet, SChannel enable and disable, ciphers); audit the logging value.
	for _, tc := range [][2]string{{"tls12", "win7"}, {"compat", "win81"}, {"strict", "win11"}, {"audit", "win10"}} {
		t.Run(tc[0]+"-"+tc[1], func(t *testing.T) {
			b := bundle(t, tc[0], tc[1])
			if err := (Generator{}).Generate(ctx, b); err != nil {
				t.Fatal(err)
			}
			for _, s := range b.Plan.Settings {
				under := false
				for _, r := range roots {
					under = under || strings.HasPrefix(strings.ToLower(s.FullKey()+`\`), strings.ToLower(r+`\`))
				}
				if !under {
					t.Fatalf("test gap: %s is under no exported root", s.FullKey())
				}
			}
			if err := p.ImportReg(ctx, filepath.Join(b.Dir, "apply.reg")); err != nil {
				t.Fatal(err)
			}
			keys := read()
			for _, s := range b.Plan.Settings {
				k := keys[strings.ToLower(Path(s))]
				if k == nil {
					t.Errorf("after apply.reg: key %s missing", Path(s))
					continue
				}
				v := k.Value(s.Name)
				if v == nil {
					t.Errorf("after apply.reg: %s\\%s missing", Path(s), s.Name)
					continue
				}
				got, err := v.DWORD()
				if err != nil || got != s.Value {
					t.Errorf("after apply.reg: %s\\%s = %d (%v), want %d", Path(s), s.Name, got, err, s.Value)
				}
			}
			if err := p.ImportReg(ctx, filepath.Join(b.Dir, "rollback.reg")); err != nil {
				t.Fatal(err)
			}
			keys = read()
			for _, s := range b.Plan.Settings {
				if k := keys[strings.ToLower(Path(s))]; k != nil && k.Value(s.Name) != nil {
					t.Errorf("after rollback.reg: %s\\%s still set", Path(s), s.Name)
				}
			}
		})
	}
}

func ExamplePath() {
	s := settings.Setting{Hive: "HKLM", Key: `SOFTWARE\Microsoft\.NETFramework\v4.0.30319`, View: settings.View32}
	fmt.Println(Path(s))
	// Output: HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319
}
