// Package policy is the one policy that drives both faces of tlsgate: what
// the gate demands of applications and endpoints, and what the package
// generator writes to Windows hosts.
//
// A policy is a built-in (audit, compat, tls12, strict) or a YAML file that
// starts from a built-in (`extends:`) and overrides fields. Load resolves
// either; unknown keys and bad values are errors naming file:line:column.
package policy

import (
	"time"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// Policy is a resolved policy.
type Policy struct {
	// Name is the built-in name, or the file path for a policy file.
	Name string `yaml:"-" json:"name"`
	// Extends is the built-in a file starts from (default tls12).
	Extends string `yaml:"extends,omitempty" json:"extends,omitempty"`
	// Description is free text shown in reports and generated bundles.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`

	// MinVersion is the lowest protocol an endpoint may accept and an
	// application may depend on.
	MinVersion finding.Protocol `yaml:"min_version" json:"min_version"`
	// ForbiddenCiphers are weak cipher classes an endpoint must not accept:
	// RC4, 3DES, NULL, EXPORT, ANON, NO_PFS, CBC_ONLY.
	ForbiddenCiphers []string `yaml:"forbidden_ciphers" json:"forbidden_ciphers"`
	// Certificate rules for endpoints.
	Certificate CertRules `yaml:"certificate" json:"certificate"`
	// FailOn is the lowest level that fails the gate.
	FailOn finding.Severity `yaml:"fail_on" json:"fail_on"`

	// Client is the assumed client host of the applications.
	Client Host `yaml:"client" json:"client"`

	// Endpoints the applications call, with the applications that call them
	// (empty = every application).
	Endpoints []Endpoint `yaml:"endpoints,omitempty" json:"endpoints,omitempty"`
	// Discover enables probing endpoints found in configuration files.
	Discover bool `yaml:"discover,omitempty" json:"discover,omitempty"`
	// DiscoverAllow and DiscoverDeny limit discovered hosts (glob patterns
	// such as "*.example.com"); deny wins.
	DiscoverAllow []string `yaml:"discover_allow,omitempty" json:"discover_allow,omitempty"`
	DiscoverDeny  []string `yaml:"discover_deny,omitempty" json:"discover_deny,omitempty"`
	// Environments are named sets of endpoints (e.g. a deployment target),
	// probed by `tlsgate serve` for deployment protection rules.
	Environments map[string][]string `yaml:"environments,omitempty" json:"environments,omitempty"`

	// Suppressions silence findings by path glob (or endpoint) and rule id.
	Suppressions []Suppression `yaml:"suppressions,omitempty" json:"suppressions,omitempty"`

	// Package is what the generator writes to hosts.
	Package Package `yaml:"package" json:"package"`
}

// CertRules are certificate requirements for endpoints.
type CertRules struct {
	// MinDaysToExpiry: a certificate expiring sooner is a warning.
	MinDaysToExpiry int `yaml:"min_days_to_expiry" json:"min_days_to_expiry"`
	// MinRSABits and MinECBits are the smallest acceptable key sizes.
	MinRSABits int `yaml:"min_rsa_bits" json:"min_rsa_bits"`
	MinECBits  int `yaml:"min_ec_bits" json:"min_ec_bits"`
	// AllowSHA1 accepts SHA-1 signed certificates.
	AllowSHA1 bool `yaml:"allow_sha1,omitempty" json:"allow_sha1,omitempty"`
}

// Host is an assumed Windows client host.
type Host struct {
	// OS is the family: win7, win81, win10 (10 / Server 2016 / 2019) or
	// win11 (11 / Server 2022 / 2025).
	OS string `yaml:"os" json:"os"`
	// OSName is the readable name used in messages.
	OSName string `yaml:"os_name,omitempty" json:"os_name,omitempty"`
	// DotNet is the installed .NET Framework 4.x runtime ("4.8").
	DotNet string `yaml:"dotnet" json:"dotnet"`
}

// Endpoint is an endpoint the applications call.
type Endpoint struct {
	URL          string   `yaml:"url" json:"url"`
	Applications []string `yaml:"applications,omitempty" json:"applications,omitempty"`
	SNI          string   `yaml:"sni,omitempty" json:"sni,omitempty"`
	StartTLS     string   `yaml:"starttls,omitempty" json:"starttls,omitempty"`
}

// Suppression silences a rule for paths (glob, slash-separated, relative to
// the scanned root) or endpoints (host:port glob).
type Suppression struct {
	Rule     string `yaml:"rule" json:"rule"`
	Path     string `yaml:"path,omitempty" json:"path,omitempty"`
	Endpoint string `yaml:"endpoint,omitempty" json:"endpoint,omitempty"`
	Reason   string `yaml:"reason" json:"reason"`
	// Expires is a date (YYYY-MM-DD); from that day on it no longer applies.
	Expires string `yaml:"expires,omitempty" json:"expires,omitempty"`
	// Line and Column locate the entry in its policy file.
	Line   int `yaml:"-" json:"-"`
	Column int `yaml:"-" json:"-"`
}

// Expired reports whether the suppression has expired at now.
func (s Suppression) Expired(now time.Time) bool {
	if s.Expires == "" {
		return false
	}
	t, err := time.Parse("2006-01-02", s.Expires)
	if err != nil {
		return true
	}
	return !now.Before(t)
}

// Package is what the generator writes to Windows hosts.
type Package struct {
	// OS lists the target families when `gen --os` is not given.
	OS []string `yaml:"os,omitempty" json:"os,omitempty"`
	// Name is the bundle/product name (used for file names and GPO names).
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Company and Product go into version resources, GPO and MSI metadata.
	Company string `yaml:"company,omitempty" json:"company,omitempty"`
	Product string `yaml:"product,omitempty" json:"product,omitempty"`
	Version string `yaml:"version,omitempty" json:"version,omitempty"`

	// AuditOnly changes nothing but turns on SChannel event logging.
	AuditOnly bool `yaml:"audit_only,omitempty" json:"audit_only,omitempty"`
	// EventLogging is the SChannel EventLogging value to set (0 = leave).
	EventLogging int `yaml:"event_logging,omitempty" json:"event_logging,omitempty"`
	// StrongCrypto sets SchUseStrongCrypto and SystemDefaultTlsVersions.
	StrongCrypto bool `yaml:"strong_crypto" json:"strong_crypto"`
	// DisableClient lists protocols to disable for the SChannel client.
	DisableClient []finding.Protocol `yaml:"disable_client,omitempty" json:"disable_client,omitempty"`
	// DisableServer lists protocols to disable for the SChannel server.
	DisableServer []finding.Protocol `yaml:"disable_server,omitempty" json:"disable_server,omitempty"`
	// EnableClient lists protocols to enable explicitly (TLS 1.1/1.2 on
	// Windows 7, where they are off for clients by default).
	EnableClient []finding.Protocol `yaml:"enable_client,omitempty" json:"enable_client,omitempty"`
	// EnableServer lists protocols to enable explicitly for the SChannel
	// server; when empty and DisableServer is set, the generator uses
	// EnableClient for the server too (added by the generator engineer).
	EnableServer []finding.Protocol `yaml:"enable_server,omitempty" json:"enable_server,omitempty"`
	// DisableCiphers lists SChannel cipher families to disable: NULL, DES,
	// RC2, RC4, 3DES (CipherFamilies).
	DisableCiphers []string `yaml:"disable_ciphers,omitempty" json:"disable_ciphers,omitempty"`
	// DisableHashes lists SChannel hash algorithms to disable: only MD5
	// (HashAlgorithms); the SHA family stays on.
	DisableHashes []string `yaml:"disable_hashes,omitempty" json:"disable_hashes,omitempty"`
}
