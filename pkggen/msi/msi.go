// Package msi is the `msi` generator: WiX v3 source from the settings
// model (per-machine, registry-only: one 64-bit component per key, and a
// 32-bit component, Win64="no", for each Wow6432Node copy), built into an
// MSI with msitools' wixl when it is installed.
//
// The UpgradeCode is stable per policy (a name-based GUID of the policy
// name), so a newer build of the same policy upgrades the older one; the
// ProductCode is derived from the content and version, so a different
// settings list is a different product. Uninstalling removes the values.
package msi

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/applier"
	"github.com/tlsgate/tlsgate/pkggen/exe"
	"github.com/tlsgate/tlsgate/pkggen/settings"
	"github.com/tlsgate/tlsgate/templates"
	"golang.org/x/text/encoding/charmap"
)

// Builder is the seam to the MSI compiler.
type Builder interface {
	// Build compiles the WiX source wxs into the MSI out.
	Build(ctx context.Context, wxs, out string) error
}

// Options configure the generator.
type Options struct {
	// Builder compiles the .wxs (nil: wixl on PATH).
	Builder Builder
	// LookPath finds wixl (nil: exec.LookPath).
	LookPath func(string) (string, error)
}

// Generator is the msi generator.
type Generator struct{ opts Options }

// New returns the msi generator.
func New(opts Options) *Generator {
	if opts.LookPath == nil {
		opts.LookPath = exec.LookPath
	}
	return &Generator{opts: opts}
}

// Name implements pkggen.Generator.
func (g *Generator) Name() string { return "msi" }

// Skip implements pkggen.Generator. The MSI covers every OS family; when
// wixl is missing Generate still writes the WiX source and records a skip
// for the .msi itself.
func (g *Generator) Skip(b *pkggen.Bundle) string {
	if len(b.Plan.Settings) == 0 {
		return "the policy sets no registry value for " + b.Plan.OS
	}
	return ""
}

// Describe implements pkggen.Describer.
func (g *Generator) Describe() string {
	return "A per-machine, registry-only MSI (built with wixl from the `.wxs` WiX source next to it) for " +
		"SCCM, Intune Win32 apps, GPO software installation or `msiexec /i <file>.msi /qn`. Installing sets " +
		"every value (64-bit components, plus 32-bit components for the Wow6432Node copies). " +
		"**Uninstalling removes the values** (`msiexec /x <file>.msi /qn`): the host returns to the Windows " +
		"defaults, not to what was there before - use the exe or the PowerShell scripts when you need the " +
		"exact prior state back. The UpgradeCode is fixed per policy, so a newer package of the same policy " +
		"replaces the older one. The MSI needs no reboot to install, but SChannel and WinHTTP read the " +
		"values only after a restart."
}

// Names returns the .wxs and .msi file names of a bundle.
func Names(b *pkggen.Bundle) (wxs, msi string) {
	n := exe.BaseName(b)
	return n + ".wxs", n + ".msi"
}

// UpgradeCode is the stable UpgradeCode of a policy.
func UpgradeCode(policyName string) string {
	return nameGUID("tlsgate/msi/upgrade/" + applier.BackupID(policyName))
}

// nameGUID is a name-based (version 5, SHA-1) GUID in a tlsgate namespace,
// upper case in braces as MSI wants it.
func nameGUID(name string) string {
	// Namespace: a fixed random GUID for tlsgate's MSI identifiers.
	ns := []byte{0x6b, 0x1f, 0x3a, 0x52, 0x8e, 0x0d, 0x4c, 0x7a, 0x9b, 0x61, 0x2e, 0x57, 0xd4, 0x03, 0xa8, 0x19}
	h := sha1.New()
	h.Write(ns)
	h.Write([]byte(name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("{%x-%x-%x-%x-%x}", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]))
}

// MSIVersion turns a package version into major.minor.build (MSI's
// ProductVersion: 255.255.65535 at most).
func MSIVersion(v string) (string, error) {
	s := strings.TrimPrefix(strings.TrimSpace(v), "v")
	if s == "" {
		s = "1.0.0"
	}
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return "", fmt.Errorf("version %q: too many parts", v)
	}
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	limits := []uint64{255, 255, 65535}
	for i := 0; i < 3; i++ {
		n, err := strconv.ParseUint(parts[i], 10, 32)
		if err != nil || n > limits[i] {
			return "", fmt.Errorf("version %q: part %d must be a number up to %d for an MSI", v, i+1, limits[i])
		}
	}
	return strings.Join(parts[:3], "."), nil
}

