package verdict

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/gate/scan/project"
)

var now = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

// endpoint builds a conclusive probe result accepting exactly acc.
func endpoint(target string, acc ...finding.Protocol) probe.Result {
	r := probe.Result{Target: target, Address: target, Protocols: map[string]probe.Status{}, ProtocolDetails: map[string]probe.Detail{}}
	set := finding.SetOf(acc...)
	for _, p := range finding.Protocols {
		if set.Has(p) {
			r.Protocols[p.Key()] = probe.Accepted
			r.ProtocolDetails[p.Key()] = probe.Detail{Reason: "server hello", Suite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}
		} else {
			r.Protocols[p.Key()] = probe.Rejected
			r.ProtocolDetails[p.Key()] = probe.Detail{Reason: "alert 70 (protocol_version)"}
		}
	}
	if set.Has(finding.TLS10) && !set.Has(finding.TLS12) {
		r.ProtocolDetails["TLS1.0"] = probe.Detail{Reason: "server hello", Suite: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}
	}
	r.Certificate = &probe.Certificate{Subject: "CN=test", Issuer: "CN=test CA", KeyType: "RSA", KeyBits: 2048,
		SignatureAlgorithm: "SHA256-RSA", ChainValid: true, HostnameMatch: true, DaysToExpiry: 300}
	return r
}

func model(p *policy.Policy) OfferFunc {
	return func(app *finding.Application, host policy.Host, state string) Offer {
		var reg project.RegistryState
		if state == finding.StateWithPackage {
			reg = project.PackageState(p, host)
		}
		set, strong, steps := project.Offered(app, host, reg)
		return Offer{Protocols: set, StrongCrypto: strong, Steps: steps}
	}
}

func loc(path string, line int) finding.Location {
	return finding.Location{Path: path, StartLine: line, StartCol: 5}
}

var (
	web45 = finding.Application{Name: "LegacyWeb", Kind: "web", Runtime: "netfx", DeclaredTarget: "4.5", EffectiveTarget: "4.0",
		ProjectFile: "LegacyWeb/LegacyWeb.csproj", Configs: []string{"LegacyWeb/Web.config"},
		Evidence: []finding.Step{{Location: loc("LegacyWeb/Web.config", 12), Text: "<httpRuntime> without targetFramework ⇒ 4.0 quirks"}}}
	app48 = finding.Application{Name: "Net48", Kind: "exe", Runtime: "netfx", DeclaredTarget: "4.8", EffectiveTarget: "4.8",
		ProjectFile: "Net48/Net48.csproj", Evidence: []finding.Step{{Location: loc("Net48/Net48.csproj", 9), Text: "TargetFrameworkVersion v4.8"}}}
)

func pinned(app finding.Application, at finding.Location, ps ...finding.Protocol) finding.Application {
	app.CodeProtocols = &finding.CodeProtocols{Protocols: ps, Location: at}
	return app
}

func run(t *testing.T, pol string, apps []finding.Application, eps ...probe.Result) *Decision {
	t.Helper()
	p, ok := policy.Builtin(pol)
	if !ok {
		t.Fatalf("no policy %s", pol)
	}
	in := Input{Scan: &finding.Report{Applications: apps}, Policy: p, Now: now, Offer: model(p), PolicyRef: pol}
	for _, r := range eps {
		in.Endpoints = append(in.Endpoints, Endpoint{Result: r, Origins: []Origin{{Source: "flag"}}})
	}
	return Evaluate(in)
}

func rules(d *Decision) string {
	var ids []string
	for _, f := range d.Findings {
		if !f.Suppressed() {
			ids = append(ids, f.RuleID)
		}
	}
	return strings.Join(ids, ",")
}

