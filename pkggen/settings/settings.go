// Package settings is the generator's settings model: policy × target OS
// family → an ordered list of registry operations. Every emitter (reg, gpo,
// admx, ps1, intune, exe, msi) renders this one list; nothing is hard-coded
// per format.
package settings

// View is the registry view a value is written to.
type View string

// Views. View32 is the Wow6432Node copy of a HKLM\SOFTWARE key; keys under
// HKLM\SYSTEM and HKLM\SOFTWARE\Policies are shared and only have View64.
const (
	View64 View = "64"
	View32 View = "32"
)

// Restart says what must be restarted for a value to take effect.
type Restart string

// Restart levels.
const (
	RestartApp    Restart = "app"    // restart the applications / services
	RestartReboot Restart = "reboot" // reboot the host
)

// Setting is one registry value the bundle sets. Its JSON form is the
// manifest.json "settings" entry of CONTRACTS.md.
type Setting struct {
	Hive string `json:"hive"` // "HKLM"
	// Key never carries the hive or Wow6432Node; View says which copy.
	Key  string `json:"key"`
	View View   `json:"view"`
	Name string `json:"name"`
	Type string `json:"type"` // "REG_DWORD"
	// Value is the DWORD data.
	Value  uint32 `json:"value"`
	Reason string `json:"reason"`
	// Source is the documentation URL behind the value.
	Source  string  `json:"source,omitempty"`
	Restart Restart `json:"-"`
	Reboot  bool    `json:"reboot"`
	// Family groups settings for ADMX policies and reports: "dotnet",
	// "winhttp", "wininet", "schannel-protocol", "schannel-cipher",
	// "schannel-hash", "schannel-logging".
	Family string `json:"family,omitempty"`
}

// FullKey returns the key path as the registry shows it to a 64-bit
// process: hive, Wow6432Node for the 32-bit view, then Key.
func (s Setting) FullKey() string {
	k := s.Key
	if s.View == View32 {
		// SOFTWARE\X → SOFTWARE\Wow6432Node\X
		const sw = `SOFTWARE\`
		if len(k) >= len(sw) && equalFold(k[:len(sw)], sw) {
			k = k[:len(sw)] + `Wow6432Node\` + k[len(sw):]
		}
	}
	return s.Hive + `\` + k
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Plan is the resolved list for one policy and one OS family.
type Plan struct {
	Policy string `json:"policy"`
	// OS is the family token: win7, win81, win10, win11.
	OS       string    `json:"os"`
	Settings []Setting `json:"settings"`
	// Warnings are prerequisites and caveats (e.g. "needs KB3140245").
	Warnings []string `json:"warnings,omitempty"`
	// Prerequisites are updates the OS must have (KB numbers).
	Prerequisites []string `json:"prerequisites,omitempty"`
}

// NeedsReboot reports whether any setting needs a reboot.
func (p Plan) NeedsReboot() bool {
	for _, s := range p.Settings {
		if s.Reboot {
			return true
		}
	}
	return false
}
