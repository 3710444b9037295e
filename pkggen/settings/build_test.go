package settings

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
)

func builtin(t *testing.T, name string) *policy.Policy {
	t.Helper()
	p, ok := policy.Builtin(name)
	if !ok {
		t.Fatalf("no built-in policy %s", name)
	}
	return p
}

// find returns the setting at full key (with Wow6432Node for view 32) and name.
func find(p Plan, fullKey, name string) (Setting, bool) {
	for _, s := range p.Settings {
		if strings.EqualFold(s.FullKey(), fullKey) && s.Name == name {
			return s, true
		}
	}
	return Setting{}, false
}

const (
	net4    = `HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319`
	net4x86 = `HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319`
	net2    = `HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727`
	net2x86 = `HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v2.0.50727`
	whttp   = `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp`
	whttp32 = `HKLM\SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp`
	winet   = `HKLM\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings`
	sch     = `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL`
)

func proto(p, role string) string { return sch + `\Protocols\` + p + `\` + role }

// row is one expected registry value: present with value, or absent (-1).
type row struct {
	key, name string
	value     int64 // -1 = must not be set
	reboot    bool
}

func TestBuildRows(t *testing.T) {
	dotnet := func(v int64) []row {
		var rs []row
		for _, k := range []string{net4, net4x86, net2, net2x86} {
			rs = append(rs, row{k, "SchUseStrongCrypto", v, false}, row{k, "SystemDefaultTlsVersions", v, false})
		}
		return rs
	}
	off := func(p, role string) []row {
		return []row{{proto(p, role), "Enabled", 0, true}, {proto(p, role), "DisabledByDefault", 1, true}}
	}
	on := func(p, role string) []row {
		return []row{{proto(p, role), "Enabled", 1, true}, {proto(p, role), "DisabledByDefault", 0, true}}
	}
	absent := func(p, role string) []row {
		return []row{{proto(p, role), "Enabled", -1, false}, {proto(p, role), "DisabledByDefault", -1, false}}
	}
	ciphers := []row{
		{sch + `\Ciphers\NULL`, "Enabled", 0, true},
		{sch + `\Ciphers\DES 56/56`, "Enabled", 0, true},
		{sch + `\Ciphers\RC4 40/128`, "Enabled", 0, true},
		{sch + `\Ciphers\RC4 56/128`, "Enabled", 0, true},
		{sch + `\Ciphers\RC4 64/128`, "Enabled", 0, true},
		{sch + `\Ciphers\RC4 128/128`, "Enabled", 0, true},
		{sch + `\Ciphers\Triple DES 168`, "Enabled", 0, true},
	}
	strictOnly := []row{
		{sch + `\Ciphers\RC2 40/128`, "Enabled", 0, true},
		{sch + `\Ciphers\RC2 56/128`, "Enabled", 0, true},
		{sch + `\Ciphers\RC2 128/128`, "Enabled", 0, true},
		{sch + `\Hashes\MD5`, "Enabled", 0, true},
	}
	cat := func(parts ...[]row) []row {
		var out []row
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		policy, os string
		count      int
		rows       []row
	}{
		// tls12 on Windows 7: TLS 1.2 must be switched on for client and
		// server, and WinHTTP needs DefaultSecureProtocols (TLS 1.2 only).
		{"tls12", "win7", 38, cat(dotnet(1),
			[]row{{whttp, "DefaultSecureProtocols", 0x800, true}, {whttp32, "DefaultSecureProtocols", 0x800, true}},
			[]row{{winet, "SecureProtocols", 0x800, false}},
			off("SSL 2.0", "Client"), off("SSL 3.0", "Server"), off("TLS 1.0", "Client"), off("TLS 1.0", "Server"),
			off("TLS 1.1", "Client"), off("TLS 1.1", "Server"), on("TLS 1.2", "Client"), on("TLS 1.2", "Server"),
			absent("TLS 1.3", "Client"), ciphers)},
		// 8.1 / 10: TLS 1.2 is on by default but written anyway (repairs a
		// host where another tool turned it off); no WinHTTP value.
		{"tls12", "win81", 36, cat(dotnet(1), []row{{whttp, "DefaultSecureProtocols", -1, false}, {whttp32, "DefaultSecureProtocols", -1, false}},
			[]row{{winet, "SecureProtocols", 0x800, false}}, off("TLS 1.1", "Client"), on("TLS 1.2", "Client"), on("TLS 1.2", "Server"), ciphers)},
		{"tls12", "win10", 36, cat(dotnet(1), []row{{whttp, "DefaultSecureProtocols", -1, false}},
			[]row{{winet, "SecureProtocols", 0x800, false}}, off("TLS 1.0", "Server"), on("TLS 1.2", "Client"), absent("TLS 1.3", "Client"), ciphers)},
		// 11 / 2022: never cap below the OS default: WinINet keeps TLS 1.3,
		// WinHTTP is left alone, TLS 1.3 keys are never written.
		{"tls12", "win11", 36, cat(dotnet(1), []row{{whttp, "DefaultSecureProtocols", -1, false}, {whttp32, "DefaultSecureProtocols", -1, false}},
			[]row{{winet, "SecureProtocols", 0x2800, false}}, off("TLS 1.1", "Server"), on("TLS 1.2", "Server"), absent("TLS 1.3", "Client"), absent("TLS 1.3", "Server"), ciphers)},
		// strict = tls12 plus the RC2 ciphers and the MD5 hash (§2.7's
		// typical hardened setting; no TLS 1.2 peer needs them).
		{"strict", "win11", 36 + 3 + 1, cat(dotnet(1), []row{{winet, "SecureProtocols", 0x2800, false}}, off("TLS 1.0", "Client"), ciphers, strictOnly)},
		{"strict", "win7", 38 + 3 + 1, cat(dotnet(1), on("TLS 1.2", "Client"), ciphers, strictOnly)},
		{"tls12", "win10", 36, []row{{sch + `\Hashes\MD5`, "Enabled", -1, false}, {sch + `\Ciphers\RC2 40/128`, "Enabled", -1, false}}},
		// compat: TLS 1.0/1.1 stay; on Windows 7 TLS 1.1/1.2 are switched on
		// and WinHTTP gets TLS 1.0 + 1.1 + 1.2 (0xA80).
		{"compat", "win7", 8 + 2 + 1 + 8 + 4 + 4, cat(dotnet(1),
			[]row{{whttp, "DefaultSecureProtocols", 0xA80, true}, {whttp32, "DefaultSecureProtocols", 0xA80, true}},
			[]row{{winet, "SecureProtocols", 0xA80, false}},
			off("SSL 2.0", "Client"), off("SSL 3.0", "Client"), off("SSL 2.0", "Server"), off("SSL 3.0", "Server"),
			on("TLS 1.1", "Client"), on("TLS 1.2", "Client"), absent("TLS 1.0", "Client"),
			[]row{{sch + `\Ciphers\RC4 128/128`, "Enabled", -1, false}})},
		// compat on 10/11 changes no client protocol there (SSL is off by
		// default), so WinINet is left alone: writing 0xA80 would turn TLS
		// 1.0/1.1 back on where KB5017811 turned them off.
		// TLS 1.1 is not pinned on where the OS has it already (newer
		// builds turn it off by default); TLS 1.2 is.
		{"compat", "win10", 8 + 8 + 4, cat(dotnet(1), []row{{winet, "SecureProtocols", -1, false}},
			absent("TLS 1.1", "Client"), on("TLS 1.2", "Client"), on("TLS 1.2", "Server"), off("SSL 3.0", "Server"))},
		{"compat", "win11", 8 + 8 + 4, cat(dotnet(1), []row{{winet, "SecureProtocols", -1, false}}, absent("TLS 1.1", "Server"))},
		// audit: only SChannel event logging.
		{"audit", "win7", 1, []row{{sch, "EventLogging", 7, true}, {net4, "SchUseStrongCrypto", -1, false}}},
		{"audit", "win11", 1, []row{{sch, "EventLogging", 7, true}, {winet, "SecureProtocols", -1, false}}},
	}
	for _, tc := range tests {
		t.Run(tc.policy+"/"+tc.os, func(t *testing.T) {
			plan, err := Build(builtin(t, tc.policy), tc.os)
			if err != nil {
				t.Fatal(err)
			}
			if plan.OS != tc.os || plan.Policy != tc.policy {
				t.Errorf("plan is %s/%s", plan.Policy, plan.OS)
			}
			if len(plan.Settings) != tc.count {
				for _, s := range plan.Settings {
					t.Logf("%s %s=%#x", s.FullKey(), s.Name, s.Value)
				}
				t.Errorf("%d settings, want %d", len(plan.Settings), tc.count)
			}
			for _, r := range tc.rows {
				s, ok := find(plan, r.key, r.name)
				switch {
				case r.value < 0 && ok:
					t.Errorf("%s\\%s is set (%#x) but must not be", r.key, r.name, s.Value)
				case r.value >= 0 && !ok:
					t.Errorf("%s\\%s missing", r.key, r.name)
				case ok && (int64(s.Value) != r.value || s.Reboot != r.reboot):
					t.Errorf("%s\\%s = %#x reboot=%v, want %#x reboot=%v", r.key, r.name, s.Value, s.Reboot, r.value, r.reboot)
				}
			}
			seen := map[string]bool{}
			for _, s := range plan.Settings {
				id := strings.ToLower(s.FullKey() + `\` + s.Name)
				if seen[id] {
					t.Errorf("duplicate setting %s", id)
				}
				seen[id] = true
				if s.Hive != "HKLM" || s.Type != "REG_DWORD" || s.Reason == "" || !strings.HasPrefix(s.Source, "https://") || s.Family == "" {
					t.Errorf("incomplete setting %+v", s)
				}
				if s.View == View32 && !strings.HasPrefix(s.Key, `SOFTWARE\`) {
					t.Errorf("32-bit view for a shared key: %+v", s)
				}
				if strings.HasPrefix(s.Key, `SOFTWARE\Policies`) && s.View != View64 {
					t.Errorf("Policies key written in the 32-bit view: %+v", s)
				}
				if (s.Restart == RestartReboot) != s.Reboot {
					t.Errorf("restart %q but reboot %v: %+v", s.Restart, s.Reboot, s)
				}
				if strings.Contains(s.Key, `TLS 1.3`) && s.Value != 0 {
					t.Errorf("TLS 1.3 enabled explicitly: %+v", s)
				}
			}
		})
	}
}

func TestBuildPrerequisites(t *testing.T) {
	for _, tc := range []struct{ policy, os, want string }{
		{"tls12", "win7", "KB3140245,KB3154518"},
		{"compat", "win81", "KB3154520"},
		{"tls12", "win10", ""},
		{"audit", "win7", ""},
	} {
		plan, err := Build(builtin(t, tc.policy), tc.os)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(plan.Prerequisites, ","); got != tc.want {
			t.Errorf("%s/%s prerequisites %q, want %q", tc.policy, tc.os, got, tc.want)
		}
	}
	plan, _ := Build(builtin(t, "tls12"), "win7")
	if !strings.Contains(strings.Join(plan.Warnings, "\n"), "KB3140245") {
		t.Errorf("win7 plan has no KB3140245 warning: %q", plan.Warnings)
	}
}

func TestBuildRefuses(t *testing.T) {
	mod := func(base string, f func(*policy.Package)) *policy.Policy {
		p, _ := policy.Builtin(base)
		p.Name = "custom"
		f(&p.Package)
		return p
	}
	tests := []struct {
		name string
		p    *policy.Policy
		os   string
		want string
	}{
		{"win7 TLS 1.0 off without TLS 1.1/1.2 client", mod("tls12", func(k *policy.Package) {
			k.EnableClient = nil
			k.StrongCrypto = false
		}), "win7", "SChannel client would be left with no protocol at all"},
		{"win7 server without TLS 1.2", mod("tls12", func(k *policy.Package) { k.EnableServer = []finding.Protocol{finding.TLS11} }), "win7", "SChannel server"},
		{"win7 strong crypto without the client keys", mod("compat", func(k *policy.Package) { k.EnableClient = nil }), "win7", "SystemDefaultTlsVersions=1 on Windows 7"},
		{"everything off", mod("tls12", func(k *policy.Package) {
			k.DisableClient = append(k.DisableClient, finding.TLS12, finding.TLS13)
			k.EnableClient = nil
		}), "win11", "SChannel client would be left with no protocol"},
		{"enabled and disabled", mod("tls12", func(k *policy.Package) { k.EnableClient = []finding.Protocol{finding.TLS10} }), "win10", "both enabled and disabled"},
		{"unknown cipher", mod("tls12", func(k *policy.Package) { k.DisableCiphers = []string{"AES"} }), "win10", `unknown cipher family "AES"`},
		{"event logging range", mod("audit", func(k *policy.Package) { k.EventLogging = 8 }), "win10", "out of range"},
		{"audit with changes", mod("audit", func(k *policy.Package) { k.StrongCrypto = true }), "win10", "audit_only"},
		{"unknown os", builtin(t, "tls12"), "win95", "unknown OS family"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(tc.p, tc.os)
			if err == nil {
				t.Fatalf("accepted; want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
			var pe *Error
			if tc.os != "win95" && !errors.As(err, &pe) {
				t.Errorf("error %T is not a *settings.Error", err)
			}
		})
	}
}

// Every built-in policy builds for every OS family, and the order is
// stable (two builds are equal).
func TestBuildAllDeterministic(t *testing.T) {
	for _, name := range policy.Names() {
		for _, f := range Families() {
			a, err := Build(builtin(t, name), f.Token)
			if err != nil {
				t.Errorf("%s/%s: %v", name, f.Token, err)
				continue
			}
			b, _ := Build(builtin(t, name), f.Token)
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Errorf("%s/%s: two builds differ", name, f.Token)
			}
		}
	}
}

func TestMask(t *testing.T) {
	for _, tc := range []struct {
		set  finding.ProtocolSet
		want uint32
	}{
		{finding.SetOf(finding.TLS11, finding.TLS12), 0xA00},
		{finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12), 0xA80},
		{finding.SetOf(finding.TLS12, finding.TLS13), 0x2800},
		{finding.SetOf(finding.SSL20, finding.SSL30, finding.TLS10), 0xA8},
	} {
		if got := Mask(tc.set); got != tc.want {
			t.Errorf("Mask(%v) = %#x, want %#x", tc.set.List(), got, tc.want)
		}
	}
}

// TestBuildSuiteOrderWarning: a policy that forbids CBC or non-forward-secret
// suites says the bundle does not restrict SChannel's suite list, with the
// Windows 7/8.1 caveat where it applies; other policies say nothing of it.
func TestBuildSuiteOrderWarning(t *testing.T) {
	for _, tc := range []struct {
		policy, os string
		want       []string // substrings of the warning; nil = no warning
	}{
		{"strict", "win7", []string{"CBC suites", "forward secrecy", `SSL\00010002`, "no TLS_ECDHE_RSA_WITH_AES_*_GCM"}},
		{"strict", "win81", []string{"no TLS_ECDHE_RSA_WITH_AES_*_GCM"}},
		{"strict", "win11", []string{"Disable-TlsCipherSuite"}},
		{"tls12", "win10", nil},
		{"compat", "win7", nil},
		{"audit", "win11", nil},
	} {
		plan, err := Build(builtin(t, tc.policy), tc.os)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, w := range plan.Warnings {
			if strings.Contains(w, "SSL Cipher Suite Order") {
				got = w
			}
		}
		if tc.want == nil {
			if got != "" {
				t.Errorf("%s/%s: unexpected suite-order warning %q", tc.policy, tc.os, got)
			}
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s/%s: suite-order warning %q lacks %q", tc.policy, tc.os, got, w)
			}
		}
	}
}
