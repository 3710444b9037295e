package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/gate/verdict"
	"github.com/tlsgate/tlsgate/internal/github"
)

// serveOptions are the parsed flags of `tlsgate serve`.
type serveOptions struct {
	Listen     string
	Policy     string
	SecretEnv  string
	TokenEnv   string
	AppID      int64
	AppKeyFile string
	APIURL     string
	MaxBody    int64
	Timeout    time.Duration
	Deadline   time.Duration
	CAFile     string
}

func serveCommand() *Command {
	return &Command{
		Name:  "serve",
		Usage: "serve [flags]",
		Short: "webhook server for a GitHub App used as a deployment protection rule",
		Long: `Runs the webhook of a GitHub App registered as a custom deployment protection
rule. For each deployment_protection_rule event it probes the endpoints the
policy lists under environments[<environment>], judges them against the
policy with the gate's endpoint rules, and approves (pass) or rejects
(fail or inconclusive) the deployment through the event's
deployment_callback_url. An environment the policy does not list is
rejected.

Requests need a valid X-Hub-Signature-256 made with the webhook secret
(read from the environment variable --secret-env); anything else gets 401
and nothing runs. Bodies over --max-body get 413; a delivery id seen before
is ignored. GET /healthz answers "ok". Logs are JSON lines on stderr.

The review must come from the App: give --app-id and --app-key-file (the
App's private key) and tlsgate mints installation tokens itself, or put a
ready installation token in the variable --token-env (it expires after an
hour; meant for tests). Stops gracefully on SIGINT/SIGTERM.`,
		Flags: func(fs *pflag.FlagSet) func(context.Context, *Env, []string) int {
			o := &serveOptions{}
			fs.StringVar(&o.Listen, "listen", "127.0.0.1:8080", "`ADDR` to listen on (host:port)")
			fs.StringVar(&o.Policy, "policy", "", "policy `NAME|FILE` with the environments (default .tlsgate.yml in the working directory)")
			fs.StringVar(&o.SecretEnv, "secret-env", "TLSGATE_WEBHOOK_SECRET", "environment `VAR` holding the webhook secret")
			fs.StringVar(&o.TokenEnv, "token-env", "TLSGATE_GITHUB_TOKEN", "environment `VAR` holding a ready installation token (instead of --app-id)")
			fs.Int64Var(&o.AppID, "app-id", 0, "the GitHub App's `ID`")
			fs.StringVar(&o.AppKeyFile, "app-key-file", "", "the GitHub App's private key (`PEM`)")
			fs.StringVar(&o.APIURL, "api-url", "", "GitHub API `URL` (default $GITHUB_API_URL or https://api.github.com)")
			fs.Int64Var(&o.MaxBody, "max-body", 1<<20, "largest accepted request body in `BYTES`")
			fs.DurationVar(&o.Timeout, "timeout", probe.DefaultTimeout, "per-connection probe timeout")
			fs.DurationVar(&o.Deadline, "deadline", 2*time.Minute, "bound on one judgment (probing and review)")
			fs.StringVar(&o.CAFile, "ca-file", "", "extra PEM roots for certificate checks")
			return func(ctx context.Context, env *Env, args []string) int {
				if len(args) > 0 {
					env.Errorf("serve: unexpected argument %q", args[0])
					return ExitUsage
				}
				return runServe(ctx, env, o)
			}
		},
	}
}

