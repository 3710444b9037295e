//go:build unix

package scan

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tlsgate/tlsgate/gate/scan/rules"
)

// A named pipe is never opened for reading: opening one blocks until a
// writer appears, so a FIFO in the tree (or as the scanned PATH) would hang
// the scan. It is skipped with a TLS903 notification and the rest is
// scanned. (A regression hangs here until go test's -timeout.)
func TestFIFOSkipped(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "src/A.cs", weakCS)
	for _, p := range []string{"src/pipe.cs", "pipe.config"} {
		if err := syscall.Mkfifo(filepath.Join(dir, filepath.FromSlash(p)), 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	r := scanDir(t, dir, Options{})
	if got := strings.Join(ids(r), " "); got != "src/A.cs:TLS001" {
		t.Errorf("findings = %q, want the weak assignment in src/A.cs", got)
	}
	for _, p := range []string{"src/pipe.cs", "pipe.config"} {
		if !strings.Contains(noteIDs(r), p+":"+rules.Unreadable) {
			t.Errorf("no %s notification for the FIFO %s: %s", rules.Unreadable, p, noteIDs(r))
		}
	}

	// the FIFO as the scanned PATH: read through readFile, never blocks
	r = scanDir(t, filepath.Join(dir, "src", "pipe.cs"), Options{})
	if len(r.Findings) != 0 || noteIDs(r) != "pipe.cs:"+rules.Unreadable {
		t.Errorf("FIFO root: findings %v, notifications %q; want none and one %s", ids(r), noteIDs(r), rules.Unreadable)
	}
	for _, n := range r.Notifications {
		if !strings.Contains(n.Message, "not a regular file") {
			t.Errorf("FIFO root notification %q does not say why", n.Message)
		}
	}
}
