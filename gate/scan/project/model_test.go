package project

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
)

var (
	ssl3  = finding.SSL30
	tls10 = finding.TLS10
	tls11 = finding.TLS11
	tls12 = finding.TLS12
	tls13 = finding.TLS13
)

func TestVersion(t *testing.T) {
	for in, want := range map[string]int{"4.5.2": 40502, "v4.8": 40800, "4.0": 40000, "v2.0": 20000, "3.5": 30500, "4.7.1": 40701, "": 0, "x": 0, "4.100": 0} {
		if got := version(in); got != want {
			t.Errorf("version(%q) = %d, want %d", in, got, want)
		}
	}
	for in, want := range map[int]string{40502: "4.5.2", 40800: "4.8", 40000: "4.0", 30500: "3.5"} {
		if got := versionString(in); got != want {
			t.Errorf("versionString(%d) = %q, want %q", in, got, want)
		}
	}
}

// Each row of the §5.3 switch-default matrix.
func TestTargetMatrixRows(t *testing.T) {
	cases := []struct {
		target                           string
		strongOff, sysOff, wcfSPM, wcfOS bool
	}{
		{"4.0", true, true, true, true},
		{"4.5", true, true, true, true},
		{"4.5.1", true, true, true, true},
		{"4.5.2", true, true, true, true},
		{"4.6", false, true, true, true},
		{"4.6.1", false, true, true, true},
		{"4.6.2", false, true, true, true},
		{"4.7", false, false, false, true},
		{"4.7.1", false, false, false, false},
		{"4.7.2", false, false, false, false},
		{"4.8", false, false, false, false},
		{"4.8.1", false, false, false, false},
	}
	for _, c := range cases {
		r := rowFor(version(c.target))
		if r.DontStrong != c.strongOff || r.DontSysDflt != c.sysOff || r.WCFDisableSPM != c.wcfSPM || r.WCFDontSys != c.wcfOS {
			t.Errorf("target %s: row %+v, want strongOff=%t sysOff=%t wcfSPM=%t wcfOS=%t", c.target, r, c.strongOff, c.sysOff, c.wcfSPM, c.wcfOS)
		}
	}
}

// Each row of the §5.4 OS table.
func TestOSTableRows(t *testing.T) {
	cases := []struct {
		os             string
		dflt, explicit finding.ProtocolSet
	}{
		{"win7", finding.SetOf(ssl3, tls10), finding.SetOf(ssl3, tls10, tls11, tls12)},
		{"win81", finding.SetOf(ssl3, tls10, tls11, tls12), finding.SetOf(ssl3, tls10, tls11, tls12)},
		{"win10", finding.SetOf(tls10, tls11, tls12), finding.SetOf(tls10, tls11, tls12)},
		{"win11", finding.SetOf(tls10, tls11, tls12, tls13), finding.SetOf(tls10, tls11, tls12, tls13)},
	}
	if len(cases) != len(osTable) {
		t.Fatalf("osTable has %d rows, test covers %d", len(osTable), len(cases))
	}
	for _, c := range cases {
		r := osFor(c.os)
		if r.OS != c.os || r.Default != c.dflt || r.Usable != c.explicit {
			t.Errorf("%s: got default %s usable %s, want %s / %s", c.os, listOf(r.Default), listOf(r.Usable), listOf(c.dflt), listOf(c.explicit))
		}
	}
	if osFor("nonsense").OS != "win10" {
		t.Error("unknown OS should fall back to win10 (the CONTRACTS.md default host)")
	}
}

func netfx(target string) *finding.Application {
	return &finding.Application{Name: "App", Runtime: "netfx", EffectiveTarget: target}
}

func host(os string) policy.Host { return policy.Host{OS: os, DotNet: "4.8"} }

func sw(name string, v bool) finding.Switch { return finding.Switch{Name: name, Value: v} }

