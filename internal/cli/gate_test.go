package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/verdict"
	"github.com/tlsgate/tlsgate/internal/testsrv"
)

// The golden files are rewritten with `go test ./internal/cli -run Gate -update`.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func gateUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// gateTLSServer starts a loopback crypto/tls server accepting exactly the
// versions min…max with a certificate from pki.
func gateTLSServer(t *testing.T, pki *testsrv.PKI, min, max uint16) *testsrv.Server {
	t.Helper()
	cert := pki.Leaf(testsrv.LeafOptions{})
	s, err := testsrv.ServeTLS("tcp4", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: min, MaxVersion: max})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func gateExample(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("example %s: %v", name, err)
	}
	return p
}

func gateRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: time.Now}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := Main(ctx, args, env)
	return code, out.String(), errb.String()
}

var (
	gateReElapsed = regexp.MustCompile(`"elapsed_ms": \d+`)
	gateReConns   = regexp.MustCompile(`"connections": \d+`)
	gateReFP      = regexp.MustCompile(`("fingerprint"|"tlsgateFingerprint/v1"): "[0-9a-f]+"`)
	gateReDate    = regexp.MustCompile(`("not_before"|"not_after"): "[^"]*"`)
	gateReDays    = regexp.MustCompile(`"days_to_expiry": \d+`)
	gateReDaysTxt = regexp.MustCompile(`\d+ days left`)
)

// normalise replaces what changes between runs: ports, timings, connection
// counts, certificate dates and the fingerprints that include the port.
func gateNormalise(s string, ports map[string]string) string {
	for port, name := range ports {
		s = strings.ReplaceAll(s, "127.0.0.1:"+port, "127.0.0.1:"+name)
	}
	s = gateReElapsed.ReplaceAllString(s, `"elapsed_ms": 0`)
	s = gateReConns.ReplaceAllString(s, `"connections": 0`)
	s = gateReFP.ReplaceAllString(s, `$1: "FINGERPRINT"`)
	s = gateReDate.ReplaceAllString(s, `$1: "DATE"`)
	s = gateReDays.ReplaceAllString(s, `"days_to_expiry": 89`)
	s = gateReDaysTxt.ReplaceAllString(s, `89 days left`)
	// The server's suite preference depends on the CPU (crypto/tls prefers
	// ChaCha20 without AES hardware): sort the enumerated suites and hide
	// the suite the server chose from the probe's full offer.
	s = gateReChosen.ReplaceAllString(s, `$1"SERVER_CHOICE"`)
	return gateSortSuites(s)
}

var gateReChosen = regexp.MustCompile(`("reason": "[^"]*",\n\s+"suite": )"[A-Z0-9_]+"`)

// gateSortSuites sorts the lines of every list inside a "suites" object.
func gateSortSuites(s string) string {
	lines := strings.Split(s, "\n")
	in := false
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(t, `"suites": {`):
			in = true
		case in && strings.HasSuffix(t, "["):
			j := i + 1
			for j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), "]") {
				j++
			}
			items := make([]string, 0, j-i-1)
			for _, l := range lines[i+1 : j] {
				items = append(items, strings.TrimSuffix(l, ","))
			}
			sort.Strings(items)
			for k := range items {
				if k < len(items)-1 {
					items[k] += ","
				}
				lines[i+1+k] = items[k]
			}
			i = j
		case in && strings.HasPrefix(t, "}"):
			in = false
		}
	}
	return strings.Join(lines, "\n")
}

func gateGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "gate", name)
	if gateUpdating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n--- got ---\n%s", path, got)
	}
}

// decision parses gate JSON output.
func gateDecision(t *testing.T, out string) *verdict.Decision {
	t.Helper()
	var d verdict.Decision
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("gate JSON: %v\n%s", err, out)
	}
	return &d
}

func gatePairOf(t *testing.T, d *verdict.Decision, app string) verdict.Pair {
	t.Helper()
	for _, p := range d.Pairs {
		if p.Application == app {
			return p
		}
	}
	t.Fatalf("no pair for %s in %+v", app, d.Pairs)
	return verdict.Pair{}
}

