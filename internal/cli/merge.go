package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"github.com/tlsgate/tlsgate/gate/verdict"
	"github.com/tlsgate/tlsgate/internal/ghaction"
)

// mergeOptions are the parsed flags of `tlsgate merge`.
type mergeOptions struct {
	Files       []string
	Format      string
	Output      string
	SARIFOutput string
	GitHub      bool
	Policy      string
}

func mergeCommand() *Command {
	return &Command{
		Name:  "merge",
		Usage: "merge [flags] FILE...",
		Short: "combine the JSON and SARIF reports of gate shards into one verdict",
		Long: `Each FILE is a gate report: the JSON of 'tlsgate gate --format json' (or the
report.json the GitHub Action writes) or a SARIF file; the kind is read from
the content. Repository findings, which every shard reports, appear once;
endpoints and pairs are united; the verdict is fail if any shard failed,
else inconclusive if anything was, else pass. Reports of 'gate --shard K/N
--format json' and those the Action wrote carry their shard ("K/N"), and a
run with a missing or repeated shard is refused.

The merged SARIF (from the SARIF inputs) has one run per tool with the
automation id "tlsgate/merged/"; write it with --sarif-output or
--format sarif.

With --github (on GitHub Actions) the merged report is published like
'gate --github' does: annotations, job summary, outputs, PR comment, check run.

Exit codes: 0 pass, 1 fail, 2 usage or unreadable input, 3 inconclusive.
With only SARIF inputs there is no verdict to merge: 1 when an unsuppressed
error-level result is present, else 0.`,
		Flags: func(fs *pflag.FlagSet) func(context.Context, *Env, []string) int {
			o := &mergeOptions{}
			fs.StringVar(&o.Format, "format", "text", "output format: text, json, markdown or sarif")
			fs.StringVarP(&o.Output, "output", "o", "", "write the result to `FILE` instead of stdout")
			fs.StringVar(&o.SARIFOutput, "sarif-output", "", "also write the merged SARIF to `FILE`")
			fs.BoolVar(&o.GitHub, "github", false, "publish to GitHub Actions (annotations, summary, outputs, PR comment, check run)")
			fs.StringVar(&o.Policy, "policy", "", "policy `NAME|FILE` shown in the fix-package command (default: the reports')")
			return func(ctx context.Context, env *Env, args []string) int {
				o.Files = args
				return runMerge(ctx, env, o)
			}
		},
	}
}

func runMerge(ctx context.Context, env *Env, o *mergeOptions) int {
	switch o.Format {
	case "text", "json", "markdown", "sarif":
	default:
		env.Errorf("merge: unknown format %q (want text, json, markdown or sarif)", o.Format)
		return ExitUsage
	}
	if len(o.Files) == 0 {
		env.Errorf("merge: no report files given")
		fmt.Fprintf(env.Stderr, "usage: tlsgate merge [flags] FILE...\n")
		return ExitUsage
	}
	for _, out := range []struct{ flag, path string }{{"--output", o.Output}, {"--sarif-output", o.SARIFOutput}} {
		if err := checkOutput(env, out.flag, out.path); err != nil {
			env.Errorf("merge: %v", err)
			return ExitUsage
		}
	}
	var gh *ghaction.Session
	if o.GitHub {
		var err error
		gh, err = ghaction.Start(ghaction.Options{Stdout: env.Stdout, Getenv: env.Getenv, Dir: env.Dir})
		if err != nil {
			env.Errorf("merge: --github: %v", err)
			return ExitUsage
		}
		defer gh.Resume()
	}
	var reports []*ghaction.Report
	var labels []string
	var sarifs [][]byte
	for _, f := range o.Files {
		b, err := os.ReadFile(env.Abs(f))
		if err != nil {
			env.Errorf("merge: %v", err)
			return ExitUsage
		}
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(b, &probe); err != nil {
			env.Errorf("merge: %q is not a JSON or SARIF report: %v", f, err)
			return ExitUsage
		}
		if _, ok := probe["runs"]; ok {
			sarifs = append(sarifs, b)
			continue
		}
		if _, ok := probe["findings"]; !ok {
			env.Errorf("merge: %q is neither a gate JSON report (no \"findings\") nor SARIF (no \"runs\")", f)
			return ExitUsage
		}
		r, err := ghaction.DecodeReport(b)
		if err != nil {
			env.Errorf("merge: %q: %v", f, err)
			return ExitUsage
		}
		reports = append(reports, r)
		labels = append(labels, r.Shard)
	}
	if err := ghaction.CheckShards(labels); err != nil {
		env.Errorf("merge: %v", err)
		return ExitUsage
	}
	var merged *ghaction.Report
	if len(reports) > 0 {
		var err error
		if merged, err = ghaction.Merge(reports); err != nil {
			env.Errorf("merge: %v", err)
			return ExitUsage
		}
	}
	var sarif []byte
	if len(sarifs) > 0 {
		var err error
		if sarif, err = ghaction.MergeSARIF(sarifs); err != nil {
			env.Errorf("merge: %v", err)
			return ExitUsage
		}
	}
	if merged == nil && (o.Format != "sarif" && o.SARIFOutput == "" || o.GitHub) {
		env.Errorf("merge: only SARIF inputs: use --format sarif or --sarif-output (the verdict, summary and --github need the JSON reports)")
		return ExitUsage
	}
	if (o.Format == "sarif" || o.SARIFOutput != "") && sarif == nil {
		env.Errorf("merge: no SARIF inputs to merge")
		return ExitUsage
	}
	code := ExitPass
	if merged == nil {
		code = sarifExitCode(sarif)
	} else {
		switch merged.V() {
		case ghaction.VerdictFail:
			code = ExitFail
		case ghaction.VerdictPass:
			code = ExitPass
		default:
			code = ExitInconclusive
		}
	}
	// A lost output is an operational failure (3), but a failing verdict
	// still wins (precedence 2, 1, 3, 0).
	if o.SARIFOutput != "" {
		if err := os.WriteFile(env.Abs(o.SARIFOutput), sarif, 0o644); err != nil {
			env.Errorf("merge: write %s: %v", o.SARIFOutput, err)
			code = worstCode(code, ExitInconclusive)
		}
	}
	w, closeOut, err := env.OpenOutput(o.Output)
	if err != nil {
		env.Errorf("merge: %v", err)
		return ExitUsage
	}
	policyRef := o.Policy
	if policyRef == "" && merged != nil {
		policyRef = merged.Policy
	}
	werr := writeMerged(w, o.Format, merged, sarif, policyRef)
	if cerr := closeOut(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		env.Errorf("merge: write: %v", werr)
		code = worstCode(code, ExitInconclusive)
	}
	if gh != nil {
		root := merged.Root
		if root == "" {
			root = "."
		}
		if _, err := gh.Publish(ctx, merged, ghaction.PublishOptions{Policy: policyRef, SARIF: sarif, SARIFRebased: true, Root: root}); err != nil {
			env.Errorf("merge: --github: %v", err)
			if code == ExitPass {
				code = ExitInconclusive
			}
		}
	}
	return code
}