func TestPairTable(t *testing.T) {
	tls12only := endpoint("api.test:443", finding.TLS12)
	tls12and13 := endpoint("api.test:443", finding.TLS12, finding.TLS13)
	tls10only := endpoint("old.test:443", finding.TLS10)
	tests := []struct {
		name      string
		app       finding.Application
		ep        probe.Result
		verdict   Verdict
		pkg       Verdict
		outcome   Outcome
		rules     string
		sufficent []string // kinds of the sufficient fixes, in rank order
	}{
		{name: "4.5 web app vs TLS 1.2 only", app: web45, ep: tls12only, verdict: Incompatible, pkg: Compatible, outcome: Fail,
			rules: "TLS201", sufficent: []string{"switch", "retarget", "package"}},
		{name: "4.5 web app pinning Ssl3|Tls", app: pinned(web45, loc("LegacyWeb/Global.asax.cs", 20), finding.SSL30, finding.TLS10), ep: tls12only,
			verdict: Incompatible, pkg: Incompatible, outcome: Fail, rules: "TLS201", sufficent: []string{"code"}},
		{name: "4.8 app vs TLS 1.2/1.3", app: app48, ep: tls12and13, verdict: Compatible, pkg: Compatible, outcome: Pass},
		{name: "4.8 app pinning Tls11", app: pinned(app48, loc("Net48/Program.cs", 14), finding.TLS11), ep: tls12only,
			verdict: Incompatible, pkg: Incompatible, outcome: Fail, rules: "TLS201", sufficent: []string{"code"}},
		{name: "4.5 web app vs TLS 1.0 only endpoint", app: web45, ep: tls10only, verdict: PolicyFail, pkg: Incompatible, outcome: Fail,
			rules: "TLS101,TLS203"},
		{name: "4.8 app vs TLS 1.0 only endpoint", app: app48, ep: tls10only, verdict: PolicyFail, pkg: Incompatible, outcome: Fail,
			rules: "TLS101,TLS203", sufficent: []string{"endpoint"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := run(t, "tls12", []finding.Application{tc.app}, tc.ep)
			if len(d.Pairs) != 1 {
				t.Fatalf("pairs = %d, want 1", len(d.Pairs))
			}
			pr := d.Pairs[0]
			if pr.Verdict != tc.verdict || pr.WithPackage.Verdict != tc.pkg {
				t.Errorf("verdict = %s / with package %s, want %s / %s (%s | %s)", pr.Verdict, pr.WithPackage.Verdict, tc.verdict, tc.pkg, pr.Reason, pr.WithPackage.Reason)
			}
			if d.Verdict != tc.outcome {
				t.Errorf("outcome = %s, want %s (%v)", d.Verdict, tc.outcome, d.Reasons)
			}
			if got := rules(d); got != tc.rules {
				t.Errorf("rules = %q, want %q", got, tc.rules)
			}
			var suff []string
			for _, f := range pr.Fixes {
				if f.Sufficient {
					suff = append(suff, f.Kind)
				}
			}
			if strings.Join(suff, ",") != strings.Join(tc.sufficent, ",") {
				t.Errorf("sufficient fixes = %v, want %v (%+v)", suff, tc.sufficent, pr.Fixes)
			}
			for i, f := range pr.Fixes {
				if f.Rank != i+1 {
					t.Errorf("fix %d has rank %d", i, f.Rank)
				}
				if i > 0 && f.Sufficient && !pr.Fixes[i-1].Sufficient {
					t.Errorf("sufficient fix %s ranked after an insufficient one", f.Kind)
				}
			}
			if pr.Verdict == Incompatible {
				if len(pr.UserErrors) == 0 || pr.UserErrors[0].Message != "The underlying connection was closed: An unexpected error occurred on a send." {
					t.Errorf("user errors = %+v", pr.UserErrors)
				}
				if len(pr.Evidence) == 0 {
					t.Error("no evidence chain")
				}
			}
		})
	}
}

func TestPinnedFixLocation(t *testing.T) {
	at := loc("Net48/Program.cs", 14)
	d := run(t, "tls12", []finding.Application{pinned(app48, at, finding.TLS11)}, endpoint("api.test:443", finding.TLS12))
	f := d.Pairs[0].Fixes[0]
	if f.Kind != "code" || f.Location == nil || *f.Location != at || f.Negotiated == nil || *f.Negotiated != finding.TLS12 {
		t.Fatalf("first fix = %+v", f)
	}
	for _, fd := range d.Findings {
		if fd.RuleID == RuleNoCommonProtocol && fd.Location != at {
			t.Errorf("TLS201 reported at %v, want the pinning line %v", fd.Location, at)
		}
	}
}

