package cli

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/tlsgate/tlsgate/gate/discover"
	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/gate/report"
	"github.com/tlsgate/tlsgate/gate/scan/project"
	"github.com/tlsgate/tlsgate/gate/verdict"
	"github.com/tlsgate/tlsgate/internal/ghaction"
)

// gateOptions are the parsed flags of `tlsgate gate`.
type gateOptions struct {
	Root      string
	Endpoints []string
	Discover  bool
	Policy    string
	CAFile    string
	FailOn    string
	HostState string
	Shard     string
	Format    string
	Output    string
	Timeout   time.Duration
	GitHub    bool
}

var gateFormats = []string{"text", "json", "sarif", "markdown"}

func gateCommand() *Command {
	return &Command{
		Name:  "gate",
		Usage: "gate [PATH] [--endpoint URL|HOST:PORT ...] [--discover] [--policy NAME|FILE] [--ca-file F] [--fail-on L] [--host-state FILE] [--shard K/N] [--format text|json|sarif|markdown] [--output F]",
		Short: "scan, probe and judge every application × endpoint pair against the policy",
		Long: `gate scans PATH (default .) for the .NET / WinHTTP / SChannel applications it holds, probes
the endpoints they call, and judges every application × endpoint pair: do the protocols
and cipher suites the application will offer on the assumed client host (policy 'client',
default Windows Server 2019 with .NET Framework 4.8, no TLS registry values set) meet
what the endpoint accepts — as shipped, and with tlsgate's registry package applied?

Endpoints come from --endpoint (called by every application unless the policy maps it to
some), the policy's 'endpoints', and, with --discover or 'discover: true', URLs found in the
applications' configuration files, limited by discover_allow / discover_deny. Nothing
else is probed. Placeholders such as #{Host}# or $(Var) are reported, never guessed.

The gate fails (exit 1) on repository and endpoint findings at or above --fail-on and on
any pair with no protocol and cipher suite in common or only a forbidden protocol; it is
inconclusive (exit 3) when nothing failed but something could not be judged. The
with-package column is advice: the exit code reflects the repository as shipped.
See docs/gate.md.`,
		Flags: func(fs *pflag.FlagSet) func(context.Context, *Env, []string) int {
			o := &gateOptions{}
			fs.StringArrayVar(&o.Endpoints, "endpoint", nil, "endpoint the applications call: URL or HOST:PORT (repeatable)")
			fs.BoolVar(&o.Discover, "discover", false, "also probe endpoints discovered in configuration files")
			fs.StringVar(&o.Policy, "policy", "", "built-in policy (audit, compat, tls12, strict) or policy file (default: .tlsgate.yml at PATH, else tls12)")
			fs.StringVar(&o.CAFile, "ca-file", "", "PEM `FILE` with extra trusted roots for endpoint certificates")
			fs.StringVar(&o.FailOn, "fail-on", "", "lowest level that fails the gate: error, warning or note (default: the policy's)")
			fs.StringVar(&o.HostState, "host-state", "", "`FILE` with a host's '<package>.exe check --json' output, used as the as-shipped registry state")
			fs.StringVar(&o.Shard, "shard", "", "probe only shard `K/N` of the endpoints (1-based)")
			fs.StringVar(&o.Format, "format", "text", "output format: text, json, sarif or markdown")
			fs.StringVarP(&o.Output, "output", "o", "", "write the report to `FILE` instead of stdout")
			fs.DurationVar(&o.Timeout, "timeout", probe.DefaultTimeout, "timeout per probe connection")
			fs.BoolVar(&o.GitHub, "github", false, "on GitHub Actions: annotations, job summary, outputs, SARIF, PR comment (see docs/action.md)")
			return func(ctx context.Context, env *Env, args []string) int {
				if len(args) > 1 {
					return env.Fail("gate", Usagef("expected at most one PATH, got %q", args), ExitUsage)
				}
				o.Root = "."
				if len(args) == 1 {
					o.Root = args[0]
				}
				return runGate(ctx, env, o)
			}
		},
	}
}

// gatePlan is the validated invocation: everything checked before any work.
type gatePlan struct {
	root      string
	policy    *policy.Policy
	policyRef string
	failOn    finding.Severity
	shipped   project.RegistryState
	shardK    int
	shardN    int
	render    func(*verdict.Decision, *Env) error
}

