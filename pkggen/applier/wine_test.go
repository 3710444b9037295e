//go:build !windows

package applier

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/tlsgate/tlsgate/internal/wine"
)

// TestUnderWine runs this package's tests as a windows/amd64 test binary
// under Wine (GOOS=windows go test -exec), so the _windows.go files are
// tested against Wine's registry: the shim prefix comes from internal/wine.
func TestUnderWine(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the Wine run")
	}
	wine.SkipWithoutTools(t, "wine", "wineboot", "wineserver", wine.MinGW)
	ctx := context.Background()
	tmp := t.TempDir()
	p, err := wine.NewGoPrefix(ctx, filepath.Join(tmp, "prefix"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	wrapper := filepath.Join(tmp, "winexec.sh")
	// Wine's background processes inherit the test binary's stdout; through
	// a pipe they would keep go test waiting, so the output goes through a
	// file.
	script := "#!/bin/sh\nout=$(mktemp)\nwine \"$@\" >\"$out\" 2>&1\nrc=$?\ncat \"$out\"\nrm -f \"$out\"\nexit $rc\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, filepath.Join(runtime.GOROOT(), "bin", "go"), "test", "-count=1", "-exec", wrapper, "-v", ".")
	cmd.Env = append(p.Env(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	t.Logf("GOOS=windows go test -exec wine:\n%s", out)
	if err != nil {
		t.Fatalf("windows tests under Wine failed: %v", err)
	}
	// A silent exit 0 is not a pass (toolchain.md §8.7): the test binary
	// must have run the Windows tests.
	for _, name := range []string{"TestWinRegistryRoundTrip", "TestMainOnTheRealRegistry", "TestRightsAndEventLogSeams"} {
		if !containsLine(string(out), "--- PASS: "+name) {
			t.Errorf("%s did not pass under Wine", name)
		}
	}
}

func containsLine(out, prefix string) bool {
	for _, l := range splitLines(out) {
		if len(l) >= len(prefix) && l[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
