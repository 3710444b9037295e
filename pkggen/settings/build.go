package settings

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
)

// Registry locations (keys without hive; View says which copy).
const (
	KeyNet4     = `SOFTWARE\Microsoft\.NETFramework\v4.0.30319`
	KeyNet2     = `SOFTWARE\Microsoft\.NETFramework\v2.0.50727`
	KeyWinHTTP  = `SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp`
	KeyWinINet  = `SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings`
	KeySChannel = `SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL`
)

// Documentation URLs behind the values (windows-tls-settings.md §11).
const (
	SrcNetTLS    = "https://learn.microsoft.com/en-us/dotnet/framework/network-programming/tls"
	SrcCMTLS12   = "https://learn.microsoft.com/en-us/mem/configmgr/core/plan-design/security/enable-tls-1-2-client"
	SrcKB3140245 = "https://support.microsoft.com/kb/3140245"
	SrcKB3154518 = "https://support.microsoft.com/kb/3154518"
	SrcCSPIE     = "https://learn.microsoft.com/en-us/windows/client-management/mdm/policy-csp-internetexplorer"
	SrcTLSReg    = "https://learn.microsoft.com/en-us/windows-server/security/tls/tls-registry-settings"
	SrcKB245030  = "https://learn.microsoft.com/en-us/troubleshoot/windows-server/windows-security/restrict-cryptographic-algorithms-protocols-schannel"
	SrcSchProto  = "https://learn.microsoft.com/en-us/windows/win32/secauthn/protocols-in-tls-ssl--schannel-ssp-"
)

// Families of settings (Setting.Family).
const (
	FamilyDotNet          = "dotnet"
	FamilyWinHTTP         = "winhttp"
	FamilyWinINet         = "wininet"
	FamilySChannelProto   = "schannel-protocol"
	FamilySChannelCipher  = "schannel-cipher"
	FamilySChannelHash    = "schannel-hash"
	FamilySChannelLogging = "schannel-logging"
)

// OSFamily describes one --os token.
type OSFamily struct {
	Token string
	// Name is what the token covers, for READMEs and explain texts.
	Name string
	// Defaults is the SChannel protocol set enabled by default (client and
	// server alike), windows-tls-settings.md §3.1.
	Defaults finding.ProtocolSet
	// Supported is every protocol the OS implements.
	Supported finding.ProtocolSet
	// WinHTTPDefault is WinHTTP's own protocol set when
	// DefaultSecureProtocols is absent (§3.2).
	WinHTTPDefault finding.ProtocolSet
	// NeedsWinHTTPValue is true when WinHTTP offers no TLS 1.1/1.2 without
	// DefaultSecureProtocols (Windows 7 / 2008 R2, after KB3140245).
	NeedsWinHTTPValue bool
	// Prerequisites are the updates the settings need on this family.
	Prerequisites []string
	// Build is the first Windows build of the family (for ADMX supportedOn
	// texts and WMI filters), e.g. "6.1.7601".
	Build string
}

var (
	allLegacy = finding.SetOf(finding.SSL20, finding.SSL30, finding.TLS10, finding.TLS11, finding.TLS12)
	families  = []OSFamily{
		{
			Token: "win7", Name: "Windows 7 SP1 / Windows Server 2008 R2 SP1", Build: "6.1.7601",
			Defaults:          finding.SetOf(finding.SSL20, finding.SSL30, finding.TLS10),
			Supported:         allLegacy,
			WinHTTPDefault:    finding.SetOf(finding.SSL30, finding.TLS10),
			NeedsWinHTTPValue: true,
			Prerequisites:     []string{"KB3140245", "KB3154518"},
		},
		{
			Token: "win81", Name: "Windows 8.1 / Windows Server 2012 R2", Build: "6.3.9600",
			Defaults:       finding.SetOf(finding.SSL30, finding.TLS10, finding.TLS11, finding.TLS12),
			Supported:      allLegacy,
			WinHTTPDefault: finding.SetOf(finding.SSL30, finding.TLS10, finding.TLS11, finding.TLS12),
			Prerequisites:  []string{"KB3154520"},
		},
		{
			Token: "win10", Name: "Windows 10 / Windows Server 2016 / Windows Server 2019", Build: "10.0.10240",
			Defaults:       finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12),
			Supported:      allLegacy,
			WinHTTPDefault: finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12),
		},
		{
			Token: "win11", Name: "Windows 11 / Windows Server 2022 / Windows Server 2025", Build: "10.0.20348",
			Defaults:       finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12, finding.TLS13),
			Supported:      allLegacy.With(finding.TLS13),
			WinHTTPDefault: finding.SetOf(finding.TLS10, finding.TLS11, finding.TLS12, finding.TLS13),
		},
	}
)