func runGate(ctx context.Context, env *Env, o *gateOptions) int {
	plan, err := planGate(env, o)
	if err != nil {
		return env.Fail("gate", err, ExitUsage)
	}
	gh, err := startGateGitHub(env, o.GitHub)
	if err != nil {
		return env.Fail("gate", err, ExitUsage)
	}
	defer gh.close()
	rep, err := scanRepo(ctx, env, plan)
	if err != nil {
		return env.Fail("gate", err, ExitInconclusive)
	}
	eps, notes, err := gateEndpoints(ctx, o, plan, rep)
	if err != nil {
		return env.Fail("gate", err, ExitUsage)
	}
	if plan.shardN > 0 {
		eps = shardEndpoints(eps, plan.shardK, plan.shardN)
	}
	targets := make([]probe.Target, len(eps))
	for i, e := range eps {
		targets[i] = e.target
	}
	var progress = env.Stderr
	if !IsTerminal(env.Stderr) {
		progress = nil
	}
	results := probe.Run(ctx, targets, probe.Options{
		Timeout: o.Timeout, Full: true, CAFile: o.CAFile, Getenv: env.Getenv, Now: env.Now, Progress: progress,
	})
	in := verdict.Input{
		Scan: rep, Policy: plan.policy, PolicyRef: plan.policyRef, FailOn: plan.failOn, Now: env.Now(),
		Offer: offerFunc(plan),
	}
	// probe.Run returns one result per target, in input order.
	for i, r := range results {
		var e gateEndpoint
		if len(results) == len(eps) {
			e = eps[i]
		} else {
			for _, cand := range eps {
				if cand.target.String() == r.Target {
					e = cand
					break
				}
			}
		}
		in.Endpoints = append(in.Endpoints, verdict.Endpoint{Result: r, Applications: e.apps, Origins: e.origins})
	}
	d := verdict.Evaluate(in)
	d.Notifications = append(d.Notifications, notes...)
	for _, n := range d.Notifications {
		env.Errorf("%s", n)
	}
	code := ExitPass
	switch d.Verdict {
	case verdict.Fail:
		code = ExitFail
	case verdict.OutcomeUnknown:
		code = ExitInconclusive
	}
	if err := plan.render(d, env); err != nil {
		// A lost report is an operational failure (3), but a failing
		// verdict still wins (precedence 2, 1, 3, 0).
		code = worstCode(code, env.Fail("gate", err, ExitInconclusive))
	}
	return gh.publish(ctx, env, d, plan.root, plan.policyRef, o.Shard, gateSARIFShard(o.Shard), code)
}

