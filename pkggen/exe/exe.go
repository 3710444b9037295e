// Package exe is the `exe` generator: it builds the applier program
// (package pkggen/applier) for windows/amd64 and windows/arm64 with the
// bundle's settings embedded, a version resource and a manifest
// (goversioninfo), reproducibly (-trimpath, empty build id, CGO off), and
// optionally signs it with Authenticode.
//
// It works from an installed tlsgate binary, offline: the applier's source
// and its vendored golang.org/x/sys packages are embedded in tlsgate
// (applier.Source), written to a temporary module and built with
// -mod=vendor, GOPROXY=off and GOWORK=off. Only a Go toolchain is needed.
//
// Exec goes through the GoTool and Signer seams (STYLE C21).
package exe

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
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/josephspurrier/goversioninfo"

	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/applier"
	"github.com/tlsgate/tlsgate/templates"
)

// Arches are the Windows architectures built, in order.
var Arches = []string{"amd64", "arm64"}

// GoTool is the seam to the Go toolchain.
type GoTool interface {
	// Version returns `go env GOVERSION` (e.g. "go1.26.8").
	Version(ctx context.Context) (string, error)
	// Build runs `go build` in the module at dir with the extra environment
	// env (KEY=VALUE) and the arguments args.
	Build(ctx context.Context, dir string, env, args []string) error
}

// Signer is the seam to Authenticode signing.
type Signer interface {
	// Name is the tool name for messages ("osslsigncode", "signtool").
	Name() string
	// Sign signs in into out with the PKCS#12 file and its password.
	Sign(ctx context.Context, in, out, pkcs12File, password, description string) error
	// Verify checks out's signature against the certificates in caFile.
	Verify(ctx context.Context, file, caFile string) error
}

// Options configure the generator. Zero values take the policy's Package
// fields, then defaults.
type Options struct {
	Company     string
	Product     string
	Description string
	Version     string // "1.2.3" or "1.2.3.4"
	IconPath    string // optional .ico file

	// SignPKCS12 is the --sign-pkcs12 file; empty: no signing.
	SignPKCS12 string
	// SignPassword is the PKCS#12 password (read by the CLI from the
	// --sign-pass-env variable).
	SignPassword string

	Go     GoTool // nil: the go command on PATH
	Signer Signer // nil: osslsigncode (signtool on Windows when osslsigncode is missing)
	// LookPath finds tools (nil: exec.LookPath).
	LookPath func(string) (string, error)
	// TempDir is where the build module is written (nil: os.MkdirTemp("", ...)).
	TempDir string
}

// Generator is the exe generator.
type Generator struct {
	opts Options
	// names and product of the last bundle, for Describe (the names do not
	// depend on the OS family, so they are the same for every bundle).
	names   []string
	product string
}

// New returns the exe generator.
func New(opts Options) *Generator {
	if opts.LookPath == nil {
		opts.LookPath = exec.LookPath
	}
	if opts.Go == nil {
		opts.Go = &GoCommand{LookPath: opts.LookPath}
	}
	return &Generator{opts: opts}
}

// Name implements pkggen.Generator.
func (g *Generator) Name() string { return "exe" }

// Skip implements pkggen.Generator: Go executables need Windows 10 /
// Server 2016 or later, and a Go toolchain on this machine.
func (g *Generator) Skip(b *pkggen.Bundle) string {
	switch b.Plan.OS {
	case "win10", "win11":
	default:
		return fmt.Sprintf("Go executables need Windows 10 / Server 2016 or later, not %s; use apply.reg (--format reg) or the MSI (--format msi) there", b.Plan.OS)
	}
	if len(b.Plan.Settings) == 0 {
		return "the policy sets no registry value for " + b.Plan.OS
	}
	if gc, ok := g.opts.Go.(*GoCommand); ok {
		if _, err := gc.path(); err != nil {
			return "the Go toolchain (go) is not on PATH; install Go 1.24 or later to build the executables"
		}
	}
	return ""
}

