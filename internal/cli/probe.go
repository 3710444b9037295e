package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/tlsgate/tlsgate/gate/probe"
)

// probeOptions are the parsed flags of `tlsgate probe`.
type probeOptions struct {
	Targets      []string
	TargetsFile  string
	SNI          string
	CAFile       string
	Timeout      time.Duration
	Deadline     time.Duration
	PerHost      int
	Concurrency  int
	StartTLS     string
	Full         bool
	AllAddresses bool
	Shard        string
	Format       string
	Output       string
}

func probeCommand() *Command {
	return &Command{
		Name:  "probe",
		Usage: "probe [flags] TARGET...",
		Short: "ask TLS endpoints which protocol versions, weak cipher classes and certificate they present",
		Long: `A TARGET is host, host:port, [v6addr]:port, or a URL: https:// (443), ldaps:// (636),
smtps:// (465), imaps:// (993), pop3s:// (995), and the STARTTLS schemes smtp:// (25),
imap://, pop3://, ftp://, ldap://, xmpp://, postgres://. Without a port: 443.

Each endpoint gets one parallel wave of 14 connections: six hand-built hellos (SSL 2.0 to
TLS 1.3), seven cipher class hellos (RC4, 3DES, NULL, EXPORT, ANON, NO_PFS, AEAD) and one
crypto/tls handshake for the certificate. A timeout, reset or non-TLS reply is inconclusive,
never rejected. HTTPS_PROXY / NO_PROXY are honoured (HTTP CONNECT).

probe judges nothing: exit 0 when every answer is conclusive, 3 otherwise, 2 for bad input.`,
		Flags: func(fs *pflag.FlagSet) func(context.Context, *Env, []string) int {
			o := &probeOptions{}
			probeFlags(fs, o)
			return func(ctx context.Context, env *Env, args []string) int {
				o.Targets = args
				return runProbe(ctx, env, o)
			}
		},
	}
}

func probeFlags(fs *pflag.FlagSet, o *probeOptions) {
	fs.StringVar(&o.TargetsFile, "targets-file", "", "read targets from `FILE`, one per line (# comments)")
	fs.StringVar(&o.SNI, "sni", "", "server `NAME` to send instead of the target's host name")
	fs.StringVar(&o.CAFile, "ca-file", "", "PEM `FILE` of extra trusted roots for chain verification")
	fs.DurationVar(&o.Timeout, "timeout", probe.DefaultTimeout, "per-connection timeout (connect, STARTTLS and first reply)")
	fs.DurationVar(&o.Deadline, "deadline", 0, "overall deadline for the whole run (0 = none)")
	fs.IntVar(&o.PerHost, "per-host", probe.WaveSize, "at most `N` connections in flight per endpoint")
	fs.IntVar(&o.Concurrency, "concurrency", probe.DefaultConcurrency, "at most `N` connections in flight overall")
	fs.StringVar(&o.StartTLS, "starttls", "", "speak `PROTO` first: "+strings.Join(probe.StartTLSProtocols, "|"))
	fs.BoolVar(&o.Full, "full", false, "also enumerate every accepted cipher suite per version")
	fs.BoolVar(&o.AllAddresses, "all-addresses", false, "probe every A/AAAA address of a name as its own endpoint")
	fs.StringVar(&o.Shard, "shard", "", "probe only shard `K/N` of the targets (a stable split by target)")
	fs.StringVar(&o.Format, "format", "text", "output format: text|json")
	fs.StringVarP(&o.Output, "output", "o", "", "write the result to `FILE` instead of stdout")
}

// probeTargets parses the positional targets and the targets file.
func probeTargets(env *Env, o *probeOptions) ([]probe.Target, error) {
	var ts []probe.Target
	for _, a := range o.Targets {
		t, err := probe.ParseTarget(a)
		if err != nil {
			return nil, Usagef("%v", err)
		}
		ts = append(ts, t)
	}
	if o.TargetsFile != "" {
		var r io.Reader
		if o.TargetsFile == "-" {
			r = env.Stdin
		} else {
			f, err := os.Open(env.Abs(o.TargetsFile))
			if err != nil {
				return nil, Usagef("targets file: %v", err)
			}
			defer f.Close()
			r = f
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		line := 0
		for sc.Scan() {
			line++
			s := sc.Text()
			if i := strings.Index(s, "#"); i >= 0 {
				s = s[:i]
			}
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			t, err := probe.ParseTarget(s)
			if err != nil {
				return nil, Usagef("%s:%d: %v", o.TargetsFile, line, err)
			}
			ts = append(ts, t)
		}
		if err := sc.Err(); err != nil {
			return nil, Usagef("%s:%d: %v", o.TargetsFile, line+1, err)
		}
	}
	if len(ts) == 0 {
		return nil, Usagef("no targets (give TARGET arguments or --targets-file)")
	}
	return ts, nil
}

func runProbe(ctx context.Context, env *Env, o *probeOptions) int {
	fail := func(err error) int { return env.Fail("probe", err, ExitInconclusive) }
	if o.Format != "text" && o.Format != "json" {
		return fail(Usagef("unknown format %q (want text or json)", o.Format))
	}
	if !probe.ValidStartTLS(o.StartTLS) {
		return fail(Usagef("unknown --starttls %q (want %s)", o.StartTLS, strings.Join(probe.StartTLSProtocols, ", ")))
	}
	if o.Timeout <= 0 {
		return fail(Usagef("--timeout must be positive"))
	}
	if o.PerHost < 1 || o.Concurrency < 1 {
		return fail(Usagef("--per-host and --concurrency must be at least 1"))
	}
	if o.CAFile != "" {
		if err := probe.CheckCAFile(env.Abs(o.CAFile)); err != nil {
			return fail(Usagef("--ca-file: %v", err))
		}
	}
	targets, err := probeTargets(env, o)
	if err != nil {
		return fail(err)
	}
	if o.Shard != "" {
		k, n, err := probe.ParseShard(o.Shard)
		if err != nil {
			return fail(Usagef("--shard: %v", err))
		}
		targets = probe.Shard(targets, k, n)
	}
	opts := probe.Options{
		Timeout: o.Timeout, Deadline: o.Deadline, PerHost: o.PerHost, Concurrency: o.Concurrency,
		Full: o.Full, AllAddresses: o.AllAddresses, SNI: o.SNI, StartTLS: o.StartTLS,
		Getenv: env.Getenv, Now: env.Now,
	}
	if o.CAFile != "" {
		opts.CAFile = env.Abs(o.CAFile)
	}
	if IsTerminal(env.Stderr) {
		opts.Progress = env.Stderr
	}
	// Open the output first: a bad --output must not cost a whole run.
	w, closeOut, err := env.OpenOutput(o.Output)
	if err != nil {
		return fail(Usagef("%v", err))
	}
	results := probe.Run(ctx, targets, opts)
	if o.Format == "json" {
		err = probe.WriteJSON(w, results)
	} else {
		err = probe.WriteText(w, results)
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(fmt.Errorf("write output: %w", err))
	}
	code := ExitPass
	for i := range results {
		if !results[i].Conclusive() {
			code = ExitInconclusive
			env.Errorf("probe: %s: inconclusive", results[i].Target)
		}
	}
	return code
}
