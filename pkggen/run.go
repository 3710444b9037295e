package pkggen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/pkggen/settings"
	"github.com/tlsgate/tlsgate/templates"
)

// Describer is implemented by generators that explain their artifacts in
// the bundle README (a short Markdown paragraph: what the files do and how
// to deploy them).
type Describer interface {
	Describe() string
}

// Options configure Run.
type Options struct {
	Policy *policy.Policy
	// OS lists the family tokens (win7, win81, win10, win11). One token:
	// the bundle is Out itself; several: Out/<token>.
	OS  []string
	Out string
	// Formats are the --format tokens, in any order (Run follows the
	// generator order).
	Formats []string
	// Generators is the ordered generator slice (pkggen/generators.All).
	Generators []Generator
	// Force allows a non-empty Out. Files listed in an existing tlsgate
	// manifest.json are removed first; other files are left alone.
	Force bool
	// Time is written into artifacts: SOURCE_DATE_EPOCH when set (see
	// SourceDate).
	Time        time.Time
	ToolVersion string
}

// SourceDate returns the SOURCE_DATE_EPOCH time when the variable is set
// (ok = true), for reproducible output.
func SourceDate(getenv func(string) string) (time.Time, bool, error) {
	v := strings.TrimSpace(getenv("SOURCE_DATE_EPOCH"))
	if v == "" {
		return time.Time{}, false, nil
	}
	var sec int64
	if _, err := fmt.Sscanf(v, "%d", &sec); err != nil || fmt.Sprint(sec) != v || sec < 0 {
		return time.Time{}, false, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a non-negative whole number of seconds", v)
	}
	return time.Unix(sec, 0).UTC(), true, nil
}

// ErrNotEmpty is returned when Out is not empty and Force is off.
var ErrNotEmpty = errors.New("output folder is not empty")

// ErrOutput wraps every problem with the output folder itself (not a
// folder, not writable), so callers can report it as a usage error.
var ErrOutput = errors.New("unusable output folder")

// Run builds the settings plan for every OS family, runs the requested
// generators in pipeline order into one bundle per family, and writes each
// bundle's README.md, manifest.json and SHA256SUMS. Generators that cannot
// run are recorded in Bundle.Skips. A generator that fails is recorded
// there too ("failed: …") and the run goes on, so every bundle is finished;
// the failures are returned joined, with the bundles.
func Run(ctx context.Context, opts Options) ([]*Bundle, error) {
	if opts.Policy == nil {
		return nil, errors.New("no policy")
	}
	if len(opts.OS) == 0 {
		return nil, errors.New("no OS family given")
	}
	if opts.Out == "" {
		return nil, errors.New("no output folder given")
	}
	seenOS := map[string]bool{}
	var plans []settings.Plan
	for _, os := range opts.OS {
		if seenOS[os] {
			return nil, fmt.Errorf("OS family %q given twice", os)
		}
		seenOS[os] = true
		p, err := settings.Build(opts.Policy, os)
		if err != nil {
			return nil, err
		}
		plans = append(plans, p)
	}
	want := map[string]bool{}
	for _, f := range opts.Formats {
		if !contains(Formats(), f) {
			return nil, fmt.Errorf("unknown format %q", f)
		}
		want[f] = true
	}
	byName := map[string]Generator{}
	for _, g := range opts.Generators {
		byName[g.Name()] = g
	}
	var gens []Generator
	for _, f := range Formats() {
		if !want[f] {
			continue
		}
		g, ok := byName[f]
		if !ok {
			return nil, fmt.Errorf("format %s: this build of tlsgate has no %s generator", f, f)
		}
		gens = append(gens, g)
	}
	if err := prepareOut(opts.Out, opts.Force); err != nil {
		return nil, err
	}
	var bundles []*Bundle
	var failures []error
	for _, plan := range plans {
		dir := opts.Out
		if len(plans) > 1 {
			dir = filepath.Join(opts.Out, plan.OS)
			if err := prepareOut(dir, opts.Force); err != nil {
				return nil, err
			}
		}
		b := &Bundle{Dir: dir, Policy: opts.Policy, Plan: plan, Time: opts.Time.UTC(), Extra: map[string]any{}, ToolVersion: opts.ToolVersion}
		for _, g := range gens {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if why := g.Skip(b); why != "" {
				b.Skips = append(b.Skips, Skip{Generator: g.Name(), Reason: why})
				continue
			}
			before := len(b.Artifacts)
			if err := g.Generate(ctx, b); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				// Keep going: the other formats and bundles are still
				// written, and the manifest and README name the failure.
				failures = append(failures, fmt.Errorf("%s: %s: %w", plan.OS, g.Name(), err))
				first, _, _ := strings.Cut(err.Error(), "\n")
				b.Skips = append(b.Skips, Skip{Generator: g.Name(), Reason: "failed: " + first})
			}
			for _, a := range b.Artifacts[before:] {
				b.produced = append(b.produced, produced{generator: g.Name(), path: a.Path})
			}
		}
		if err := b.finish(gens); err != nil {
			return nil, fmt.Errorf("%s: %w", plan.OS, err)
		}
		bundles = append(bundles, b)
	}
	return bundles, errors.Join(failures...)
}