// Names returns the executable file names for a bundle: <name>-amd64.exe,
// <name>-arm64.exe.
func Names(b *pkggen.Bundle) []string {
	var out []string
	for _, a := range Arches {
		out = append(out, BaseName(b)+"-"+a+".exe")
	}
	return out
}

// BaseName is the file name stem of the bundle's programs and installer:
// package.name, else "tlsgate-<policy>", made a safe file name. The exe and
// the MSI share it.
func BaseName(b *pkggen.Bundle) string {
	name := ""
	if b.Policy != nil {
		name = b.Policy.Package.Name
	}
	if name == "" {
		name = "tlsgate-" + applier.BackupID(b.Plan.Policy)
	}
	return pkggen.SafeFileName(name)
}

// PlanJSON is the applier.Config embedded into the program.
func PlanJSON(b *pkggen.Bundle, version string) ([]byte, error) {
	cfg := applier.Config{SchemaVersion: 1, Name: BaseName(b), Policy: b.Plan.Policy, OS: b.Plan.OS, Version: version}
	for _, s := range b.Plan.Settings {
		cfg.Settings = append(cfg.Settings, applier.Setting{
			Hive: s.Hive, Key: s.Key, View: string(s.View), Name: s.Name, Type: s.Type,
			Value: s.Value, Reason: s.Reason, Reboot: s.Reboot, Family: s.Family,
		})
	}
	if len(cfg.Settings) == 0 {
		return nil, fmt.Errorf("policy %s sets no registry values for %s: nothing to build", b.Plan.Policy, b.Plan.OS)
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return nil, err
	}
	// Validate with the applier's own parser, so a plan it would refuse at
	// run time fails the build instead.
	if _, err := applier.ParseConfig(data); err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

type meta struct {
	Company, Product, Description, Version, Icon string
}

func (g *Generator) meta(b *pkggen.Bundle) (meta, error) {
	m := meta{Company: g.opts.Company, Product: g.opts.Product, Description: g.opts.Description, Version: g.opts.Version, Icon: g.opts.IconPath}
	if b.Policy != nil {
		p := b.Policy.Package
		if m.Company == "" {
			m.Company = p.Company
		}
		if m.Product == "" {
			m.Product = p.Product
		}
		if m.Version == "" {
			m.Version = p.Version
		}
	}
	if m.Company == "" {
		m.Company = "tlsgate"
	}
	if m.Product == "" {
		m.Product = "tlsgate TLS hardening"
	}
	if m.Description == "" {
		m.Description = fmt.Sprintf("Applies, checks and rolls back the TLS registry settings of policy %s (%s)", applier.BackupID(b.Plan.Policy), b.Plan.OS)
	}
	if m.Version == "" {
		m.Version = "1.0.0.0"
	}
	v, err := FourPartVersion(m.Version)
	if err != nil {
		return m, err
	}
	m.Version = v
	return m, nil
}

// FourPartVersion turns "1.2", "1.2.3" or "v1.2.3.4" into "1.2.3.4"; each
// part must fit 16 bits (the version resource's limit).
func FourPartVersion(v string) (string, error) {
	s := strings.TrimPrefix(strings.TrimSpace(v), "v")
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) < 1 || len(parts) > 4 {
		return "", fmt.Errorf("version %q: want 1 to 4 dot-separated numbers", v)
	}
	for len(parts) < 4 {
		parts = append(parts, "0")
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 16); err != nil {
			return "", fmt.Errorf("version %q: %q is not a number from 0 to 65535", v, p)
		}
	}
	return strings.Join(parts, "."), nil
}

