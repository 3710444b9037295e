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

var fixOrder = map[string]int{"code": 0, "switch": 1, "retarget": 2, "package": 3}

// fixes computes the candidate fixes of a failing pair, each judged by
// re-running the application model with only that fix applied, and ranks
// them: fixes that alone make the pair work first, then code, switch,
// retarget, package.
func fixes(in Input, p *policy.Policy, app *finding.Application, r *probe.Result, offer func(*finding.Application, string) Offer) []Fix {
	shipped := offer(app, finding.StateAsShipped)
	var out []Fix
	try := func(f Fix, o Offer) {
		if o.Protocols == shipped.Protocols && f.Kind != "package" {
			return // does not change what the application offers
		}
		s := side(p, o, r)
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

// fixSummary is the Finding.Fix text: the best fix, and which fixes alone
// make the pair work.
func fixSummary(fs []Fix) string {
	var ok []string
	for _, f := range fs {
		if f.Sufficient {
			ok = append(ok, f.Kind)
		}
	}
	if len(fs) == 0 {
		return "no change on the application side makes this pair work; upgrade the endpoint"
	}
	best := fs[0]
	where := ""
	if best.Location != nil && best.Location.Path != "" {
		where = " (" + best.Location.String() + ")"
	}
	if len(ok) == 0 {
		return "no single fix is enough; best start: " + best.Title + where
	}
	return fmt.Sprintf("%s%s; each of these alone makes the pair work: %s", best.Title, where, strings.Join(ok, ", "))
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