func TestGateLegacyWebAppAgainstTLS12Only(t *testing.T) {
	pki := testsrv.NewPKI(t)
	srv := gateTLSServer(t, pki, tls.VersionTLS12, tls.VersionTLS12)
	ports := map[string]string{srv.Port(): "PORT"}
	dir := gateExample(t, "legacy-webapp")
	for _, format := range []string{"text", "markdown", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			code, out, stderr := gateRun(t, "gate", dir, "--endpoint", srv.Addr, "--ca-file", pki.CAFile, "--format", format)
			if code != ExitFail {
				t.Fatalf("exit %d, want 1\n%s\n%s", code, out, stderr)
			}
			gateGolden(t, "legacy-webapp-tls12."+map[string]string{"text": "txt", "markdown": "md", "json": "json", "sarif": "sarif"}[format], gateNormalise(out, ports))
		})
	}
	_, sarifOut, _ := gateRun(t, "gate", dir, "--endpoint", srv.Addr, "--ca-file", pki.CAFile, "--format", "sarif")
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(sarifOut), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF: %v", err)
	}
	ruleIDs := map[string]bool{}
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		ruleIDs[r.ID] = true
	}
	for _, id := range []string{"TLS001", "TLS101", "TLS102", "TLS103", "TLS109", "TLS201", "TLS202", "TLS203", "TLS204"} {
		if !ruleIDs[id] {
			t.Errorf("SARIF tool.driver.rules lacks %s", id)
		}
	}
	var has201 bool
	for _, r := range log.Runs[0].Results {
		has201 = has201 || r.RuleID == "TLS201"
	}
	if !has201 {
		t.Error("SARIF has no TLS201 result")
	}
	_, out, _ := gateRun(t, "gate", dir, "--endpoint", srv.Addr, "--ca-file", pki.CAFile, "--format", "json")
	d := gateDecision(t, out)
	p := gatePairOf(t, d, "LegacyWebApp")
	if p.Verdict != verdict.Incompatible || d.Verdict != verdict.Fail {
		t.Fatalf("pair %s, verdict %s", p.Verdict, d.Verdict)
	}
	if len(p.UserErrors) == 0 || p.UserErrors[0].Message != "The underlying connection was closed: An unexpected error occurred on a send." {
		t.Errorf("user errors %+v", p.UserErrors)
	}
	var located bool
	for _, s := range p.Evidence {
		if s.Location.Path == "Global.asax.cs" && s.Location.StartLine > 0 {
			located = true
		}
	}
	if !located {
		t.Errorf("evidence chain lacks the Global.asax.cs assignment: %+v", p.Evidence)
	}
	if len(p.Fixes) == 0 || p.Fixes[0].Kind != "code" || !p.Fixes[0].Sufficient || p.Fixes[0].Location == nil || p.Fixes[0].Location.Path != "Global.asax.cs" {
		t.Errorf("first fix %+v, want the sufficient code change at Global.asax.cs", p.Fixes)
	}
	for _, f := range p.Fixes[1:] {
		if f.Sufficient {
			t.Errorf("fix %s marked sufficient, but the code assignment wins over it", f.Kind)
		}
	}
}

func TestGateVerdicts(t *testing.T) {
	pki := testsrv.NewPKI(t)
	tls12 := gateTLSServer(t, pki, tls.VersionTLS12, tls.VersionTLS12)
	tls10 := gateTLSServer(t, pki, tls.VersionTLS10, tls.VersionTLS10)
	closed, err := testsrv.Unreachable("tcp4")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		example  string
		endpoint string
		code     int
		app      string
		pair     verdict.Verdict
		rules    []string // rule ids that must be reported
	}{
		{"switch fix passes", "legacy-webapp-switch-fix", tls12.Addr, ExitPass, "LegacyWebApp", verdict.Compatible, nil},
		{"4.8 app passes", "net48-app", tls12.Addr, ExitPass, "InvoiceSync", verdict.Compatible, nil},
		{"4.8 app pinning Tls11 fails", "net48-pinned-tls11", tls12.Addr, ExitFail, "LedgerExport", verdict.Incompatible, []string{"TLS201"}},
		{"TLS 1.0-only endpoint fails tls12", "net48-app", tls10.Addr, ExitFail, "InvoiceSync", verdict.PolicyFail, []string{"TLS101", "TLS203"}},
		{"unreachable endpoint is inconclusive", "net48-app", closed, ExitInconclusive, "InvoiceSync", verdict.Inconclusive, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := gateRun(t, "gate", gateExample(t, tc.example), "--endpoint", tc.endpoint, "--ca-file", pki.CAFile, "--format", "json", "--timeout", "2s")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.code, out, stderr)
			}
			d := gateDecision(t, out)
			p := gatePairOf(t, d, tc.app)
			if p.Verdict != tc.pair {
				t.Errorf("pair %s (%s), want %s", p.Verdict, p.Reason, tc.pair)
			}
			for _, id := range tc.rules {
				found := false
				for _, f := range d.Findings {
					if f.RuleID == id && f.Endpoint != nil {
						found = true
					}
				}
				if !found {
					t.Errorf("no %s finding", id)
				}
			}
			if tc.code == ExitInconclusive && (d.Verdict != verdict.OutcomeUnknown || len(d.Inconclusive) == 0) {
				t.Errorf("verdict %s, inconclusive %v", d.Verdict, d.Inconclusive)
			}
		})
	}
}