// prepareOut makes dir exist and be usable: empty, or Force with the files
// of an earlier tlsgate bundle removed.
func prepareOut(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("%w %s: %v", ErrOutput, dir, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w %s: %v", ErrOutput, dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	if !force {
		return fmt.Errorf("%w: %s (use --force to write into it)", ErrNotEmpty, dir)
	}
	// Remove only what an earlier run listed, never anything else.
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil
	}
	var m struct {
		Artifacts []Artifact `json:"artifacts"`
	}
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	parents := map[string]bool{}
	for _, a := range m.Artifacts {
		clean := filepath.Clean(filepath.FromSlash(a.Path))
		if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
			continue
		}
		if os.Remove(filepath.Join(dir, clean)) != nil {
			continue
		}
		for d := filepath.Dir(clean); d != "." && d != string(filepath.Separator); d = filepath.Dir(d) {
			parents[d] = true
		}
	}
	os.Remove(filepath.Join(dir, "manifest.json"))
	os.Remove(filepath.Join(dir, "SHA256SUMS"))
	// Folders that held removed files and are now empty go too (gpo/,
	// admx/, … of a run with more formats), deepest first; a folder with
	// anything else in it stays (os.Remove does not remove a non-empty one).
	var ds []string
	for d := range parents {
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool {
		if ni, nj := strings.Count(ds[i], string(filepath.Separator)), strings.Count(ds[j], string(filepath.Separator)); ni != nj {
			return ni > nj
		}
		return ds[i] < ds[j]
	})
	for _, d := range ds {
		if fi, err := os.Lstat(filepath.Join(dir, d)); err == nil && fi.IsDir() {
			os.Remove(filepath.Join(dir, d))
		}
	}
	return nil
}

// produced records which generator wrote an artifact (for the README).
type produced struct {
	generator, path string
}

// Manifest is manifest.json (CONTRACTS.md); Bundle.Extra entries are added
// as further top-level fields.
type Manifest struct {
	SchemaVersion int               `json:"schema_version"`
	Policy        string            `json:"policy"`
	OS            string            `json:"os"`
	Artifacts     []Artifact        `json:"artifacts"`
	Settings      []ManifestSetting `json:"settings"`
}

