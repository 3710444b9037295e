package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/exe"
	"github.com/tlsgate/tlsgate/pkggen/generators"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

func genCommand() *Command {
	return &Command{
		Name:  "gen",
		Usage: "gen --policy NAME|FILE --os LIST --out DIR [--format LIST] [--force]",
		Short: "generate the Windows packages (.reg, GPO, ADMX, PowerShell, Intune, exe, MSI) that apply a policy",
		Long: `Builds the registry settings of the policy for each OS family and renders them in every
requested format. One --os token: DIR is the bundle; several: one folder per token under DIR.
Each bundle has README.md (how to deploy), manifest.json (settings and files) and SHA256SUMS.

OS families: win7 (Windows 7 / Server 2008 R2), win81 (8.1 / Server 2012 R2),
win10 (10 / Server 2016 / 2019), win11 (11 / Server 2022 / 2025).
Formats: reg, gpo, admx, ps1, intune, exe, msi, or all (default: reg,gpo,admx,ps1,intune).

With SOURCE_DATE_EPOCH set, timestamps come from it and every artifact except the MSI is
byte-identical across runs.`,
		Flags: func(fs *pflag.FlagSet) func(ctx context.Context, env *Env, args []string) int {
			pol := fs.String("policy", "", "built-in policy (audit, compat, tls12, strict) or policy file (default: .tlsgate.yml in the current folder, else tls12)")
			osList := fs.String("os", "", "comma list of OS families: win7, win81, win10, win11 (default: the policy's package.os)")
			out := fs.String("out", "", "output folder (required)")
			format := fs.String("format", "", "comma list of formats, or all (default reg,gpo,admx,ps1,intune)")
			force := fs.Bool("force", false, "write into a non-empty output folder (files of an earlier bundle there are replaced)")
			name := fs.String("name", "", "package name for file names and GPO names (overrides package.name)")
			company := fs.String("company", "", "company name for metadata (overrides package.company)")
			product := fs.String("product", "", "product name / GPO display name (overrides package.product)")
			signP12 := fs.String("sign-pkcs12", "", "sign the exe with this PKCS#12 file")
			signEnv := fs.String("sign-pass-env", "TLSGATE_SIGN_PASSWORD", "environment variable holding the PKCS#12 password")
			return func(ctx context.Context, env *Env, args []string) int {
				if len(args) > 0 {
					return env.Fail("gen", Usagef("unexpected argument %q (gen takes only flags)", args[0]), ExitUsage)
				}
				if *out == "" {
					return env.Fail("gen", Usagef("--out DIR is required"), ExitUsage)
				}
				pv := *pol
				if pv != "" && !policy.IsBuiltin(pv) {
					pv = env.Abs(pv)
				}
				p, err := policy.Resolve(pv, env.Abs("."))
				if err != nil {
					return env.Fail("gen", &UsageError{err}, ExitUsage)
				}
				if fs.Changed("name") {
					p.Package.Name = *name
				}
				if fs.Changed("company") {
					p.Package.Company = *company
				}
				if fs.Changed("product") {
					p.Package.Product = *product
				}
				for flag, v := range map[string]string{"name": p.Package.Name, "company": p.Package.Company, "product": p.Package.Product} {
					if len(v) > 200 {
						return env.Fail("gen", Usagef("--%s is %d characters long; at most 200", flag, len(v)), ExitUsage)
					}
				}
				oses, err := parseOSList(*osList, p.Package.OS)
				if err != nil {
					return env.Fail("gen", &UsageError{err}, ExitUsage)
				}
				formats, err := pkggen.ParseFormats(*format)
				if err != nil {
					return env.Fail("gen", &UsageError{err}, ExitUsage)
				}
				when, ok, err := pkggen.SourceDate(env.Getenv)
				if err != nil {
					return env.Fail("gen", &UsageError{err}, ExitUsage)
				}
				if !ok {
					when = env.Now().UTC().Truncate(1e9)
				}
				gopts := generators.Options{SignPKCS12: *signP12}
				if *signP12 != "" {
					gopts.SignPKCS12 = env.Abs(*signP12)
					gopts.SignPassword = env.Getenv(*signEnv)
					if gopts.SignPassword == "" {
						return env.Fail("gen", Usagef("--sign-pkcs12 needs the password in the environment variable %s (set --sign-pass-env to use another)", *signEnv), ExitUsage)
					}
					if err := exe.CheckSigningKey(gopts.SignPKCS12, gopts.SignPassword); err != nil {
						return env.Fail("gen", Usagef("--sign-pkcs12 %s: %v (is the password in %s right?)", *signP12, err, *signEnv), ExitUsage)
					}
				}
				bundles, err := pkggen.Run(ctx, pkggen.Options{
					Policy:      p,
					OS:          oses,
					Out:         env.Abs(*out),
					Formats:     formats,
					Generators:  generators.All(gopts),
					Force:       *force,
					Time:        when,
					ToolVersion: ToolVersion(),
				})
				if err != nil && len(bundles) == 0 {
					var se *settings.Error
					if errors.Is(err, pkggen.ErrNotEmpty) || errors.Is(err, pkggen.ErrOutput) || errors.As(err, &se) {
						return env.Fail("gen", &UsageError{err}, ExitUsage)
					}
					return env.Fail("gen", err, ExitInconclusive)
				}
				for _, b := range bundles {
					fmt.Fprintf(env.Stdout, "%s: %s (%s), %d settings, %d files in %s\n", b.Plan.OS, b.OSName(), b.Plan.Policy, len(b.Plan.Settings), len(b.Artifacts)+2, b.Dir)
					for _, s := range b.Skips {
						env.Errorf("gen: %s: %s skipped: %s", b.Plan.OS, s.Generator, s.Reason)
					}
					for _, w := range b.Plan.Warnings {
						env.Errorf("gen: %s: note: %s", b.Plan.OS, w)
					}
				}
				if err != nil {
					// A format failed; the bundles are complete otherwise.
					return env.Fail("gen", err, ExitInconclusive)
				}
				written := 0
				for _, b := range bundles {
					for _, a := range b.Artifacts {
						if a.Kind != "readme" { // the bundle's own README.md
							written++
						}
					}
				}
				if written == 0 {
					// every requested format was skipped for every OS (the
					// reasons are on stderr above): nothing to deploy is not
					// a success
					env.Errorf("gen: no package written: every requested format (%s) was skipped", strings.Join(formats, ","))
					return ExitInconclusive
				}
				return ExitPass
			}
		},
	}
}

// parseOSList turns "win10,win11" into tokens; empty means the policy's list.
func parseOSList(value string, fallback []string) ([]string, error) {
	var toks []string
	if strings.TrimSpace(value) == "" {
		toks = append(toks, fallback...)
	} else {
		for _, t := range strings.Split(value, ",") {
			if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
				toks = append(toks, t)
			}
		}
	}
	if len(toks) == 0 {
		return nil, errors.New("--os names no OS family (want win7, win81, win10, win11)")
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range toks {
		if _, ok := settings.Family(t); !ok {
			return nil, fmt.Errorf("--os: unknown OS family %q (want win7, win81, win10, win11)", t)
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out, nil
}
