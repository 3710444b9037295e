package ghaction

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// tool returns the path of a tool installed by .ci/setup.sh; it skips the
// test when the tool is missing, or fails it when CI is set.
func tool(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: run .ci/setup.sh", rel)
		}
		t.Skipf("%s is missing (run .ci/setup.sh)", rel)
	}
	return p
}

func TestValidatorsActionSchema(t *testing.T) {
	t.Parallel()
	v := tool(t, ".cache/node/node_modules/.bin/action-validator")
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node is missing")
		}
		t.Skip("node is missing")
	}
	cmd := exec.Command(v, "action.yml")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("action-validator action.yml: %v\n%s", err, out)
	}
}

func TestValidatorsActionlintWorkflows(t *testing.T) {
	t.Parallel()
	lint := tool(t, ".cache/bin/actionlint")
	wfs, err := filepath.Glob(filepath.Join(repoRoot(t), ".github", "workflows", "*.yml"))
	if err != nil || len(wfs) == 0 {
		t.Fatalf("no workflows under .github/workflows: %v", err)
	}
	cmd := exec.Command(lint, wfs...)
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("actionlint: %v\n%s", err, out)
	}
}

// TestValidatorsCatchBrokenAction makes sure the validators are not
// vacuous: a misspelled key must be reported.
func TestValidatorsCatchBrokenAction(t *testing.T) {
	t.Parallel()
	v := tool(t, ".cache/node/node_modules/.bin/action-validator")
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is missing")
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "action.yml")
	os.WriteFile(bad, []byte("name: x\ndescription: y\nruns:\n  using: composite\n  stepz: []\n"), 0o644)
	if out, err := exec.Command(v, bad).CombinedOutput(); err == nil {
		t.Errorf("action-validator accepted a broken action:\n%s", out)
	}
}
