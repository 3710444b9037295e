// Package genfixture holds the fixtures the generator's emitter tests share:
// a hand-written settings plan, a hostile product name, a run of one
// emitter into a fresh folder, a golden-tree comparison, and a loop over
// every built-in policy × OS family. It is test support, nobody's API.
package genfixture

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/internal/golden"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

// Time is the SOURCE_DATE_EPOCH-style timestamp of the golden tests.
var Time = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// Hostile is a product name with everything that must not break the XML or
// a path: quotes, markup, CDATA end, PowerShell expansion, backticks,
// control characters and a path escape.
const Hostile = "Ac\"me' <Corp> & ]]> $(whoami) `id` \r\nline2\t..\\..\\evil"

// Plan is a hand-written plan with values from windows-tls-settings.md:
// golden files built from it do not move when the settings model changes.
func Plan() settings.Plan {
	net4 := `SOFTWARE\Microsoft\.NETFramework\v4.0.30319`
	winhttp := `SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp`
	sch := `SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL`
	s := func(key string, view settings.View, name string, v uint32, fam, reason string) settings.Setting {
		return settings.Setting{Hive: "HKLM", Key: key, View: view, Name: name, Type: "REG_DWORD", Value: v, Reason: reason, Family: fam}
	}
	return settings.Plan{Policy: "tls12", OS: "win7", Settings: []settings.Setting{
		s(net4, settings.View64, "SchUseStrongCrypto", 1, "dotnet", "strong crypto for .NET 4.x"),
		s(net4, settings.View32, "SchUseStrongCrypto", 1, "dotnet", "strong crypto for .NET 4.x"),
		s(net4, settings.View64, "SystemDefaultTlsVersions", 1, "dotnet", "OS-chosen TLS versions"),
		s(net4, settings.View32, "SystemDefaultTlsVersions", 1, "dotnet", "OS-chosen TLS versions"),
		s(winhttp, settings.View64, "DefaultSecureProtocols", 0xA00, "winhttp", "WinHTTP TLS 1.1 + 1.2 <needs KB3140245>"),
		s(winhttp, settings.View32, "DefaultSecureProtocols", 0xA00, "winhttp", "WinHTTP TLS 1.1 + 1.2 <needs KB3140245>"),
		s(`SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings`, settings.View64, "SecureProtocols", 0xA00, "wininet", "WinINet TLS 1.1 + 1.2"),
		s(sch+`\Protocols\TLS 1.0\Server`, settings.View64, "Enabled", 0, "schannel-protocol", "TLS 1.0 off for servers"),
		s(sch+`\Protocols\TLS 1.0\Server`, settings.View64, "DisabledByDefault", 1, "schannel-protocol", "TLS 1.0 off for servers"),
		s(sch+`\Protocols\TLS 1.2\Client`, settings.View64, "Enabled", 1, "schannel-protocol", "TLS 1.2 on for clients"),
		s(sch+`\Protocols\TLS 1.2\Client`, settings.View64, "DisabledByDefault", 0, "schannel-protocol", "TLS 1.2 on for clients"),
		s(sch+`\Ciphers\RC4 128/128`, settings.View64, "Enabled", 0, "schannel-cipher", "RC4 off"),
		s(sch, settings.View64, "EventLogging", 7, "schannel-logging", "log all SChannel events"),
	}}
}

// Policy is the built-in tls12 policy with product and company set to
// product.
func Policy(product string) *policy.Policy {
	p, _ := policy.Builtin("tls12")
	p.Package.Product = product
	p.Package.Company = product
	return p
}

// Generate runs generator g for plan and pol into a fresh folder, at Time,
// and returns the bundle. A generator that skips fails the test.
func Generate(t *testing.T, g pkggen.Generator, plan settings.Plan, pol *policy.Policy) *pkggen.Bundle {
	t.Helper()
	b := &pkggen.Bundle{Dir: t.TempDir(), Policy: pol, Plan: plan, Time: Time}
	if reason := g.Skip(b); reason != "" {
		t.Fatalf("Skip: %s", reason)
	}
	if err := g.Generate(context.Background(), b); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return b
}

// EachBuiltin calls check in a subtest for every built-in policy × OS
// family the settings model builds (combinations it refuses are skipped),
// and fails when fewer than half could be built: the checks would cover
// too little.
func EachBuiltin(t *testing.T, check func(t *testing.T, p *policy.Policy, plan settings.Plan)) {
	t.Helper()
	ran := 0
	for _, name := range policy.Names() {
		for _, fam := range settings.Families() {
			t.Run(name+"/"+fam.Token, func(t *testing.T) {
				p, _ := policy.Builtin(name)
				plan, err := settings.Build(p, fam.Token)
				if err != nil {
					var se *settings.Error
					if errors.As(err, &se) {
						t.Skipf("settings model refuses %s on %s: %v", name, fam.Token, err)
					}
					t.Fatal(err)
				}
				check(t, p, plan)
				ran++
			})
		}
	}
	if ran < len(policy.Names())*len(settings.Families())/2 {
		t.Fatalf("only %d policy × OS combinations could be built; the checks cover too little", ran)
	}
}

// CheckGoldenTree compares every file under dir with the golden tree
// testdata/<test name>/ byte for byte (-update rewrites the tree).
func CheckGoldenTree(t *testing.T, dir string) {
	t.Helper()
	golden.CheckDir(t, filepath.Join("testdata", filepath.FromSlash(t.Name())), dir)
}

// Bundle is a bundle of the built-in policy pol for the OS family os in a
// fresh folder, stamped with SOURCE_DATE_EPOCH-style time 1700000000 and
// tool version "test". An unknown policy or a plan the settings model
// refuses fails the test.
func Bundle(t testing.TB, pol, os string) *pkggen.Bundle {
	t.Helper()
	p, ok := policy.Builtin(pol)
	if !ok {
		t.Fatalf("no built-in policy %s", pol)
	}
	plan, err := settings.Build(p, os)
	if err != nil {
		t.Fatal(err)
	}
	return &pkggen.Bundle{Dir: t.TempDir(), Policy: p, Plan: plan, Time: time.Unix(1700000000, 0).UTC(), Extra: map[string]any{}, ToolVersion: "test"}
}