func writeMerged(w io.Writer, format string, r *ghaction.Report, sarif []byte, policyRef string) error {
	switch format {
	case "sarif":
		_, err := w.Write(sarif)
		return err
	case "json":
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case "markdown":
		_, err := io.WriteString(w, ghaction.Summary(r, ghaction.SummaryOptions{Policy: policyRef}))
		return err
	}
	c := r.Count()
	var b strings.Builder
	for _, f := range r.Ranked() {
		b.WriteString(f.String() + "\n")
	}
	for _, p := range r.Pairs {
		fmt.Fprintf(&b, "%s × %s: %s", p.Application, p.Endpoint, p.Verdict)
		if p.Reason != "" {
			b.WriteString(": " + p.Reason)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "verdict: %s (%d errors, %d warnings, %d notes, %d suppressed; %d endpoints, %d pairs)\n",
		r.V(), c.Errors, c.Warnings, c.Notes, c.Suppressed, len(r.Endpoints), len(r.Pairs))
	_, err := io.WriteString(w, b.String())
	return err
}

// sarifExitCode judges SARIF-only input: 1 when an unsuppressed
// error-level result is present; else 3 when any shard was inconclusive
// (a run's properties.inconclusive is not empty, a TLS951 "endpoint
// inconclusive" notification is present, or an invocation did not succeed);
// else 0. An inconclusive result is never a pass.
func sarifExitCode(sarif []byte) int {
	var doc struct {
		Runs []struct {
			Results []struct {
				Level        string            `json:"level"`
				Suppressions []json.RawMessage `json:"suppressions"`
			} `json:"results"`
			Invocations []struct {
				ExecutionSuccessful *bool `json:"executionSuccessful"`
				Notifications       []struct {
					Descriptor struct {
						ID string `json:"id"`
					} `json:"descriptor"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
			Properties struct {
				Inconclusive []string `json:"inconclusive"`
			} `json:"properties"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif, &doc); err != nil {
		return ExitInconclusive
	}
	code := ExitPass
	for _, run := range doc.Runs {
		for _, r := range run.Results {
			if r.Level == "error" && len(r.Suppressions) == 0 {
				return ExitFail
			}
		}
		if len(run.Properties.Inconclusive) > 0 {
			code = ExitInconclusive
		}
		for _, inv := range run.Invocations {
			if inv.ExecutionSuccessful != nil && !*inv.ExecutionSuccessful {
				code = ExitInconclusive
			}
			for _, n := range inv.Notifications {
				if n.Descriptor.ID == verdict.NoteInconclusive {
					code = ExitInconclusive
				}
			}
		}
	}
	return code
}