// The "Offered" column of §5.3 on Windows 10 1607+ / Server 2019 (and 11).
func TestOfferedMatrix(t *testing.T) {
	type tc struct {
		name   string
		app    *finding.Application
		host   policy.Host
		reg    RegistryState
		want   finding.ProtocolSet
		strong bool
	}
	withSw := func(a *finding.Application, s ...finding.Switch) *finding.Application { a.Switches = s; return a }
	withCode := func(a *finding.Application, cp finding.CodeProtocols) *finding.Application {
		a.CodeProtocols = &cp
		return a
	}
	cases := []tc{
		{"clr2 default", &finding.Application{Runtime: "clr2", EffectiveTarget: "3.5"}, host("win10"), RegistryState{}, finding.SetOf(tls10), false},
		{"clr2 SystemDefaultTlsVersions=1", &finding.Application{Runtime: "clr2", EffectiveTarget: "3.5"}, host("win10"), RegistryState{SystemDefaultTlsVersions2: u32(1)}, finding.SetOf(tls10, tls11, tls12), true},
		{"4.0 quirks", netfx("4.0"), host("win10"), RegistryState{}, finding.SetOf(tls10), false},
		{"4.5 win10", netfx("4.5"), host("win10"), RegistryState{}, finding.SetOf(tls10), false},
		{"4.5.2 win11", netfx("4.5.2"), host("win11"), RegistryState{}, finding.SetOf(tls10), false},
		{"4.5 win7 offers SSL3", netfx("4.5"), host("win7"), RegistryState{}, finding.SetOf(ssl3, tls10), false},
		{"4.5 SchUseStrongCrypto=1", netfx("4.5"), host("win10"), RegistryState{SchUseStrongCrypto: u32(1)}, finding.SetOf(tls10, tls11, tls12), true},
		{"4.5 SchUseStrongCrypto=1 win11", netfx("4.5"), host("win11"), RegistryState{SchUseStrongCrypto: u32(1)}, finding.SetOf(tls10, tls11, tls12, tls13), true},
		{"4.5 SystemDefaultTlsVersions=1", netfx("4.5"), host("win11"), RegistryState{SystemDefaultTlsVersions: u32(1)}, finding.SetOf(tls10, tls11, tls12, tls13), false},
		{"4.5 both switches false", withSw(netfx("4.5"), sw(swStrong, false), sw(swSysDefault, false)), host("win10"), RegistryState{}, finding.SetOf(tls10, tls11, tls12), true},
		{"4.5 switch but registry 0", withSw(netfx("4.5"), sw(swSysDefault, false)), host("win10"), RegistryState{SystemDefaultTlsVersions: u32(0)}, finding.SetOf(tls10), false},
		{"4.6.2 fixed list", netfx("4.6.2"), host("win10"), RegistryState{}, finding.SetOf(tls10, tls11, tls12), true},
		{"4.6.2 fixed list win11 (+TLS 1.3 on 4.8 servicing)", netfx("4.6.2"), host("win11"), RegistryState{}, finding.SetOf(tls10, tls11, tls12, tls13), true},
		{"4.6.2 SchUseStrongCrypto=0", netfx("4.6.2"), host("win10"), RegistryState{SchUseStrongCrypto: u32(0)}, finding.SetOf(tls10), false},
		{"4.7 OS default", netfx("4.7"), host("win10"), RegistryState{}, finding.SetOf(tls10, tls11, tls12), true},
		{"4.8 OS default win11", netfx("4.8"), host("win11"), RegistryState{}, finding.SetOf(tls10, tls11, tls12, tls13), true},
		{"4.8 win7 OS default", netfx("4.8"), host("win7"), RegistryState{}, finding.SetOf(ssl3, tls10), true},
		{"4.8 SystemDefaultTlsVersions=0", netfx("4.8"), host("win10"), RegistryState{SystemDefaultTlsVersions: u32(0)}, finding.SetOf(tls10, tls11, tls12), true},
		{"4.8 DontEnableSystemDefaultTlsVersions=true", withSw(netfx("4.8"), sw(swSysDefault, true)), host("win11"), RegistryState{}, finding.SetOf(tls10, tls11, tls12, tls13), true},
		{"4.8 pinned Tls11", withCode(netfx("4.8"), finding.CodeProtocols{Protocols: []finding.Protocol{tls11}}), host("win10"), RegistryState{}, finding.SetOf(tls11), true},
		{"4.8 |= Tls11 discards SystemDefault", withCode(netfx("4.8"), finding.CodeProtocols{Protocols: []finding.Protocol{tls11}, Additive: true}), host("win10"), RegistryState{}, finding.SetOf(tls11), true},
		{"4.5 |= Tls12 keeps Ssl3,Tls", withCode(netfx("4.5"), finding.CodeProtocols{Protocols: []finding.Protocol{tls12}, Additive: true}), host("win10"), RegistryState{}, finding.SetOf(tls10, tls12), false},
		{"4.5 code SystemDefault", withCode(netfx("4.5"), finding.CodeProtocols{SystemDefault: true}), host("win10"), RegistryState{}, finding.SetOf(tls10, tls11, tls12), false},
		{"4.5 Ssl3|Tls code", withCode(netfx("4.5"), finding.CodeProtocols{Protocols: []finding.Protocol{ssl3, tls10}}), host("win10"), RegistryState{}, finding.SetOf(tls10), false},
		{"win7 explicit Tls12 still works", withCode(netfx("4.5"), finding.CodeProtocols{Protocols: []finding.Protocol{tls12}}), host("win7"), RegistryState{}, finding.SetOf(tls12), false},
		{"4.8 with TLS 1.0/1.1 client disabled", netfx("4.8"), host("win10"), RegistryState{ClientEnabled: map[finding.Protocol]bool{tls10: false, tls11: false}}, finding.SetOf(tls12), true},
		{"4.5 with TLS 1.0 client disabled: nothing", netfx("4.5"), host("win10"), RegistryState{ClientEnabled: map[finding.Protocol]bool{tls10: false}}, 0, false},
		{"4.8 on a 4.5.2 runtime", netfx("4.8"), policy.Host{OS: "win10", DotNet: "4.5.2"}, RegistryState{}, finding.SetOf(tls10), false},
		{"powershell 5.1", &finding.Application{Runtime: "powershell", EffectiveTarget: "4.0"}, host("win10"), RegistryState{}, finding.SetOf(tls10), false},
		{"netcore", &finding.Application{Runtime: "netcore", EffectiveTarget: "net8.0"}, host("win11"), RegistryState{}, finding.SetOf(tls10, tls11, tls12, tls13), true},
	}
	for _, c := range cases {
		got, strong, steps := Offered(c.app, c.host, c.reg)
		if got != c.want || strong != c.strong {
			t.Errorf("%s: offered %s strong=%t, want %s strong=%t\n%s", c.name, listOf(got), strong, listOf(c.want), c.strong, stepsText(steps))
		}
		if len(steps) < 2 {
			t.Errorf("%s: evidence chain too short: %v", c.name, steps)
		}
	}
}

