package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	idRe   = regexp.MustCompile(`^TLS\d{3}$`)
	nameRe = regexp.MustCompile(`^(dotnet|powershell|config|registry|native|container|probe|tool)-[a-z0-9]+(-[a-z0-9]+)*$`)
)

func TestRegistry(t *testing.T) {
	docs, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	ids, names := map[string]bool{}, map[string]bool{}
	all := All()
	if len(Repository()) != 19 {
		t.Fatalf("want the 19 catalogue rules, got %d", len(Repository()))
	}
	for i, r := range all {
		if !idRe.MatchString(r.ID) {
			t.Errorf("bad id %q", r.ID)
		}
		if ids[r.ID] {
			t.Errorf("duplicate id %s", r.ID)
		}
		ids[r.ID] = true
		if !nameRe.MatchString(r.Name) || names[r.Name] {
			t.Errorf("%s: bad or duplicate name %q", r.ID, r.Name)
		}
		names[r.Name] = true
		if r.Short == "" || r.Help == "" || r.DefaultLevel == 0 || r.HelpURI == "" {
			t.Errorf("%s: incomplete metadata %+v", r.ID, r)
		}
		if strings.HasPrefix(r.ID, "TLS0") {
			if r.Fix == "" || r.SecuritySeverity == "" {
				t.Errorf("%s: missing fix or security-severity", r.ID)
			}
			if !strings.Contains(string(docs), "\n## "+r.ID+"\n") {
				t.Errorf("%s: no section in docs/rules.md", r.ID)
			}
			if i > 0 && all[i-1].ID >= r.ID {
				t.Errorf("rules out of order at %s", r.ID)
			}
		} else if !strings.Contains(string(docs), "| "+r.ID+" |") {
			t.Errorf("%s: not listed in docs/rules.md", r.ID)
		}
		if got, ok := ByID(r.ID); !ok || got.Name != r.Name {
			t.Errorf("ByID(%s) = %+v, %v", r.ID, got, ok)
		}
	}
	// a fresh slice per call: callers may modify theirs
	a := All()
	a[0].ID = "changed"
	if All()[0].ID != "TLS001" {
		t.Fatal("All shares its backing array between calls")
	}
	if _, ok := ByID("TLS999"); ok {
		t.Fatal("ByID found an unknown id")
	}
}

// TestEveryRuleHasFixtures checks that each catalogue rule has a fixture
// directory with at least one positive case (an expected.out naming it).
func TestEveryRuleHasFixtures(t *testing.T) {
	base := filepath.Join("..", "testdata", "rules")
	var expected []string
	_ = filepath.Walk(base, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Name() == "expected.out" {
			b, _ := os.ReadFile(p)
			expected = append(expected, string(b))
		}
		return nil
	})
	all := strings.Join(expected, "\n")
	for _, r := range Repository() {
		if !strings.Contains(all, "["+r.ID+"]") {
			t.Errorf("%s: no fixture expects it", r.ID)
		}
		if m, _ := filepath.Glob(filepath.Join(base, r.ID, "*")); len(m) == 0 {
			t.Errorf("%s: no fixture directory testdata/rules/%s/<case>", r.ID, r.ID)
		}
	}
}