func TestInconclusiveEndpoint(t *testing.T) {
	r := probe.Result{Target: "127.0.0.1:1", Protocols: map[string]probe.Status{}, ProtocolDetails: map[string]probe.Detail{}, Errors: []string{"connection refused"}}
	for _, p := range finding.Protocols {
		r.Protocols[p.Key()] = probe.Inconclusive
	}
	d := run(t, "tls12", []finding.Application{app48}, r)
	if d.Pairs[0].Verdict != Inconclusive || d.Verdict != OutcomeUnknown {
		t.Fatalf("pair %s, outcome %s; want inconclusive", d.Pairs[0].Verdict, d.Verdict)
	}
	if len(d.Inconclusive) != 2 {
		t.Errorf("inconclusive = %v, want the endpoint and the pair", d.Inconclusive)
	}
	// An inconclusive pair never hides a failure elsewhere.
	d = run(t, "tls12", []finding.Application{app48}, r, endpoint("old.test:443", finding.TLS10))
	if d.Verdict != Fail {
		t.Errorf("outcome = %s, want fail", d.Verdict)
	}
}

func TestPartlyInconclusiveStillDecides(t *testing.T) {
	r := endpoint("api.test:443", finding.TLS12)
	r.Protocols["SSL2.0"] = probe.Inconclusive
	d := run(t, "tls12", []finding.Application{app48}, r)
	if d.Pairs[0].Verdict != Compatible {
		t.Errorf("pair = %s (%s); SSL 2.0 is not offered, so its answer does not matter", d.Pairs[0].Verdict, d.Pairs[0].Reason)
	}
	if d.Verdict != OutcomeUnknown {
		t.Errorf("outcome = %s, want inconclusive (the endpoint itself was not fully judged)", d.Verdict)
	}
	r = endpoint("api.test:443", finding.TLS12)
	r.Protocols["TLS1.3"] = probe.Inconclusive
	d = run(t, "tls12", []finding.Application{app48}, r)
	if d.Pairs[0].Verdict != Compatible {
		t.Errorf("pair = %s; Windows Server 2019 does not offer TLS 1.3, so its answer does not matter", d.Pairs[0].Verdict)
	}
	p, _ := policy.Builtin("tls12")
	p.Client = policy.Host{OS: "win11", DotNet: "4.8"}
	d = Evaluate(Input{Scan: &finding.Report{Applications: []finding.Application{app48}}, Policy: p, Now: now, Offer: model(p),
		Endpoints: []Endpoint{{Result: r}}})
	if d.Pairs[0].Verdict != Inconclusive {
		t.Errorf("pair = %s; an unknown TLS 1.3 answer could change what 4.8 on Windows 11 negotiates", d.Pairs[0].Verdict)
	}
}

func TestCipherSuitesWindows7(t *testing.T) {
	// An endpoint that only accepts ECDHE-RSA with AES-GCM over TLS 1.2.
	strict := endpoint("strict.test:443", finding.TLS12)
	strict.Suites = map[string][]string{"TLS1.2": {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}}
	for _, tc := range []struct {
		os   string
		want Verdict
		rule string
	}{
		{"win7", Incompatible, "TLS202"},
		{"win81", Incompatible, "TLS202"},
		{"win10", Compatible, ""},
		{"win11", Compatible, ""},
	} {
		t.Run(tc.os, func(t *testing.T) {
			p, _ := policy.Builtin("tls12")
			p.Client.OS = tc.os
			p.Client.OSName = ""
			app := pinned(app48, loc("Net48/Program.cs", 3), finding.TLS12)
			d := Evaluate(Input{Scan: &finding.Report{Applications: []finding.Application{app}}, Policy: p, Now: now, Offer: model(p),
				Endpoints: []Endpoint{{Result: strict}}})
			if d.Pairs[0].Verdict != tc.want {
				t.Fatalf("%s: %s (%s), want %s", tc.os, d.Pairs[0].Verdict, d.Pairs[0].Reason, tc.want)
			}
			if got := rules(d); got != tc.rule {
				t.Errorf("rules = %q, want %q", got, tc.rule)
			}
			if tc.want == Incompatible {
				if !strings.Contains(d.Pairs[0].UserErrors[1].Message, "common algorithm") {
					t.Errorf("SslStream error = %q", d.Pairs[0].UserErrors[1].Message)
				}
				fx := d.Pairs[0].Fixes
				if len(fx) == 0 || fx[0].Kind != "host" || !fx[0].Sufficient || !strings.Contains(fx[0].Title, "Windows 10") {
					t.Errorf("fixes = %+v, want the newer host first", fx)
				}
				for _, f := range d.Findings {
					if f.RuleID == "TLS202" && !strings.Contains(f.Fix, "TLS_ECDHE_RSA_WITH_AES_") {
						t.Errorf("TLS202 fix = %q, want an endpoint suite suggestion or the host", f.Fix)
					}
				}
			}
		})
	}
}

