package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/internal/golden"
)

// fixedNow is the clock of every fixture scan (policy expiries).
var fixedNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// renderFindings prints findings as "path:line:col: level: message [TLSnnn]"
// (suppressed ones with their suppression kind) and notifications after them.
func renderFindings(r *finding.Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(f.String())
		if f.Suppression != nil {
			fmt.Fprintf(&b, " (suppressed: %s)", f.Suppression.Kind)
		}
		if f.Note != "" {
			fmt.Fprintf(&b, " (%s)", f.Note)
		}
		b.WriteString("\n")
	}
	for _, n := range r.Notifications {
		b.WriteString(n.String() + "\n")
	}
	return b.String()
}

// TestRuleFixtures scans every testdata/rules/TLSnnn/<case>/ directory end
// to end and compares the findings with its expected.out.
func TestRuleFixtures(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "rules", "TLS*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(dirs)
	if len(dirs) == 0 {
		t.Fatal("no fixtures found")
	}
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		rel := strings.TrimPrefix(filepath.ToSlash(dir), "testdata/rules/")
		t.Run(rel, func(t *testing.T) {
			opts := Options{Now: fixedNow, ToolVersion: "test"}
			if _, err := os.Stat(filepath.Join(dir, ".tlsgate.yml")); err == nil {
				p, err := policy.Resolve("", dir)
				if err != nil {
					t.Fatal(err)
				}
				opts.Policy = p
			}
			r, err := Scan(context.Background(), dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			golden.Lines(t, filepath.Join(dir, "expected.out"), renderFindings(r))
		})
	}
}
