package golden

import (
	"os"
	"path/filepath"
	"testing"
)

type recT struct {
	testing.TB
	failed bool
}

func (r *recT) Errorf(string, ...any) { r.failed = true }
func (r *recT) Helper()               {}

func TestLinesRegexAndMismatch(t *testing.T) {
	p := filepath.Join(t.TempDir(), "g.out")
	if err := os.WriteFile(p, []byte("a.cs:1:1: error: x [TLS001]\n/b\\.cs:\\d+:1: .*/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &recT{TB: t}
	Lines(r, p, "a.cs:1:1: error: x [TLS001]\nb.cs:42:1: note: y\n")
	if r.failed {
		t.Fatal("regex line should match")
	}
	r = &recT{TB: t}
	Lines(r, p, "a.cs:1:1: error: x [TLS001]\nc.cs:42:1: note: y\n")
	if !r.failed {
		t.Fatal("mismatch not detected")
	}
	r = &recT{TB: t}
	Check(r, p, []byte("other"))
	if !r.failed {
		t.Fatal("Check: mismatch not detected")
	}
}