func TestSuitesTable(t *testing.T) {
	for _, os := range policy.OSFamilies() {
		fam, ok := ClientSuites(os)
		if !ok || len(fam.Suites) == 0 || fam.Source == "" {
			t.Fatalf("%s: no suite table", os)
		}
		hasECDHERSAGCM := false
		for _, s := range fam.Suites {
			id, ok := suiteID(s.ID)
			if !ok {
				t.Errorf("%s: bad id %q", s.Name, s.ID)
			}
			if back, ok := suiteID(s.Name); ok && back != id {
				t.Errorf("%s: id %s, crypto/tls says %#04x", s.Name, s.ID, back)
			}
			if strings.HasPrefix(s.Name, "TLS_ECDHE_RSA_WITH_AES") && strings.Contains(s.Name, "GCM") {
				hasECDHERSAGCM = true
			}
		}
		if want := os == "win10" || os == "win11"; hasECDHERSAGCM != want {
			t.Errorf("%s: ECDHE-RSA-AES-GCM present = %t, want %t", os, hasECDHERSAGCM, want)
		}
	}
}

func TestEndpointFindings(t *testing.T) {
	base := endpoint("e.test:443", finding.TLS12)
	tests := []struct {
		name   string
		pol    string
		mutate func(r *probe.Result)
		want   string
	}{
		{"clean", "tls12", func(*probe.Result) {}, ""},
		{"tls 1.0 accepted", "tls12", func(r *probe.Result) { r.Protocols["TLS1.0"] = probe.Accepted }, "TLS101"},
		{"tls 1.0 under compat", "compat", func(r *probe.Result) { r.Protocols["TLS1.0"] = probe.Accepted }, ""},
		{"ssl3 under audit", "audit", func(r *probe.Result) { r.Protocols["SSL3.0"] = probe.Accepted }, "TLS101"},
		{"rc4", "tls12", func(r *probe.Result) { r.WeakCiphers = []string{"RC4"} }, "TLS102"},
		{"no pfs allowed by tls12", "tls12", func(r *probe.Result) { r.WeakCiphers = []string{"NO_PFS"} }, ""},
		{"no pfs under strict", "strict", func(r *probe.Result) { r.WeakCiphers = []string{"NO_PFS"} }, "TLS102"},
		{"expired", "tls12", func(r *probe.Result) {
			r.Certificate.Expired, r.Certificate.ChainValid, r.Certificate.ChainError = true, false, "x509: certificate has expired"
		}, "TLS104"},
		{"untrusted", "tls12", func(r *probe.Result) { r.Certificate.ChainValid = false }, "TLS103"},
		{"expiring", "tls12", func(r *probe.Result) { r.Certificate.DaysToExpiry = 10 }, "TLS105"},
		{"hostname", "tls12", func(r *probe.Result) { r.SNI = "e.test"; r.Certificate.HostnameMatch = false }, "TLS106"},
		{"small key", "tls12", func(r *probe.Result) { r.Certificate.KeyBits = 1024 }, "TLS107"},
		{"sha1", "tls12", func(r *probe.Result) { r.Certificate.SignatureAlgorithm = "SHA1-RSA" }, "TLS108"},
		{"missing intermediate", "tls12", func(r *probe.Result) { r.Certificate.MissingIntermediate = true }, "TLS109"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			c := *base.Certificate
			r.Certificate = &c
			r.Protocols = map[string]probe.Status{}
			for k, v := range base.Protocols {
				r.Protocols[k] = v
			}
			tc.mutate(&r)
			d := run(t, tc.pol, nil, r)
			if got := rules(d); got != tc.want {
				t.Errorf("rules = %q, want %q", got, tc.want)
			}
			for _, f := range d.Findings {
				if f.Endpoint == nil || f.Endpoint.Target != "e.test:443" || f.Fingerprint == "" {
					t.Errorf("finding without endpoint or fingerprint: %+v", f)
				}
			}
		})
	}
}

