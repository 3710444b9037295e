// Package pscheck syntax-checks PowerShell scripts in tests with
// tree-sitter-powershell (Node, web-tree-sitter; toolchain.md §11.1). It is
// a syntax check only: no cmdlet or parameter validation.
//
// The Node modules are looked up in $PSCHECK_NODE_MODULES, else
// <module root>/.cache/node/node_modules (where .ci/setup.sh installs them).
// Without node or the modules, Check skips the test — unless CI is set, in
// which case it fails.
package pscheck

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// script returns the path of pscheck.mjs next to this file.
func script() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "pscheck.mjs")
}

// NodeModules returns the node_modules folder holding web-tree-sitter and
// tree-sitter-powershell, or an error saying what is missing.
func NodeModules() (string, error) {
	dir := os.Getenv("PSCHECK_NODE_MODULES")
	if dir == "" {
		root := filepath.Dir(filepath.Dir(filepath.Dir(script()))) // internal/pscheck → module root
		dir = filepath.Join(root, ".cache", "node", "node_modules")
	}
	for _, f := range []string{"web-tree-sitter/web-tree-sitter.js", "tree-sitter-powershell/tree-sitter-powershell.wasm"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return "", fmt.Errorf("%s not found (run .ci/setup.sh)", filepath.Join(dir, f))
		}
	}
	return dir, nil
}

// Run checks files and returns the problems tree-sitter found, one
// "file:line:col: message" per line; err is set when the checker itself
// could not run.
func Run(files ...string) (problems []string, err error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node not found on PATH")
	}
	mods, err := NodeModules()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(node, append([]string{"--liftoff-only", script()}, files...)...)
	cmd.Env = append(os.Environ(), "PSCHECK_NODE_MODULES="+mods)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	runErr := cmd.Run()
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if l != "" {
			problems = append(problems, l)
		}
	}
	var ee *exec.ExitError
	switch {
	case runErr == nil:
		return problems, nil
	case errors.As(runErr, &ee) && ee.ExitCode() == 1:
		return problems, nil
	}
	return problems, fmt.Errorf("pscheck: %v: %s", runErr, strings.TrimSpace(stderr.String()))
}

// Check fails t for every syntax problem in files. Without node or the
// modules it skips (or fails when the CI variable is set).
func Check(t testing.TB, files ...string) {
	t.Helper()
	problems, err := Run(files...)
	if err != nil {
		if os.Getenv("CI") == "" && !strings.HasPrefix(err.Error(), "pscheck:") {
			t.Skipf("PowerShell syntax check skipped: %v (set CI to make this fatal)", err)
		}
		t.Fatalf("PowerShell syntax check could not run: %v", err)
	}
	for _, p := range problems {
		t.Errorf("PowerShell syntax: %s", p)
	}
}

// CheckText writes text to a temporary file named name and checks it.
func CheckText(t testing.TB, name, text string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	Check(t, path)
}
