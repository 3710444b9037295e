package verdict

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/probe"
)

const (
	swStrong = "Switch.System.Net.DontEnableSchUseStrongCrypto"
	swSysDef = "Switch.System.Net.DontEnableSystemDefaultTlsVersions"
)

var fixOrder = map[string]int{"code": 0, "switch": 1, "retarget": 2, "package": 3, "endpoint": 4, "host": 5}

// fixes computes the candidate fixes of a failing pair, each judged by
// re-running the application model with only that fix applied, and ranks
// them: fixes that alone make the pair work first, then code, switch,
// retarget, package.
func fixes(in Input, p *policy.Policy, app *finding.Application, r *probe.Result, offerOn func(*finding.Application, policy.Host, string) Offer) []Fix {
	offer := func(a *finding.Application, state string) Offer { return offerOn(a, p.Client, state) }
	shipped := offer(app, finding.StateAsShipped)
	var out []Fix
	try := func(f Fix, o Offer) {
		if o.Protocols == shipped.Protocols && f.Kind != "package" {
			return // does not change what the application offers
		}
		s := side(p, p.Client.OS, o, r)
		f.Result = s.Verdict
		f.Negotiated = s.Negotiated
		f.Sufficient = s.Verdict == Compatible
		out = append(out, f)
	}
	target := ver(app.EffectiveTarget)
	if target == 0 {
		target = 40000
	}
	runtime := ver(p.Client.DotNet)
	if runtime == 0 {
		runtime = 40800
	}

	// 1. The code that pins the protocols.
	if cp := app.CodeProtocols; cp != nil && !cp.SystemDefault {
		m := clone(app)
		loc := cp.Location
		f := Fix{Kind: "code", Location: &loc}
		switch {
		case app.Runtime == "powershell":
			m.CodeProtocols = &finding.CodeProtocols{Protocols: []finding.Protocol{finding.TLS12}, Location: loc}
			f.Title = "set [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12 instead"
		case app.Runtime == "clr2":
			m.CodeProtocols = &finding.CodeProtocols{Protocols: []finding.Protocol{finding.TLS12}, Location: loc}
			f.Title = "assign (SecurityProtocolType)3072 (TLS 1.2) instead; needs the KB3154518-family update on the host"
		case target >= 40700 || app.Runtime == "netcore":
			m.CodeProtocols = &finding.CodeProtocols{SystemDefault: true, Location: loc}
			f.Title = "remove the hard-coded protocols (or assign SecurityProtocolType.SystemDefault) so the OS chooses"
		default:
			m.CodeProtocols = &finding.CodeProtocols{Protocols: []finding.Protocol{finding.TLS12}, Location: loc}
			f.Title = "assign SecurityProtocolType.Tls12 instead (after retargeting to 4.7+, remove the line so the OS chooses)"
		}
		f.Detail = fmt.Sprintf("the assignment at %s decides the protocols and wins over switches and registry", loc)
		try(f, offer(m, finding.StateAsShipped))
	} else if app.CodeProtocols == nil && (app.Runtime == "powershell" || app.Runtime == "clr2") {
		m := clone(app)
		loc := finding.Location{Path: app.ProjectFile, StartLine: 1, StartCol: 1}
		m.CodeProtocols = &finding.CodeProtocols{Protocols: []finding.Protocol{finding.TLS12}, Location: loc}
		f := Fix{Kind: "code", Location: &loc}
		if app.Runtime == "powershell" {
			f.Title = "add [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12 before the first request"
		} else {
			f.Title = "assign ServicePointManager.SecurityProtocol = (SecurityProtocolType)3072 at start-up; needs the KB3154518-family update"
		}
		try(f, offer(m, finding.StateAsShipped))
	}

	// 2. AppContext switches (honoured by any 4.6+ runtime regardless of the target).
	if app.Runtime == "netfx" && runtime >= 40600 {
		m := clone(app)
		loc := switchLocation(app)
		m.Switches = setSwitch(m.Switches, swStrong, loc)
		m.Switches = setSwitch(m.Switches, swSysDef, loc)
		f := Fix{Kind: "switch", Location: &loc}
		if app.Kind == "web" {
			f.Title = fmt.Sprintf("add to <appSettings> in %s: <add key=\"AppContext.SetSwitch:%s\" value=\"false\" /> and <add key=\"AppContext.SetSwitch:%s\" value=\"false\" />", loc.Path, swStrong, swSysDef)
		} else {
			f.Title = fmt.Sprintf("add to <runtime> in %s: <AppContextSwitchOverrides value=\"%s=false;%s=false\" />", loc.Path, swStrong, swSysDef)
		}
		f.Detail = "turns on strong crypto and lets the OS choose the protocol versions without retargeting"
		try(f, offer(m, finding.StateAsShipped))
	}

	// 3. Retarget to 4.8.
	if app.Runtime == "netfx" && target < 40800 {
		m := clone(app)
		m.EffectiveTarget = "4.8"
		m.DeclaredTarget = "4.8"
		loc := retargetLocation(app)
		f := Fix{Kind: "retarget", Location: &loc}
		if app.Kind == "web" {
			f.Title = fmt.Sprintf("set <httpRuntime targetFramework=\"4.8\" /> in %s (ASP.NET reads its quirks mode from there, not from the project)", loc.Path)
		} else {
			f.Title = fmt.Sprintf("retarget to .NET Framework 4.8: <TargetFrameworkVersion>v4.8</TargetFrameworkVersion> in %s", loc.Path)
		}
		f.Detail = "a 4.7+ target uses SystemDefault: the OS chooses the versions"
		try(f, offer(m, finding.StateAsShipped))
	}

	// 4. The registry package.
	ref := in.PolicyRef
	if ref == "" {
		ref = p.Name
	}
	f := Fix{Kind: "package",
		Title:   fmt.Sprintf("apply the tlsgate registry package for policy %s on the hosts", ref),
		Command: fmt.Sprintf("tlsgate gen --policy %s --os %s --out tlsgate-package", ref, p.Client.OS),
		Detail:  "sets SchUseStrongCrypto and SystemDefaultTlsVersions (and the SChannel client protocols) machine-wide; restart the application afterwards"}
	try(f, offer(app, finding.StateWithPackage))

	// 5. The endpoint: when the pair connects only below the policy
	// minimum, the endpoint must accept the minimum. That alone is enough
	// when the application already offers a protocol at or above it.
	if s0 := side(p, p.Client.OS, shipped, r); s0.Verdict == PolicyFail {
		out = append(out, endpointFix(p, shipped, r))
	}

	// 6. A newer host: only when nothing on the application's side is
	// enough (an endpoint that needs TLS 1.3, or suites an old SChannel
	// lacks), name the oldest OS family that would work as shipped.
	enough := false
	for _, f := range out {
		enough = enough || f.Sufficient
	}
	if !enough {
		families := policy.OSFamilies()
		cur := indexOf(families, p.Client.OS)
		for _, os := range families[cur+1:] {
			host := policy.Host{OS: os, DotNet: p.Client.DotNet}
			if ver(host.DotNet) < 40800 {
				host.DotNet = "4.8"
			}
			o := offerOn(app, host, finding.StateAsShipped)
			s := side(p, os, o, r)
			if s.Verdict != Compatible {
				continue
			}
			name := fam(os)
			out = append(out, Fix{Kind: "host", Sufficient: true, Result: s.Verdict, Negotiated: s.Negotiated,
				Title:  fmt.Sprintf("run the application on %s (its SChannel has what the endpoint needs)", name),
				Detail: fmt.Sprintf("on %s with .NET Framework %s the pair %s", name, host.DotNet, s.Reason)})
			break
		}
	}

	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Sufficient != out[j].Sufficient {
			return out[i].Sufficient
		}
		return fixOrder[out[i].Kind] < fixOrder[out[j].Kind]
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// fixSummary is the Finding.Fix text: the best fix and which fixes alone
// make the pair work, or, when none does, what the endpoint would need.
func fixSummary(fs []Fix, endpoint string) string {
	var ok []string
	for _, f := range fs {
		if f.Sufficient {
			ok = append(ok, f.Kind)
		}
	}
	if len(ok) == 0 {
		msg := "no change on the application's side is enough on this host"
		if endpoint != "" {
			msg += "; " + endpoint
		}
		return msg
	}
	best := fs[0]
	where := ""
	if best.Location != nil && best.Location.Path != "" {
		where = " (" + best.Location.String() + ")"
	}
	if len(ok) == 1 {
		msg := fmt.Sprintf("%s%s; only this fix alone makes the pair work", best.Title, where)
		if ok[0] == "host" && endpoint != "" {
			msg += "; " + endpoint
		}
		return msg
	}
	return fmt.Sprintf("%s%s; each of these alone makes the pair work: %s", best.Title, where, strings.Join(ok, ", "))
}

// endpointAdvice says what the endpoint would have to accept for the pair
// to work as shipped.
func endpointAdvice(p *policy.Policy, o Offer, r *probe.Result, s Side) string {
	switch {
	case s.Verdict == PolicyFail:
		return fmt.Sprintf("the endpoint %s must accept %s or later (the policy minimum), and the application must offer it", r.Target, p.MinVersion)
	case len(s.Common) == 0 && o.Protocols != 0:
		hi := highest(o.Protocols)
		if hi < p.MinVersion {
			return ""
		}
		return fmt.Sprintf("or make the endpoint accept %s", hi)
	case s.Negotiated != nil:
		key := ""
		if r.Certificate != nil {
			key = strings.ToUpper(r.Certificate.KeyType)
		}
		for _, c := range clientOffers(p.Client.OS, o.StrongCrypto, *s.Negotiated) {
			f := factsOf(c.Name)
			if f.cipher == "AEAD" && (key == "" || f.auth == key) || f.kex == "ECDHE" && (key == "" || f.auth == key) {
				return fmt.Sprintf("or add a suite the client offers to the endpoint, e.g. %s", c.Name)
			}
		}
	}
	return ""
}

// endpointFix is the fix of a pair that connects only below the policy
// minimum: make the endpoint accept the minimum (or the highest protocol
// the application offers above it), with a suite the client offers.
func endpointFix(p *policy.Policy, o Offer, r *probe.Result) Fix {
	want := p.MinVersion
	above := finding.ProtocolSet(0)
	for _, q := range o.Protocols.List() {
		if q >= p.MinVersion {
			above = above.With(q)
		}
	}
	if above != 0 {
		want = highest(above)
	}
	f := Fix{Kind: "endpoint", Sufficient: above != 0}
	f.Title = fmt.Sprintf("enable %s on the endpoint %s (the policy minimum is %s; it accepts only %s)", want, r.Target, p.MinVersion, names(r.Accepts()))
	if above != 0 {
		f.Result = Compatible
		w := want
		f.Negotiated = &w
		f.Detail = fmt.Sprintf("the application already offers %s; the endpoint also needs a cipher suite the client offers", names(above))
		key := ""
		if r.Certificate != nil {
			key = strings.ToUpper(r.Certificate.KeyType)
		}
		for _, c := range clientOffers(p.Client.OS, o.StrongCrypto, want) {
			if ft := factsOf(c.Name); ft.kex == "ECDHE" && ft.cipher == "AEAD" && (key == "" || ft.auth == key) {
				f.Detail += ", e.g. " + c.Name
				break
			}
		}
	} else {
		f.Result = PolicyFail
		f.Detail = fmt.Sprintf("not enough alone: the application offers only %s here, so it also needs one of the application fixes that makes it offer %s", names(o.Protocols), p.MinVersion)
	}
	return f
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return len(list) - 1
}

func clone(app *finding.Application) *finding.Application {
	m := *app
	m.Switches = append([]finding.Switch(nil), app.Switches...)
	return &m
}

func setSwitch(sw []finding.Switch, name string, loc finding.Location) []finding.Switch {
	out := sw[:0:0]
	for _, s := range sw {
		if !strings.EqualFold(s.Name, name) {
			out = append(out, s)
		}
	}
	return append(out, finding.Switch{Name: name, Value: false, Location: loc})
}

// switchLocation is where a switch override goes: next to an existing
// switch, else the application's (first) configuration file.
func switchLocation(app *finding.Application) finding.Location {
	for _, s := range app.Switches {
		if s.Location.Path != "" {
			return s.Location
		}
	}
	if len(app.Configs) > 0 {
		cfgs := append([]string(nil), app.Configs...)
		sort.SliceStable(cfgs, func(i, j int) bool { return len(cfgs[i]) < len(cfgs[j]) })
		return finding.Location{Path: cfgs[0]}
	}
	name := "App.config"
	if app.Kind == "web" {
		name = "Web.config"
	}
	return finding.Location{Path: path.Join(path.Dir(app.ProjectFile), name)}
}

// retargetLocation is the line that decides the effective target.
func retargetLocation(app *finding.Application) finding.Location {
	want := "TargetFramework"
	if app.Kind == "web" {
		want = "httpRuntime"
	}
	for _, s := range app.Evidence {
		if s.Location.Path != "" && strings.Contains(s.Text, want) {
			return s.Location
		}
	}
	if app.Kind == "web" {
		return switchLocation(app)
	}
	return finding.Location{Path: app.ProjectFile}
}

// ver turns "4.7.2" into 40702 (0 when unparsable).
func ver(s string) int {
	s = strings.TrimPrefix(strings.TrimSpace(strings.ToLower(s)), "v")
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return 0
	}
	n := 0
	for i := 0; i < 3; i++ {
		v := 0
		if i < len(parts) {
			x, err := strconv.Atoi(parts[i])
			if err != nil {
				return 0
			}
			v = x
		}
		n = n*100 + v
	}
	return n
}
