// Package gpo renders the settings list as Group Policy artifacts:
//
//   - gpo/Registry.xml: a Group Policy Preferences (GPP) Registry file, one
//     Replace item per value and view, with removePolicy="1" so the value is
//     deleted when the GPO stops applying;
//   - gpo/backup/{BackupId}/: a GPO backup (Backup.xml, bkupInfo.xml and the
//     DomainSysvol tree holding the same Registry.xml) for
//     `Import-GPO -BackupId {BackupId} -Path <bundle>\gpo\backup -TargetName …`;
//   - gpo/Registry.pol: the same values in the PReg format for local policy
//     tools (LGPO.exe /m). Values outside SOFTWARE\Policies written this way
//     are tattooed: nothing removes them when the policy goes away.
//
// Every GUID is derived from content (SHA-256, formatted as a version-5
// style GUID), and the only timestamp is the bundle's Time
// (SOURCE_DATE_EPOCH), so the output is byte-identical across runs.
//
// XML is produced with encoding/xml structs (STYLE C25), which escapes
// every user-given name; files are UTF-8 without BOM with CRLF line ends,
// as GPMC writes them.
package gpo

import (
	"context"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/regpol"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

// GPP class identifiers, from the MS-GPPREF CLSID table
// (learn.microsoft.com/openspecs/windows_protocols/ms-gppref/12512ed6-0632-4e90-a112-d3d2cd41df6c).
const (
	CLSIDRegistrySettings = "{A3CCFC41-DFDB-43a5-8D26-0FE8B954DA51}"
	CLSIDCollection       = "{53B533F5-224C-47e3-B01B-CA3B3F3FF4BF}"
	CLSIDRegistry         = "{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}"
)

// Client-side extension and tool GUIDs for gPCMachineExtensionNames.
const (
	CSEPreferencesRegistry  = "{B087BE9D-ED37-454F-AF9C-04291E351182}"
	ToolPreferencesRegistry = "{BEE07A6A-EC9F-4659-B8C9-0B1937907C83}"
	CSENull                 = "{00000000-0000-0000-0000-000000000000}"
	// CSEAdminTemplates is the Registry (Administrative Templates)
	// extension that Backup-GPO always lists with the Adm folder.
	CSEAdminTemplates = "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}"
	// ExtFileCopy is the backup handler that copies GPP files; Backup-GPO
	// labels it "Unknown Extension".
	ExtFileCopy = "{F15C46CD-82A0-4C2D-A210-5D0D3182A418}"
)

// MachineExtensionNames is the gPCMachineExtensionNames value of a GPO that
// holds only GPP Registry items: the null-CSE group GPMC adds for the
// preference tool, then the GPP Registry CSE, sorted by GUID.
const MachineExtensionNames = "[" + CSENull + ToolPreferencesRegistry + "][" + CSEPreferencesRegistry + ToolPreferencesRegistry + "]"

// Artifact paths inside the bundle.
const (
	RegistryXMLPath = "gpo/Registry.xml"
	RegistryPolPath = "gpo/Registry.pol"
	BackupRoot      = "gpo/backup"
	// SysvolRegistryXML is Registry.xml's place inside a backup folder.
	SysvolRegistryXML = "DomainSysvol/GPO/Machine/Preferences/Registry/Registry.xml"
)

// Artifact kinds.
const (
	KindRegistryXML = "gpp-registry-xml"
	KindBackup      = "gpo-backup"
	KindRegistryPol = "registry-pol"
)

// BackupDomain is the domain recorded in Backup.xml and bkupInfo.xml.
// Import-GPO imports settings into a GPO of the current domain whatever the
// backup's domain; ".invalid" (RFC 6761) makes plain that it is not real.
const BackupDomain = "tlsgate.invalid"

// Generator is the "gpo" format.
type Generator struct{}

// Name implements pkggen.Generator.
func (Generator) Name() string { return "gpo" }

// Skip implements pkggen.Generator: there is nothing to write when the plan
// sets no value.
func (Generator) Skip(b *pkggen.Bundle) string {
	if len(b.Plan.Settings) == 0 {
		return "the plan sets no registry value"
	}
	return ""
}

// Generate implements pkggen.Generator.
func (Generator) Generate(ctx context.Context, b *pkggen.Bundle) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	items, err := Items(b.Plan)
	if err != nil {
		return err
	}
	regXML, err := RegistryXML(items, b.Time)
	if err != nil {
		return err
	}
	if err := b.WriteFile(KindRegistryXML, RegistryXMLPath, regXML); err != nil {
		return err
	}
	info := NewBackupInfo(b, regXML)
	files, err := Backup(info, regXML)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := b.WriteFile(KindBackup, path.Join(BackupRoot, f.Path), f.Data); err != nil {
			return err
		}
	}
	pol, err := RegistryPol(b.Plan)
	if err != nil {
		return err
	}
	return b.WriteFile(KindRegistryPol, RegistryPolPath, pol)
}