func planGate(env *Env, o *gateOptions) (*gatePlan, error) {
	plan := &gatePlan{root: env.Abs(o.Root)}
	fi, err := os.Stat(plan.root)
	if err != nil {
		return nil, Usagef("cannot read PATH %q: %v", o.Root, err)
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		// a named pipe would block the scan until a writer appears
		return nil, Usagef("cannot read PATH %q: not a regular file or folder (%s)", o.Root, fi.Mode().Type())
	}
	pv := o.Policy
	if pv != "" && !policy.IsBuiltin(pv) {
		pv = env.Abs(pv)
	}
	p, err := policy.Resolve(pv, plan.root)
	if err != nil {
		return nil, Usagef("%v", err)
	}
	plan.policy = p
	plan.policyRef = p.Name
	if o.Policy != "" {
		plan.policyRef = o.Policy
	} else if !policy.IsBuiltin(p.Name) {
		if rel, err := filepath.Rel(plan.root, p.Name); err == nil {
			plan.policyRef = filepath.ToSlash(filepath.Join(o.Root, rel))
		}
	}
	plan.failOn = p.FailOn
	if o.FailOn != "" {
		lvl, err := finding.ParseSeverity(o.FailOn)
		if err != nil {
			return nil, Usagef("--fail-on: %v", err)
		}
		plan.failOn = lvl
	}
	if o.CAFile != "" {
		pem, err := os.ReadFile(env.Abs(o.CAFile))
		if err != nil {
			return nil, Usagef("--ca-file: %v", err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			return nil, Usagef("--ca-file %q: no PEM certificate in it", o.CAFile)
		}
		o.CAFile = env.Abs(o.CAFile)
	}
	if o.HostState != "" {
		st, note, err := loadHostState(env.Abs(o.HostState))
		if err != nil {
			return nil, Usagef("--host-state: %v", err)
		}
		plan.shipped = st
		env.Errorf("gate: as-shipped registry state from %s: %s", o.HostState, note)
	}
	if o.Shard != "" {
		k, n, err := probe.ParseShard(o.Shard)
		if err != nil {
			return nil, Usagef("--shard: %v", err)
		}
		plan.shardK, plan.shardN = k, n
	}
	if o.Timeout <= 0 {
		return nil, Usagef("--timeout must be positive")
	}
	for _, e := range o.Endpoints {
		if _, err := probe.ParseTarget(e); err != nil {
			return nil, Usagef("--endpoint %q: %v", e, err)
		}
	}
	if err := checkOutput(env, "--output", o.Output); err != nil {
		return nil, err
	}
	switch o.Format {
	case "text":
		plan.render = func(d *verdict.Decision, env *Env) error { return writeOut(env, o.Output, d, report.GateText) }
	case "json":
		render := report.GateJSON
		if plan.shardN > 0 {
			// A shard's JSON records "K/N", so merge can refuse a run with
			// a missing or repeated shard.
			shard := fmt.Sprintf("%d/%d", plan.shardK, plan.shardN)
			render = func(w io.Writer, d *verdict.Decision) error {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(ghaction.Report{Decision: *d, Shard: shard})
			}
		}
		plan.render = func(d *verdict.Decision, env *Env) error { return writeOut(env, o.Output, d, render) }
	case "markdown":
		plan.render = func(d *verdict.Decision, env *Env) error { return writeOut(env, o.Output, d, report.Markdown) }
	case "sarif":
		plan.render = func(d *verdict.Decision, env *Env) error { return writeOut(env, o.Output, d, gateSARIFShard(o.Shard)) }
	default:
		return nil, Usagef("--format %q: want one of %s", o.Format, strings.Join(gateFormats, ", "))
	}
	return plan, nil
}

// checkOutput refuses, before any work is done, an output path that cannot
// be written: a folder, or a file in a folder that does not exist.
func checkOutput(env *Env, flag, path string) error {
	if path == "" || path == "-" {
		return nil
	}
	abs := env.Abs(path)
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		return Usagef("%s %q is a folder, not a file", flag, path)
	}
	dir := filepath.Dir(abs)
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return Usagef("%s %q: folder %s does not exist", flag, path, filepath.Dir(path))
	case !fi.IsDir():
		return Usagef("%s %q: %s is not a folder", flag, path, filepath.Dir(path))
	}
	return nil
}

