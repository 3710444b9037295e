package project

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/scan/source"
	"github.com/tlsgate/tlsgate/internal/golden"
)

// myRules are the rules whose fixtures this package owns; the scan
// package's harness runs the same directories through the whole scanner.
var myRules = []string{"TLS008", "TLS009", "TLS010", "TLS011", "TLS012", "TLS013", "TLS014", "TLS015", "TLS016", "TLS017", "TLS018"}

// TestRuleFixtures runs every case under testdata/rules/TLSnnn/<case> and
// compares the findings with expected.out: one "path:line:col: level:
// message [TLSnnn]" per line, or a /regex/ line.
func TestRuleFixtures(t *testing.T) {
	root := filepath.Join("..", "testdata", "rules")
	n := 0
	for _, id := range myRules {
		cases, err := os.ReadDir(filepath.Join(root, id))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if len(cases) < 2 {
			t.Errorf("%s: want a positive and a negative fixture, have %d", id, len(cases))
		}
		for _, c := range cases {
			if !c.IsDir() {
				continue
			}
			dir := filepath.Join(root, id, c.Name())
			n++
			t.Run(id+"/"+c.Name(), func(t *testing.T) {
				files := loadDir(t, dir)
				var kept = files[:0]
				for _, f := range files {
					if f.Path != "expected.out" {
						kept = append(kept, f)
					}
				}
				mine := false
				for _, f := range kept {
					switch f.Kind {
					case source.CSharp, source.VB, source.FSharp, source.Razor, source.PowerShell, source.YAML:
					default:
						mine = true
					}
				}
				if !mine {
					t.Skip("code-only fixture: judged by the scan package's code analyzers")
				}
				r := Analyze(context.Background(), Input{Files: kept})
				var b strings.Builder
				for _, l := range lines(r.Findings) {
					b.WriteString(l + "\n")
				}
				for _, n := range r.Notifications {
					b.WriteString(n.String() + "\n")
				}
				golden.Lines(t, filepath.Join(dir, "expected.out"), b.String())
				if strings.HasPrefix(c.Name(), "negative") {
					for _, f := range r.Findings {
						if f.RuleID == id {
							t.Errorf("negative fixture reports %s", f)
						}
					}
				} else {
					found := false
					for _, f := range r.Findings {
						found = found || f.RuleID == id
					}
					if !found {
						t.Errorf("positive fixture has no %s finding", id)
					}
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no fixtures found")
	}
}
