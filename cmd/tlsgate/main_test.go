package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tlsgate/tlsgate/internal/cli"
)

// TestMain lets testscript run "tlsgate" as a re-executed copy of the test
// binary that goes through cli.Main exactly as main does.
func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"tlsgate": func() int {
			return cli.Main(context.Background(), os.Args[1:], &cli.Env{
				Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
			})
		},
	}))
}

// TestScripts runs testdata/script/*.txtar: end-to-end checks of every
// CONTRACTS.md statement about the command line.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(e *testscript.Env) error {
			// Never inherit a developer's or CI's policy, colour or date.
			e.Setenv("NO_COLOR", "1")
			e.Setenv("SOURCE_DATE_EPOCH", "")
			e.Setenv("GITHUB_ACTIONS", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"jsonkeys":   cmdJSONKeys,
			"jsonget":    cmdJSONGet,
			"sarifcheck": cmdSARIFCheck,
			"cmpdir":     cmdCmpDir,
			"exits":      cmdExits,
			"diagprefix": cmdDiagPrefix,
			"stdoutfull": cmdStdoutFull,
		},
		RequireUniqueNames: true,
	})
}

// readJSON decodes FILE (relative to $WORK; "stdout" means the last
// command's stdout) into a generic value, with numbers kept exact.
func readJSON(ts *testscript.TestScript, file string) any {
	var data []byte
	if file == "stdout" {
		data = []byte(ts.ReadFile("stdout"))
	} else {
		data = []byte(ts.ReadFile(file))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		ts.Fatalf("%s: not JSON: %v", file, err)
	}
	if dec.More() {
		ts.Fatalf("%s: trailing data after the JSON value", file)
	}
	return v
}

// walk follows a dotted path ("runs.0.tool.driver.name"; "." is the root; "len" of an array is its length).
func walk(v any, path string) (any, error) {
	if path == "." || path == "" {
		return v, nil
	}
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			c, ok := x[p]
			if !ok {
				return nil, fmt.Errorf("no key %q (at %s)", p, path)
			}
			v = c
		case []any:
			if p == "len" { // length
				return json.Number(strconv.Itoa(len(x))), nil
			}
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil, fmt.Errorf("no index %q in an array of %d (at %s)", p, len(x), path)
			}
			v = x[i]
		default:
			return nil, fmt.Errorf("cannot index %T with %q (at %s)", v, p, path)
		}
	}
	return v, nil
}

// jsonkeys FILE PATH key... — the object at PATH has exactly these keys.
func cmdJSONKeys(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: jsonkeys FILE PATH key...")
	}
	v, err := walk(readJSON(ts, args[0]), args[1])
	if err != nil {
		ts.Fatalf("%s: %v", args[0], err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		ts.Fatalf("%s: %s is %T, not an object", args[0], args[1], v)
	}
	var got []string
	for k := range m {
		got = append(got, k)
	}
	want := append([]string(nil), args[2:]...)
	sort.Strings(got)
	sort.Strings(want)
	same := strings.Join(got, " ") == strings.Join(want, " ")
	if same == neg {
		ts.Fatalf("%s: keys of %s are [%s], want %s[%s]", args[0], args[1], strings.Join(got, " "), map[bool]string{true: "not ", false: ""}[neg], strings.Join(want, " "))
	}
}

// jsonget FILE PATH WANT — the value at PATH, rendered as compact JSON (a
// string without quotes), matches the regular expression ^WANT$.
func cmdJSONGet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: jsonget FILE PATH WANT-REGEXP")
	}
	v, err := walk(readJSON(ts, args[0]), args[1])
	if err != nil {
		if neg {
			return
		}
		ts.Fatalf("%s: %v", args[0], err)
	}
	var s string
	if str, ok := v.(string); ok {
		s = str
	} else {
		b, err := json.Marshal(v)
		ts.Check(err)
		s = string(b)
	}
	re, err := regexp.Compile("^(?:" + args[2] + ")$")
	ts.Check(err)
	if re.MatchString(s) == neg {
		ts.Fatalf("%s: %s = %s; want %smatching %s", args[0], args[1], s, map[bool]string{true: "not ", false: ""}[neg], args[2])
	}
}