func writeOut(env *Env, path string, d *verdict.Decision, r func(io.Writer, *verdict.Decision) error) error {
	w, closeFn, err := env.OpenOutput(path)
	if err != nil {
		return err
	}
	if err := r(w, d); err != nil {
		_ = closeFn()
		return fmt.Errorf("write report: %w", err)
	}
	if err := closeFn(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// gateEndpoint is one endpoint to probe and who calls it.
type gateEndpoint struct {
	target  probe.Target
	apps    []string // nil: every application
	origins []verdict.Origin
}

// gateEndpoints assembles the endpoints: the policy's, --endpoint, and the
// discovered ones when discovery is on. Nothing else is probed.
func gateEndpoints(ctx context.Context, o *gateOptions, plan *gatePlan, rep *finding.Report) ([]gateEndpoint, []finding.Notification, error) {
	var out []gateEndpoint
	index := map[string]int{}
	add := func(t probe.Target, apps []string, origin verdict.Origin) {
		key := t.String() + "|" + t.StartTLS
		if i, ok := index[key]; ok {
			e := &out[i]
			e.origins = append(e.origins, origin)
			switch {
			case e.apps == nil:
			case apps == nil && origin.Source == "flag":
				// --endpoint of an endpoint the policy maps: keep the mapping.
			case apps == nil:
				e.apps = nil
			default:
				e.apps = appendUnique(e.apps, apps...)
			}
			return
		}
		index[key] = len(out)
		out = append(out, gateEndpoint{target: t, apps: apps, origins: []verdict.Origin{origin}})
	}
	p := plan.policy
	for i, pe := range p.Endpoints {
		t, err := probe.ParseTarget(pe.URL)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: endpoints[%d] %q: %w", p.Name, i, pe.URL, err)
		}
		if pe.SNI != "" {
			t.SNI = pe.SNI
		}
		if pe.StartTLS != "" {
			if !probe.ValidStartTLS(pe.StartTLS) {
				return nil, nil, fmt.Errorf("%s: endpoints[%d] starttls %q: want one of %s", p.Name, i, pe.StartTLS, strings.Join(probe.StartTLSProtocols, ", "))
			}
			t.StartTLS = pe.StartTLS
		}
		var apps []string
		if len(pe.Applications) > 0 {
			apps = append(apps, pe.Applications...)
		}
		add(t, apps, verdict.Origin{Source: "policy", Text: pe.URL})
	}
	known := map[string]bool{}
	for _, a := range rep.Applications {
		known[strings.ToLower(a.Name)] = true
	}
	var notes []finding.Notification
	for _, pe := range p.Endpoints {
		for _, a := range pe.Applications {
			if !known[strings.ToLower(a)] {
				notes = append(notes, finding.Notification{RuleID: verdict.NoteUnknownApplication, Level: finding.Warning, Location: finding.Location{Path: p.Name},
					Message: fmt.Sprintf("policy endpoint %s names application %q, which the scan did not find; no pair is judged for it", pe.URL, a)})
			}
		}
	}
	for _, s := range o.Endpoints {
		t, err := probe.ParseTarget(s)
		if err != nil {
			return nil, nil, fmt.Errorf("--endpoint %q: %w", s, err)
		}
		add(t, nil, verdict.Origin{Source: "flag", Text: s})
	}
	files, walkNotes, err := discover.Walk(ctx, plan.root)
	if err != nil {
		return nil, nil, err
	}
	notes = append(notes, walkNotes...)
	found := discover.Files(files, rep.Applications)
	on := o.Discover || p.Discover
	var probeable []discover.Endpoint
	for _, e := range found {
		loc := e.Location
		if !e.Probeable {
			notes = append(notes, finding.Notification{RuleID: verdict.NoteNotProbeable, Level: finding.Note, Location: loc,
				Message: fmt.Sprintf("endpoint %q (%s) is not probed: %s", e.Text, e.Source, e.Reason)})
			continue
		}
		if !on {
			notes = append(notes, finding.Notification{RuleID: verdict.NoteNotProbed, Level: finding.Note, Location: loc,
				Message: fmt.Sprintf("found endpoint %s (%s); not probed because discovery is off (--discover or discover: true)", e.Target, e.Source)})
			continue
		}
		probeable = append(probeable, e)
	}
	keep, dropped := discover.Filter(probeable, p.DiscoverAllow, p.DiscoverDeny)
	for _, e := range dropped {
		notes = append(notes, finding.Notification{RuleID: verdict.NoteNotProbed, Level: finding.Note, Location: e.Location,
			Message: fmt.Sprintf("found endpoint %s (%s); not probed: %s", e.Target, e.Source, e.Reason)})
	}
	for _, e := range keep {
		t, err := probe.ParseTarget(e.Target)
		if err != nil {
			continue
		}
		t.StartTLS = e.StartTLS
		loc := e.Location
		var apps []string
		if e.Application != "" {
			apps = []string{e.Application}
		}
		add(t, apps, verdict.Origin{Source: "discovered", Application: e.Application, Location: &loc, Text: e.Text})
	}
	return out, notes, nil
}

func appendUnique(list []string, more ...string) []string {
	for _, m := range more {
		found := false
		for _, x := range list {
			if strings.EqualFold(x, m) {
				found = true
				break
			}
		}
		if !found {
			list = append(list, m)
		}
	}
	return list
}

func shardEndpoints(eps []gateEndpoint, k, n int) []gateEndpoint {
	targets := make([]probe.Target, len(eps))
	for i, e := range eps {
		targets[i] = e.target
	}
	keep := map[string]bool{}
	for _, t := range probe.Shard(targets, k, n) {
		keep[t.String()+"|"+t.StartTLS] = true
	}
	var out []gateEndpoint
	for _, e := range eps {
		if keep[e.target.String()+"|"+e.target.StartTLS] {
			out = append(out, e)
		}
	}
	return out
}

// offerFunc adapts the scanner's application model to the verdict. As
// shipped = the assumed (or --host-state) registry with the values the
// repository's own registry artifacts write on top; with package = that
// state with the policy's package values on top.
func offerFunc(plan *gatePlan) verdict.OfferFunc {
	p := plan.policy
	return func(app *finding.Application, host policy.Host, state string) verdict.Offer {
		reg := project.Overlay(plan.shipped, project.RepoState(app))
		if state == finding.StateWithPackage {
			reg = project.Overlay(reg, project.PackageState(p, host))
		}
		set, strong, steps := project.Offered(app, host, reg)
		return verdict.Offer{Protocols: set, StrongCrypto: strong, Steps: steps}
	}
}
