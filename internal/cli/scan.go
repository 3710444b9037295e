package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/report"
	"github.com/tlsgate/tlsgate/gate/scan"
)

// scanOptions are the parsed flags and arguments of `tlsgate scan`.
type scanOptions struct {
	Path          string
	Format        string
	Output        string
	FailOn        string
	Policy        string
	Baseline      string
	WriteBaseline string
}

func scanCommand() *Command {
	return &Command{
		Name:  "scan",
		Usage: "scan [PATH] [--format text|json|sarif] [--output FILE] [--fail-on LEVEL] [--policy NAME|FILE] [--baseline FILE] [--write-baseline FILE]",
		Short: "scan a repository for weak TLS configuration and report file:line findings",
		Long: `'tlsgate scan' walks PATH (default: the current directory; a single file works
too) and reports weak-TLS configuration in C#, VB.NET, F#, ASP.NET code blocks,
PowerShell (also inline in pipeline YAML and .cmd files), .NET configuration,
MSBuild projects, C/C++ (WinHTTP, SChannel), registry artifacts, Dockerfiles and
openssl.cnf, with rule ids TLS001–TLS019 (see docs/rules.md).

The policy is --policy (a built-in name or a file), else .tlsgate.yml at the
scanned root, else tls12. --fail-on overrides the policy's fail_on level.
Suppressed findings (inline 'tlsgate:ignore TLSnnn reason', CA-rule pragmas,
policy entries, the baseline) are reported but never fail the gate.

--write-baseline FILE records today's findings; --baseline FILE reports only
the findings that are not in it as failing.

Exit codes: 0 nothing at or above the fail-on level, 1 the gate failed,
2 usage error (bad flag, unreadable PATH, bad policy or baseline file).`,
		Flags: func(fs *pflag.FlagSet) func(context.Context, *Env, []string) int {
			o := &scanOptions{}
			fs.StringVarP(&o.Format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
			fs.StringVarP(&o.Output, "output", "o", "", "write the report to FILE instead of stdout")
			fs.StringVar(&o.FailOn, "fail-on", "", "lowest level that fails the gate: error, warning or note (default: the policy's, error)")
			fs.StringVar(&o.Policy, "policy", "", "built-in policy name (audit, compat, tls12, strict) or policy file")
			fs.StringVar(&o.Baseline, "baseline", "", "findings baseline: findings recorded in FILE do not fail the gate")
			fs.StringVar(&o.WriteBaseline, "write-baseline", "", "record the current findings as a baseline in FILE")
			return func(ctx context.Context, env *Env, args []string) int {
				if len(args) > 1 {
					env.Errorf("scan: too many arguments %q (want at most one PATH)", args)
					return ExitUsage
				}
				o.Path = "."
				if len(args) == 1 {
					o.Path = args[0]
				}
				return runScan(ctx, env, o)
			}
		},
	}
}

func runScan(ctx context.Context, env *Env, o *scanOptions) int {
	color := o.Output == "" && IsTerminal(env.Stdout) && env.Getenv("NO_COLOR") == ""
	rend, err := report.NewWith(o.Format, report.Options{Color: color})
	if err != nil {
		env.Errorf("scan: %v", err)
		return ExitUsage
	}
	root := env.Abs(o.Path)
	fi, err := os.Stat(root)
	if err != nil {
		env.Errorf("scan: cannot read %q: %v", o.Path, errors.Unwrap(err))
		return ExitUsage
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		// A FIFO or device would block the read forever or never end.
		env.Errorf("scan: cannot read %q: not a regular file or folder (%s)", o.Path, fi.Mode().Type())
		return ExitUsage
	}
	polValue := o.Policy
	if polValue != "" && !policy.IsBuiltin(polValue) {
		polValue = env.Abs(polValue)
	}
	pol, err := policy.Resolve(polValue, root)
	if err != nil {
		env.Errorf("scan: %v", err)
		return ExitUsage
	}
	failOn := pol.FailOn
	if failOn == finding.None {
		failOn = finding.Error
	}
	if o.FailOn != "" {
		if failOn, err = finding.ParseSeverity(o.FailOn); err != nil {
			env.Errorf("scan: --fail-on: %v", err)
			return ExitUsage
		}
	}
	opts := scan.Options{Policy: pol, Now: env.Now(), ToolVersion: ToolVersion()}
	if o.Baseline != "" {
		fh, err := os.Open(env.Abs(o.Baseline))
		if err != nil {
			env.Errorf("scan: baseline: %v", err)
			return ExitUsage
		}
		b, err := scan.ReadBaseline(fh)
		fh.Close()
		if err != nil {
			env.Errorf("scan: %s: %v", o.Baseline, err)
			return ExitUsage
		}
		opts.Baseline = b
	}
	rep, err := scan.Scan(ctx, root, opts)
	if err != nil {
		if errors.Is(err, scan.ErrRoot) {
			env.Errorf("scan: %v", err)
			return ExitUsage
		}
		env.Errorf("scan: %v", err)
		return ExitInconclusive
	}
	for _, n := range rep.Notifications {
		env.Errorf("%s", n.String())
	}
	if o.WriteBaseline != "" {
		fh, err := os.Create(env.Abs(o.WriteBaseline))
		if err != nil {
			env.Errorf("scan: write baseline: %v", err)
			return ExitUsage
		}
		werr := scan.WriteBaseline(fh, scan.NewBaseline(rep))
		if cerr := fh.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			env.Errorf("scan: write baseline: %v", werr)
			return ExitInconclusive
		}
	}
	w, closeOut, err := env.OpenOutput(o.Output)
	if err != nil {
		env.Errorf("scan: %v", err)
		return ExitUsage
	}
	rerr := rend.Render(w, rep)
	if cerr := closeOut(); rerr == nil {
		rerr = cerr
	}
	code := ExitPass
	if rerr != nil {
		// A lost report is an operational failure (3), but a failing
		// finding still wins (precedence 2, 1, 3, 0).
		env.Errorf("scan: write report: %v", rerr)
		code = ExitInconclusive
	}
	if o.WriteBaseline != "" {
		return code // every current finding is now recorded as accepted
	}
	failing := 0
	for _, f := range rep.Findings {
		if f.Suppression == nil && f.Level >= failOn {
			failing++
		}
	}
	if failing > 0 {
		env.Errorf("scan: %s at or above %s", pluralWord(failing, "finding"), failOn)
		return ExitFail
	}
	return code
}

func pluralWord(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return fmt.Sprintf("%d %ss", n, w)
}