// sarifcheck FILE — FILE is SARIF 2.1.0 as CONTRACTS.md requires: one run,
// tool.driver with name, version and metadata for every rule used; every
// result with ruleId, level, message.text and one location with a
// relative forward-slash uri and a 1-based region.
func cmdSARIFCheck(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sarifcheck FILE")
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name    string `json:"name"`
					Version string `json:"version"`
					Rules   []struct {
						ID               string `json:"id"`
						ShortDescription struct {
							Text string `json:"text"`
						} `json:"shortDescription"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID  *string `json:"ruleId"`
				Level   *string `json:"level"`
				Message struct {
					Text *string `json:"text"`
				} `json:"message"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI *string `json:"uri"`
						} `json:"artifactLocation"`
						Region *struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
							EndLine     int `json:"endLine"`
							EndColumn   int `json:"endColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	data := ts.ReadFile(args[0])
	if err := json.Unmarshal([]byte(data), &log); err != nil {
		ts.Fatalf("%s: %v", args[0], err)
	}
	if log.Version != "2.1.0" {
		ts.Fatalf("%s: version %q, want 2.1.0", args[0], log.Version)
	}
	if len(log.Runs) != 1 {
		ts.Fatalf("%s: %d runs, want 1", args[0], len(log.Runs))
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "tlsgate" || d.Version == "" {
		ts.Fatalf("%s: tool.driver name %q version %q", args[0], d.Name, d.Version)
	}
	rules := map[string]bool{}
	for _, r := range d.Rules {
		if r.ID == "" || r.ShortDescription.Text == "" {
			ts.Fatalf("%s: rule %q without id or shortDescription", args[0], r.ID)
		}
		rules[r.ID] = true
	}
	// Every repository rule of the catalogue has metadata.
	for i := 1; i <= 19; i++ {
		if id := fmt.Sprintf("TLS%03d", i); !rules[id] {
			ts.Fatalf("%s: tool.driver.rules lacks %s", args[0], id)
		}
	}
	levels := map[string]bool{"error": true, "warning": true, "note": true}
	for i, r := range run.Results {
		where := fmt.Sprintf("%s: results[%d]", args[0], i)
		switch {
		case r.RuleID == nil || !rules[*r.RuleID]:
			ts.Fatalf("%s: ruleId missing or not in tool.driver.rules", where)
		case r.Level == nil || !levels[*r.Level]:
			ts.Fatalf("%s: level missing or not error|warning|note", where)
		case r.Message.Text == nil || *r.Message.Text == "":
			ts.Fatalf("%s: message.text missing", where)
		case len(r.Locations) != 1:
			ts.Fatalf("%s: %d locations, want 1", where, len(r.Locations))
		}
		pl := r.Locations[0].Physical
		uri := pl.Artifact.URI
		if uri == nil || *uri == "" || strings.HasPrefix(*uri, "/") || strings.Contains(*uri, `\`) || strings.Contains(*uri, "://") || strings.HasPrefix(*uri, "./") {
			ts.Fatalf("%s: artifactLocation.uri %v is not a relative forward-slash path", where, uri)
		}
		rg := pl.Region
		if rg == nil || rg.StartLine < 1 || rg.StartColumn < 1 || rg.EndLine < rg.StartLine || rg.EndColumn < 1 ||
			(rg.EndLine == rg.StartLine && rg.EndColumn < rg.StartColumn) {
			ts.Fatalf("%s: region %+v is not a 1-based startLine/startColumn/endLine/endColumn", where, rg)
		}
	}
}

// cmpdir DIR1 DIR2 — the two trees hold the same files with the same bytes.
func cmdCmpDir(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: cmpdir DIR1 DIR2")
	}
	list := func(dir string) map[string][]byte {
		root := ts.MkAbs(dir)
		files := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if de.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			files[filepath.ToSlash(rel)] = b
			return nil
		})
		ts.Check(err)
		if len(files) == 0 {
			ts.Fatalf("cmpdir: %s holds no files", dir)
		}
		return files
	}
	a, b := list(args[0]), list(args[1])
	var diffs []string
	for name, da := range a {
		db, ok := b[name]
		switch {
		case !ok:
			diffs = append(diffs, "only in "+args[0]+": "+name)
		case !bytes.Equal(da, db):
			diffs = append(diffs, "differs: "+name)
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			diffs = append(diffs, "only in "+args[1]+": "+name)
		}
	}
	sort.Strings(diffs)
	if neg {
		if len(diffs) == 0 {
			ts.Fatalf("cmpdir: %s and %s are identical", args[0], args[1])
		}
		return
	}
	if len(diffs) > 0 {
		ts.Fatalf("cmpdir: %d differences:\n%s", len(diffs), strings.Join(diffs, "\n"))
	}
	ts.Logf("cmpdir: %d identical files", len(a))
}

// exits CODE PROG ARGS... — runs PROG like exec and checks its exact exit
// code (exec and ! exec only tell zero from non-zero).
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// diagprefix — the last command's stderr is not empty and every line of it
// is a diagnostic behind the "tlsgate:" prefix.
func cmdDiagPrefix(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: diagprefix")
	}
	stderr := ts.ReadFile("stderr")
	if strings.TrimSpace(stderr) == "" {
		ts.Fatalf("stderr is empty; want tlsgate: diagnostics")
	}
	for i, line := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
		if !strings.HasPrefix(line, "tlsgate: ") {
			ts.Fatalf("stderr line %d %q lacks the \"tlsgate: \" prefix", i+1, line)
		}
	}
}

// stdoutfull CODE PROG ARGS... — runs PROG (found in the script's $PATH)
// with stdout on /dev/full, so every write to stdout fails, and checks the
// exact exit code and that stderr says why behind the "tlsgate:" prefix.
// Output that cannot be written must never pass silently.
func cmdStdoutFull(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: stdoutfull CODE PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		ts.Fatalf("stdoutfull needs /dev/full: %v", err)
	}
	defer full.Close()
	var prog string
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		if p := filepath.Join(dir, args[1]); fileExists(p) {
			prog = p
			break
		}
	}
	if prog == "" {
		ts.Fatalf("%s not found in $PATH", args[1])
	}
	cmd := exec.Command(prog, args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "WORK", "NO_COLOR", "SOURCE_DATE_EPOCH"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = full, &stderr
	got := 0
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	ts.Logf("[stderr]\n%s", stderr.String())
	if got != want {
		ts.Fatalf("%s with stdout on /dev/full exited with %d, want %d", args[1], got, want)
	}
	if want != 0 && !regexp.MustCompile(`(?m)^tlsgate: .*(write|no space)`).Match(stderr.Bytes()) {
		ts.Fatalf("%s with stdout on /dev/full: no tlsgate: diagnostic about the failed write on stderr", args[1])
	}
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
