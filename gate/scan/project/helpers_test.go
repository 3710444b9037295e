package project

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// loadDir reads every file of a known kind under root, like the scan
// pipeline does (bin/obj skipped).
func loadDir(t testing.TB, root string) []*source.File {
	t.Helper()
	var files []*source.File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "bin" || n == "obj" || n == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		k := source.KindOf(rel)
		if k == source.Unknown {
			return nil
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text, enc, err := source.Decode(raw)
		if err != nil {
			return nil
		}
		files = append(files, source.New(rel, k, text, enc))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// memFiles builds files from path → text.
func memFiles(m map[string]string) []*source.File {
	var out []*source.File
	for p, text := range m {
		out = append(out, source.New(p, source.KindOf(p), text, source.UTF8))
	}
	return out
}

func analyzeMap(m map[string]string, facts ...source.Fact) *Result {
	return Analyze(context.Background(), Input{Files: memFiles(m), Facts: facts})
}

// lines renders findings as "path:line:col: level: message [ID]".
func lines(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.String())
	}
	return out
}

func dump(t *testing.T, r *Result) {
	t.Helper()
	for _, l := range lines(r.Findings) {
		t.Log(l)
	}
	for _, n := range r.Notifications {
		t.Log("note: " + n.String())
	}
	b, _ := json.MarshalIndent(r.Applications, "", "  ")
	t.Log(string(b))
}

func hasFinding(r *Result, id string, lvl finding.Severity, pathLine string) bool {
	for _, f := range r.Findings {
		if f.RuleID == id && f.Level == lvl && strings.HasPrefix(f.Location.String(), pathLine) {
			return true
		}
	}
	return false
}