// Family returns the OS family for a token.
func Family(token string) (OSFamily, bool) {
	for _, f := range families {
		if f.Token == token {
			return f, true
		}
	}
	return OSFamily{}, false
}

// Families lists every OS family in --os order.
func Families() []OSFamily { return append([]OSFamily(nil), families...) }

// ProtocolBit returns the WinHTTP/WinINet flag bit of p (§2.4).
func ProtocolBit(p finding.Protocol) uint32 {
	switch p {
	case finding.SSL20:
		return 0x8
	case finding.SSL30:
		return 0x20
	case finding.TLS10:
		return 0x80
	case finding.TLS11:
		return 0x200
	case finding.TLS12:
		return 0x800
	case finding.TLS13:
		return 0x2000
	}
	return 0
}

// Mask returns the WinHTTP/WinINet bitmask of a protocol set.
func Mask(s finding.ProtocolSet) uint32 {
	var m uint32
	for _, p := range s.List() {
		m |= ProtocolBit(p)
	}
	return m
}

// cipherKeys maps a policy cipher family to its SCHANNEL\Ciphers subkeys (§2.7).
var cipherKeys = map[string][]string{
	"NULL": {"NULL"},
	"DES":  {"DES 56/56"},
	"RC2":  {"RC2 40/128", "RC2 56/128", "RC2 128/128"},
	"RC4":  {"RC4 40/128", "RC4 56/128", "RC4 64/128", "RC4 128/128"},
	"3DES": {"Triple DES 168"},
}

// CipherFamilies lists the cipher families Package.DisableCiphers accepts.
func CipherFamilies() []string { return policy.CipherFamilies() }

// hashKeys maps a policy hash name to its SCHANNEL\Hashes subkey (§2.7).
var hashKeys = map[string]string{"MD5": "MD5"}

// Error is a policy × OS combination the generator refuses.
type Error struct {
	Policy string
	OS     string
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("policy %s on %s: %s", e.Policy, e.OS, e.Msg)
}

