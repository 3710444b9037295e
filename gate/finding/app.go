package finding

import "fmt"

// Protocol is a TLS/SSL protocol version. Its JSON form is one of the
// CONTRACTS.md keys "SSL2.0" … "TLS1.3".
type Protocol int

// Protocol versions in ascending order.
const (
	SSL20 Protocol = iota
	SSL30
	TLS10
	TLS11
	TLS12
	TLS13
)

// Protocols lists every protocol in ascending order.
var Protocols = []Protocol{SSL20, SSL30, TLS10, TLS11, TLS12, TLS13}

var protocolKeys = [...]string{"SSL2.0", "SSL3.0", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"}
var protocolNames = [...]string{"SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"}

// Key returns the JSON key ("TLS1.2").
func (p Protocol) Key() string {
	if p < 0 || int(p) >= len(protocolKeys) {
		return fmt.Sprintf("Protocol(%d)", int(p))
	}
	return protocolKeys[p]
}

// String returns the readable name ("TLS 1.2").
func (p Protocol) String() string {
	if p < 0 || int(p) >= len(protocolNames) {
		return fmt.Sprintf("Protocol(%d)", int(p))
	}
	return protocolNames[p]
}

// ParseProtocol accepts a key ("TLS1.2") or a readable name ("TLS 1.2").
func ParseProtocol(s string) (Protocol, error) {
	for i := range protocolKeys {
		if s == protocolKeys[i] || s == protocolNames[i] {
			return Protocol(i), nil
		}
	}
	return 0, fmt.Errorf("unknown protocol %q (want one of SSL2.0, SSL3.0, TLS1.0, TLS1.1, TLS1.2, TLS1.3)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (p Protocol) MarshalText() ([]byte, error) { return []byte(p.Key()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Protocol) UnmarshalText(b []byte) error {
	v, err := ParseProtocol(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// ProtocolSet is a set of protocols as a bit mask (bit i = Protocol(i)).
type ProtocolSet uint8

// Has reports whether p is in the set.
func (s ProtocolSet) Has(p Protocol) bool { return s&(1<<uint(p)) != 0 }

// With returns the set with p added.
func (s ProtocolSet) With(p ...Protocol) ProtocolSet {
	for _, q := range p {
		s |= 1 << uint(q)
	}
	return s
}

// List returns the protocols in ascending order.
func (s ProtocolSet) List() []Protocol {
	out := []Protocol{}
	for _, p := range Protocols {
		if s.Has(p) {
			out = append(out, p)
		}
	}
	return out
}

// SetOf builds a set.
func SetOf(p ...Protocol) ProtocolSet { return ProtocolSet(0).With(p...) }

// Application is what the scanner knows of one application host (a project
// that produces an exe, a service or a web app, or a script host such as
// Windows PowerShell): the effective target framework that decides the
// runtime's TLS defaults, and the protocols it will offer.
//
// The verdict consumes these facts; it recomputes OfferedProtocols for the
// policy's assumed host with the scanner's exported function.
type Application struct {
	// Name is the assembly or project name; unique in a report.
	Name string `json:"name"`
	// ProjectFile is the repository-relative path of the project (or script).
	ProjectFile string `json:"project_file"`
	// Kind is "exe", "service", "web", "library", "script" or "native".
	Kind string `json:"kind"`
	// Runtime is "netfx" (.NET Framework 4.x), "clr2" (2.0–3.5), "netcore",
	// "powershell" (Windows PowerShell 5.1) or "native".
	Runtime string `json:"runtime"`
	// DeclaredTarget is what the project file says ("4.5"); empty if none.
	DeclaredTarget string `json:"declared_target,omitempty"`
	// EffectiveTarget is the target the runtime reads at start-up ("4.0"
	// for ASP.NET without httpRuntime@targetFramework).
	EffectiveTarget string `json:"effective_target"`
	// Configs are the configuration files that belong to the application.
	Configs []string `json:"configs,omitempty"`
	// Evidence is the chain that decided EffectiveTarget and the protocols.
	Evidence []Step `json:"evidence"`
	// Switches holds AppContext switch overrides found (name → value) with
	// where they were set.
	Switches []Switch `json:"switches,omitempty"`
	// CodeProtocols is set when code assigns ServicePointManager.SecurityProtocol
	// (or an equivalent); it then wins over defaults. Keys as Protocol.Key;
	// "SystemDefault" when the code asks for the OS default.
	CodeProtocols *CodeProtocols `json:"code_protocols,omitempty"`
	// Registry lists repository-managed registry writes that affect the app
	// (SchUseStrongCrypto, SystemDefaultTlsVersions, SChannel).
	Registry []RegistryValue `json:"registry,omitempty"`
	// OfferedProtocols maps a registry state ("as_shipped", "with_package")
	// to the protocols the application will offer on the default assumed
	// host (Windows Server 2019, .NET Framework 4.8).
	OfferedProtocols map[string][]Protocol `json:"offered_protocols"`
	// StrongCrypto maps the same registry states to whether the runtime
	// passes SCH_USE_STRONG_CRYPTO (weak ciphers removed).
	StrongCrypto map[string]bool `json:"strong_crypto,omitempty"`
}

// Registry states used as keys of Application.OfferedProtocols.
const (
	StateAsShipped   = "as_shipped"
	StateWithPackage = "with_package"
)

// Switch is an AppContext switch override.
type Switch struct {
	Name     string   `json:"name"`
	Value    bool     `json:"value"`
	Location Location `json:"location"`
}

// CodeProtocols is an explicit protocol choice in code.
type CodeProtocols struct {
	Protocols     []Protocol `json:"protocols"`
	SystemDefault bool       `json:"system_default,omitempty"`
	Additive      bool       `json:"additive,omitempty"` // |= : adds to the default
	Location      Location   `json:"location"`
}

// RegistryValue is a registry value written by an artifact in the repository.
type RegistryValue struct {
	Key      string   `json:"key"` // full path with hive, as written
	Name     string   `json:"name"`
	Value    uint64   `json:"value"`
	Location Location `json:"location"`
}