func runServe(ctx context.Context, env *Env, o *serveOptions) int {
	secret := env.Getenv(o.SecretEnv)
	if secret == "" {
		env.Errorf("serve: the webhook secret variable %s is empty: set it to the secret configured on the GitHub App", o.SecretEnv)
		return ExitUsage
	}
	if o.MaxBody <= 0 {
		env.Errorf("serve: --max-body must be positive")
		return ExitUsage
	}
	polRef := o.Policy
	if polRef != "" && !policy.IsBuiltin(polRef) {
		polRef = env.Abs(polRef)
	}
	pol, err := policy.Resolve(polRef, env.Abs("."))
	if err != nil {
		env.Errorf("serve: %v", err)
		return ExitUsage
	}
	apiURL := o.APIURL
	if apiURL == "" {
		apiURL = env.Getenv("GITHUB_API_URL")
	}
	var tokens github.TokenSource
	switch {
	case o.AppID != 0 || o.AppKeyFile != "":
		if o.AppID == 0 || o.AppKeyFile == "" {
			env.Errorf("serve: --app-id and --app-key-file go together")
			return ExitUsage
		}
		pemBytes, err := os.ReadFile(env.Abs(o.AppKeyFile))
		if err != nil {
			env.Errorf("serve: %v", err)
			return ExitUsage
		}
		key, err := github.ParseAppKey(pemBytes)
		if err != nil {
			env.Errorf("serve: %q: %v", o.AppKeyFile, err)
			return ExitUsage
		}
		tokens = &github.AppTokens{AppID: o.AppID, Key: key, APIURL: apiURL}
	case env.Getenv(o.TokenEnv) != "":
		tokens = github.StaticToken(env.Getenv(o.TokenEnv))
	default:
		env.Errorf("serve: no way to authenticate the review: give --app-id and --app-key-file, or set %s", o.TokenEnv)
		return ExitUsage
	}
	if _, err := github.New(nil, apiURL, ""); err != nil {
		env.Errorf("serve: %v", err)
		return ExitUsage
	}

	log := slog.New(slog.NewJSONHandler(env.Stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	hook := &github.Webhook{
		Secret: []byte(secret), MaxBody: o.MaxBody, Tokens: tokens, APIURL: apiURL, Log: log, Timeout: o.Deadline,
		Judge: environmentJudge(pol, env, o),
	}
	hook.Start(ctx)
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		env.Errorf("serve: %v", err)
		return ExitUsage
	}
	srv := &http.Server{Handler: hook.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	envs := make([]string, 0, len(pol.Environments))
	for name := range pol.Environments {
		envs = append(envs, name)
	}
	log.Info("listening", "addr", ln.Addr().String(), "policy", pol.Name, "environments", envs)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	code := ExitPass
	select {
	case err := <-served:
		log.Error("server stopped", "err", err.Error())
		code = ExitInconclusive
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("shutdown", "err", err.Error())
		}
		cancel()
	}
	hook.Wait()
	log.Info("stopped")
	return code
}

// environmentJudge probes the policy's endpoints for an environment and
// judges them with the gate's endpoint rules: approved only on a pass.
func environmentJudge(pol *policy.Policy, env *Env, o *serveOptions) github.Judge {
	return func(ctx context.Context, name string) (github.Decision, error) {
		raw, ok := pol.Environments[name]
		if !ok {
			// GitHub environment names are case-insensitive.
			for k, v := range pol.Environments {
				if strings.EqualFold(k, name) {
					raw, ok = v, true
					break
				}
			}
		}
		if !ok || len(raw) == 0 {
			return github.Decision{Comment: fmt.Sprintf("tlsgate: the policy %s lists no endpoints for environment %q, so nothing could be checked", pol.Name, name)}, nil
		}
		targets := make([]probe.Target, 0, len(raw))
		for _, s := range raw {
			t, err := probe.ParseTarget(s)
			if err != nil {
				return github.Decision{Comment: fmt.Sprintf("tlsgate: policy %s, environment %q: bad endpoint %q: %v", pol.Name, name, s, err)}, nil
			}
			targets = append(targets, t)
		}
		results := probe.Run(ctx, targets, probe.Options{Timeout: o.Timeout, CAFile: o.CAFile, Getenv: env.Getenv, Now: env.Now})
		if err := ctx.Err(); err != nil {
			return github.Decision{}, err
		}
		eps := make([]verdict.Endpoint, len(results))
		for i, r := range results {
			eps[i] = verdict.Endpoint{Result: r, Origins: []verdict.Origin{{Source: "policy", Text: "environments." + name}}}
		}
		d := verdict.Evaluate(verdict.Input{Policy: pol, PolicyRef: pol.Name, Endpoints: eps, Now: env.Now()})
		return github.Decision{Approved: d.Verdict == verdict.Pass, Comment: reviewComment(name, pol.Name, d)}, nil
	}
}

func reviewComment(envName, policyName string, d *verdict.Decision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tlsgate %s: %d endpoint(s) of %q against policy %s.", d.Verdict, len(d.Endpoints), envName, policyName)
	n := 0
	for _, f := range d.Findings {
		if f.Suppressed() || f.Level < d.FailOn {
			continue
		}
		if n == 5 {
			b.WriteString(" …")
			break
		}
		b.WriteString(" " + f.String() + ".")
		n++
	}
	for _, s := range d.Inconclusive {
		fmt.Fprintf(&b, " %s: inconclusive (never a pass).", s)
	}
	return b.String()
}
