// Package rules is the metadata table of every repository rule (TLS001–TLS019,
// from reference/detection-rules.md) and of the scanner's tool diagnostics
// (TLS9nn): id, kebab-case name with a domain prefix, summary, help, fix
// text, default level, tags and SARIF security-severity.
//
// It is a leaf package so that both the scanner core (gate/scan) and the
// application model (gate/scan/project) can read fix texts from it.
package rules

import (
	"sync"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// Tool diagnostic ids (TLS9nn). They appear as notifications, never as results.
const (
	SkippedBinary       = "TLS901" // a file with a known kind holds binary content
	SkippedLarge        = "TLS902" // a file is over the size limit
	Unreadable          = "TLS903" // a file or directory could not be read or decoded
	SuppressionNoReason = "TLS904" // tlsgate:ignore without a reason
	SuppressionUnused   = "TLS905" // a suppression matched no finding
	SuppressionExpired  = "TLS906" // a policy suppression has expired
	SkippedSymlink      = "TLS907" // a symlink points out of the tree or loops
	ParseFailure        = "TLS908" // a file could not be parsed (malformed XML, ...)
	Redefinition        = "TLS909" // a constant re-#defined with a non-canonical value
)

const docBase = "https://github.com/tlsgate/tlsgate/blob/main/docs/rules.md#"

func rule(id, name string, lvl finding.Severity, sev string, tags []string, short, help, fix string) finding.Rule {
	return finding.Rule{
		ID: id, Name: name, Short: short, Help: help, Fix: fix, DefaultLevel: lvl,
		Tags: tags, SecuritySeverity: sev, HelpURI: docBase + lowerID(id),
	}
}

func lowerID(id string) string {
	b := []byte(id)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// All returns a fresh, ordered slice with the metadata of TLS001–TLS019
// followed by the TLS9nn tool diagnostics.
func All() []finding.Rule {
	return append(Repository(), Diagnostics()...)
}

// Repository returns a fresh, ordered slice of the repository rules TLS001–TLS019.
func Repository() []finding.Rule {
	sec := []string{"security", "tls"}
	return []finding.Rule{
		rule("TLS001", "dotnet-deprecated-security-protocol-type", finding.Error, "7.5",
			append(sec, "dotnet", "powershell", "CA5364"),
			"deprecated protocol enabled via ServicePointManager.SecurityProtocol",
			"A write to ServicePointManager.SecurityProtocol whose constant-folded value includes SSL 3.0, TLS 1.0 or TLS 1.1 opts the process out of OS policy and keeps deprecated protocols (RFC 8996) on the wire for HttpWebRequest, WebClient, HttpClient (Framework handler), FtpWebRequest and SmtpClient.",
			"Delete the assignment when the effective target is 4.7 or later (the default is SystemDefault) or assign SecurityProtocolType.SystemDefault. On 4.6.2 or earlier retarget, or ship <AppContextSwitchOverrides value=\"Switch.System.Net.DontEnableSystemDefaultTlsVersions=false\"/>, or as a last resort assign only Tls12 (plus Tls13 on 4.8)."),
		rule("TLS002", "dotnet-deprecated-ssl-protocols", finding.Error, "7.5",
			append(sec, "dotnet", "powershell", "CA5397"),
			"deprecated protocol enabled via SslProtocols",
			"An SslProtocols value including SSL 2.0, SSL 3.0, TLS 1.0 or TLS 1.1 (SslProtocols.Default is SSL 3.0 + TLS 1.0) reaches SslStream authentication, SslClient/ServerAuthenticationOptions, HttpClientHandler/WinHttpHandler/SocketsHttpHandler, Kestrel, WCF transport security or PowerShell -SslProtocol.",
			"Pass SslProtocols.None or use the overload without a protocol argument; in .NET 5+ leave EnabledSslProtocols unset."),
		rule("TLS003", "dotnet-hardcoded-security-protocol-type", finding.Warning, "3.1",
			append(sec, "dotnet", "powershell", "agility", "CA5386"),
			"hard-coded modern ServicePointManager.SecurityProtocol",
			"Pinning ServicePointManager.SecurityProtocol to Tls12/Tls13 loses OS agility: the app misses TLS 1.3 and future OS-level deprecations. On targets of 4.6.2 or earlier and in Windows PowerShell 5.1 pinning is the documented workaround (note).",
			"Remove the assignment (target 4.7 or later) or use SystemDefault. For 4.6.2 or earlier prefer retargeting or the DontEnableSystemDefaultTlsVersions=false switch; keep the pin only with a dated suppression."),
		rule("TLS004", "dotnet-hardcoded-ssl-protocols", finding.Warning, "3.1",
			append(sec, "dotnet", "powershell", "agility", "CA5398"),
			"hard-coded modern SslProtocols",
			"An explicit Tls12/Tls13-only SslProtocols value at an SslStream, handler, Kestrel or WCF sink loses OS agility; in .NET 5+ the OS (or OpenSSL) already negotiates TLS 1.3 when available.",
			"Use SslProtocols.None or drop the explicit-protocol overload."),
		rule("TLS005", "dotnet-additive-security-protocol", finding.Warning, "3.1",
			append(sec, "dotnet", "powershell", "agility"),
			"modern protocol OR-ed into ServicePointManager.SecurityProtocol",
			"SecurityProtocol |= Tls12 keeps weak protocols already present on 4.6.2 or earlier and in Windows PowerShell 5.1 (note), and on 4.7 or later replaces the OS default (0) with exactly the OR-ed value, losing TLS 1.3 (warning).",
			"On 4.6.2 or earlier combine with removal of the weak bits (&= ~(Ssl3 | Tls | Tls11)) or set SystemDefaultTlsVersions=1; on 4.7 or later delete the line."),
		rule("TLS006", "dotnet-certificate-validation-disabled", finding.Error, "9.1",
			append(sec, "dotnet", "powershell", "certificate", "CA5359"),
			"server-certificate validation disabled",
			"A certificate validation callback that returns true on every path (or DangerousAcceptAnyServerCertificateValidator, a CertificatePolicy accepting everything, -SkipCertificateCheck, WCF certificateValidationMode None) accepts any certificate: every protocol hardening becomes irrelevant against an active man in the middle.",
			"Remove the override; if a private CA or pinning is needed, validate sslPolicyErrors and compare thumbprints or the issuer inside the callback."),
		rule("TLS007", "dotnet-weakening-appcontext-switch", finding.Error, "7.5",
			append(sec, "dotnet", "powershell", "CA5361", "CA5378"),
			"TLS-weakening AppContext switch set in code",
			"AppContext.SetSwitch with DontEnableSchUseStrongCrypto or DisableUsingServicePointManagerSecurityProtocols set to true (error) or DontEnableSystemDefaultTlsVersions set to true (warning) falls back to Ssl3, Tls and weak ciphers, a fixed list, or a TLS 1.0 ceiling for WCF.",
			"Delete the call (or set the switch to false). If a legacy peer needs it, isolate that traffic instead of flipping a process-wide switch."),
		rule("TLS008", "config-weakening-appcontext-switch", finding.Error, "7.5",
			append(sec, "dotnet", "config"),
			"TLS-weakening AppContext switch set in configuration",
			"<AppContextSwitchOverrides> in app.config/web.config or an ASP.NET AppContext.SetSwitch: app setting turns a TLS-weakening switch on; code analyzers (CA5361/CA5378) do not see configuration.",
			"Remove the entry or set it to false."),
		rule("TLS009", "dotnet-legacy-effective-target", finding.Error, "7.5",
			append(sec, "dotnet", "msbuild", "target-framework"),
			"legacy effective target framework: the application offers SSL 3.0 / TLS 1.0 only",
			"An application whose effective target is 4.5.2 or earlier (or unknown) starts with Ssl3, Tls and strong crypto off; Windows 10 1607+ / Server 2016+ disable SSL 3.0, so the wire carries TLS 1.0 only (registry assumed unset).",
			"Retarget to 4.7 or later (4.7.1 for WCF, 4.8 for TLS 1.3). If retargeting is impossible, add both switches DontEnableSchUseStrongCrypto=false and DontEnableSystemDefaultTlsVersions=false to the app's config and/or set SchUseStrongCrypto and SystemDefaultTlsVersions to 1 in the deployment."),
		rule("TLS010", "dotnet-fixed-list-effective-target", finding.Warning, "5.3",
			append(sec, "dotnet", "msbuild", "wcf", "target-framework"),
			"effective target 4.6–4.6.2 (fixed protocol list) or WCF defaults",
			"Targets 4.6–4.6.2 use a fixed Tls–Tls12 list the OS cannot change; WCF message security with certificate credentials on 4.6.2 or earlier is limited to SSL 3.0 + TLS 1.0 (error); NetTcp transport security on 4.7.0 or earlier uses a fixed list.",
			"Retarget to 4.7 or later (4.7.1 for WCF) or set the switches to false."),
		rule("TLS011", "config-aspnet-httpruntime-quirks", finding.Error, "7.5",
			append(sec, "dotnet", "config", "aspnet", "target-framework"),
			"ASP.NET runs in quirk mode because of <httpRuntime targetFramework>",
			"ASP.NET copies only <httpRuntime targetFramework> into the AppDomain's target framework: missing, without targetFramework, or lower than the project target means 4.0 (or that value) quirks — strong crypto off and Ssl3, Tls by default.",
			"Set <httpRuntime targetFramework=\"4.8\" /> (the real target) after regression testing."),
		rule("TLS012", "config-wcf-binding-protocols", finding.Error, "5.3",
			append(sec, "dotnet", "config", "wcf"),
			"WCF binding protocols fixed in configuration",
			"sslProtocols on a netTcpBinding transport or sslStreamSecurity element pins the protocol list (weak member: error; modern only: note); omitting it on a config-defined binding with transport security gives the old default Tls, Tls11, Tls12 (warning).",
			"Configure the binding in code with SslProtocols.None, or list only Tls12 (Tls12|Tls13 on 4.8) in the attribute."),
		rule("TLS013", "registry-tls-weakening", finding.Error, "7.5",
			append(sec, "registry", "schannel", "powershell"),
			"registry weakening shipped in the repository",
			"A .reg file, PowerShell registry cmdlet, DSC Registry resource, reg.exe call or WiX RegistryValue writes SchUseStrongCrypto=0, SystemDefaultTlsVersions=0, a weak per-process SecurityProtocol, enables SSL/TLS 1.0/1.1 or disables TLS 1.2/1.3 in SCHANNEL, or sets a weak WinHTTP/WinINet protocol mask — a machine-wide effect.",
			"Remove the write or invert it; manage SChannel via OS baselines or Group Policy."),
		rule("TLS014", "container-openssl-policy-lowered", finding.Error, "7.5",
			append(sec, "container", "openssl", "linux"),
			"OpenSSL policy lowered for .NET on Linux",
			"MinProtocol = TLSv1/TLSv1.1 or CipherString = DEFAULT@SECLEVEL=0|1 in a Dockerfile RUN, shell script or checked-in openssl.cnf re-enables TLS 1.0/1.1 for all outbound TLS of the container.",
			"Upgrade the peer; if unavoidable, constrain the exception to that endpoint and record it with an expiry."),
		rule("TLS015", "native-winhttp-protocol-mask", finding.Error, "7.5",
			append(sec, "native", "winhttp"),
			"WinHTTP protocol mask includes deprecated versions",
			"WinHttpSetOption(WINHTTP_OPTION_SECURE_PROTOCOLS) with SSL 2.0/3.0, TLS 1.0/1.1 bits (WINHTTP_FLAG_SECURE_PROTOCOL_ALL contains only old protocols) pins old versions; a modern-only mask is a note.",
			"Do not set the option on Windows 8.1 or later; otherwise set TLS1_2 | TLS1_3 only."),
		rule("TLS016", "native-schannel-protocols", finding.Error, "7.5",
			append(sec, "native", "schannel"),
			"SChannel credential enables deprecated versions",
			"SCHANNEL_CRED.grbitEnabledProtocols with PCT/SSL/TLS 1.0/1.1 bits, or SCH_CREDENTIALS disabling too little, pins deprecated versions at the SSPI layer; TLS 1.2/1.3-only or a list without SCH_USE_STRONG_CRYPTO is a note.",
			"Leave grbitEnabledProtocols 0 (OS default) or use SCH_CREDENTIALS with a disabled mask for everything below TLS 1.2."),
		rule("TLS017", "native-certificate-validation-disabled", finding.Error, "9.1",
			append(sec, "native", "certificate"),
			"native certificate validation disabled",
			"WinHTTP SECURITY_FLAG_IGNORE_* flags, WinINet INTERNET_FLAG_IGNORE_CERT_*, or SChannel manual validation without a chain check in the same translation unit accept invalid certificates.",
			"Keep validation on; supply a custom trust store instead of ignoring errors."),
		rule("TLS018", "config-certificate-checks-weakened", finding.Error, "9.1",
			append(sec, "dotnet", "config", "certificate"),
			"weakening system.net / WCF certificate settings in configuration",
			"<servicePointManager checkCertificateName=\"false\">, encryptionPolicy AllowNoEncryption/NoEncryption, WCF certificateValidationMode=\"None\" (error) or checkCertificateRevocationList=\"false\" (note) weaken validation for the whole application.",
			"Remove the attribute."),
		rule("TLS019", "dotnet-unresolved-protocol-value", finding.Note, "2.0",
			append(sec, "dotnet", "powershell", "agility"),
			"explicit protocol with an unresolvable value",
			"A protocol sink receives a value that cannot be folded to constants (a parameter without constant call sites, a configuration read, a variable enum name): agility is lost and safety cannot be proven statically.",
			"Drop the parameter and use OS defaults, or validate the configured value against {SystemDefault, Tls12, Tls13}."),
	}
}

// Diagnostics returns a fresh, ordered slice of the TLS9nn tool diagnostics.
func Diagnostics() []finding.Rule {
	tool := []string{"tool"}
	d := func(id, name, short, help string) finding.Rule {
		r := rule(id, name, finding.Note, "", tool, short, help, "")
		r.HelpURI = docBase + "tool-diagnostics"
		return r
	}
	return []finding.Rule{
		d(SkippedBinary, "tool-skipped-binary", "file skipped: binary content", "A file with a scanned extension holds binary content (NUL bytes without a UTF-16 BOM) and was not analyzed."),
		d(SkippedLarge, "tool-skipped-large", "file skipped: over the size limit", "A file is larger than the scanner's size limit and was not analyzed."),
		d(Unreadable, "tool-unreadable", "file or directory could not be read", "A file or directory could not be read or decoded and was not analyzed."),
		d(SuppressionNoReason, "tool-suppression-without-reason", "suppression without a reason", "A tlsgate:ignore comment gives no reason; it does not suppress anything."),
		d(SuppressionUnused, "tool-suppression-unused", "unused suppression", "A suppression (inline comment or policy entry) matched no finding."),
		d(SuppressionExpired, "tool-suppression-expired", "expired suppression", "A policy suppression has passed its expiry date; the findings it covered fail the gate again."),
		d(SkippedSymlink, "tool-skipped-symlink", "symlink not followed", "A symbolic link points outside the scanned tree, dangles or forms a loop, and was not followed."),
		d(ParseFailure, "tool-parse-failure", "file could not be parsed", "A file could not be parsed (for example malformed XML); rules that need its structure did not run on it."),
		d(Redefinition, "tool-constant-redefinition", "constant re-defined with a non-canonical value", "A header re-#defines a well-known WinHTTP/SChannel constant with another value; the canonical value was used."),
	}
}

// ByID returns the metadata of a rule or diagnostic.
func ByID(id string) (finding.Rule, bool) {
	for _, r := range All() {
		if r.ID == id {
			return r, true
		}
	}
	return finding.Rule{}, false
}

// Fix returns the fix text of a rule ("" if unknown). The texts are
// indexed once: the analyzers ask for every finding they report.
func Fix(id string) string { return fixTexts()[id] }

var fixTexts = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, r := range All() {
		if _, dup := m[r.ID]; !dup {
			m[r.ID] = r.Fix // the first wins, as in ByID
		}
	}
	return m
})
