package scan

import (
	"bytes"
	"fmt"
	"testing"
)

// The baseline is a multiset: a second, identical copy of a recorded
// finding in the same file (same fingerprint) is new, and a baseline
// written from two copies hides both.
func TestBaselineCountsOccurrences(t *testing.T) {
	dir := t.TempDir()
	const m = "  static void M%d() { System.Net.ServicePointManager.SecurityProtocol = System.Net.SecurityProtocolType.Tls; }\n"
	one := "class A {\n" + fmt.Sprintf(m, 1) + "}\n"
	two := "class A {\n" + fmt.Sprintf(m, 1) + fmt.Sprintf(m, 1) + "}\n"
	write(t, dir, "A.cs", one)
	base := roundTrip(t, NewBaseline(scanDir(t, dir, Options{})))
	if len(base.Findings) != 1 {
		t.Fatalf("baseline of one finding has %d entries", len(base.Findings))
	}
	write(t, dir, "A.cs", two)
	r := scanDir(t, dir, Options{Baseline: base})
	if len(r.Findings) != 2 || r.Findings[0].Fingerprint != r.Findings[1].Fingerprint {
		t.Fatalf("want two findings with one fingerprint, got %+v", r.Findings)
	}
	fresh := 0
	for _, f := range r.Findings {
		if f.Suppression == nil {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d findings not in the baseline, want 1 (the new copy)", fresh)
	}

	// recording both copies hides both
	base2 := roundTrip(t, NewBaseline(r))
	if len(base2.Findings) != 2 {
		t.Fatalf("baseline of two identical findings has %d entries, want 2", len(base2.Findings))
	}
	for _, f := range scanDir(t, dir, Options{Baseline: base2}).Findings {
		if f.Suppression == nil || f.Suppression.Kind != "baseline" {
			t.Errorf("finding at line %d not hidden by a baseline recording both copies", f.Location.StartLine)
		}
	}
	// the same baseline judges every scan afresh
	if got := scanDir(t, dir, Options{Baseline: base}); got.Findings[0].Suppression == nil || got.Findings[1].Suppression != nil {
		t.Errorf("a reused baseline does not judge the second scan like the first")
	}
}

func roundTrip(t *testing.T, b *Baseline) *Baseline {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteBaseline(&buf, b); err != nil {
		t.Fatal(err)
	}
	out, err := ReadBaseline(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
