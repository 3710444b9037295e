package project

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
)

// Switch names (detection-rules.md TLS007/TLS008).
const (
	swStrong      = "Switch.System.Net.DontEnableSchUseStrongCrypto"
	swSysDefault  = "Switch.System.Net.DontEnableSystemDefaultTlsVersions"
	swWCFSPM      = "Switch.System.ServiceModel.DisableUsingServicePointManagerSecurityProtocols"
	swWCFSysDeflt = "Switch.System.ServiceModel.DontEnableSystemDefaultTlsVersions"
)

// weakeningSwitches maps the switches that weaken TLS when set to true to the
// severity of doing so.
var weakeningSwitches = map[string]finding.Severity{
	strings.ToLower(swStrong):      finding.Error,
	strings.ToLower(swWCFSPM):      finding.Error,
	strings.ToLower(swSysDefault):  finding.Warning,
	strings.ToLower(swWCFSysDeflt): finding.Warning,
}

func canonicalSwitch(name string) string {
	for _, s := range []string{swStrong, swSysDefault, swWCFSPM, swWCFSysDeflt} {
		if strings.EqualFold(s, name) {
			return s
		}
	}
	return name
}

// version parses "4.5.2", "v4.5.2", "4.8" into major*10000+minor*100+build
// (the form AppContextDefaultValues compares against); 0 when unparsable.
func version(s string) int {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "v"), "V")
	if s == "" {
		return 0
	}
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		parts = parts[:3]
	}
	v := 0
	mul := []int{10000, 100, 1}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 99 {
			return 0
		}
		v += n * mul[i]
	}
	return v
}

// versionString renders 40502 as "4.5.2" and 40800 as "4.8".
// targetAndRuntime returns the application's effective target and the
// host's .NET Framework runtime as version numbers (major*10000+minor*100+build):
// no target attribute means 4.0 quirks, an unknown runtime means 4.8.
func targetAndRuntime(app *finding.Application, host policy.Host) (target, runtime int) {
	target, runtime = version(app.EffectiveTarget), version(host.DotNet)
	if target == 0 {
		target = 40000
	}
	if runtime == 0 {
		runtime = 40800
	}
	return target, runtime
}

func versionString(v int) string {
	s := fmt.Sprintf("%d.%d", v/10000, v/100%100)
	if v%100 != 0 {
		s += fmt.Sprintf(".%d", v%100)
	}
	return s
}

// targetRow is one row of the §5.3 matrix: the AppContext switch defaults
// the 4.x runtime derives from the effective target.
type targetRow struct {
	Max           int    // rows apply to targets ≤ Max (first match)
	Label         string // as in the catalogue
	DontStrong    bool   // Switch.System.Net.DontEnableSchUseStrongCrypto
	DontSysDflt   bool   // Switch.System.Net.DontEnableSystemDefaultTlsVersions
	WCFDisableSPM bool   // Switch.System.ServiceModel.DisableUsingServicePointManagerSecurityProtocols
	WCFDontSys    bool   // Switch.System.ServiceModel.DontEnableSystemDefaultTlsVersions
}

// targetMatrix is detection-rules.md §5.3 for the .NET Framework 4.x runtime
// (AppContextDefaultValues.Defaults.cs: ≤ 40502 strong crypto off, ≤ 40602
// OS default off; WCF: ≤ 40602 SPM protocols not used, ≤ 40700 no OS default).
var targetMatrix = []targetRow{
	{Max: 40000, Label: "4.0 (or no target attribute)", DontStrong: true, DontSysDflt: true, WCFDisableSPM: true, WCFDontSys: true},
	{Max: 40502, Label: "4.5–4.5.2", DontStrong: true, DontSysDflt: true, WCFDisableSPM: true, WCFDontSys: true},
	{Max: 40602, Label: "4.6–4.6.2", DontStrong: false, DontSysDflt: true, WCFDisableSPM: true, WCFDontSys: true},
	{Max: 40700, Label: "4.7", DontStrong: false, DontSysDflt: false, WCFDisableSPM: false, WCFDontSys: true},
	{Max: 1 << 30, Label: "4.7.1+", DontStrong: false, DontSysDflt: false, WCFDisableSPM: false, WCFDontSys: false},
}

func rowFor(v int) targetRow {
	for _, r := range targetMatrix {
		if v <= r.Max {
			return r
		}
	}
	return targetMatrix[len(targetMatrix)-1]
}

