package cli

import (
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/tlsgate/tlsgate/gate/report"
	"github.com/tlsgate/tlsgate/gate/verdict"
	"github.com/tlsgate/tlsgate/internal/ghaction"
)

// gateSARIFShard renders the decision with the scan's SARIF renderer: the
// decision's report carries every finding (TLS0nn, TLS1nn, TLS2nn), the
// rules of all three families, the notifications (including one TLS951 per
// inconclusive endpoint and pair) and the inconclusive targets. For one
// shard ("K/N") the run carries automationDetails.id
// "tlsgate/shard-K-of-N/", so code scanning keeps the shards' uploads apart.
func gateSARIFShard(shard string) func(io.Writer, *verdict.Decision) error {
	return func(w io.Writer, d *verdict.Decision) error {
		var o report.Options
		if shard != "" {
			k, n, err := ghaction.ParseShard(shard)
			if err != nil {
				return err
			}
			o.AutomationID = ghaction.ShardCategory(k, n)
		}
		r, err := report.NewWith("sarif", o)
		if err != nil {
			return err
		}
		return r.Render(w, &d.Report)
	}
}

// gateGitHub is `gate --github`: the GitHub Actions side of the gate
// (internal/ghaction). It starts before the repository is scanned, so the
// token is masked and workflow commands are stopped while the gate prints
// repository-derived text, and publishes after the verdict.
type gateGitHub struct {
	s *ghaction.Session
}

// startGateGitHub starts the GitHub side when enabled; nil when not. An
// error is a usage error (not on GitHub Actions, or a bad action input).
func startGateGitHub(env *Env, enabled bool) (*gateGitHub, error) {
	if !enabled {
		return nil, nil
	}
	s, err := ghaction.Start(ghaction.Options{Stdout: env.Stdout, Getenv: env.Getenv, Dir: env.Dir})
	if err != nil {
		return nil, Usagef("--github: %v", err)
	}
	return &gateGitHub{s: s}, nil
}

// publish writes annotations, the job summary, outputs, the report files
// and SARIF, the PR comment and check run, and returns the exit code: code
// unchanged, except that a failure to publish turns a pass into 3.
// sarif renders the decision as SARIF.
func (g *gateGitHub) publish(ctx context.Context, env *Env, d *verdict.Decision, root, policyRef, shard string,
	sarif func(io.Writer, *verdict.Decision) error, code int) int {
	if g == nil {
		return code
	}
	var buf bytes.Buffer
	var sarifBytes []byte
	if sarif != nil {
		if err := sarif(&buf, d); err != nil {
			env.Errorf("gate: --github: render SARIF: %v", err)
			return worstCode(code, ExitInconclusive)
		}
		sarifBytes = buf.Bytes()
	}
	_, err := g.s.Publish(ctx, d, ghaction.PublishOptions{Root: root, Policy: policyRef, Shard: shard, SARIF: sarifBytes})
	if err != nil {
		var ie *ghaction.InputError
		if errors.As(err, &ie) {
			env.Errorf("gate: --github: %v", err)
			return ExitUsage
		}
		env.Errorf("gate: --github: %v", err)
		return worstCode(code, ExitInconclusive)
	}
	return code
}

// close turns workflow commands back on when publish was not reached.
func (g *gateGitHub) close() {
	if g != nil {
		g.s.Resume()
	}
}

// worstCode combines exit codes with the CONTRACTS.md precedence 2, 1, 3, 0.
func worstCode(a, b int) int {
	rank := func(c int) int {
		switch c {
		case ExitUsage:
			return 3
		case ExitFail:
			return 2
		case ExitInconclusive:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}