type value struct {
	Name  string
	Value uint32
}

type component struct {
	ID, GUID, Key string
	Win64         bool
	Values        []value
}

// Source renders the WiX source of a bundle.
func Source(b *pkggen.Bundle) ([]byte, error) {
	if len(b.Plan.Settings) == 0 {
		return nil, fmt.Errorf("policy %s sets no registry value for %s", b.Plan.Policy, b.Plan.OS)
	}
	company, product, version := "tlsgate", "tlsgate TLS hardening", ""
	if b.Policy != nil {
		if b.Policy.Package.Company != "" {
			company = b.Policy.Package.Company
		}
		if b.Policy.Package.Product != "" {
			product = b.Policy.Package.Product
		}
		version = b.Policy.Package.Version
	}
	ver, err := MSIVersion(version)
	if err != nil {
		return nil, err
	}
	// One component per (view, key), in plan order of first appearance.
	var comps []*component
	byKey := map[string]*component{}
	for _, s := range b.Plan.Settings {
		if !strings.EqualFold(s.Hive, "HKLM") || s.Type != "REG_DWORD" {
			return nil, fmt.Errorf("setting %s\\%s: only HKLM REG_DWORD values go into the MSI", s.Key, s.Name)
		}
		id := strings.ToLower(string(s.View) + "|" + s.Key)
		c := byKey[id]
		if c == nil {
			n := len(comps) + 1
			c = &component{
				ID:    fmt.Sprintf("Reg%02d_%s", n, map[bool]string{true: "x64", false: "x86"}[s.View != settings.View32]),
				GUID:  nameGUID("tlsgate/msi/component/" + applier.BackupID(b.Plan.Policy) + "/" + id),
				Key:   s.Key,
				Win64: s.View != settings.View32,
			}
			byKey[id] = c
			comps = append(comps, c)
		}
		c.Values = append(c.Values, value{Name: s.Name, Value: s.Value})
	}
	content, err := json.Marshal(struct {
		V string
		S []settings.Setting
	}{ver, b.Plan.Settings})
	if err != nil {
		return nil, err
	}
	wxsName, msiName := Names(b)
	osName := b.Plan.OS
	if f, ok := settings.Family(b.Plan.OS); ok {
		osName = f.Name
	}
	data := map[string]any{
		"ToolVersion":  b.ToolVersion,
		"Policy":       b.Plan.Policy,
		"OS":           b.Plan.OS,
		"OSName":       osName,
		"WXSName":      wxsName,
		"MSIName":      msiName,
		"ProductCode":  nameGUID("tlsgate/msi/product/" + applier.BackupID(b.Plan.Policy) + "/" + b.Plan.OS + "/" + string(content)),
		"UpgradeCode":  UpgradeCode(b.Plan.Policy),
		"ProductName":  fmt.Sprintf("%s (%s, %s)", product, applier.BackupID(b.Plan.Policy), b.Plan.OS),
		"Manufacturer": company,
		"Version":      ver,
		"Description":  fmt.Sprintf("TLS registry settings of policy %s for %s", applier.BackupID(b.Plan.Policy), osName),
		"Comments":     fmt.Sprintf("Sets %d registry values; uninstalling removes them.", len(b.Plan.Settings)),
		"Components":   comps,
	}
	t, err := templates.Parse("msi/product.wxs.tmpl", template.FuncMap{})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "product.wxs.tmpl", escapeAll(data)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// wixText makes s safe for the WiX preprocessor and the MSI database:
// "$" starts a preprocessor variable, so it is doubled ("$$" is a literal
// "$"); "$(" becomes "$ (" because wixl fails on "$$(" too, and a run of
// "$" becomes one, because wixl turns "$$$$" into "$$$". Characters the
// database's code page (1252) cannot hold become "?"; wixl would otherwise
// store an empty string.
func wixText(s string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range strings.ReplaceAll(s, "$(", "$ (") {
		switch c, ok := charmap.Windows1252.EncodeRune(r); {
		case r == '$' && prev == '$':
		case r == '$':
			b.WriteString("$$")
		case !ok || c == 0x1A && r != 0x1A:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// escapeAll XML-escapes every string the template writes (attribute
// values and the comment), so policy and product names cannot break the
// document, after wixText.
func escapeAll(data map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range data {
		switch x := v.(type) {
		case string:
			out[k] = xmlEscape(wixText(x))
		case []*component:
			var cs []*component
			for _, c := range x {
				cc := *c
				cc.Key = xmlEscape(c.Key)
				cc.Values = nil
				for _, v := range c.Values {
					cc.Values = append(cc.Values, value{Name: xmlEscape(v.Name), Value: v.Value})
				}
				cs = append(cs, &cc)
			}
			out[k] = cs
		default:
			out[k] = v
		}
	}
	return out
}

// xmlEscape escapes s for the WiX source; "--" may not appear inside the
// XML comment the header is.
func xmlEscape(s string) string {
	return strings.ReplaceAll(pkggen.XMLEscape(s), "--", "-&#45;")
}

// Generate implements pkggen.Generator: it writes <name>.wxs, and
// <name>.msi when wixl is available.
func (g *Generator) Generate(ctx context.Context, b *pkggen.Bundle) error {
	src, err := Source(b)
	if err != nil {
		return fmt.Errorf("%w", err)
	}
	wxsName, msiName := Names(b)
	if err := b.WriteFile("msi-source", wxsName, src); err != nil {
		return fmt.Errorf("%w", err)
	}
	builder := g.opts.Builder
	if builder == nil {
		p, err := g.opts.LookPath("wixl")
		if err != nil {
			b.Skips = append(b.Skips, pkggen.Skip{Generator: "msi", Reason: fmt.Sprintf(
				"wixl is not installed, so only the WiX source %s was written: install msitools' wixl (Debian/Ubuntu: apt-get install wixl) and run `wixl -a x64 -o %s %s`, or build it with WiX 3 (candle + light)", wxsName, msiName, wxsName)})
			return nil
		}
		builder = &Wixl{Path: p}
	}
	tmp, err := os.MkdirTemp("", "tlsgate-msi-")
	if err != nil {
		return fmt.Errorf("%w", err)
	}
	defer os.RemoveAll(tmp)
	in := filepath.Join(tmp, wxsName)
	out := filepath.Join(tmp, msiName)
	if err := os.WriteFile(in, src, 0o644); err != nil {
		return fmt.Errorf("%w", err)
	}
	if err := builder.Build(ctx, in, out); err != nil {
		return fmt.Errorf("build %s: %w", msiName, err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return fmt.Errorf("%w", err)
	}
	if err := b.WriteFile("msi", msiName, data); err != nil {
		return fmt.Errorf("%w", err)
	}
	return nil
}

// Wixl builds with msitools' wixl.
type Wixl struct{ Path string }

// Build implements Builder.
func (w *Wixl) Build(ctx context.Context, wxs, out string) error {
	cmd := exec.CommandContext(ctx, w.Path, "-a", "x64", "-o", out, wxs)
	var msg bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("wixl: %w\n%s", err, strings.TrimSpace(msg.String()))
	}
	if _, err := os.Stat(out); err != nil {
		return errors.New("wixl reported success but wrote no MSI")
	}
	return nil
}

// RegistryRow is one row of the MSI's Registry table.
type RegistryRow struct {
	Root      int
	Key, Name string
	Value     string // "#1" for a DWORD
	Component string
}

// ParseRegistryTable parses `msiinfo export FILE Registry` output (tab
// separated: a header, a types line, a keys line, then rows).
func ParseRegistryTable(text string) ([]RegistryRow, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "Registry\t") {
		return nil, fmt.Errorf("not a Registry table export")
	}
	cols := strings.Split(lines[0], "\t")
	idx := map[string]int{}
	for i, c := range cols {
		idx[c] = i
	}
	for _, c := range []string{"Root", "Key", "Name", "Value", "Component_"} {
		if _, ok := idx[c]; !ok {
			return nil, fmt.Errorf("Registry table without column %s", c)
		}
	}
	var rows []RegistryRow
	for _, l := range lines[3:] {
		if l == "" {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != len(cols) {
			return nil, fmt.Errorf("Registry row %q: %d fields, want %d", l, len(f), len(cols))
		}
		root, err := strconv.Atoi(f[idx["Root"]])
		if err != nil {
			return nil, fmt.Errorf("Registry row %q: root: %w", l, err)
		}
		rows = append(rows, RegistryRow{Root: root, Key: f[idx["Key"]], Name: f[idx["Name"]], Value: f[idx["Value"]], Component: f[idx["Component_"]]})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Key != rows[j].Key {
			return rows[i].Key < rows[j].Key
		}
		return rows[i].Name < rows[j].Name
	})
	return rows, nil
}