// osRow is one row of the §5.4 / windows-tls-settings §3.1 table: the
// SChannel client protocols on an OS family with no registry values set.
// Default is what SystemDefault (the OS default) offers; Usable is what an
// explicit request can still get (Windows 7: TLS 1.1/1.2 are installed but
// DisabledByDefault for clients, so an explicit Tls12 works).
type osRow struct {
	OS      string
	Name    string
	Default finding.ProtocolSet
	Usable  finding.ProtocolSet
}

var osTable = []osRow{
	{OS: "win7", Name: "Windows 7 SP1 / Server 2008 R2",
		Default: finding.SetOf(finding.SSL30, finding.TLS10),
		Usable:  finding.SetOf(finding.SSL30, finding.TLS10, finding.TLS11, finding.TLS12)},
	{OS: "win81", Name: "Windows 8.1 / Server 2012 R2",
		Default: finding.SetOf(finding.SSL30, finding.TLS10, finding.TLS11, finding.TLS12),
		Usable:  finding.SetOf(finding.SSL30, finding.TLS10, finding.TLS11, finding.TLS12)},
	{OS: "win10", Name: "Windows 10 1607+ / Server 2016 / 2019",
		Default: finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12),
		Usable:  finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12)},
	{OS: "win11", Name: "Windows 11 / Server 2022 / 2025",
		Default: finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12, finding.TLS13),
		Usable:  finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12, finding.TLS13)},
}

func osFor(os string) osRow {
	for _, r := range osTable {
		if r.OS == os {
			return r
		}
	}
	return osTable[2] // win10: the CONTRACTS.md default host
}

func osName(os string) string { return osFor(os).Name }

// RegistryState is what the host's registry says (unset fields = value absent).
type RegistryState struct {
	// v4.0.30319
	SchUseStrongCrypto, SystemDefaultTlsVersions *uint32
	// v2.0.50727
	SchUseStrongCrypto2, SystemDefaultTlsVersions2 *uint32
	// ClientEnabled is the SChannel Client Enabled/DisabledByDefault outcome
	// per protocol; nil (or a missing key) = the OS default.
	ClientEnabled map[finding.Protocol]bool
}

func u32(v uint32) *uint32 { return &v }

func isOne(p *uint32) bool  { return p != nil && *p == 1 }
func isZero(p *uint32) bool { return p != nil && *p == 0 }

// schannelClient returns the client protocols usable by default and on
// explicit request on host under reg.
func schannelClient(host policy.Host, reg RegistryState) (dflt, usable finding.ProtocolSet) {
	row := osFor(host.OS)
	dflt, usable = row.Default, row.Usable
	for p, on := range reg.ClientEnabled {
		bit := finding.SetOf(p)
		if on {
			if p == finding.TLS13 && !row.Usable.Has(finding.TLS13) {
				continue // not implemented before Windows 11 / Server 2022
			}
			dflt |= bit
			usable |= bit
		} else {
			dflt &^= bit
			usable &^= bit
		}
	}
	return dflt, usable
}

var (
	spmWeakDefault = finding.SetOf(finding.SSL30, finding.TLS10)
	spmStrongList  = finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12)
)