func TestGateInconclusiveText(t *testing.T) {
	closed, err := testsrv.Unreachable("tcp4")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := strings.Cut(closed, ":")
	code, out, stderr := gateRun(t, "gate", gateExample(t, "net48-app"), "--endpoint", closed, "--timeout", "2s")
	if code != ExitInconclusive {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	gateGolden(t, "unreachable.txt", gateNormalise(out, map[string]string{port: "CLOSED"}))
}

func TestGatePolicyMapsEndpoint(t *testing.T) {
	pki := testsrv.NewPKI(t)
	tls12 := gateTLSServer(t, pki, tls.VersionTLS12, tls.VersionTLS12)
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.yml")
	body := "extends: tls12\nendpoints:\n  - url: " + tls12.Addr + "\n    applications: [Nobody]\n"
	if err := os.WriteFile(pol, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	// The pinned app would fail against this endpoint, but the policy says
	// only "Nobody" calls it, and --endpoint keeps the policy's mapping.
	code, out, stderr := gateRun(t, "gate", gateExample(t, "net48-pinned-tls11"), "--policy", pol, "--endpoint", tls12.Addr, "--ca-file", pki.CAFile, "--format", "json", "--fail-on", "error")
	d := gateDecision(t, out)
	if len(d.Pairs) != 0 {
		t.Errorf("pairs %+v, want none", d.Pairs)
	}
	if !strings.Contains(stderr, `names application "Nobody", which the scan did not find`) {
		t.Errorf("no TLS955 note for the unknown application:\n%s", stderr)
	}
	if code != ExitFail { // the repository finding TLS001 still fails
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

func TestGateUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(bad, []byte("extends: tls12\nmin_versoin: TLS1.2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad policy key", []string{"gate", dir, "--policy", bad}, "bad.yml:2:1: unknown key \"min_versoin\""},
		{"unknown policy", []string{"gate", dir, "--policy", "paranoid"}, "neither a built-in"},
		{"bad endpoint", []string{"gate", dir, "--endpoint", "https://exa mple.com"}, "--endpoint"},
		{"bad format", []string{"gate", dir, "--format", "xml"}, "--format \"xml\""},
		{"bad fail-on", []string{"gate", dir, "--fail-on", "fatal"}, "--fail-on"},
		{"bad shard", []string{"gate", dir, "--shard", "3/2"}, "--shard"},
		{"missing path", []string{"gate", filepath.Join(dir, "nope")}, "cannot read PATH"},
		{"missing ca file", []string{"gate", dir, "--ca-file", filepath.Join(dir, "nope.pem")}, "--ca-file"},
		{"two paths", []string{"gate", dir, dir}, "at most one PATH"},
		{"ca file without certificates", []string{"gate", dir, "--ca-file", bad}, "no PEM certificate"},
		{"bad timeout", []string{"gate", dir, "--timeout", "0s"}, "--timeout"},
		{"output in a missing folder", []string{"gate", dir, "--output", filepath.Join(dir, "nope", "report.txt")}, "--output"},
		{"output is a folder", []string{"gate", dir, "--output", dir}, "--output"},
		{"policy is a folder", []string{"gate", dir, "--policy", dir}, dir},
		{"host state not JSON", []string{"gate", dir, "--host-state", bad}, "bad.yml"},
		{"endpoint without host", []string{"gate", dir, "--endpoint", "https://"}, "no host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := gateRun(t, tc.args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want 2\n%s\n%s", code, out, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not name %q", stderr, tc.want)
			}
		})
	}
}

func TestPolicyCommand(t *testing.T) {
	code, out, _ := gateRun(t, "policy")
	if code != ExitPass || !regexp.MustCompile(`(?m)^  tls12 .*\(default\)$`).MatchString(out) || !strings.Contains(out, "strict") {
		t.Errorf("policy list: %d\n%s", code, out)
	}
	for _, name := range policy.Names() {
		code, out, stderr := gateRun(t, "policy", "show", name)
		if code != ExitPass {
			t.Fatalf("%s: exit %d %s", name, code, stderr)
		}
		// The output is a policy file that resolves to the same policy.
		p, err := policy.Parse(name+".yml", []byte(out))
		if err != nil {
			t.Fatalf("%s: output does not parse: %v\n%s", name, err, out)
		}
		want, _ := policy.Builtin(name)
		p.Name = name
		again, _ := ShowPolicy(p)
		first, _ := ShowPolicy(want)
		if string(again) != string(first) {
			t.Errorf("%s: round trip differs:\n%s\n---\n%s", name, first, again)
		}
	}
	gateGolden(t, "policy-show-strict.yml", func() string { _, out, _ := gateRun(t, "policy", "show", "strict"); return out }())
	dir := t.TempDir()
	bad := filepath.Join(dir, "p.yml")
	if err := os.WriteFile(bad, []byte("client:\n  os: win95\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := gateRun(t, "policy", "show", bad)
	if code != ExitUsage || !strings.Contains(stderr, "p.yml:2:7: client.os: unknown OS family \"win95\"") {
		t.Errorf("bad policy: exit %d, %s", code, stderr)
	}
	if code, _, _ := gateRun(t, "policy", "frobnicate"); code != ExitUsage {
		t.Errorf("policy frobnicate: exit %d", code)
	}
}

// gateCopy copies an example into a temporary directory so a test can edit it.
func gateCopy(t *testing.T, name string) string {
	t.Helper()
	src := gateExample(t, name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestGateCipherSuitesPerOS(t *testing.T) {
	pki := testsrv.NewPKI(t)
	cert := pki.Leaf(testsrv.LeafOptions{})
	// A strict endpoint: TLS 1.2, ECDHE-RSA with AES-GCM only.
	srv, err := testsrv.ServeTLS("tcp4", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		os   string
		code int
		want verdict.Verdict
	}{
		{"win81", ExitFail, verdict.Incompatible},
		{"win10", ExitPass, verdict.Compatible},
	} {
		t.Run(tc.os, func(t *testing.T) {
			pol := filepath.Join(t.TempDir(), "p.yml")
			if err := os.WriteFile(pol, []byte("client:\n  os: "+tc.os+"\n  dotnet: \"4.8\"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, stderr := gateRun(t, "gate", gateExample(t, "net48-app"), "--policy", pol, "--endpoint", srv.Addr, "--ca-file", pki.CAFile, "--format", "json")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, stderr)
			}
			d := gateDecision(t, out)
			p := gatePairOf(t, d, "InvoiceSync")
			if p.Verdict != tc.want {
				t.Fatalf("pair %s (%s)", p.Verdict, p.Reason)
			}
			if tc.want == verdict.Incompatible {
				if !strings.Contains(p.Reason, "no cipher suite is in common") || !strings.Contains(p.UserErrors[1].Message, "common algorithm") {
					t.Errorf("reason %q, errors %+v", p.Reason, p.UserErrors)
				}
				found := false
				for _, f := range d.Findings {
					found = found || f.RuleID == "TLS202"
				}
				if !found {
					t.Error("no TLS202 finding")
				}
			}
		})
	}
}

func TestGateDiscovery(t *testing.T) {
	pki := testsrv.NewPKI(t)
	srv := gateTLSServer(t, pki, tls.VersionTLS12, tls.VersionTLS13)
	dir := gateCopy(t, "net48-app")
	cfg := `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <appSettings>
    <add key="InvoiceApiUrl" value="https://` + srv.Addr + `/api/v2/" />
    <add key="PartnerUrl" value="https://#{PartnerHost}#/api" />
  </appSettings>
</configuration>
`
	if err := os.WriteFile(filepath.Join(dir, "App.config"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	// Without --discover nothing is probed; the endpoint is listed as a note.
	code, out, stderr := gateRun(t, "gate", dir, "--ca-file", pki.CAFile, "--format", "json")
	d := gateDecision(t, out)
	if code != ExitPass || len(d.Endpoints) != 0 || !strings.Contains(stderr, "TLS952") || !strings.Contains(stderr, "TLS950") {
		t.Fatalf("without --discover: exit %d, endpoints %d\n%s", code, len(d.Endpoints), stderr)
	}
	// With --discover the configured endpoint is probed for its application.
	code, out, stderr = gateRun(t, "gate", dir, "--discover", "--ca-file", pki.CAFile, "--format", "json")
	d = gateDecision(t, out)
	if code != ExitPass || len(d.Endpoints) != 1 {
		t.Fatalf("--discover: exit %d, endpoints %d\n%s", code, len(d.Endpoints), stderr)
	}
	e := d.Endpoints[0]
	if len(e.Applications) != 1 || e.Applications[0] != "InvoiceSync" || e.Origins[0].Source != "discovered" ||
		e.Origins[0].Location == nil || e.Origins[0].Location.Path != "App.config" || e.Origins[0].Location.StartLine != 4 {
		t.Errorf("endpoint %+v", e)
	}
	if p := gatePairOf(t, d, "InvoiceSync"); p.Verdict != verdict.Compatible {
		t.Errorf("pair %s", p.Verdict)
	}
	var placeholder bool
	for _, n := range d.Notifications {
		placeholder = placeholder || (n.RuleID == "TLS950" && n.Location.StartLine == 5 && strings.Contains(n.Message, "#{PartnerHost}#"))
	}
	if !placeholder {
		t.Errorf("no TLS950 for the placeholder: %+v", d.Notifications)
	}
	// The deny list wins over discovery.
	pol := filepath.Join(t.TempDir(), "p.yml")
	if err := os.WriteFile(pol, []byte("discover: true\ndiscover_deny: [\"127.0.0.*\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = gateRun(t, "gate", dir, "--policy", pol, "--ca-file", pki.CAFile, "--format", "json")
	if d = gateDecision(t, out); code != ExitPass || len(d.Endpoints) != 0 {
		t.Errorf("deny: exit %d, endpoints %+v", code, d.Endpoints)
	}
}

func TestGateHostState(t *testing.T) {
	pki := testsrv.NewPKI(t)
	srv := gateTLSServer(t, pki, tls.VersionTLS12, tls.VersionTLS12)
	dir := t.TempDir()
	// A real host where someone already set SchUseStrongCrypto and
	// SystemDefaultTlsVersions: the bare-httpRuntime app from the switch-fix
	// example works there even without its switches.
	state := `{"schema_version": 1, "command": "check", "settings": [
  {"hive": "HKLM", "key": "SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319", "view": "64", "name": "SchUseStrongCrypto", "found": {"type": "REG_DWORD", "value": 1}, "state": "ok"},
  {"hive": "HKLM", "key": "SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319", "view": "64", "name": "SystemDefaultTlsVersions", "found": {"type": "REG_DWORD", "value": 1}, "state": "ok"},
  {"hive": "HKLM", "key": "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Client", "view": "64", "name": "Enabled", "found": null, "state": "missing"}
]}`
	hs := filepath.Join(dir, "host.json")
	if err := os.WriteFile(hs, []byte(state), 0o644); err != nil {
		t.Fatal(err)
	}
	app := gateCopy(t, "legacy-webapp-switch-fix")
	cfg, err := os.ReadFile(filepath.Join(app, "Web.config"))
	if err != nil {
		t.Fatal(err)
	}
	stripped := regexp.MustCompile(`(?m)^.*(AppContext.SetSwitch|AppContextSwitchOverrides).*\n`).ReplaceAllString(string(cfg), "")
	if err := os.WriteFile(filepath.Join(app, "Web.config"), []byte(stripped), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := gateRun(t, "gate", app, "--endpoint", srv.Addr, "--ca-file", pki.CAFile, "--format", "json", "--fail-on", "error")
	if p := gatePairOf(t, gateDecision(t, out), "LegacyWebApp"); p.Verdict != verdict.Incompatible {
		t.Fatalf("without host state: %s (%s)\n%s", p.Verdict, p.Reason, stderr)
	}
	_ = code
	_, out, stderr = gateRun(t, "gate", app, "--endpoint", srv.Addr, "--ca-file", pki.CAFile, "--format", "json", "--host-state", hs)
	if p := gatePairOf(t, gateDecision(t, out), "LegacyWebApp"); p.Verdict != verdict.Compatible {
		t.Errorf("with host state: %s (%s)\n%s", p.Verdict, p.Reason, stderr)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"schema_version": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := gateRun(t, "gate", app, "--host-state", bad); code != ExitUsage || !strings.Contains(stderr, "settings") {
		t.Errorf("bad host state: exit %d %s", code, stderr)
	}
}

func TestGateShard(t *testing.T) {
	pki := testsrv.NewPKI(t)
	var args []string
	all := map[string]bool{}
	for i := 0; i < 4; i++ {
		s := gateTLSServer(t, pki, tls.VersionTLS12, tls.VersionTLS13)
		args = append(args, "--endpoint", s.Addr)
		all[s.Addr] = true
	}
	seen := map[string]int{}
	for _, shard := range []string{"1/2", "2/2"} {
		code, out, stderr := gateRun(t, append([]string{"gate", gateExample(t, "net48-app"), "--ca-file", pki.CAFile, "--format", "json", "--shard", shard}, args...)...)
		if code != ExitPass {
			t.Fatalf("shard %s: exit %d\n%s", shard, code, stderr)
		}
		d := gateDecision(t, out)
		for _, e := range d.Endpoints {
			seen[e.Target]++
		}
		// The JSON records its shard, so merge can refuse a missing one.
		var head struct {
			Shard string `json:"shard"`
		}
		if err := json.Unmarshal([]byte(out), &head); err != nil || head.Shard != shard {
			t.Errorf("shard %s: JSON records shard %q (%v)", shard, head.Shard, err)
		}
		if shard == "1/2" {
			path := filepath.Join(t.TempDir(), "shard1.json")
			if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, _, stderr := gateRun(t, "merge", path); code != ExitUsage || !strings.Contains(stderr, "2/2") {
				t.Errorf("merge of shard 1/2 alone: exit %d, stderr %q; want 2 naming the missing shard", code, stderr)
			}
		}
		if len(d.Pairs) != len(d.Endpoints) {
			t.Errorf("shard %s: %d pairs for %d endpoints", shard, len(d.Pairs), len(d.Endpoints))
		}
	}
	if len(seen) != len(all) {
		t.Errorf("shards probed %v, want every endpoint once: %v", seen, all)
	}
	for target, n := range seen {
		if n != 1 {
			t.Errorf("%s probed by %d shards", target, n)
		}
	}
}

// TestGateRepoPolicyWindows7: .tlsgate.yml at the root is read; on a
// Windows 7 host a 4.8 application's SystemDefault is TLS 1.0 only, and the
// package (which enables the TLS 1.2 client) is the one fix that works.
func TestGateRepoPolicyWindows7(t *testing.T) {
	pki := testsrv.NewPKI(t)
	srv := gateTLSServer(t, pki, tls.VersionTLS12, tls.VersionTLS12)
	dir := gateCopy(t, "net48-app")
	if err := os.WriteFile(filepath.Join(dir, ".tlsgate.yml"), []byte("client:\n  os: win7\n  dotnet: \"4.8\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report.md")
	code, _, stderr := gateRun(t, "gate", dir, "--endpoint", srv.Addr, "--ca-file", pki.CAFile, "--format", "markdown", "--output", out)
	if code != ExitFail {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Windows 7 / Server 2008 R2", "| InvoiceSync | `" + srv.Addr + "` | ✗ no protocol in common", "✓ **package**", "--os win7"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	_, js, _ := gateRun(t, "gate", dir, "--endpoint", srv.Addr, "--ca-file", pki.CAFile, "--format", "json")
	p := gatePairOf(t, gateDecision(t, js), "InvoiceSync")
	if len(p.Fixes) == 0 || p.Fixes[0].Kind != "package" || !p.Fixes[0].Sufficient || !strings.Contains(p.Fixes[0].Command, ".tlsgate.yml") {
		t.Errorf("fixes %+v", p.Fixes)
	}
	if p.WithPackage.Verdict != verdict.Compatible {
		t.Errorf("with package %s (%s)", p.WithPackage.Verdict, p.WithPackage.Reason)
	}
}
