package templates

import (
	"io/fs"
	"strings"
	"testing"
)

// The embed pattern takes every template folder, including ones added later.
func TestFolders(t *testing.T) {
	for _, dir := range []string{"reg", "ps1", "intune", "bundle"} {
		names, err := fs.Glob(FS, dir+"/*.tmpl")
		if err != nil || len(names) == 0 {
			t.Errorf("%s: no templates embedded (%v)", dir, err)
		}
	}
}

func TestParseMissingKey(t *testing.T) {
	tm, err := Parse("reg/*.tmpl", map[string]any{"comment": func(s string) string { return s }})
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	err = tm.ExecuteTemplate(&sb, "apply.reg", map[string]any{"Title": "x"})
	if err == nil || !strings.Contains(err.Error(), "map has no entry") {
		t.Errorf("missing key rendered without error: %v", err)
	}
	if _, err := Parse("nope/*.tmpl", nil); err == nil {
		t.Error("a pattern matching nothing parsed")
	}
}