// Offered computes the protocols app will offer on host with the registry
// state, whether the runtime passes SCH_USE_STRONG_CRYPTO, and the evidence
// chain (detection-rules.md §5.2).
func Offered(app *finding.Application, host policy.Host, reg RegistryState) (finding.ProtocolSet, bool, []finding.Step) {
	host = normHost(host)
	dflt, usable := schannelClient(host, reg)
	var steps []finding.Step
	say := func(format string, args ...any) {
		steps = append(steps, finding.Step{Text: fmt.Sprintf(format, args...)})
	}
	at := func(l finding.Location, format string, args ...any) {
		steps = append(steps, finding.Step{Location: l, Text: fmt.Sprintf(format, args...)})
	}
	say("assumed host: %s, .NET Framework %s; SChannel client default %s", host.OSName, host.DotNet, listOf(dflt))
	for _, p := range finding.Protocols {
		if on, ok := reg.ClientEnabled[p]; ok {
			say("registry: SCHANNEL %s client %s", p, map[bool]string{true: "enabled", false: "disabled"}[on])
		}
	}
	osDefault := func(why string) (finding.ProtocolSet, bool, []finding.Step) {
		say("%s ⇒ the OS decides (SystemDefault): %s", why, listOf(dflt))
		return dflt, true, steps
	}
	explicit := func(set finding.ProtocolSet, why string) finding.ProtocolSet {
		got := set & usable
		say("%s ⇒ requests %s; SChannel on this host allows %s", why, listOf(set), listOf(got))
		return got
	}
	switch app.Runtime {
	case "netcore":
		if cp := app.CodeProtocols; cp != nil && !cp.SystemDefault && !cp.Additive && len(cp.Protocols) > 0 {
			at(cp.Location, "code sets the protocols")
			got := explicit(finding.SetOf(cp.Protocols...), ".NET (Core) with explicit protocols")
			return got, true, steps
		}
		return osDefault(".NET (Core) / .NET 5+ leaves the protocol choice to the OS")
	case "native":
		return osDefault("native code without an explicit protocol mask")
	case "clr2":
		sys := isOne(reg.SystemDefaultTlsVersions2)
		strong := isOne(reg.SchUseStrongCrypto2)
		if cp := app.CodeProtocols; cp != nil {
			return codeWins(app, cp, spmWeakDefault, sys, strong, dflt, usable, steps)
		}
		if sys {
			say("registry v2.0.50727 SystemDefaultTlsVersions=1")
			return osDefault("CLR 2 with SystemDefaultTlsVersions=1")
		}
		say("CLR 2 (.NET 2.0–3.5) default Ssl3, Tls; registry v2.0.50727 SystemDefaultTlsVersions not 1")
		got := explicit(spmWeakDefault, "default Ssl3, Tls")
		return got, false, steps
	}
	// .NET Framework 4.x (and Windows PowerShell 5.1, a native host ⇒ 4.0).
	tv, rt := targetAndRuntime(app, host)
	strong, sys := netfxSwitches(app, tv, rt, reg, say, at)
	base := spmWeakDefault
	switch {
	case sys:
	case strong:
		base = spmStrongList
		if rt >= 40800 {
			base = base.With(finding.TLS13)
		}
	}
	if cp := app.CodeProtocols; cp != nil {
		return codeWins(app, cp, base, sys, strong, dflt, usable, steps)
	}
	switch {
	case sys:
		p, _, st := osDefault("default SecurityProtocol SystemDefault")
		return p, strong, st
	case strong:
		got := explicit(base, "strong crypto on, OS default off: fixed list")
		return got, true, steps
	}
	got := explicit(base, "strong crypto off, OS default off: default Ssl3, Tls")
	return got, false, steps
}

// codeWins applies an explicit ServicePointManager.SecurityProtocol choice
// (§5.2 step 5).
func codeWins(app *finding.Application, cp *finding.CodeProtocols, base finding.ProtocolSet, sys, strong bool, dflt, usable finding.ProtocolSet, steps []finding.Step) (finding.ProtocolSet, bool, []finding.Step) {
	code := finding.SetOf(cp.Protocols...)
	var got finding.ProtocolSet
	var text string
	switch {
	case cp.SystemDefault && app.Runtime != "clr2":
		got = dflt
		text = "code assigns SystemDefault ⇒ the OS decides: " + listOf(got)
	case cp.Additive && sys && app.Runtime != "clr2":
		// SystemDefault is 0: OR-ing replaces "OS decides" with exactly X.
		got = code & usable
		text = fmt.Sprintf("code ORs %s into SystemDefault (0) ⇒ exactly %s; SChannel allows %s", listOf(code), listOf(code), allows(got))
	case cp.Additive:
		want := base | code
		got = want & usable
		text = fmt.Sprintf("code ORs %s into the default %s ⇒ %s; SChannel allows %s", listOf(code), listOf(base), listOf(want), allows(got))
	default:
		got = code & usable
		text = fmt.Sprintf("code sets %s; SChannel allows %s", listOf(code), allows(got))
	}
	steps = append(steps, finding.Step{Location: cp.Location, Text: text})
	if app.Runtime == "clr2" {
		strong = strong && code&finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12) != 0
	}
	return got, strong, steps
}

// allows names what SChannel lets through of the protocols the code asked
// for: "none of them" when nothing is left.
func allows(s finding.ProtocolSet) string {
	if s == 0 {
		return "none of them"
	}
	return listOf(s)
}

