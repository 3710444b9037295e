// Package golden compares test output with golden files. Run the tests with
// -update to rewrite the golden files from the current output.
//
// Check is byte-exact. Lines additionally accepts golden lines written as
// /regex/ (matched against the whole output line), for messages that carry
// run-dependent parts.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Update is set by the -update test flag.
var Update = flag.Bool("update", false, "rewrite golden files from the current output")

// Check compares got with the golden file at path byte for byte (or writes
// it with -update).
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		write(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, diff(string(want), string(got)))
	}
}

// Lines compares got with the golden file line by line; a golden line of the
// form /regex/ matches a whole output line by regular expression.
func Lines(t testing.TB, path string, got string) {
	t.Helper()
	if *Update {
		write(t, path, []byte(got))
		return
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	want := splitLines(string(raw))
	have := splitLines(got)
	ok := len(want) == len(have)
	for i := 0; ok && i < len(want); i++ {
		ok = lineMatches(want[i], have[i])
	}
	if !ok {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, diff(string(raw), got))
	}
}

func lineMatches(want, got string) bool {
	if len(want) >= 2 && strings.HasPrefix(want, "/") && strings.HasSuffix(want, "/") {
		re, err := regexp.Compile("^(?:" + want[1:len(want)-1] + ")$")
		return err == nil && re.MatchString(got)
	}
	return want == got
}

func splitLines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// diff renders a small line diff (- want, + got).
func diff(want, got string) string {
	w, g := splitLines(want), splitLines(got)
	var b strings.Builder
	i, j := 0, 0
	for i < len(w) || j < len(g) {
		switch {
		case i < len(w) && j < len(g) && lineMatches(w[i], g[j]):
			b.WriteString("  " + g[j] + "\n")
			i++
			j++
		case j < len(g) && !contains(w[i:], g[j]):
			b.WriteString("+ " + g[j] + "\n")
			j++
		case i < len(w):
			b.WriteString("- " + w[i] + "\n")
			i++
		default:
			b.WriteString("+ " + g[j] + "\n")
			j++
		}
	}
	return b.String()
}

func contains(ls []string, s string) bool {
	for _, l := range ls {
		if lineMatches(l, s) {
			return true
		}
	}
	return false
}
