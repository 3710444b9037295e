package ps1

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/internal/genfixture"
	"github.com/tlsgate/tlsgate/internal/golden"
	"github.com/tlsgate/tlsgate/internal/pscheck"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

func bundle(t testing.TB, pol, os string) *pkggen.Bundle {
	return genfixture.Bundle(t, pol, os)
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":               "''",
		"plain":          "'plain'",
		"it's":           "'it''s'",
		"$(calc) `x` \"": "'$(calc) `x` \"'",
		"caf\u00e9":      "('caf' + [char]0x00E9)",
		"\u2019quote":    "('' + [char]0x2019 + 'quote')",
		"a\nb":           "('a' + [char]0x000A + 'b')",
		"\U0001F600":     "('' + [char]0xD83D + [char]0xDE00)",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
	if got := Comment("a#>b<#`c\nd\u00e9"); got != "a??b???c?d?" {
		t.Errorf("Comment = %q", got)
	}
}

var scripts = []string{"Apply", "Test", "Undo", "Detect", "Remediate"}

// Every script of every policy × OS is ASCII with CRLF, carries every
// setting, and parses cleanly with tree-sitter-powershell.
func TestScriptsParse(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, pol := range policy.Names() {
		for _, f := range settings.Families() {
			b := bundle(t, pol, f.Token)
			for _, s := range scripts {
				data, err := Render(b, s)
				if err != nil {
					t.Fatalf("%s/%s %s: %v", pol, f.Token, s, err)
				}
				checkScript(t, pol+"/"+f.Token+" "+s, data, b)
				path := filepath.Join(dir, pol+"-"+f.Token+"-"+s+".ps1")
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, path)
			}
		}
	}
	pscheck.Check(t, files...)
}

func checkScript(t *testing.T, name string, data []byte, b *pkggen.Bundle) {
	t.Helper()
	text := string(data)
	for i, c := range data {
		if c > 0x7e || (c < 0x20 && c != '\r' && c != '\n') {
			t.Fatalf("%s: byte %d is %#x, not printable ASCII", name, i, c)
		}
	}
	if strings.Count(text, "\n") != strings.Count(text, "\r\n") {
		t.Errorf("%s: not CRLF throughout", name)
	}
	if !strings.Contains(text, "$PSVersionTable.PSVersion.Major -lt 3") || !strings.Contains(text, `sysnative\WindowsPowerShell`) {
		t.Errorf("%s: no PowerShell 2.0 check or 64-bit relaunch", name)
	}
	for _, s := range b.Plan.Settings {
		line := fmt.Sprintf("@{ Key = %s; View = '%s'; Name = %s; Value = %d; Reboot = $%t }", Quote(s.Key), s.View, Quote(s.Name), s.Value, s.Reboot)
		if !strings.Contains(text, line) {
			t.Errorf("%s: setting %s\\%s (view %s) missing", name, s.Key, s.Name, s.View)
		}
	}
	if n := strings.Count(text, "\r\n    @{ Key = "); n != len(b.Plan.Settings) {
		t.Errorf("%s: %d settings in the script, plan has %d", name, n, len(b.Plan.Settings))
	}
	// 3010 only from Apply/Undo; Intune remediation must not ask for it.
	has3010 := strings.Contains(text, "$code = 3010")
	if want := strings.Contains(name, "Apply") || strings.Contains(name, "Undo"); has3010 != want && b.Plan.NeedsReboot() {
		t.Errorf("%s: 3010 exit present=%v, want %v", name, has3010, want)
	}
}

func TestGolden(t *testing.T) {
	b := bundle(t, "tls12", "win10")
	if err := (Generator{}).Generate(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	golden.CheckDir(t, filepath.Join("testdata", "tls12-win10"), b.Dir)
}

// Hostile product and company names stay inert: quoted for PowerShell,
// sanitised in the help comment, and the script still parses.
func TestHostileNames(t *testing.T) {
	b := bundle(t, "tls12", "win11")
	b.Policy.Package.Product = "Evil' ; Remove-Item C:\\ -Recurse ; '\r\n#> $(calc) `whoami` \u201d]]>"
	b.Policy.Package.Company = "..\\..\\Wind\u00f6ws \"Co\""
	b.Policy.Package.Name = "..\\..\\evil name$(x)"
	for _, s := range scripts {
		data, err := Render(b, s)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		checkScript(t, "hostile "+s, data, b)
		if !strings.Contains(text, "Product    = "+Quote(b.Policy.Package.Product)) {
			t.Errorf("%s: product not quoted with Quote", s)
		}
		if strings.Contains(text, "; Remove-Item C:\\ -Recurse ; '\r\n") {
			t.Errorf("%s: product broke out of its string", s)
		}
		if strings.Contains(text, "\\..\\evil") {
			t.Errorf("%s: package name reached a path unsanitised", s)
		}
		pscheck.CheckText(t, s+".ps1", text)
	}
}
