package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/tlsgate/tlsgate/gate/policy"
)

func policyCommand() *Command {
	return &Command{
		Name:  "policy",
		Usage: "policy [show [NAME|FILE]]",
		Short: "list the built-in policies, or print a resolved policy as YAML",
		Long: `'tlsgate policy' lists the built-in policies (audit, compat, tls12, strict).

'tlsgate policy show [NAME|FILE]' prints the resolved policy as YAML: a built-in
by name, or a policy file with its 'extends:' base filled in. Without an argument
it shows what 'tlsgate gate' would use in the current directory: .tlsgate.yml when
present, else the default built-in (tls12). The output is itself a valid policy
file. A bad policy file is reported as file:line:column and exits 2.`,
		Flags: func(fs *pflag.FlagSet) func(context.Context, *Env, []string) int {
			return func(_ context.Context, env *Env, args []string) int {
				switch {
				case len(args) == 0, args[0] == "list" && len(args) == 1:
					return env.written("policy", listPolicies(env.Stdout))
				case args[0] == "show" && len(args) <= 2:
					value := ""
					if len(args) == 2 {
						value = args[1]
						if !policy.IsBuiltin(value) {
							value = env.Abs(value)
						}
					}
					p, err := policy.Resolve(value, env.Abs("."))
					if err != nil {
						env.Errorf("policy: %v", err)
						return ExitUsage
					}
					out, err := ShowPolicy(p)
					if err != nil {
						env.Errorf("policy: %v", err)
						return ExitInconclusive
					}
					_, err = env.Stdout.Write(out)
					return env.written("policy", err)
				}
				env.Errorf("policy: unexpected arguments %q (want: policy, or policy show [NAME|FILE])", args)
				return ExitUsage
			}
		},
	}
}

// listPolicies writes the built-in policies to out and returns the first
// write error.
func listPolicies(out io.Writer) error {
	w := &errWriter{w: out}
	fmt.Fprintln(w, "built-in policies (tlsgate policy show NAME prints one):")
	for _, n := range policy.Names() {
		p, _ := policy.Builtin(n)
		def := ""
		if n == policy.Default {
			def = " (default)"
		}
		fmt.Fprintf(w, "  %-7s %s%s\n", n, strings.TrimPrefix(p.Description, n+": "), def)
	}
	return w.err
}

// ShowPolicy renders a resolved policy as YAML that Parse accepts and that
// resolves to the same policy.
func ShowPolicy(p *policy.Policy) ([]byte, error) {
	q := *p
	if policy.IsBuiltin(q.Name) && q.Extends == "" {
		q.Extends = q.Name
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# tlsgate policy %q, resolved\n", p.Name)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&q); err != nil {
		return nil, fmt.Errorf("render policy: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("render policy: %w", err)
	}
	return buf.Bytes(), nil
}
