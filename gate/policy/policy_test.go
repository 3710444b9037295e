package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/finding"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // "line:col: message fragment"
	}{
		{"unknown top-level key", "extends: tls12\nmin_verison: TLS1.2\n", "2:1: unknown key \"min_verison\""},
		{"unknown nested key", "client:\n  os: win10\n  dotnet: \"4.8\"\n  cpu: x64\n", "4:3: unknown key \"cpu\" in client"},
		{"unknown key in a list item", "endpoints:\n  - url: https://a.example\n    app: x\n", "3:5: unknown key \"app\" in endpoints"},
		{"bad extends", "extends: paranoid\n", "1:10: extends: unknown built-in policy \"paranoid\""},
		{"bad protocol", "min_version: TLS9\n", "1:14: min_version: unknown protocol \"TLS9\""},
		{"bad level", "fail_on: fatal\n", "1:10: fail_on: unknown level \"fatal\""},
		{"bad cipher class", "forbidden_ciphers: [RC4, ROT13]\n", "1:20: forbidden_ciphers: unknown class \"ROT13\""},
		{"bad os", "client:\n  os: win95\n", "2:7: client.os: unknown OS family \"win95\""},
		{"bad dotnet", "client:\n  dotnet: \"3.5\"\n", "2:11: client.dotnet: unsupported"},
		{"scalar for a list", "forbidden_ciphers: RC4\n", "1:20: forbidden_ciphers: expected a list, found a scalar"},
		{"list for a mapping", "certificate: [1]\n", "1:14: certificate: expected a mapping"},
		{"bad bool", "discover: sometimes\n", "1:11: discover: expected a boolean"},
		{"bad number", "certificate:\n  min_rsa_bits: lots\n", "2:17: certificate.min_rsa_bits: expected a number"},
		{"bad protocol in a list", "package:\n  disable_client: [TLS1.0, TLS2]\n", "2:28: package.disable_client: unknown protocol \"TLS2\""},
		{"bad cipher family", "package:\n  disable_ciphers: [RC4, AES]\n", "2:26: package.disable_ciphers: unknown cipher family \"AES\""},
		{"bad hash", "package:\n  disable_hashes: [SHA]\n", "2:20: package.disable_hashes: \"SHA\" cannot be turned off"},
		{"bad event logging", "package:\n  event_logging: 9\n", "2:18: package.event_logging: 9 is out of range"},
		{"suppression without reason", "suppressions:\n  - rule: TLS101\n    endpoint: \"*:443\"\n", "2:5: suppression of TLS101: reason is required"},
		{"suppression bad rule", "suppressions:\n  - rule: CA5364\n    path: x\n    reason: r\n", "2:5: suppression: \"CA5364\" is not a rule id"},
		{"suppression bad date", "suppressions:\n  - rule: TLS001\n    path: x\n    reason: r\n    expires: tomorrow\n", "2:5: suppression of TLS001: expires \"tomorrow\" is not a date"},
		{"suppression without target", "suppressions:\n  - rule: TLS001\n    reason: r\n", "2:5: suppression of TLS001: path or endpoint is required"},
		{"endpoint without url", "endpoints:\n  - applications: [A]\n", "2:5: endpoints[0]: url is required"},
		{"bad endpoint url", "endpoints:\n  - url: \"https://exa mple.com\"\n", "2:10: endpoints[0]: url"},
		{"bad starttls", "endpoints:\n  - url: mail.example.com:25\n    starttls: smtpx\n", "3:15: endpoints[0]: starttls \"smtpx\""},
		{"not a mapping", "- a\n- b\n", "1:1: a policy file is a mapping"},
		{"syntax", "min_version: [\n", "1:1: did not find"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("p.yml", []byte(tc.yaml))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *policy.Error", err)
			}
			if !strings.HasPrefix(err.Error(), "p.yml:"+tc.want) {
				t.Errorf("err = %q, want prefix %q", err.Error(), "p.yml:"+tc.want)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "# only a comment\n"} {
		if _, err := Parse("p.yml", []byte(in)); err == nil || !strings.Contains(err.Error(), "empty policy file") {
			t.Errorf("Parse(%q) = %v", in, err)
		}
	}
}

func TestParseOverrides(t *testing.T) {
	p, err := Parse(".tlsgate.yml", []byte(`extends: strict
min_version: TLS1.3
fail_on: error
client:
  os: win7
  dotnet: "4.6.2"
certificate:
  min_days_to_expiry: 14
endpoints:
  - url: https://payments.example.com
    applications: [LegacyWebApp]
discover: true
discover_deny: ["*.internal"]
suppressions:
  - rule: TLS101
    endpoint: "legacy.example.com:443"
    reason: partner migrates in Q1
    expires: 2027-03-31
`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Extends != "strict" || p.MinVersion != finding.TLS13 || p.FailOn != finding.Error || p.Client.OS != "win7" ||
		p.Certificate.MinDaysToExpiry != 14 || p.Certificate.MinRSABits != 2048 || !p.Discover || len(p.Endpoints) != 1 {
		t.Errorf("parsed %+v", p)
	}
	if p.Client.OSName != "Windows 7 / Server 2008 R2" {
		t.Errorf("os_name = %q, want the win7 family name", p.Client.OSName)
	}
	// strict's forbidden classes are kept when the file does not override them.
	if !strings.Contains(strings.Join(p.ForbiddenCiphers, ","), "CBC_ONLY") {
		t.Errorf("forbidden = %v", p.ForbiddenCiphers)
	}
	s := p.Suppressions[0]
	if s.Line != 15 || s.Column != 5 {
		t.Errorf("suppression at %d:%d, want 15:5", s.Line, s.Column)
	}
	if s.Expired(time.Date(2027, 3, 30, 0, 0, 0, 0, time.UTC)) || !s.Expired(time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)) {
		t.Error("expiry: a suppression applies until the day before expires")
	}
}

func TestBuiltins(t *testing.T) {
	for _, n := range Names() {
		p, ok := Builtin(n)
		if !ok || p.Name != n || p.Description == "" {
			t.Fatalf("%s: %+v", n, p)
		}
		if n == "strict" && p.FailOn != finding.Warning {
			t.Error("strict must fail on warnings")
		}
		if p.Client.OS != "win10" || p.Client.DotNet != "4.8" {
			t.Errorf("%s: default host %+v", n, p.Client)
		}
	}
	if _, ok := Builtin("nope"); ok {
		t.Error("unknown built-in accepted")
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	// A file named like a built-in loses to the built-in.
	if err := os.WriteFile(filepath.Join(dir, "strict"), []byte("min_version: TLS1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Resolve("strict", dir)
	if err != nil || p.Name != "strict" || p.MinVersion != finding.TLS12 {
		t.Errorf("Resolve(strict) = %+v, %v", p, err)
	}
	p, err = Resolve("", dir)
	if err != nil || p.Name != Default {
		t.Errorf("no .tlsgate.yml: %+v, %v", p, err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("extends: compat\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err = Resolve("", dir)
	if err != nil || p.Extends != "compat" || p.MinVersion != finding.TLS10 {
		t.Errorf(".tlsgate.yml: %+v, %v", p, err)
	}
	if _, err := Resolve("missing.yml", dir); err == nil || !strings.Contains(err.Error(), "neither a built-in") {
		t.Errorf("missing file: %v", err)
	}
}
