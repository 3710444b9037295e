// Package cli is tlsgate's command line: the command table, flag parsing
// (flags and positional arguments may be mixed), exit codes and the streams.
//
// cmd/tlsgate/main.go only wires the operating system to Main.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// Exit codes, shared by every subcommand and the GitHub Action (CONTRACTS.md).
const (
	ExitPass         = 0 // everything conclusive, nothing at or above --fail-on
	ExitFail         = 1 // the gate failed
	ExitUsage        = 2 // bad flag, bad policy file, unreadable input
	ExitInconclusive = 3 // inconclusive or operational failure, and nothing failed
)

// Version is set with -ldflags "-X github.com/tlsgate/tlsgate/internal/cli.Version=v1.2.3".
var Version = ""

// ToolVersion returns the version: the link-time value, else the module
// version from the build info, else "devel".
func ToolVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Env carries everything a command may touch of the outside world, so tests
// can run commands in-process with in-memory streams.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Now    func() time.Time
	// Dir is the working directory relative paths are resolved against
	// ("" = the process's).
	Dir string
}

// IsTerminal reports whether w is a terminal (for colour and progress).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Errorf prints a diagnostic to stderr behind the "tlsgate:" prefix.
func (e *Env) Errorf(format string, a ...any) {
	fmt.Fprintf(e.Stderr, "tlsgate: "+format+"\n", a...)
}

// Command is one subcommand.
type Command struct {
	Name  string
	Usage string // "scan [flags] [PATH]"
	Short string // one line
	Long  string // paragraphs
	// Flags declares the command's flags into fs and returns the function
	// that runs the command with the positional arguments, after parsing.
	Flags func(fs *pflag.FlagSet) func(ctx context.Context, env *Env, args []string) int
}

// UsageError is a usage mistake: Main prints it with the usage line and
// returns ExitUsage.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a *UsageError.
func Usagef(format string, a ...any) error { return &UsageError{fmt.Errorf(format, a...)} }

// commands returns a fresh, ordered slice of every subcommand that works.
func commands() []*Command {
	return []*Command{
		scanCommand(),
		probeCommand(),
		gateCommand(),
		genCommand(),
		policyCommand(),
		mergeCommand(),
		serveCommand(),
		versionCommand(),
	}
}

// Main runs tlsgate with args (without the program name) and returns the
// exit code. Nothing below Main calls os.Exit or reads os.Args or the
// process environment directly.
func Main(ctx context.Context, args []string, env *Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	cmds := commands()
	if len(args) == 0 {
		topUsage(env.Stderr, cmds)
		return ExitUsage
	}
	name := args[0]
	switch name {
	case "-h", "--help", "help":
		w := &errWriter{w: env.Stdout}
		if len(args) > 1 {
			c := find(cmds, args[1])
			if c == nil {
				env.Errorf("help: unknown command %q", args[1])
				topUsage(env.Stderr, cmds)
				return ExitUsage
			}
			commandHelp(w, c, flagSet(c))
		} else {
			topUsage(w, cmds)
		}
		return env.written("help", w.err)
	case "--version", "-v":
		w := &errWriter{w: env.Stdout}
		fmt.Fprintf(w, "tlsgate %s\n", ToolVersion())
		return env.written("version", w.err)
	}
	c := find(cmds, name)
	if c == nil {
		env.Errorf("unknown command %q", name)
		topUsage(env.Stderr, cmds)
		return ExitUsage
	}
	fs := pflag.NewFlagSet(c.Name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SetInterspersed(true)
	run := c.Flags(fs)
	help := fs.BoolP("help", "h", false, "show this help")
	if err := fs.Parse(args[1:]); err != nil {
		env.Errorf("%s: %v", c.Name, err)
		fmt.Fprintf(env.Stderr, "usage: tlsgate %s\nrun 'tlsgate %s --help' for details\n", c.Usage, c.Name)
		return ExitUsage
	}
	if *help {
		w := &errWriter{w: env.Stdout}
		commandHelp(w, c, fs)
		return env.written(c.Name, w.err)
	}
	return run(ctx, env, fs.Args())
}

// Fail prints err and returns the exit code it maps to: ExitUsage for a
// *UsageError, else code.
func (e *Env) Fail(cmd string, err error, code int) int {
	var ue *UsageError
	if errors.As(err, &ue) {
		e.Errorf("%s: %v", cmd, err)
		return ExitUsage
	}
	e.Errorf("%s: %v", cmd, err)
	return code
}

func flagSet(c *Command) *pflag.FlagSet {
	fs := pflag.NewFlagSet(c.Name, pflag.ContinueOnError)
	c.Flags(fs)
	fs.BoolP("help", "h", false, "show this help")
	return fs
}

func find(cmds []*Command, name string) *Command {
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func topUsage(w io.Writer, cmds []*Command) {
	fmt.Fprintf(w, "tlsgate checks that .NET Framework, WinHTTP and SChannel clients and the endpoints they call\nagree on strong TLS, and generates the Windows packages that fix the hosts.\n\nusage: tlsgate <command> [flags] [args]\n\ncommands:\n")
	width := 0
	for _, c := range cmds {
		if len(c.Name) > width {
			width = len(c.Name)
		}
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.Name, c.Short)
	}
	fmt.Fprintf(w, "\nexit codes: 0 pass, 1 gate failed, 2 usage error, 3 inconclusive or operational failure\nrun 'tlsgate <command> --help' for a command's flags\n")
}

func commandHelp(w io.Writer, c *Command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "usage: tlsgate %s\n\n%s\n", c.Usage, c.Short)
	if c.Long != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Long))
	}
	fmt.Fprintf(w, "\nflags:\n%s", fs.FlagUsages())
}

// OpenOutput returns the writer for results: path, or stdout when path is
// "" or "-". The returned close function must be called.
func (e *Env) OpenOutput(path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return e.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(e.Abs(path))
	if err != nil {
		return nil, nil, fmt.Errorf("create output %q: %w", path, err)
	}
	return f, f.Close, nil
}

// Abs resolves a path against Env.Dir.
func (e *Env) Abs(p string) string {
	if e.Dir == "" || p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(e.Dir, p)
}

func versionCommand() *Command {
	return &Command{
		Name:  "version",
		Usage: "version",
		Short: "print tlsgate's version",
		Flags: func(fs *pflag.FlagSet) func(context.Context, *Env, []string) int {
			return func(_ context.Context, env *Env, args []string) int {
				if len(args) > 0 {
					env.Errorf("version: unexpected argument %q", args[0])
					return ExitUsage
				}
				w := &errWriter{w: env.Stdout}
				fmt.Fprintf(w, "tlsgate %s\n", ToolVersion())
				return env.written("version", w.err)
			}
		},
	}
}

// errWriter remembers the first write error, so output printed with
// fmt.Fprintf can be checked once at the end.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// written returns ExitPass, or reports a failed write of cmd's output and
// returns ExitInconclusive: output that was lost is never a pass.
func (e *Env) written(cmd string, err error) int {
	if err == nil {
		return ExitPass
	}
	e.Errorf("%s: write output: %v", cmd, err)
	return ExitInconclusive
}