func TestSuppressions(t *testing.T) {
	p, _ := policy.Builtin("tls12")
	p.Name = ".tlsgate.yml"
	p.Suppressions = []policy.Suppression{
		{Rule: "TLS101", Endpoint: "old.*:443", Reason: "legacy partner, migrating", Line: 3, Column: 3},
		{Rule: "TLS203", Endpoint: "old.*:443", Reason: "expired one", Expires: "2026-01-01", Line: 7, Column: 3},
	}
	d := Evaluate(Input{Scan: &finding.Report{Applications: []finding.Application{app48}}, Policy: p, Now: now, Offer: model(p),
		Endpoints: []Endpoint{{Result: endpoint("old.test:443", finding.TLS10)}}})
	var sup, expired int
	for _, f := range d.Findings {
		if f.Suppressed() {
			sup++
			if f.RuleID != "TLS101" {
				t.Errorf("%s suppressed", f.RuleID)
			}
		}
		if f.RuleID == "TLS203" && !strings.Contains(f.Note, "expired") {
			t.Errorf("TLS203 note = %q", f.Note)
		}
		if f.RuleID == "TLS203" && !f.Suppressed() {
			expired++
		}
	}
	if sup != 1 || expired != 1 || d.Verdict != Fail {
		t.Errorf("suppressed %d, expired %d, verdict %s", sup, expired, d.Verdict)
	}
	var notes []string
	for _, n := range d.Notifications {
		notes = append(notes, n.RuleID+"@"+n.Location.String())
	}
	if strings.Join(notes, ",") != "TLS953@.tlsgate.yml:7:3" {
		t.Errorf("notifications %v", notes)
	}
	p.Suppressions = append(p.Suppressions, policy.Suppression{Rule: "TLS102", Endpoint: "nowhere:1", Reason: "r", Line: 9, Column: 3})
	d = Evaluate(Input{Scan: &finding.Report{Applications: []finding.Application{app48}}, Policy: p, Now: now, Offer: model(p),
		Endpoints: []Endpoint{{Result: endpoint("old.test:443", finding.TLS10)}}})
	found := false
	for _, n := range d.Notifications {
		found = found || (n.RuleID == "TLS954" && n.Location.StartLine == 9)
	}
	if !found {
		t.Errorf("no TLS954 for the unused suppression: %+v", d.Notifications)
	}
}

func TestDecisionFailOn(t *testing.T) {
	r := endpoint("e.test:443", finding.TLS12)
	r.Certificate.DaysToExpiry = 5 // TLS105 warning
	if d := run(t, "tls12", []finding.Application{app48}, r); d.Verdict != Pass {
		t.Errorf("tls12 (fail-on error) with a warning: %s", d.Verdict)
	}
	if d := run(t, "strict", []finding.Application{app48}, r); d.Verdict != Fail {
		t.Errorf("strict (fail-on warning) with a warning: %s", d.Verdict)
	}
}

