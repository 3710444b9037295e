package project_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan"
)

func scanExample(t *testing.T, name string) *finding.Report {
	t.Helper()
	r, err := scan.Scan(context.Background(), filepath.Join("..", "..", "..", "examples", name), scan.Options{Now: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func failing(r *finding.Report, lvl finding.Severity) []finding.Finding {
	var out []finding.Finding
	for _, f := range r.Findings {
		if f.Suppression == nil && f.Level >= lvl {
			out = append(out, f)
		}
	}
	return out
}

func appNamed(t *testing.T, r *finding.Report, name string) finding.Application {
	t.Helper()
	for _, a := range r.Applications {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no application %q in %+v", name, r.Applications)
	return finding.Application{}
}

func protoKeys(ps []finding.Protocol) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Key())
	}
	return strings.Join(s, ",")
}

func has(r *finding.Report, id, where string) bool {
	for _, f := range r.Findings {
		if f.RuleID == id && strings.HasPrefix(f.Location.String(), where) {
			return true
		}
	}
	return false
}

// The README's first command scans examples/legacy-webapp: it must fail
// with the headline TLS011 on the bare <httpRuntime />, the hard-coded
// protocols, the certificate bypass and the registry weakening.
func TestExampleLegacyWebApp(t *testing.T) {
	r := scanExample(t, "legacy-webapp")
	for _, want := range []struct{ id, where string }{
		{"TLS011", "Web.config:23:5"},
		{"TLS001", "Global.asax.cs:"},
		{"TLS006", "Global.asax.cs:"},
		{"TLS001", "deploy/Deploy.ps1:"},
		{"TLS013", "deploy/tls.reg:5:1"},
		{"TLS013", "deploy/Deploy.ps1:"},
	} {
		if !has(r, want.id, want.where) {
			t.Errorf("missing %s at %s", want.id, want.where)
		}
	}
	if has(r, "TLS009", "") {
		t.Error("TLS009 and TLS011 for the same cause: one headline only")
	}
	app := appNamed(t, r, "LegacyWebApp")
	if app.Kind != "web" || app.DeclaredTarget != "4.5" || app.EffectiveTarget != "4.0" {
		t.Errorf("app model: %+v", app)
	}
	if got := protoKeys(app.OfferedProtocols[finding.StateAsShipped]); got != "TLS1.0" {
		t.Errorf("as shipped offers %s, want TLS1.0", got)
	}
	if got := protoKeys(app.OfferedProtocols[finding.StateWithPackage]); got != "" && got != "TLS1.2" {
		t.Errorf("with the tls12 package offers %s", got)
	}
	if app.CodeProtocols == nil || !strings.HasPrefix(app.CodeProtocols.Location.Path, "Global.asax.cs") {
		t.Errorf("code protocols not attached: %+v", app.CodeProtocols)
	}
	if len(failing(r, finding.Error)) == 0 {
		t.Error("legacy-webapp must fail the gate")
	}
}

func TestExampleFixedTwinsScanClean(t *testing.T) {
	for _, name := range []string{"legacy-webapp-fixed", "legacy-webapp-switch-fix", "net48-app"} {
		r := scanExample(t, name)
		if fs := failing(r, finding.Warning); len(fs) > 0 {
			for _, f := range fs {
				t.Errorf("%s: %s", name, f)
			}
		}
		if len(r.Applications) == 0 {
			t.Errorf("%s: no application found", name)
		}
		for _, a := range r.Applications {
			if a.Kind == "script" {
				continue
			}
			got := protoKeys(a.OfferedProtocols[finding.StateAsShipped])
			if got != "TLS1.0,TLS1.1,TLS1.2" {
				t.Errorf("%s: %s offers %s as shipped on Server 2019, want the OS default TLS1.0,TLS1.1,TLS1.2", name, a.Name, got)
			}
			if got := protoKeys(a.OfferedProtocols[finding.StateWithPackage]); got != "TLS1.2" {
				t.Errorf("%s: %s offers %s with the tls12 package, want TLS1.2", name, a.Name, got)
			}
		}
	}
}

func TestExamplePinnedTls11(t *testing.T) {
	r := scanExample(t, "net48-pinned-tls11")
	if !has(r, "TLS001", "Program.cs:") {
		t.Errorf("missing TLS001 for the Tls11 pin: %v", r.Findings)
	}
	app := appNamed(t, r, "LedgerExport")
	if got := protoKeys(app.OfferedProtocols[finding.StateAsShipped]); got != "TLS1.1" {
		t.Errorf("as shipped offers %s, want TLS1.1", got)
	}
	if got := protoKeys(app.OfferedProtocols[finding.StateWithPackage]); got != "" {
		t.Errorf("with the tls12 package (TLS 1.1 disabled) offers %s, want nothing", got)
	}
}