// Generate implements pkggen.Generator.
func (g *Generator) Generate(ctx context.Context, b *pkggen.Bundle) error {
	m, err := g.meta(b)
	if err != nil {
		return fmt.Errorf("%w", err)
	}
	plan, err := PlanJSON(b, m.Version)
	if err != nil {
		return fmt.Errorf("%w", err)
	}
	goVersion, err := g.opts.Go.Version(ctx)
	if err != nil {
		return fmt.Errorf("%w", err)
	}
	tmp, err := os.MkdirTemp(g.opts.TempDir, "tlsgate-exe-")
	if err != nil {
		return fmt.Errorf("%w", err)
	}
	defer os.RemoveAll(tmp)
	modDir := filepath.Join(tmp, "src")
	if err := WriteModule(modDir, b, plan); err != nil {
		return fmt.Errorf("%w", err)
	}
	unsigned := map[string]string{}
	for _, arch := range Arches {
		name := BaseName(b) + "-" + arch + ".exe"
		if err := writeResources(modDir, arch, name, m); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out := filepath.Join(tmp, name)
		if err := g.opts.Go.Build(ctx, modDir, BuildEnv(arch), BuildArgs(out)); err != nil {
			return fmt.Errorf("build %s: %w", name, err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			return fmt.Errorf("%w", err)
		}
		sum := sha256.Sum256(data)
		unsigned[name] = hex.EncodeToString(sum[:])
		if g.opts.SignPKCS12 != "" {
			signed := out + ".signed"
			if data, err = g.sign(ctx, tmp, out, signed, m); err != nil {
				return fmt.Errorf("sign %s: %w", name, err)
			}
		}
		if err := b.WriteFile("exe", name, data); err != nil {
			return fmt.Errorf("%w", err)
		}
	}
	if b.Extra == nil {
		b.Extra = map[string]any{}
	}
	b.Extra["go_version"] = goVersion
	b.Extra["exe_unsigned_sha256"] = unsigned
	b.Extra["exe_signed"] = g.opts.SignPKCS12 != ""
	g.names, g.product = Names(b), m.Product
	return nil
}

// Describe implements pkggen.Describer: the README paragraph for the exe,
// with the signing commands when tlsgate did not sign.
func (g *Generator) Describe() string {
	var b strings.Builder
	b.WriteString("Windows 10 / 11 / Server 2016+ executables (amd64 and arm64) with the settings built in: " +
		"`apply` backs up every value it touches to `%ProgramData%\\tlsgate\\backup-<policy>.json` and sets them " +
		"(exit 0, 3010 when a reboot is needed, 1 failed), `check` compares (0 compliant, 1 not, 2 could not tell), " +
		"`rollback` restores the backup exactly; `--whatif` changes nothing, `--json` prints a status document. " +
		"They need administrator rights and log to the Application event log (source tlsgate) and " +
		"`%ProgramData%\\tlsgate\\tlsgate-<policy>.log`. The build is reproducible with the Go version in " +
		"`manifest.json` (`go_version`); `exe_unsigned_sha256` holds the SHA-256 of each file before signing.")
	if g.opts.SignPKCS12 != "" {
		b.WriteString(" The executables are Authenticode-signed (SHA-256) and the signature was verified after signing.")
		return b.String()
	}
	b.WriteString("\n\n")
	b.WriteString(SigningInstructions(g.names, g.product))
	return b.String()
}

// BuildEnv is the environment of the reproducible, offline build.
func BuildEnv(arch string) []string {
	return []string{
		"GOOS=windows", "GOARCH=" + arch, "CGO_ENABLED=0",
		"GOAMD64=v1", "GOARM64=v8.0",
		"GOFLAGS=-mod=vendor -buildvcs=false", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local",
		"GO111MODULE=on",
	}
}

// BuildArgs are the go build arguments.
func BuildArgs(out string) []string {
	return []string{"build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", out, "."}
}

// ModulePath is the module path of the temporary build module.
const ModulePath = "tlsgate-applier"

// WriteModule writes the applier's build module to dir: go.mod, vendor/,
// applier/ (the package source), main.go and plan.json.
func WriteModule(dir string, b *pkggen.Bundle, plan []byte) error {
	gomod := "module " + ModulePath + "\n\ngo 1.24.0\n\nrequire golang.org/x/sys " + applier.XSysVersion + "\n"
	if err := writeFile(filepath.Join(dir, "go.mod"), []byte(gomod)); err != nil {
		return err
	}
	err := fs.WalkDir(applier.Source, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		var dst string
		switch {
		case strings.HasPrefix(p, "_vendor/"):
			dst = filepath.Join(dir, "vendor", filepath.FromSlash(strings.TrimPrefix(p, "_vendor/")))
		case path.Dir(p) == "." && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") && p != "embed.go":
			dst = filepath.Join(dir, "applier", p)
		default:
			return nil
		}
		data, err := applier.Source.ReadFile(p)
		if err != nil {
			return err
		}
		return writeFile(dst, data)
	})
	if err != nil {
		return fmt.Errorf("write the applier source: %w", err)
	}
	var main bytes.Buffer
	t, err := templates.Parse("exe/main.go.tmpl", nil)
	if err != nil {
		return err
	}
	if err := t.ExecuteTemplate(&main, "main.go.tmpl", map[string]string{"Name": BaseName(b), "Policy": applier.BackupID(b.Plan.Policy), "OS": b.Plan.OS}); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "main.go"), main.Bytes()); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "plan.json"), plan)
}