func stepsText(s []finding.Step) string {
	var b strings.Builder
	for _, st := range s {
		fmt.Fprintf(&b, "  %s %s\n", st.Location, st.Text)
	}
	return b.String()
}

func TestPackageState(t *testing.T) {
	p, _ := policy.Builtin("tls12")
	st := PackageState(p, host("win10"))
	if !isOne(st.SchUseStrongCrypto) || !isOne(st.SystemDefaultTlsVersions) || !isOne(st.SchUseStrongCrypto2) || !isOne(st.SystemDefaultTlsVersions2) {
		t.Errorf("tls12 package: strong crypto values not all 1: %+v", st)
	}
	for _, pr := range []finding.Protocol{finding.SSL20, ssl3, tls10, tls11} {
		if on, ok := st.ClientEnabled[pr]; !ok || on {
			t.Errorf("tls12 package should disable %s for clients", pr)
		}
	}
	if !st.ClientEnabled[tls12] {
		t.Error("tls12 package should enable TLS 1.2 for clients")
	}
	// The legacy 4.5 web app with the package: strong crypto + OS default, minus 1.0/1.1.
	got, strong, _ := Offered(netfx("4.0"), host("win10"), st)
	if got != finding.SetOf(tls12) || !strong {
		t.Errorf("4.0 app with tls12 package: %s strong=%t, want TLS 1.2 strong", listOf(got), strong)
	}
	got, _, _ = Offered(netfx("4.0"), host("win7"), st)
	if got != finding.SetOf(tls12) {
		t.Errorf("4.0 app with tls12 package on win7: %s, want TLS 1.2", listOf(got))
	}
	audit, _ := policy.Builtin("audit")
	if st := PackageState(audit, host("win10")); st.SchUseStrongCrypto != nil || st.ClientEnabled != nil {
		t.Errorf("audit package must change nothing: %+v", st)
	}
	compat, _ := policy.Builtin("compat")
	st = PackageState(compat, host("win7"))
	got, _, _ = Offered(netfx("4.5"), host("win7"), st)
	if got != finding.SetOf(tls10, tls11, tls12) {
		t.Errorf("compat on win7: %s, want TLS 1.0–1.2", listOf(got))
	}
	if PackageState(nil, host("win10")).SchUseStrongCrypto != nil {
		t.Error("nil policy must leave the registry alone")
	}
}

func TestOverlay(t *testing.T) {
	base := RegistryState{SchUseStrongCrypto: u32(0), ClientEnabled: map[finding.Protocol]bool{ssl3: true}}
	top := RegistryState{SchUseStrongCrypto: u32(1), ClientEnabled: map[finding.Protocol]bool{ssl3: false, tls12: true}}
	o := overlay(base, top)
	if !isOne(o.SchUseStrongCrypto) || o.ClientEnabled[ssl3] || !o.ClientEnabled[tls12] {
		t.Errorf("overlay: %+v", o)
	}
	if !base.ClientEnabled[ssl3] {
		t.Error("overlay modified its input")
	}
}

// When the package turns off every protocol the code pins, the step says
// so in words a reader understands.
func TestPinnedProtocolsAllOffStep(t *testing.T) {
	p, _ := policy.Builtin("tls12")
	app := netfx("4.8")
	app.CodeProtocols = &finding.CodeProtocols{Protocols: []finding.Protocol{tls11}, Location: finding.Location{Path: "Program.cs", StartLine: 12, StartCol: 13}}
	got, _, steps := Offered(app, host("win10"), PackageState(p, host("win10")))
	if got != 0 {
		t.Fatalf("offered %s, want nothing", listOf(got))
	}
	last := steps[len(steps)-1].Text
	if last != "code sets TLS 1.1; SChannel allows none of them" {
		t.Errorf("last step = %q", last)
	}
}