// ManifestSetting is one manifest.json "settings" entry: exactly the
// CONTRACTS.md fields, nothing more (settings.Setting carries more).
type ManifestSetting struct {
	Hive   string `json:"hive"`
	Key    string `json:"key"`
	View   string `json:"view"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Value  uint32 `json:"value"`
	Reason string `json:"reason"`
	Reboot bool   `json:"reboot"`
}

// manifestSettings converts the plan's settings to manifest entries.
func manifestSettings(in []settings.Setting) []ManifestSetting {
	out := make([]ManifestSetting, 0, len(in))
	for _, s := range in {
		out = append(out, ManifestSetting{Hive: s.Hive, Key: s.Key, View: string(s.View), Name: s.Name, Type: s.Type, Value: s.Value, Reason: s.Reason, Reboot: s.Reboot})
	}
	return out
}

var reserved = map[string]bool{"schema_version": true, "policy": true, "os": true, "artifacts": true, "settings": true}

// ManifestJSON returns the manifest bytes for the bundle's current artifacts.
func (b *Bundle) ManifestJSON() ([]byte, error) {
	m := Manifest{SchemaVersion: 1, Policy: b.Plan.Policy, OS: b.Plan.OS, Artifacts: b.Artifacts, Settings: manifestSettings(b.Plan.Settings)}
	if m.Artifacts == nil {
		m.Artifacts = []Artifact{}
	}
	base, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(base, &fields); err != nil {
		return nil, err
	}
	extra := map[string]any{
		"generated_at":  b.Time.UTC().Format(time.RFC3339),
		"tool_version":  b.ToolVersion,
		"os_name":       b.OSName(),
		"reboot":        b.Plan.NeedsReboot(),
		"warnings":      nonNil(b.Plan.Warnings),
		"prerequisites": nonNil(b.Plan.Prerequisites),
		"skipped":       b.Skips,
	}
	if b.Skips == nil {
		extra["skipped"] = []Skip{}
	}
	for k, v := range b.Extra {
		extra[k] = v
	}
	for k, v := range extra {
		if reserved[k] {
			return nil, fmt.Errorf("manifest: generator extra field %q collides with a contract field", k)
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("manifest: extra field %q: %w", k, err)
		}
		fields[k] = raw
	}
	// encoding/json sorts map keys; put the contract fields first.
	var buf bytes.Buffer
	buf.WriteString("{\n")
	keys := []string{"schema_version", "policy", "os", "artifacts", "settings"}
	var rest []string
	for k := range fields {
		if !reserved[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	keys = append(keys, rest...)
	for i, k := range keys {
		var ind bytes.Buffer
		if err := json.Indent(&ind, fields[k], "  ", "  "); err != nil {
			return nil, err
		}
		kq, _ := json.Marshal(k)
		fmt.Fprintf(&buf, "  %s: %s", kq, ind.Bytes())
		if i < len(keys)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// finish writes README.md, manifest.json and SHA256SUMS.
func (b *Bundle) finish(gens []Generator) error {
	readme, err := b.readme(gens)
	if err != nil {
		return err
	}
	if err := b.WriteFile("readme", "README.md", readme); err != nil {
		return err
	}
	b.SortArtifacts()
	man, err := b.ManifestJSON()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.Dir, "manifest.json"), man, 0o644); err != nil {
		return fmt.Errorf("write manifest.json: %w", err)
	}
	sums := b.Artifacts
	manSum := hashOf(man)
	var sb strings.Builder
	all := append(append([]Artifact(nil), sums...), Artifact{Path: "manifest.json", SHA256: manSum})
	sort.Slice(all, func(i, j int) bool { return all[i].Path < all[j].Path })
	for _, a := range all {
		// sha256sum -c format: hash, two spaces (text mode), path.
		fmt.Fprintf(&sb, "%s  %s\n", a.SHA256, a.Path)
	}
	if err := os.WriteFile(filepath.Join(b.Dir, "SHA256SUMS"), []byte(sb.String()), 0o644); err != nil {
		return fmt.Errorf("write SHA256SUMS: %w", err)
	}
	return nil
}

// OSName is the readable name of the bundle's OS family.
func (b *Bundle) OSName() string {
	f, ok := settings.Family(b.Plan.OS)
	if !ok {
		return b.Plan.OS
	}
	return f.Name
}

// Product is the product name for titles and metadata (policy package
// product, else "tlsgate TLS hardening"). It is raw user text: every
// format escapes it itself.
func (b *Bundle) Product() string {
	if b.Policy != nil && strings.TrimSpace(b.Policy.Package.Product) != "" {
		return b.Policy.Package.Product
	}
	return "tlsgate TLS hardening"
}

// Company is the company name (raw user text, escape per format).
func (b *Bundle) Company() string {
	if b.Policy != nil && strings.TrimSpace(b.Policy.Package.Company) != "" {
		return b.Policy.Package.Company
	}
	return "tlsgate"
}

// FileName is the package name made safe for a file name: letters, digits,
// '.', '_' and '-' only, no leading dot, at most 64 characters
// ("tlsgate-tls12" by default).
func (b *Bundle) FileName() string {
	name := ""
	if b.Policy != nil {
		name = b.Policy.Package.Name
		if strings.TrimSpace(name) == "" {
			name = "tlsgate-" + b.Plan.Policy
		}
	}
	return SafeFileName(name)
}

// SafeFileName makes user text a safe file name: letters, digits, '.', '_'
// and '-' only (a run of others becomes one '-'), no leading or trailing dot or dash, no
// "..", at most 64 characters; "tlsgate" when nothing is left.
func SafeFileName(name string) string {
	var sb strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			sb.WriteRune(r)
		case !strings.HasSuffix(sb.String(), "-"):
			sb.WriteByte('-')
		}
	}
	s := strings.Trim(sb.String(), ".-")
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", ".")
	}
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], ".-")
	}
	if s == "" {
		s = "tlsgate"
	}
	return s
}

var readmeTmpl = sync.OnceValues(func() (*template.Template, error) {
	return templates.Parse("bundle/*.tmpl", template.FuncMap{"md": mdEscape, "code": mdCode, "hex": func(v uint32) string { return fmt.Sprintf("0x%X", v) }})
})

// mdEscape makes user text inert in Markdown: one line, Markdown and HTML
// metacharacters backslash-escaped.
func mdEscape(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch r {
		case '\r', '\n', '\u2028', '\u2029', '\u0085':
			sb.WriteByte(' ')
		case '\\', '`', '*', '_', '{', '}', '[', ']', '(', ')', '#', '+', '-', '.', '!', '|', '<', '>', '&', '~', '$':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// mdCode puts s in a code span that its own backticks cannot close.
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

type readmeData struct {
	B           *Bundle
	Product     string
	Company     string
	Time        string
	Has         map[string]bool
	Generated   []generatorText
	Settings    []settings.Setting
	RebootCount int
	AppCount    int
}

type generatorText struct {
	Name, Text string
	Artifacts  []Artifact
}

func (b *Bundle) readme(gens []Generator) ([]byte, error) {
	t, err := readmeTmpl()
	if err != nil {
		return nil, err
	}
	d := readmeData{B: b, Product: b.Product(), Company: b.Company(), Time: b.Time.UTC().Format("2006-01-02 15:04:05 UTC"), Has: map[string]bool{}, Settings: b.Plan.Settings}
	for _, s := range b.Plan.Settings {
		if s.Reboot {
			d.RebootCount++
		} else {
			d.AppCount++
		}
	}
	for _, f := range Formats() {
		d.Has[f] = false
	}
	skipped := map[string]bool{}
	for _, s := range b.Skips {
		skipped[s.Generator] = true
	}
	arts := append([]Artifact(nil), b.Artifacts...)
	sort.Slice(arts, func(i, j int) bool { return arts[i].Path < arts[j].Path })
	for _, g := range gens {
		if skipped[g.Name()] {
			continue
		}
		d.Has[g.Name()] = true
		gt := generatorText{Name: g.Name()}
		if ds, ok := g.(Describer); ok {
			gt.Text = ds.Describe()
		}
		mine := map[string]bool{}
		for _, p := range b.produced {
			if p.generator == g.Name() {
				mine[p.path] = true
			}
		}
		for _, a := range arts {
			if mine[a.Path] {
				gt.Artifacts = append(gt.Artifacts, a)
			}
		}
		d.Generated = append(d.Generated, gt)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "README.md", d); err != nil {
		return nil, fmt.Errorf("render README.md: %w", err)
	}
	return buf.Bytes(), nil
}

func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