func writeFile(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

var manifestArch = map[string]string{"amd64": "amd64", "arm64": "arm64", "386": "x86"}

// writeResources writes resource_windows_<arch>.syso (version info,
// manifest, optional icon) into the main package's folder.
func writeResources(modDir, arch, fileName string, m meta) error {
	t, err := templates.Parse("exe/app.manifest.tmpl", nil)
	if err != nil {
		return err
	}
	var man bytes.Buffer
	ident := "tlsgate." + strings.TrimSuffix(fileName, ".exe")
	if err := t.ExecuteTemplate(&man, "app.manifest.tmpl", map[string]string{
		"Identity": pkggen.XMLEscape(ident), "Version": m.Version, "Arch": manifestArch[arch], "Description": pkggen.XMLEscape(m.Description),
	}); err != nil {
		return err
	}
	resDir := filepath.Join(filepath.Dir(modDir), "res-"+arch)
	manPath := filepath.Join(resDir, "app.manifest")
	if err := writeFile(manPath, man.Bytes()); err != nil {
		return err
	}
	fv, err := goversioninfo.NewFileVersion(m.Version)
	if err != nil {
		return err
	}
	vi := goversioninfo.VersionInfo{}
	vi.FixedFileInfo.FileVersion = fv
	vi.FixedFileInfo.ProductVersion = fv
	vi.FixedFileInfo.FileFlagsMask = "3f"
	vi.FixedFileInfo.FileOS = "040004"
	vi.FixedFileInfo.FileType = "01"
	vi.StringFileInfo = goversioninfo.StringFileInfo{
		CompanyName:      m.Company,
		FileDescription:  m.Description,
		FileVersion:      m.Version,
		InternalName:     strings.TrimSuffix(fileName, ".exe"),
		OriginalFilename: fileName,
		ProductName:      m.Product,
		ProductVersion:   m.Version,
		Comments:         "Generated by tlsgate. Subcommands: apply, check, rollback (--whatif, --json).",
	}
	vi.VarFileInfo.Translation = goversioninfo.Translation{LangID: goversioninfo.LngUSEnglish, CharsetID: goversioninfo.CsUnicode}
	vi.ManifestPath = manPath
	if m.Icon != "" {
		if _, err := os.Stat(m.Icon); err != nil {
			return fmt.Errorf("icon: %w", err)
		}
		vi.IconPath = m.Icon
	}
	vi.Build()
	vi.Walk()
	// Only this arch's .syso may sit in the package folder.
	for _, a := range Arches {
		os.Remove(filepath.Join(modDir, "resource_windows_"+a+".syso"))
	}
	return vi.WriteSyso(filepath.Join(modDir, "resource_windows_"+arch+".syso"), arch)
}

// GoCommand runs the go command found on PATH.
type GoCommand struct {
	LookPath func(string) (string, error)
	// Env is the base environment (nil: the process's).
	Env []string
}

func (c *GoCommand) path() (string, error) {
	lp := c.LookPath
	if lp == nil {
		lp = exec.LookPath
	}
	return lp("go")
}

func (c *GoCommand) env(extra []string) []string {
	base := c.Env
	if base == nil {
		base = os.Environ()
	}
	// Later entries win in exec; drop base entries the build pins anyway.
	keep := make([]string, 0, len(base)+len(extra))
	pinned := map[string]bool{}
	for _, e := range extra {
		pinned[strings.SplitN(e, "=", 2)[0]] = true
	}
	for _, e := range base {
		if !pinned[strings.SplitN(e, "=", 2)[0]] {
			keep = append(keep, e)
		}
	}
	return append(keep, extra...)
}

// Version implements GoTool.
func (c *GoCommand) Version(ctx context.Context) (string, error) {
	p, err := c.path()
	if err != nil {
		return "", errors.New("the Go toolchain (go) is not on PATH")
	}
	cmd := exec.CommandContext(ctx, p, "env", "GOVERSION")
	cmd.Env = c.env([]string{"GOTOOLCHAIN=local", "GOWORK=off"})
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env GOVERSION: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Build implements GoTool.
func (c *GoCommand) Build(ctx context.Context, dir string, env, args []string) error {
	p, err := c.path()
	if err != nil {
		return errors.New("the Go toolchain (go) is not on PATH")
	}
	cmd := exec.CommandContext(ctx, p, args...)
	cmd.Dir = dir
	cmd.Env = c.env(env)
	var stderr bytes.Buffer
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// SigningInstructions is the README text with the exact signing commands
// for the named files, used when no signing certificate was given.
func SigningInstructions(names []string, product string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**Signing.** The executables are signed-ready (no signature yet). Sign them with your\n")
	fmt.Fprintf(&b, "code-signing certificate before you distribute them.\n\n")
	fmt.Fprintf(&b, "On Windows (signtool, Windows SDK):\n\n```\n")
	for _, n := range names {
		fmt.Fprintf(&b, "signtool sign /fd SHA256 /f codesign.p12 /p %%TLSGATE_SIGN_PASSWORD%% /d \"%s\" /tr http://timestamp.example.com /td SHA256 %s\n", product, n)
	}
	for _, n := range names {
		fmt.Fprintf(&b, "signtool verify /pa /v %s\n", n)
	}
	fmt.Fprintf(&b, "```\n\nReplace the /tr URL with your certificate authority's RFC 3161 timestamp server, or drop\n/tr and /td to sign without a timestamp.\n\n")
	fmt.Fprintf(&b, "On Linux or macOS (osslsigncode):\n\n```\n")
	for _, n := range names {
		s := strings.TrimSuffix(n, ".exe") + "-signed.exe"
		fmt.Fprintf(&b, "osslsigncode sign -pkcs12 codesign.p12 -pass \"$TLSGATE_SIGN_PASSWORD\" -h sha256 -n \"%s\" -in %s -out %s\n", product, n, s)
	}
	for _, n := range names {
		s := strings.TrimSuffix(n, ".exe") + "-signed.exe"
		fmt.Fprintf(&b, "osslsigncode verify -CAfile ca-chain.pem -in %s\n", s)
	}
	fmt.Fprintf(&b, "```\n\nAdd `-t http://timestamp.example.com` (your timestamp server) to timestamp the signature.\n")
	fmt.Fprintf(&b, "\nOr let tlsgate sign while it builds:\n\n```\nTLSGATE_SIGN_PASSWORD=... tlsgate gen --format exe --sign-pkcs12 codesign.p12 [--sign-pass-env TLSGATE_SIGN_PASSWORD] ...\n```\n")
	return b.String()
}