// Build resolves policy p for the OS family token os into the ordered list
// of registry operations. It refuses combinations that would cut the host
// off (no protocol left for the SChannel client or server, or for WinHTTP)
// or lower its security (SystemDefaultTlsVersions on Windows 7 without the
// TLS 1.1/1.2 client keys), with an *Error saying what to change.
func Build(p *policy.Policy, os string) (Plan, error) {
	fam, ok := Family(os)
	if !ok {
		var toks []string
		for _, f := range families {
			toks = append(toks, f.Token)
		}
		return Plan{}, fmt.Errorf("unknown OS family %q (want %s)", os, strings.Join(toks, ", "))
	}
	if p == nil {
		return Plan{}, fmt.Errorf("no policy")
	}
	pk := p.Package
	plan := Plan{Policy: p.Name, OS: os}
	fail := func(format string, a ...any) (Plan, error) {
		return Plan{}, &Error{Policy: p.Name, OS: os, Msg: fmt.Sprintf(format, a...)}
	}
	if pk.EventLogging < 0 || pk.EventLogging > 7 {
		return fail("package.event_logging %d is out of range (0 to 7: 1 errors, 2 warnings, 4 informational, summed)", pk.EventLogging)
	}
	for _, c := range pk.DisableCiphers {
		if _, ok := cipherKeys[strings.ToUpper(c)]; !ok {
			return fail("package.disable_ciphers: unknown cipher family %q (want %s)", c, strings.Join(CipherFamilies(), ", "))
		}
	}
	for _, h := range pk.DisableHashes {
		if _, ok := hashKeys[strings.ToUpper(h)]; !ok {
			return fail("package.disable_hashes: %q cannot be turned off (want %s)", h, strings.Join(policy.HashAlgorithms(), ", "))
		}
	}
	if pk.AuditOnly {
		if pk.StrongCrypto || len(pk.DisableClient)+len(pk.DisableServer)+len(pk.EnableClient)+len(pk.EnableServer)+len(pk.DisableCiphers)+len(pk.DisableHashes) > 0 {
			return fail("package.audit_only changes nothing on hosts but SChannel event logging; remove strong_crypto, enable_*/disable_*, disable_ciphers and disable_hashes, or set audit_only: false")
		}
		if pk.EventLogging == 0 {
			return fail("package.audit_only without event_logging sets nothing; set event_logging (7 logs errors, warnings and successful handshakes)")
		}
	}

	// Protocol sets per role: the policy's lists, applied to the OS defaults.
	disC := finding.SetOf(pk.DisableClient...)
	disS := finding.SetOf(pk.DisableServer...)
	enC := finding.SetOf(pk.EnableClient...)
	enS := finding.SetOf(pk.EnableServer...)
	if len(pk.EnableServer) == 0 && len(pk.DisableServer) > 0 {
		// A policy that narrows the server side keeps the protocols it
		// enables for clients available to servers too; on Windows 7 this is
		// what keeps RDP and IIS reachable once TLS 1.0 is off.
		enS = enC
	}
	for _, pr := range finding.Protocols {
		if enC.Has(pr) && disC.Has(pr) {
			return fail("%s is both enabled and disabled for the SChannel client", pr)
		}
		if enS.Has(pr) && disS.Has(pr) {
			return fail("%s is both enabled and disabled for the SChannel server", pr)
		}
	}
	effC := effective(fam, enC, disC)
	effS := effective(fam, enS, disS)

	// WinHTTP: only where the OS needs the value (Windows 7); elsewhere the
	// OS default already offers TLS 1.2 (and 1.3 on Windows 11), and a value
	// would only cap it.
	winhttp := fam.WinHTTPDefault.List()
	var winhttpMask uint32
	if fam.NeedsWinHTTPValue && (enC.Has(finding.TLS11) || enC.Has(finding.TLS12)) {
		set := finding.ProtocolSet(0)
		for _, pr := range []finding.Protocol{finding.TLS10, finding.TLS11, finding.TLS12} {
			if effC.Has(pr) {
				set = set.With(pr)
			}
		}
		winhttpMask = Mask(set)
		winhttp = set.List()
	}
	winhttpEff := finding.ProtocolSet(0)
	for _, pr := range winhttp {
		if effC.Has(pr) {
			winhttpEff = winhttpEff.With(pr)
		}
	}

	if !pk.AuditOnly {
		// Cut off = no protocol left, or TLS 1.0 turned off with nothing
		// newer to take its place.
		cutOff := func(eff, dis finding.ProtocolSet) bool {
			return len(eff.List()) == 0 || dis.Has(finding.TLS10) && !hasModern(eff)
		}
		if cutOff(effC, disC) {
			return fail("the SChannel client would be left with %s; enable TLS 1.2 for the client (package.enable_client)%s", listOrNone(effC), win7Hint(fam))
		}
		if cutOff(effS, disS) {
			return fail("the SChannel server would be left with %s (RDP, IIS, WinRM and SQL Server would stop accepting connections); enable TLS 1.2 for the server (package.enable_server or enable_client)%s", listOrNone(effS), win7Hint(fam))
		}
		if changed(fam, enC, disC) && cutOff(winhttpEff, disC) {
			return fail("WinHTTP (Windows Update, BITS, Office, many services) would be left with %s: it needs TLS 1.1/1.2 enabled for the SChannel client and DefaultSecureProtocols%s", listOrNone(winhttpEff), win7Hint(fam))
		}
		if pk.StrongCrypto && fam.Token == "win7" && !effC.Has(finding.TLS12) {
			return fail("SystemDefaultTlsVersions=1 on Windows 7 hands .NET the OS client default, which is TLS 1.0 only, unless TLS 1.2 is enabled for the SChannel client (add TLS1.2 to package.enable_client)")
		}
	}

	add := func(s Setting) { plan.Settings = append(plan.Settings, s) }

	// .NET Framework: both values, both runtime keys, both views (§2.1).
	if pk.StrongCrypto {
		for _, key := range []string{KeyNet4, KeyNet2} {
			rt := ".NET Framework 4.x (CLR 4)"
			if key == KeyNet2 {
				rt = ".NET Framework 2.0-3.5 (CLR 2)"
			}
			for _, v := range []View{View64, View32} {
				add(Setting{Hive: "HKLM", Key: key, View: v, Name: "SchUseStrongCrypto", Type: "REG_DWORD", Value: 1,
					Reason:  rt + " applications use strong cryptography: no SSL 3.0 or RC4, TLS 1.1/1.2 in the default list (" + viewWord(v) + " processes)",
					Source:  SrcNetTLS,
					Restart: RestartApp, Family: FamilyDotNet})
				add(Setting{Hive: "HKLM", Key: key, View: v, Name: "SystemDefaultTlsVersions", Type: "REG_DWORD", Value: 1,
					Reason:  rt + " applications let Windows choose the TLS versions, so they follow the SChannel settings and pick up TLS 1.3 where the OS has it (" + viewWord(v) + " processes)",
					Source:  SrcNetTLS,
					Restart: RestartApp, Family: FamilyDotNet})
			}
		}
		if fam.Token == "win7" || fam.Token == "win81" {
			plan.Warnings = append(plan.Warnings, fmt.Sprintf("the v2.0.50727 values (.NET 3.5) take effect only with %s or a later .NET Framework rollup installed", firstKB(fam.Prerequisites, "KB31545")))
		}
		plan.Warnings = append(plan.Warnings, "SystemDefaultTlsVersions is honoured by .NET Framework 4.7 and later, and by 4.5.2-4.6.2 only with the August 2017 or later .NET Framework rollups; restart .NET applications and services after applying")
	}

	// WinHTTP DefaultSecureProtocols (§2.4), both views.
	if winhttpMask != 0 {
		for _, v := range []View{View64, View32} {
			add(Setting{Hive: "HKLM", Key: KeyWinHTTP, View: v, Name: "DefaultSecureProtocols", Type: "REG_DWORD", Value: winhttpMask,
				Reason:  fmt.Sprintf("WinHTTP offers %s when the calling application does not choose (the built-in default here is SSL 3.0 + TLS 1.0) (%s processes)", protoWords(winhttp), viewWord(v)),
				Source:  SrcKB3140245,
				Restart: RestartReboot, Reboot: true, Family: FamilyWinHTTP})
		}
		plan.Warnings = append(plan.Warnings, "DefaultSecureProtocols takes effect only with KB3140245 installed (Windows 7 SP1 / Server 2008 R2 SP1); without it WinHTTP stays on SSL 3.0 + TLS 1.0")
	}

	// WinINet SecureProtocols, machine policy (§2.5): the protocols the
	// client keeps, TLS 1.3 included where the OS has it.
	if changed(fam, enC, disC) {
		set := finding.ProtocolSet(0)
		for _, pr := range finding.Protocols {
			if effC.Has(pr) && pr >= finding.TLS10 {
				set = set.With(pr)
			}
		}
		add(Setting{Hive: "HKLM", Key: KeyWinINet, View: View64, Name: "SecureProtocols", Type: "REG_DWORD", Value: Mask(set),
			Reason:  fmt.Sprintf("WinINet (Internet Explorer mode, Office, older desktop applications) offers %s, for every user (machine policy; overrides the per-user check boxes)", protoWords(set.List())),
			Source:  SrcCSPIE,
			Restart: RestartApp, Family: FamilyWinINet})
	}

	// SChannel protocols (§2.6): one view, reboot.
	for _, pr := range finding.Protocols {
		for _, role := range []string{"Client", "Server"} {
			en, dis := enC, disC
			if role == "Server" {
				en, dis = enS, disS
			}
			switch {
			case dis.Has(pr):
				if !fam.Supported.Has(pr) {
					continue // nothing to turn off
				}
				key := KeySChannel + `\Protocols\` + pr.String() + `\` + role
				add(Setting{Hive: "HKLM", Key: key, View: View64, Name: "Enabled", Type: "REG_DWORD", Value: 0,
					Reason: fmt.Sprintf("%s is turned off for the SChannel %s (every Windows component and application)", pr, strings.ToLower(role)),
					Source: SrcTLSReg, Restart: RestartReboot, Reboot: true, Family: FamilySChannelProto})
				add(Setting{Hive: "HKLM", Key: key, View: View64, Name: "DisabledByDefault", Type: "REG_DWORD", Value: 1,
					Reason: fmt.Sprintf("%s is also out of the default set for the SChannel %s, for applications that ask for it through the older SCHANNEL_CRED structure", pr, strings.ToLower(role)),
					Source: SrcTLSReg, Restart: RestartReboot, Reboot: true, Family: FamilySChannelProto})
			case en.Has(pr):
				if !fam.Supported.Has(pr) {
					plan.Warnings = append(plan.Warnings, fmt.Sprintf("%s is not enabled for the %s: %s does not support it (enabling it there is not a safe configuration)", pr, strings.ToLower(role), fam.Name))
					continue
				}
				if fam.Defaults.Has(pr) && pr != finding.TLS12 {
					// Already on by default: writing Enabled=1 would pin a
					// protocol newer Windows builds turn off. TLS 1.2, the
					// protocol every policy relies on, is always written, so
					// a host where an earlier tool switched it off is fixed.
					continue
				}
				key := KeySChannel + `\Protocols\` + pr.String() + `\` + role
				add(Setting{Hive: "HKLM", Key: key, View: View64, Name: "Enabled", Type: "REG_DWORD", Value: 1,
					Reason: enableReason(pr, role, fam),
					Source: SrcKB3140245, Restart: RestartReboot, Reboot: true, Family: FamilySChannelProto})
				add(Setting{Hive: "HKLM", Key: key, View: View64, Name: "DisabledByDefault", Type: "REG_DWORD", Value: 0,
					Reason: fmt.Sprintf("%s is in the default protocol set of the SChannel %s, so WinHTTP and .NET use it without asking", pr, strings.ToLower(role)),
					Source: SrcKB3140245, Restart: RestartReboot, Reboot: true, Family: FamilySChannelProto})
			}
		}
	}

	// Weak ciphers (§2.7).
	var ciphers []string
	seen := map[string]bool{}
	for _, c := range pk.DisableCiphers {
		c = strings.ToUpper(c)
		if !seen[c] {
			seen[c] = true
			ciphers = append(ciphers, c)
		}
	}
	sort.SliceStable(ciphers, func(i, j int) bool { return cipherRank(ciphers[i]) < cipherRank(ciphers[j]) })
	for _, c := range ciphers {
		for _, sub := range cipherKeys[c] {
			add(Setting{Hive: "HKLM", Key: KeySChannel + `\Ciphers\` + sub, View: View64, Name: "Enabled", Type: "REG_DWORD", Value: 0,
				Reason: fmt.Sprintf("the %s cipher (%s) is turned off in SChannel", sub, cipherWhy(c)),
				Source: SrcKB245030, Restart: RestartReboot, Reboot: true, Family: FamilySChannelCipher})
		}
	}

	// Weak hashes (§2.7): only MD5, which no TLS 1.2 suite uses.
	seen = map[string]bool{}
	for _, h := range pk.DisableHashes {
		h = strings.ToUpper(h)
		if seen[h] {
			continue
		}
		seen[h] = true
		add(Setting{Hive: "HKLM", Key: KeySChannel + `\Hashes\` + hashKeys[h], View: View64, Name: "Enabled", Type: "REG_DWORD", Value: 0,
			Reason: fmt.Sprintf("the %s hash is turned off in SChannel (no TLS 1.2 cipher suite uses it; the TLS 1.0/1.1 handshake and the old *_MD5 suites did)", h),
			Source: SrcKB245030, Restart: RestartReboot, Reboot: true, Family: FamilySChannelHash})
	}

	// SChannel event logging (§2.9): the audit-first path.
	if pk.EventLogging != 0 {
		add(Setting{Hive: "HKLM", Key: KeySChannel, View: View64, Name: "EventLogging", Type: "REG_DWORD", Value: uint32(pk.EventLogging),
			Reason: fmt.Sprintf("SChannel writes %s to the System event log (source Schannel), so you can see which clients and servers still use old protocols before enforcing", loggingWords(pk.EventLogging)),
			Source: SrcTLSReg, Restart: RestartReboot, Reboot: true, Family: FamilySChannelLogging})
	}

	// Prerequisites actually needed by what the plan sets.
	for _, kb := range fam.Prerequisites {
		switch kb {
		case "KB3140245":
			if winhttpMask != 0 {
				plan.Prerequisites = append(plan.Prerequisites, kb)
			}
		case "KB3154518", "KB3154520":
			if pk.StrongCrypto {
				plan.Prerequisites = append(plan.Prerequisites, kb)
			}
		}
	}
	if fam.Token == "win7" && len(plan.Settings) > 0 && !pk.AuditOnly {
		plan.Warnings = append(plan.Warnings, "Windows 7 / Server 2008 R2: SP1 is required, and the host must be patched with KB3140245 before TLS 1.0 is turned off, or Windows Update itself loses its connection")
	}
	if disS.Has(finding.TLS10) && (fam.Token == "win7" || fam.Token == "win81") {
		plan.Warnings = append(plan.Warnings, "turning off TLS 1.0 for the server breaks RDP on unpatched Windows 7 / Server 2008 R2 hosts (needs the TLS 1.2 RDP update) and SQL Server versions without TLS 1.2 support; see the README")
	}
	if w := suiteWarning(p.ForbiddenCiphers, fam); w != "" && !pk.AuditOnly {
		plan.Warnings = append(plan.Warnings, w)
	}
	return plan, nil
}

// suiteWarning says what the bundle leaves to the admin when the policy
// forbids cipher-suite classes that only the SSL Cipher Suite Order policy
// can take away from SChannel (§2.8): it is one REG_SZ list of suite names
// that differ per OS build, and a wrong list cuts a host off, so tlsgate
// does not write it.
func suiteWarning(forbidden []string, fam OSFamily) string {
	var what []string
	for _, c := range forbidden {
		switch strings.ToUpper(c) {
		case "CBC_ONLY":
			what = append(what, "CBC suites")
		case "NO_PFS":
			what = append(what, "suites without forward secrecy (RSA key exchange)")
		}
	}
	if len(what) == 0 {
		return ""
	}
	w := fmt.Sprintf("the policy forbids %s at endpoints, but this bundle does not change which suites SChannel offers: "+
		"that takes the \"SSL Cipher Suite Order\" policy (HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002, value Functions, a REG_SZ list; reboot), "+
		"which tlsgate leaves to you because the list must match the OS build and every peer", strings.Join(what, " and "))
	switch fam.Token {
	case "win7", "win81":
		w += fmt.Sprintf("; %s has no TLS_ECDHE_RSA_WITH_AES_*_GCM suites, so an AEAD-only forward-secret list leaves it only DHE-RSA-GCM and ECDHE-ECDSA-GCM, which many servers with RSA certificates do not offer", fam.Name)
	default:
		w += "; on this OS `Get-TlsCipherSuite` lists the suites and `Disable-TlsCipherSuite -Name ...` removes one"
	}
	return w
}

func enableReason(pr finding.Protocol, role string, fam OSFamily) string {
	if fam.Defaults.Has(pr) {
		return fmt.Sprintf("%s is turned on for the SChannel %s (on by default on %s; written so that a host where another tool turned it off is repaired)", pr, strings.ToLower(role), fam.Name)
	}
	return fmt.Sprintf("%s is turned on for the SChannel %s (off by default on %s)", pr, strings.ToLower(role), fam.Name)
}

func effective(fam OSFamily, en, dis finding.ProtocolSet) finding.ProtocolSet {
	var s finding.ProtocolSet
	for _, pr := range finding.Protocols {
		if !fam.Supported.Has(pr) || dis.Has(pr) {
			continue
		}
		if fam.Defaults.Has(pr) || en.Has(pr) {
			s = s.With(pr)
		}
	}
	return s
}

// changed reports whether the policy changes the client protocol set on fam.
func changed(fam OSFamily, en, dis finding.ProtocolSet) bool {
	return effective(fam, en, dis) != effective(fam, 0, 0)
}

func hasModern(s finding.ProtocolSet) bool { return s.Has(finding.TLS12) || s.Has(finding.TLS13) }

func listOrNone(s finding.ProtocolSet) string {
	if len(s.List()) == 0 {
		return "no protocol at all"
	}
	return "only " + protoWords(s.List())
}

func win7Hint(fam OSFamily) string {
	if fam.Token != "win7" {
		return ""
	}
	return " (on Windows 7 / Server 2008 R2, TLS 1.1 and 1.2 are off by default: list TLS1.1 and TLS1.2 in package.enable_client)"
}

func protoWords(ps []finding.Protocol) string {
	var w []string
	for _, p := range ps {
		w = append(w, p.String())
	}
	switch len(w) {
	case 0:
		return "no protocol"
	case 1:
		return w[0]
	}
	return strings.Join(w[:len(w)-1], ", ") + " and " + w[len(w)-1]
}

func viewWord(v View) string {
	if v == View32 {
		return "32-bit"
	}
	return "64-bit"
}

func firstKB(kbs []string, prefix string) string {
	for _, k := range kbs {
		if strings.HasPrefix(k, prefix) {
			return k
		}
	}
	return "the .NET 3.5 TLS update"
}

func cipherRank(c string) int {
	for i, x := range CipherFamilies() {
		if x == c {
			return i
		}
	}
	return len(CipherFamilies())
}

func cipherWhy(c string) string {
	switch c {
	case "NULL":
		return "no encryption at all"
	case "DES":
		return "56-bit DES, broken"
	case "RC2":
		return "RC2, broken"
	case "RC4":
		return "RC4, prohibited by RFC 7465"
	case "3DES":
		return "3DES, 64-bit blocks, Sweet32"
	}
	return c
}

func loggingWords(v int) string {
	var w []string
	if v&1 != 0 {
		w = append(w, "errors")
	}
	if v&2 != 0 {
		w = append(w, "warnings")
	}
	if v&4 != 0 {
		w = append(w, "informational and successful-handshake events")
	}
	return strings.Join(w, ", ")
}
