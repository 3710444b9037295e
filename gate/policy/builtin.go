package policy

import (
	"sort"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// Default is the policy used when neither --policy nor .tlsgate.yml is given.
const Default = "tls12"

// Names lists the built-in policies in the order of increasing strictness.
func Names() []string { return []string{"audit", "compat", "tls12", "strict"} }

// IsBuiltin reports whether name is a built-in policy.
func IsBuiltin(name string) bool {
	for _, n := range Names() {
		if n == name {
			return true
		}
	}
	return false
}

func defaultHost() Host {
	return Host{OS: "win10", OSName: "Windows Server 2019", DotNet: "4.8"}
}

// Builtin returns a fresh copy of the built-in policy name, or false.
func Builtin(name string) (*Policy, bool) {
	base := func() *Policy {
		return &Policy{
			Name:        name,
			MinVersion:  finding.TLS12,
			FailOn:      finding.Error,
			Client:      defaultHost(),
			Certificate: CertRules{MinDaysToExpiry: 30, MinRSABits: 2048, MinECBits: 256},
			ForbiddenCiphers: []string{
				"RC4", "3DES", "NULL", "EXPORT", "ANON",
			},
			Package: Package{OS: []string{"win10", "win11"}, Name: "tlsgate-" + name, Company: "tlsgate", Product: "tlsgate TLS hardening"},
		}
	}
	var p *Policy
	switch name {
	case "audit":
		// Changes nothing on hosts: the generator only turns on SChannel
		// event logging, so admins see who still uses TLS 1.0 before
		// enforcing. The gate still reports, but only errors of the
		// weakest kind fail it.
		p = base()
		p.Description = "audit: change nothing on hosts; log SChannel handshakes so TLS 1.0/1.1 users show up before enforcing"
		p.MinVersion = finding.TLS10
		p.ForbiddenCiphers = []string{"NULL", "EXPORT", "ANON"}
		p.Package.AuditOnly = true
		p.Package.EventLogging = 7
	case "compat":
		// The migration step: TLS 1.2 enabled and preferred, TLS 1.0/1.1
		// still allowed.
		p = base()
		p.Description = "compat: TLS 1.2 enabled and preferred through strong crypto and OS defaults; TLS 1.0/1.1 still allowed"
		p.MinVersion = finding.TLS10
		p.ForbiddenCiphers = []string{"RC4", "NULL", "EXPORT", "ANON"}
		p.Package.StrongCrypto = true
		p.Package.EnableClient = []finding.Protocol{finding.TLS11, finding.TLS12}
		p.Package.DisableClient = []finding.Protocol{finding.SSL20, finding.SSL30}
		p.Package.DisableServer = []finding.Protocol{finding.SSL20, finding.SSL30}
	case "tls12":
		// The default: TLS 1.2+ only, TLS 1.3 where the OS has it, strong
		// crypto and OS defaults on.
		p = base()
		p.Description = "tls12: TLS 1.2 and later only (TLS 1.3 where the OS has it), strong crypto and OS defaults on"
		p.Package.StrongCrypto = true
		p.Package.EnableClient = []finding.Protocol{finding.TLS12}
		p.Package.DisableClient = []finding.Protocol{finding.SSL20, finding.SSL30, finding.TLS10, finding.TLS11}
		p.Package.DisableServer = []finding.Protocol{finding.SSL20, finding.SSL30, finding.TLS10, finding.TLS11}
		p.Package.DisableCiphers = []string{"RC4", "3DES", "NULL", "DES"}
	case "strict":
		// TLS 1.2+ with AEAD suites only: no CBC, no RSA key exchange, and
		// warnings fail the gate.
		p = base()
		p.Description = "strict: TLS 1.2 and later with forward-secret AEAD suites only; warnings fail the gate"
		p.FailOn = finding.Warning
		p.ForbiddenCiphers = append(p.ForbiddenCiphers, "NO_PFS", "CBC_ONLY")
		p.Certificate.MinDaysToExpiry = 30
		p.Certificate.MinRSABits = 2048
		p.Package.StrongCrypto = true
		p.Package.EnableClient = []finding.Protocol{finding.TLS12}
		p.Package.DisableClient = []finding.Protocol{finding.SSL20, finding.SSL30, finding.TLS10, finding.TLS11}
		p.Package.DisableServer = []finding.Protocol{finding.SSL20, finding.SSL30, finding.TLS10, finding.TLS11}
		// Within REG_DWORD values, strict adds what windows-tls-settings.md
		// §2.7 lists as the typical hardened setting and no TLS 1.2 peer
		// needs: the RC2 ciphers and the MD5 hash (TLS 1.2 suites use
		// SHA-256/384; MD5 only served TLS 1.0/1.1, which it turns off).
		p.Package.DisableCiphers = []string{"RC4", "3DES", "NULL", "DES", "RC2"}
		p.Package.DisableHashes = []string{"MD5"}
	default:
		return nil, false
	}
	sort.Strings(p.ForbiddenCiphers)
	return p, true
}

// CipherClasses lists the weak cipher classes a policy may forbid, as the
// prober reports them.
func CipherClasses() []string {
	return []string{"RC4", "3DES", "NULL", "EXPORT", "ANON", "NO_PFS", "CBC_ONLY"}
}

// CipherFamilies lists the SChannel cipher families package.disable_ciphers
// accepts (windows-tls-settings.md §2.7).
func CipherFamilies() []string { return []string{"NULL", "DES", "RC2", "RC4", "3DES"} }

// HashAlgorithms lists the SChannel hashes package.disable_hashes accepts:
// only MD5. Turning off SHA (SHA-1) breaks TLS 1.0/1.1 peers and
// certificate chains, and the SHA-2 family is what TLS 1.2 uses.
func HashAlgorithms() []string { return []string{"MD5"} }

// OSFamilies lists the generator/host OS tokens.
func OSFamilies() []string { return []string{"win7", "win81", "win10", "win11"} }

// OSFamilyName returns the readable name of an OS family token ("" when
// unknown).
func OSFamilyName(os string) string {
	switch os {
	case "win7":
		return "Windows 7 / Server 2008 R2"
	case "win81":
		return "Windows 8.1 / Server 2012 R2"
	case "win10":
		return "Windows 10 / Server 2016 / Server 2019"
	case "win11":
		return "Windows 11 / Server 2022 / Server 2025"
	}
	return ""
}
