package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func runScanCLI(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Dir: dir, Now: func() time.Time { return time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC) }}
	code := Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

func writeScanTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	cliWeak = "class A { void M() { System.Net.ServicePointManager.SecurityProtocol = System.Net.SecurityProtocolType.Tls; } }\n"
	cliPin  = "class B { void M() { System.Net.ServicePointManager.SecurityProtocol = System.Net.SecurityProtocolType.Tls12; } }\n"
)

func TestScanExitCodesAndFormats(t *testing.T) {
	weak := writeScanTree(t, map[string]string{"src/A.cs": cliWeak})
	pin := writeScanTree(t, map[string]string{"B.cs": cliPin})
	clean := writeScanTree(t, map[string]string{"C.cs": "class C {}\n"})
	badPolicy := writeScanTree(t, map[string]string{"C.cs": "class C {}\n", ".tlsgate.yml": "extends: tls12\nfail_on: fatal\n"})
	cases := []struct {
		name string
		dir  string
		args []string
		code int
		out  string // substring of stdout
		err  string // substring of stderr
	}{
		{"error fails", weak, []string{"scan"}, ExitFail, "src/A.cs\n  1:22", "1 finding at or above error"},
		{"path after flags", weak, []string{"scan", "--format", "json", "."}, ExitFail, `"rule_id": "TLS001"`, ""},
		{"flags after path", weak, []string{"scan", ".", "--format", "sarif"}, ExitFail, `"ruleId": "TLS001"`, ""},
		{"warning passes by default", pin, []string{"scan"}, ExitPass, "[TLS003]", ""},
		{"fail-on warning", pin, []string{"scan", "--fail-on", "warning"}, ExitFail, "", "at or above warning"},
		{"strict policy sets warning", pin, []string{"scan", "--policy", "strict"}, ExitFail, "", ""},
		{"clean", clean, []string{"scan"}, ExitPass, "0 errors, 0 warnings, 0 notes", ""},
		{"missing path", clean, []string{"scan", "nope"}, ExitUsage, "", `cannot read "nope"`},
		{"bad format", clean, []string{"scan", "--format", "xml"}, ExitUsage, "", "valid: json, sarif, text"},
		{"bad fail-on", clean, []string{"scan", "--fail-on", "fatal"}, ExitUsage, "", "--fail-on"},
		{"bad policy file", badPolicy, []string{"scan"}, ExitUsage, "", ".tlsgate.yml:2:"},
		{"two paths", clean, []string{"scan", "a", "b"}, ExitUsage, "", "too many arguments"},
		{"single file", weak, []string{"scan", "src/A.cs", "--format", "sarif"}, ExitFail, `"uri": "A.cs"`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runScanCLI(t, c.dir, c.args...)
			if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errs, c.err) {
				t.Fatalf("code %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errs)
			}
		})
	}
}

func TestScanHelpAndFirstCommand(t *testing.T) {
	code, out, _ := runScanCLI(t, "", "scan", "--help")
	if code != ExitPass || !strings.Contains(out, "--write-baseline") || !strings.Contains(out, "usage: tlsgate scan") {
		t.Fatalf("help: %d %s", code, out)
	}
	if commands()[0].Name != "scan" {
		t.Fatal("scan is not the first command")
	}
}

func TestScanOutputFileAndBaseline(t *testing.T) {
	dir := writeScanTree(t, map[string]string{"A.cs": cliWeak})
	code, _, _ := runScanCLI(t, dir, "scan", "--write-baseline", "base.json", "--format", "json", "--output", "first.json")
	if code != ExitPass {
		t.Fatalf("write-baseline exit %d", code)
	}
	var rep struct {
		SchemaVersion int               `json:"schema_version"`
		Findings      []json.RawMessage `json:"findings"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "first.json"))
	if err != nil || json.Unmarshal(b, &rep) != nil || rep.SchemaVersion != 1 || len(rep.Findings) != 1 {
		t.Fatalf("--output file: %v %s", err, b)
	}
	// the old finding moves; a new one appears: only the new one fails
	if err := os.WriteFile(filepath.Join(dir, "A.cs"), []byte("\n\n"+cliWeak), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runScanCLI(t, dir, "scan", "--baseline", "base.json")
	if code != ExitPass || !strings.Contains(out, "1 in the baseline") {
		t.Fatalf("baseline run: %d\n%s", code, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "N.cs"), []byte(cliWeak), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runScanCLI(t, dir, "scan", "--baseline", "base.json")
	if code != ExitFail || !strings.Contains(out, "N.cs") {
		t.Fatalf("new finding not failing: %d\n%s", code, out)
	}
	if code, _, errs := runScanCLI(t, dir, "scan", "--baseline", "missing.json"); code != ExitUsage || !strings.Contains(errs, "baseline") {
		t.Fatalf("missing baseline: %d %s", code, errs)
	}
}

func TestScanSuppressedDoesNotFail(t *testing.T) {
	dir := writeScanTree(t, map[string]string{"A.cs": "// tlsgate:ignore TLS001 partner needs TLS 1.0 until Q3\n" + cliWeak})
	code, out, _ := runScanCLI(t, dir, "scan")
	if code != ExitPass || !strings.Contains(out, "suppressed (inline: partner needs TLS 1.0 until Q3)") {
		t.Fatalf("%d\n%s", code, out)
	}
}

// TestScanSARIFOfFixturesValidates runs the real entry point over every rule
// fixture and the example, and validates the SARIF against the vendored
// official schema.
func TestScanSARIFOfFixturesValidates(t *testing.T) {
	fh, err := os.Open(filepath.Join("..", "..", "gate", "report", "testdata", "sarif-2.1.0-rtm.5.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(fh)
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	for _, dir := range []string{"gate/scan/testdata/rules", "examples"} {
		code, out, errs := runScanCLI(t, root, "scan", dir, "--format", "sarif", "--policy", "audit")
		if code != ExitPass && code != ExitFail {
			t.Fatalf("%s: exit %d: %s", dir, code, errs)
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Fatalf("%s: SARIF does not validate: %v", dir, err)
		}
		if !strings.Contains(out, `"ruleId": "TLS001"`) {
			t.Fatalf("%s: no results", dir)
		}
	}
}