// Item is one GPP Registry item: one value in one view.
type Item struct {
	Family string
	Hive   string // long name: HKEY_LOCAL_MACHINE
	Key    string // without hive; Wow6432Node spelled out for the 32-bit view
	Name   string
	Type   string // REG_DWORD
	Value  uint32
	Desc   string
	// Setting is the settings-list entry the item renders.
	Setting settings.Setting
}

// UID is the item's GUID, derived from what the item writes.
func (it Item) UID() string {
	return GUID("gpp-registry-item", it.Hive, strings.ToLower(it.Key), strings.ToLower(it.Name), it.Type, fmt.Sprint(it.Value))
}

var longHive = map[string]string{
	"HKLM": "HKEY_LOCAL_MACHINE",
}

// Items turns the settings list into GPP items, in plan order. Only HKLM
// REG_DWORD values exist in the settings model; anything else is an error
// naming the setting, as is a value listed twice.
func Items(p settings.Plan) ([]Item, error) {
	seen := map[string]bool{}
	var out []Item
	for i, s := range p.Settings {
		hive, ok := longHive[strings.ToUpper(s.Hive)]
		if !ok {
			return nil, fmt.Errorf("gpo: setting %d (%s\\%s): hive %q is not supported in a machine GPO (only HKLM)", i, s.Key, s.Name, s.Hive)
		}
		if s.Type != "REG_DWORD" {
			return nil, fmt.Errorf("gpo: setting %d (%s\\%s): type %q is not supported (only REG_DWORD)", i, s.Key, s.Name, s.Type)
		}
		if s.View != settings.View64 && s.View != settings.View32 {
			return nil, fmt.Errorf("gpo: setting %d (%s\\%s): unknown view %q", i, s.Key, s.Name, s.View)
		}
		key := RegKey(s)
		id := strings.ToLower(hive + `\` + key + `\` + s.Name)
		if seen[id] {
			return nil, fmt.Errorf("gpo: setting %d: %s\\%s\\%s is listed twice", i, hive, key, s.Name)
		}
		seen[id] = true
		desc := s.Reason
		if s.View == settings.View32 {
			desc = strings.TrimSpace(desc + " (32-bit view)")
		}
		out = append(out, Item{Family: s.Family, Hive: hive, Key: key, Name: s.Name, Type: s.Type, Value: s.Value, Desc: desc, Setting: s})
	}
	return out, nil
}

// RegKey is the setting's key without the hive, with Wow6432Node inserted
// for the 32-bit view: the path a 64-bit process (the Group Policy
// service) writes to reach that view.
func RegKey(s settings.Setting) string {
	return strings.TrimPrefix(s.FullKey(), s.Hive+`\`)
}

// familyNames are the GPMC folder names of the families.
var familyNames = map[string]string{
	"dotnet":            ".NET Framework",
	"winhttp":           "WinHTTP",
	"wininet":           "WinINet",
	"schannel-protocol": "SChannel protocols",
	"schannel-cipher":   "SChannel ciphers",
	"schannel-hash":     "SChannel hashes",
	"schannel-logging":  "SChannel event logging",
}

// FamilyName is the display name of a settings family.
func FamilyName(f string) string {
	if n, ok := familyNames[f]; ok {
		return n
	}
	if f == "" {
		return "Other"
	}
	return f
}

type xmlRegistrySettings struct {
	XMLName     xml.Name        `xml:"RegistrySettings"`
	CLSID       string          `xml:"clsid,attr"`
	Collections []xmlCollection `xml:"Collection"`
}

type xmlCollection struct {
	CLSID string        `xml:"clsid,attr"`
	Name  string        `xml:"name,attr"`
	Items []xmlRegistry `xml:"Registry"`
}

type xmlRegistry struct {
	CLSID        string        `xml:"clsid,attr"`
	Name         string        `xml:"name,attr"`
	Status       string        `xml:"status,attr"`
	Image        int           `xml:"image,attr"`
	Changed      string        `xml:"changed,attr"`
	UID          string        `xml:"uid,attr"`
	Desc         string        `xml:"desc,attr,omitempty"`
	BypassErrors int           `xml:"bypassErrors,attr"`
	RemovePolicy int           `xml:"removePolicy,attr"`
	Properties   xmlProperties `xml:"Properties"`
}

type xmlProperties struct {
	Action         string `xml:"action,attr"`
	DisplayDecimal int    `xml:"displayDecimal,attr"`
	Default        int    `xml:"default,attr"`
	Hive           string `xml:"hive,attr"`
	Key            string `xml:"key,attr"`
	Name           string `xml:"name,attr"`
	Type           string `xml:"type,attr"`
	Value          string `xml:"value,attr"`
}

// ActionReplace is the GPP action of every item: Replace deletes and
// re-creates the value at each refresh and is the action GPMC pairs with
// "Remove this item when it is no longer applied" (removePolicy="1"). Update
// would leave the value behind when the GPO goes away, and Create would not
// correct a wrong existing value.
const ActionReplace = "R"

// imageDWORDReplace is GPMC's icon index for a number value with action
// Replace (base 10 for numbers + 1 for Replace). Cosmetic only.
const imageDWORDReplace = 11

// ChangedFormat is the layout of the `changed` attribute.
const ChangedFormat = "2006-01-02 15:04:05"

// RegistryXML renders items as a GPP Registry.xml, one Collection (GPMC
// folder) per family in order of first appearance.
func RegistryXML(items []Item, changed time.Time) ([]byte, error) {
	root := xmlRegistrySettings{CLSID: CLSIDRegistrySettings}
	index := map[string]int{}
	for _, it := range items {
		if it.Type != "REG_DWORD" {
			return nil, fmt.Errorf("gpo: %s\\%s: type %q is not supported", it.Key, it.Name, it.Type)
		}
		ci, ok := index[it.Family]
		if !ok {
			ci = len(root.Collections)
			index[it.Family] = ci
			root.Collections = append(root.Collections, xmlCollection{CLSID: CLSIDCollection, Name: FamilyName(it.Family)})
		}
		root.Collections[ci].Items = append(root.Collections[ci].Items, xmlRegistry{
			CLSID:        CLSIDRegistry,
			Name:         it.Name,
			Status:       it.Name,
			Image:        imageDWORDReplace,
			Changed:      changed.UTC().Format(ChangedFormat),
			UID:          it.UID(),
			Desc:         CleanText(it.Desc),
			BypassErrors: 1,
			RemovePolicy: 1,
			Properties: xmlProperties{
				Action: ActionReplace,
				Hive:   it.Hive,
				Key:    it.Key,
				Name:   it.Name,
				Type:   it.Type,
				Value:  fmt.Sprintf("%08X", it.Value),
			},
		})
	}
	return marshalCRLF(root, true)
}

// RegistryPol renders the settings list as a machine Registry.pol (keys
// relative to HKLM, Wow6432Node spelled out for the 32-bit view).
func RegistryPol(p settings.Plan) ([]byte, error) {
	items, err := Items(p)
	if err != nil {
		return nil, err
	}
	entries := make([]regpol.Entry, 0, len(items))
	for _, it := range items {
		entries = append(entries, regpol.DWORD(it.Key, it.Name, it.Value))
	}
	return regpol.Marshal(entries)
}

// marshalCRLF encodes v indented, with an optional XML declaration and
// CRLF line ends. encoding/xml escapes newlines inside attributes and text
// as character references, so every raw LF comes from the indentation.
func marshalCRLF(v any, declaration bool) ([]byte, error) {
	body, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("gpo: encode XML: %w", err)
	}
	var sb strings.Builder
	if declaration {
		sb.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	}
	sb.Write(body)
	sb.WriteString("\n")
	return []byte(strings.ReplaceAll(sb.String(), "\n", "\r\n")), nil
}

// GUID derives a GUID from parts: SHA-256 over the NUL-joined parts, first
// 16 bytes, version nibble 5 and the RFC 4122 variant, upper-case with
// braces as Group Policy writes them.
func GUID(parts ...string) string {
	sum := sha256.Sum256([]byte("tlsgate\x00" + strings.Join(parts, "\x00")))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("{%X-%X-%X-%X-%X}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// CleanText makes a user-given name fit for a single-line display field:
// control characters (newlines, tabs, …) become spaces, runs of spaces
// collapse, and the result is trimmed. XML escaping is encoding/xml's job;
// this only keeps a GPO name on one line and inside XML's character range,
// so the name reads back exactly as written.
func CleanText(s string) string {
	var sb strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029:
			r = ' '
		case r == 0xFFFE || r == 0xFFFF:
			// Not XML characters; encoding/xml would write U+FFFD anyway.
			r = 0xFFFD
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		sb.WriteRune(r)
	}
	return strings.TrimSpace(sb.String())
}

// Describe implements pkggen.Describer.
func (Generator) Describe() string {
	return "`gpo/Registry.xml` is a Group Policy Preferences Registry file: every value as a Replace item with \"Remove this item when it is no longer applied\", so the values are deleted when the GPO stops applying. `gpo/backup/{GUID}/` is a GPO backup holding the same items: `Import-GPO -BackupId {GUID} -Path <bundle>\\gpo\\backup -TargetName \"<GPO name>\" -CreateIfNeeded`. `gpo/Registry.pol` carries the same values for local policy tools (`LGPO.exe /m gpo\\Registry.pol`); values written that way stay after the policy is removed (they are outside SOFTWARE\\Policies). Import-GPO and GPMC cannot run where the bundle is built: the files are checked structurally. See docs/gpo.md."
}
