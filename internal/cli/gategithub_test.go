package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestGateGitHubOutsideActions(t *testing.T) {
	t.Parallel()
	code, _, errOut := runAction(t, "", nil, "gate", "../../examples/net48-app", "--github")
	if code != ExitUsage || !strings.Contains(errOut, "not running on GitHub Actions") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestGateGitHubHostileRepository runs the real gate with --github on a
// repository whose folder name carries a line break and workflow commands:
// the gate's own output about it is inside the stop-commands window, and
// the annotations encode it.
func TestGateGitHubHostileRepository(t *testing.T) {
	t.Parallel()
	src := "../../examples/legacy-webapp"
	if _, err := os.Stat(src); err != nil {
		t.Skip("examples/legacy-webapp is missing")
	}
	ws := t.TempDir()
	evil := filepath.Join(ws, "repo", "app\n::error file=x::pwned,%0A")
	if err := os.MkdirAll(evil, 0o755); err != nil {
		t.Skipf("file system refuses the name: %v", err)
	}
	for _, f := range []string{"Web.config", "LegacyWebApp.csproj"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(evil, f), b, 0o644)
	}
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": filepath.Join(ws, "out"), "GITHUB_STEP_SUMMARY": filepath.Join(ws, "sum"),
		"GITHUB_WORKSPACE": ws, "RUNNER_TEMP": filepath.Join(ws, "tmp"), "INPUT_COMMENT": "false", "INPUT_GITHUB_TOKEN": "ghs_x",
	}
	code, out, errOut := runAction(t, ws, func(k string) string { return env[k] }, "gate", "--github", "repo")
	if code != ExitFail {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != "::add-mask::ghs_x" || !strings.HasPrefix(lines[1], "::stop-commands::tlsgate-") {
		t.Fatalf("output does not start with the mask and stop-commands:\n%s", out)
	}
	resume := "::" + strings.TrimPrefix(lines[1], "::stop-commands::") + "::"
	before, after, ok := strings.Cut(out, resume+"\n")
	if !ok {
		t.Fatalf("no resume token:\n%s", out)
	}
	if !strings.Contains(before, "\n::error file=x::pwned") {
		t.Errorf("the hostile name should appear (harmlessly) in the gate's own output, else this test proves nothing:\n%s", before)
	}
	wellFormed := regexp.MustCompile(`^::(error|warning|notice)( [a-zA-Z]+=[^,:]*(,[a-zA-Z]+=[^,:]*)*)?::[^\n]*$`)
	n := 0
	for _, l := range strings.Split(after, "\n") {
		if !strings.HasPrefix(l, "::") {
			continue
		}
		if !wellFormed.MatchString(l) {
			t.Errorf("malformed command after resume: %q", l)
		}
		if strings.Contains(l, "file=repo/app%0A%3A%3Aerror file=x%3A%3Apwned%2C%250A/Web.config") {
			n++
		}
	}
	if n == 0 {
		t.Errorf("no annotation with the encoded path:\n%s", after)
	}
}