func listOf(s finding.ProtocolSet) string {
	l := s.List()
	if len(l) == 0 {
		return "nothing (no protocol in common)"
	}
	parts := make([]string, len(l))
	for i, p := range l {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

// PackageState returns the registry state a tlsgate package for policy p
// leaves on host: StrongCrypto ⇒ SchUseStrongCrypto and
// SystemDefaultTlsVersions = 1 under both framework keys; the SChannel
// client protocols it disables and enables. An audit-only package changes
// nothing.
func PackageState(p *policy.Policy, host policy.Host) RegistryState {
	var st RegistryState
	if p == nil || p.Package.AuditOnly {
		return st
	}
	host = normHost(host)
	if p.Package.StrongCrypto {
		st.SchUseStrongCrypto, st.SystemDefaultTlsVersions = u32(1), u32(1)
		st.SchUseStrongCrypto2, st.SystemDefaultTlsVersions2 = u32(1), u32(1)
	}
	usable := osFor(host.OS).Usable
	for _, pr := range p.Package.EnableClient {
		if pr == finding.TLS13 && !usable.Has(finding.TLS13) {
			continue
		}
		if st.ClientEnabled == nil {
			st.ClientEnabled = map[finding.Protocol]bool{}
		}
		st.ClientEnabled[pr] = true
	}
	for _, pr := range p.Package.DisableClient {
		if st.ClientEnabled == nil {
			st.ClientEnabled = map[finding.Protocol]bool{}
		}
		st.ClientEnabled[pr] = false
	}
	return st
}

// overlay returns base with every value set in top replacing base's.
func overlay(base, top RegistryState) RegistryState {
	out := base
	if top.SchUseStrongCrypto != nil {
		out.SchUseStrongCrypto = top.SchUseStrongCrypto
	}
	if top.SystemDefaultTlsVersions != nil {
		out.SystemDefaultTlsVersions = top.SystemDefaultTlsVersions
	}
	if top.SchUseStrongCrypto2 != nil {
		out.SchUseStrongCrypto2 = top.SchUseStrongCrypto2
	}
	if top.SystemDefaultTlsVersions2 != nil {
		out.SystemDefaultTlsVersions2 = top.SystemDefaultTlsVersions2
	}
	if len(base.ClientEnabled)+len(top.ClientEnabled) > 0 {
		out.ClientEnabled = map[finding.Protocol]bool{}
		for k, v := range base.ClientEnabled {
			out.ClientEnabled[k] = v
		}
		for k, v := range top.ClientEnabled {
			out.ClientEnabled[k] = v
		}
	}
	return out
}

// netfxSwitches resolves strong crypto and the OS default for a 4.x app
// (§5.2 steps 1–2): switch defaults from the target, overrides, registry.
func netfxSwitches(app *finding.Application, tv, rt int, reg RegistryState, say func(string, ...any), at func(finding.Location, string, ...any)) (strong, sys bool) {
	row := rowFor(tv)
	dontStrong, dontSys := row.DontStrong, row.DontSysDflt
	say("effective target %s ⇒ switch defaults DontEnableSchUseStrongCrypto=%t, DontEnableSystemDefaultTlsVersions=%t", versionString(tv), dontStrong, dontSys)
	if rt < 40600 {
		say(".NET Framework %s runtime: AppContext switches and the OS default are not available", versionString(rt))
		dontStrong, dontSys = true, true
	} else {
		for _, s := range app.Switches {
			switch {
			case strings.EqualFold(s.Name, swStrong):
				dontStrong = s.Value
				at(s.Location, "%s=%t", swStrong, s.Value)
			case strings.EqualFold(s.Name, swSysDefault):
				dontSys = s.Value
				at(s.Location, "%s=%t", swSysDefault, s.Value)
			}
		}
	}
	strong = !dontStrong
	switch {
	case dontStrong && isOne(reg.SchUseStrongCrypto):
		strong = true
		say("registry SchUseStrongCrypto=1 ⇒ strong crypto on")
	case !dontStrong && isZero(reg.SchUseStrongCrypto):
		strong = false
		say("registry SchUseStrongCrypto=0 ⇒ strong crypto off")
	}
	sys = !dontSys
	if rt < 40600 {
		sys = false
	} else {
		switch {
		case dontSys && isOne(reg.SystemDefaultTlsVersions):
			sys = true
			say("registry SystemDefaultTlsVersions=1 ⇒ OS default on")
		case !dontSys && isZero(reg.SystemDefaultTlsVersions):
			sys = false
			say("registry SystemDefaultTlsVersions=0 ⇒ OS default off")
		}
	}
	return strong, sys
}

func quiet(string, ...any)                     {}
func quietAt(finding.Location, string, ...any) {}
