package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/verdict"
	"github.com/tlsgate/tlsgate/internal/ghaction"
)

func runAction(t *testing.T, dir string, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	code := Main(context.Background(), args, &Env{Stdout: &out, Stderr: &errb, Getenv: getenv, Dir: dir})
	return code, out.String(), errb.String()
}

func shardReport(t *testing.T, dir, name, shard string, pairVerdict verdict.Verdict, endpoint string) string {
	t.Helper()
	r := &ghaction.Report{Shard: shard, Root: "examples/app"}
	r.SchemaVersion = 1
	r.Tool = finding.Tool{Name: "tlsgate", Version: "test"}
	r.Policy = "tls12"
	r.FailOn = finding.Error
	repo := finding.Finding{RuleID: "TLS011", Level: finding.Warning, Message: "bare httpRuntime", Location: finding.Location{Path: "Web.config", StartLine: 4}}
	repo.SetFingerprint()
	r.Findings = []finding.Finding{repo}
	r.Applications = []finding.Application{{Name: "Shop", ProjectFile: "Shop.csproj"}}
	r.Endpoints = []verdict.EndpointReport{{Conclusive: pairVerdict != verdict.Inconclusive}}
	r.Endpoints[0].Target = endpoint
	r.Endpoints[0].Address = endpoint
	r.Pairs = []verdict.Pair{{Application: "Shop", Endpoint: endpoint, Verdict: pairVerdict, Reason: "because"}}
	switch pairVerdict {
	case verdict.Incompatible:
		r.Verdict = verdict.Fail
	case verdict.Inconclusive:
		r.Verdict = verdict.OutcomeUnknown
		r.Inconclusive = []string{endpoint}
	default:
		r.Verdict = verdict.Pass
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestMergeVerdicts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pass1 := shardReport(t, dir, "s1.json", "1/3", verdict.Compatible, "a.example:443")
	pass2 := shardReport(t, dir, "s2.json", "2/3", verdict.Compatible, "b.example:443")
	fail3 := shardReport(t, dir, "s3-fail.json", "3/3", verdict.Incompatible, "c.example:443")
	inc3 := shardReport(t, dir, "s3-inc.json", "3/3", verdict.Inconclusive, "c.example:443")
	pass3 := shardReport(t, dir, "s3-pass.json", "3/3", verdict.Compatible, "c.example:443")
	tests := []struct {
		name  string
		files []string
		code  int
		want  string
	}{
		{"all pass", []string{pass1, pass2, pass3}, ExitPass, "verdict: pass (0 errors, 1 warnings, 0 notes, 0 suppressed; 3 endpoints, 3 pairs)"},
		{"one fails", []string{pass1, fail3, pass2}, ExitFail, "verdict: fail"},
		{"one inconclusive", []string{inc3, pass1, pass2}, ExitInconclusive, "verdict: inconclusive"},
		{"missing shard", []string{pass1, pass3}, ExitUsage, "missing shard report(s) 2/3"},
		{"shard twice", []string{pass1, pass2, pass3, fail3}, ExitUsage, "shard 3/3 given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runAction(t, dir, nil, append([]string{"merge"}, tt.files...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out+errOut, tt.want) {
				t.Errorf("output lacks %q:\n%s%s", tt.want, out, errOut)
			}
		})
	}
}

func TestMergeJSONDedupesRepositoryFindings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := shardReport(t, dir, "a.json", "1/2", verdict.Compatible, "a.example:443")
	b := shardReport(t, dir, "b.json", "2/2", verdict.Incompatible, "b.example:443")
	code, out, errOut := runAction(t, dir, nil, "merge", "--format", "json", a, b)
	if code != ExitFail {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var r ghaction.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || len(r.Endpoints) != 2 || len(r.Pairs) != 2 || len(r.Applications) != 1 || r.Verdict != verdict.Fail || r.Root != "examples/app" {
		t.Errorf("merged: %d findings, %d endpoints, %d pairs, %d apps, verdict %s, root %q",
			len(r.Findings), len(r.Endpoints), len(r.Pairs), len(r.Applications), r.Verdict, r.Root)
	}
	code, md, _ := runAction(t, dir, nil, "merge", a, "--format", "markdown", b)
	if code != ExitFail || !strings.Contains(md, "## tlsgate: ❌ **gate failed**") || !strings.Contains(md, "| Shop | `b.example:443` | ❌ incompatible |") {
		t.Errorf("markdown (exit %d):\n%s", code, md)
	}
}

func TestMergeSARIFAndErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s1 := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"tlsgate","rules":[{"id":"TLS101"}]}},"results":[{"ruleId":"TLS101","ruleIndex":0,"level":"error","message":{"text":"x"}}]}]}`
	s2 := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"tlsgate","rules":[]}},"results":[]}]}`
	os.WriteFile(filepath.Join(dir, "1.sarif"), []byte(s1), 0o644)
	os.WriteFile(filepath.Join(dir, "2.sarif"), []byte(s2), 0o644)
	os.WriteFile(filepath.Join(dir, "junk.json"), []byte(`{"hello":1}`), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"findings":`), 0o644)
	code, out, errOut := runAction(t, dir, nil, "merge", "--format", "sarif", "1.sarif", "2.sarif")
	if code != ExitFail || !strings.Contains(out, `"id": "tlsgate/merged/"`) {
		t.Errorf("sarif merge exit %d\n%s%s", code, out, errOut)
	}
	code, _, _ = runAction(t, dir, nil, "merge", "--format", "sarif", "2.sarif")
	if code != ExitPass {
		t.Errorf("clean SARIF exit %d", code)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"merge"}, "no report files given"},
		{[]string{"merge", "nope.json"}, "nope.json"},
		{[]string{"merge", "junk.json"}, `"junk.json" is neither a gate JSON report`},
		{[]string{"merge", "broken.json"}, `"broken.json" is not a JSON or SARIF report`},
		{[]string{"merge", "1.sarif"}, "only SARIF inputs"},
		{[]string{"merge", "--format", "yaml", "1.sarif"}, `unknown format "yaml"`},
		{[]string{"merge", "--github", "1.sarif"}, "not running on GitHub Actions"},
		{[]string{"merge", "--format", "sarif", "--output", "nope/out.sarif", "1.sarif"}, `--output "nope/out.sarif": folder nope does not exist`},
		{[]string{"merge", "--sarif-output", ".", "--format", "sarif", "1.sarif"}, `--sarif-output "." is a folder`},
	} {
		code, _, errOut := runAction(t, dir, nil, tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

func TestMergeGitHubPublishes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := shardReport(t, dir, "a.json", "1/2", verdict.Compatible, "a.example:443")
	b := shardReport(t, dir, "b.json", "2/2", verdict.Compatible, "b.example:443")
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": filepath.Join(dir, "out"), "GITHUB_STEP_SUMMARY": filepath.Join(dir, "sum"),
		"GITHUB_WORKSPACE": dir, "RUNNER_TEMP": filepath.Join(dir, "tmp"), "INPUT_COMMENT": "false",
	}
	code, out, errOut := runAction(t, dir, func(k string) string { return env[k] }, "merge", "--github", a, b)
	if code != ExitPass {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "::warning endLine=4,file=examples/app/Web.config,line=4,title=tlsgate TLS011::bare httpRuntime") {
		t.Errorf("annotation missing:\n%s", out)
	}
	outputs, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	if !strings.Contains(string(outputs), "verdict<<") || !strings.Contains(string(outputs), "\npass\n") {
		t.Errorf("outputs:\n%s", outputs)
	}
}

// SARIF-only merges judge like gate: a failing result wins, else anything
// inconclusive (run properties, a TLS951 notification, a failed
// invocation) is 3, never a pass.
func TestSARIFExitCode(t *testing.T) {
	for _, c := range []struct {
		doc  string
		want int
	}{
		{`{"runs":[{"results":[]}]}`, ExitPass},
		{`{"runs":[{"results":[{"level":"error","suppressions":[{"kind":"inSource"}]}]}]}`, ExitPass},
		{`{"runs":[{"results":[{"level":"warning"}]}]}`, ExitPass},
		{`{"runs":[{"results":[],"properties":{"inconclusive":["a:443"]}}]}`, ExitInconclusive},
		{`{"runs":[{"results":[],"invocations":[{"executionSuccessful":true,"toolExecutionNotifications":[{"descriptor":{"id":"TLS951"}}]}]}]}`, ExitInconclusive},
		{`{"runs":[{"results":[],"invocations":[{"executionSuccessful":true,"toolExecutionNotifications":[{"descriptor":{"id":"TLS905"}}]}]}]}`, ExitPass},
		{`{"runs":[{"results":[],"invocations":[{"executionSuccessful":false}]}]}`, ExitInconclusive},
		{`{"runs":[{"results":[],"properties":{"inconclusive":["a:443"]}},{"results":[{"level":"error"}]}]}`, ExitFail},
		{`not json`, ExitInconclusive},
	} {
		if got := sarifExitCode([]byte(c.doc)); got != c.want {
			t.Errorf("sarifExitCode(%s) = %d, want %d", c.doc, got, c.want)
		}
	}
}