func TestVer(t *testing.T) {
	for in, want := range map[string]int{"4.8": 40800, "v4.7.2": 40702, "4.5": 40500, "": 0, "x": 0} {
		if got := ver(in); got != want {
			t.Errorf("ver(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestPackageBreaksPair(t *testing.T) {
	p, _ := policy.Builtin("compat")
	p.Package.DisableClient = append(p.Package.DisableClient, finding.TLS10, finding.TLS11)
	d := Evaluate(Input{Scan: &finding.Report{Applications: []finding.Application{app48}}, Policy: p, Now: now, Offer: model(p),
		Endpoints: []Endpoint{{Result: endpoint("old.test:443", finding.TLS10)}}})
	pr := d.Pairs[0]
	if pr.Verdict != Compatible || pr.WithPackage.Verdict != Incompatible {
		t.Fatalf("as shipped %s, with package %s", pr.Verdict, pr.WithPackage.Verdict)
	}
	if got := rules(d); got != "TLS204" || d.Verdict != Pass {
		t.Errorf("rules %q, verdict %s: TLS204 is a note and must not fail the gate", got, d.Verdict)
	}
}

func TestRulesMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range append(Rules(), NotificationRules()...) {
		if !validID(r.ID) || seen[r.ID] || r.Name == "" || r.Short == "" || !strings.HasSuffix(r.HelpURI, "#"+strings.ToLower(r.ID)) {
			t.Errorf("bad rule %+v", r)
		}
		seen[r.ID] = true
	}
}

func validID(id string) bool {
	if len(id) != 6 || !strings.HasPrefix(id, "TLS") {
		return false
	}
	return (id[3] == '1' || id[3] == '2' || id[3] == '9')
}

// BenchmarkEvaluate judges 50 applications × 50 endpoints (2,500 pairs,
// half of them failing, so fixes are computed).
func BenchmarkEvaluate(b *testing.B) {
	p, _ := policy.Builtin("tls12")
	var apps []finding.Application
	for i := 0; i < 50; i++ {
		a := web45
		if i%2 == 1 {
			a = app48
		}
		a.Name = fmt.Sprintf("App%02d", i)
		apps = append(apps, a)
	}
	var eps []Endpoint
	for i := 0; i < 50; i++ {
		r := endpoint(fmt.Sprintf("e%02d.test:443", i), finding.TLS12, finding.TLS13)
		r.Suites = map[string][]string{"TLS1.2": {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"}}
		eps = append(eps, Endpoint{Result: r})
	}
	in := Input{Scan: &finding.Report{Applications: apps}, Policy: p, Now: now, Offer: model(p), Endpoints: eps}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := Evaluate(in)
		if len(d.Pairs) != 2500 {
			b.Fatal(len(d.Pairs))
		}
	}
}

func TestTLS13OnlyEndpoint(t *testing.T) {
	d := run(t, "tls12", []finding.Application{app48}, endpoint("new.test:443", finding.TLS13))
	pr := d.Pairs[0]
	if pr.Verdict != Incompatible {
		t.Fatalf("pair %s (%s)", pr.Verdict, pr.Reason)
	}
	last := pr.Fixes[len(pr.Fixes)-1]
	if pr.Fixes[0].Kind != "host" || !strings.Contains(pr.Fixes[0].Title, "Windows 11") || last.Sufficient && last.Kind != "host" {
		t.Errorf("fixes %+v", pr.Fixes)
	}
	for _, f := range d.Findings {
		if f.RuleID == "TLS201" && !strings.Contains(f.Fix, "Windows 11") {
			t.Errorf("fix text %q", f.Fix)
		}
	}
}

func TestCompatibleButUntrusted(t *testing.T) {
	r := endpoint("e.test:443", finding.TLS12)
	r.Certificate.ChainValid = false
	d := run(t, "tls12", []finding.Application{app48}, r)
	pr := d.Pairs[0]
	if pr.Verdict != Compatible || !strings.Contains(pr.Reason, "TLS103") || d.Verdict != Fail {
		t.Errorf("pair %s (%s), verdict %s", pr.Verdict, pr.Reason, d.Verdict)
	}
}

// An endpoint that accepts only a protocol below the policy minimum is
// fixed on the endpoint: the fix list names that, and says whether the
// application already offers the minimum (then it alone is enough).
func TestPolicyFailNamesEndpointFix(t *testing.T) {
	tls10only := endpoint("old.test:443", finding.TLS10)
	for _, tc := range []struct {
		name       string
		app        finding.Application
		sufficient bool
	}{
		{"4.8 app offers TLS 1.2 already", app48, true},
		{"4.5 web app offers only TLS 1.0", web45, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := run(t, "tls12", []finding.Application{tc.app}, tls10only)
			pr := d.Pairs[0]
			var ep *Fix
			for i := range pr.Fixes {
				if pr.Fixes[i].Kind == "endpoint" {
					ep = &pr.Fixes[i]
				}
			}
			if ep == nil {
				t.Fatalf("no endpoint fix in %+v", pr.Fixes)
			}
			if ep.Sufficient != tc.sufficient || !strings.Contains(ep.Title, "old.test:443") || !strings.Contains(ep.Title, "TLS 1.2") {
				t.Errorf("endpoint fix = %+v, want sufficient=%v naming old.test:443 and TLS 1.2", ep, tc.sufficient)
			}
			if tc.sufficient && pr.Fixes[0].Kind != "endpoint" {
				t.Errorf("first fix = %s, want the endpoint fix", pr.Fixes[0].Kind)
			}
			for _, f := range d.Findings {
				if f.RuleID == RuleForbiddenOnly && !strings.Contains(f.Fix, "old.test:443") {
					t.Errorf("TLS203 fix text %q does not name the endpoint", f.Fix)
				}
			}
		})
	}
}
