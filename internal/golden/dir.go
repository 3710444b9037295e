package golden

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// CheckDir compares every file under dir (recursively) with the golden tree
// goldenDir: the same set of files, each byte-exact (through Check). With
// -update it replaces the golden tree. (Added for the package generator's
// bundle trees.)
func CheckDir(t testing.TB, goldenDir, dir string) {
	t.Helper()
	got := readTree(t, dir)
	if *Update {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
	} else {
		want := readTree(t, goldenDir)
		for rel := range want {
			if _, ok := got[rel]; !ok {
				t.Errorf("%s: missing (the golden tree %s has it)", rel, goldenDir)
			}
		}
		for rel := range got {
			if _, ok := want[rel]; !ok {
				t.Errorf("%s: unexpected file, not in %s (run with -update to accept)", rel, goldenDir)
				delete(got, rel)
			}
		}
	}
	var names []string
	for rel := range got {
		names = append(names, rel)
	}
	sort.Strings(names)
	for _, rel := range names {
		Check(t, filepath.Join(goldenDir, filepath.FromSlash(rel)), got[rel])
	}
}

func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatalf("read %s: %v", dir, err)
	}
	return out
}
