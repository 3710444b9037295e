package discover

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// MaxFileSize is the largest configuration file Walk reads.
const MaxFileSize = 8 << 20

// skipDirs are directories that hold build output or dependencies, never
// configuration an application ships.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, ".vs": true, "bin": true, "obj": true, "node_modules": true, "packages": true}

// Walk reads the configuration files discovery looks at under root (a
// directory or a single file), in sorted order. Unreadable or oversized
// files become notifications; Walk fails only when root cannot be read.
func Walk(ctx context.Context, root string) ([]*source.File, []finding.Notification, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, nil, fmt.Errorf("read %q: %w", root, err)
	}
	var paths []string
	base := root
	if !st.IsDir() {
		base = filepath.Dir(root)
		paths = append(paths, root)
	} else {
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable directory: skipped like the scanner does
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if d.IsDir() {
				if p != root && skipDirs[strings.ToLower(d.Name())] {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && IsConfig(filepath.ToSlash(p)) {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	sort.Strings(paths)
	var files []*source.File
	var notes []finding.Notification
	for _, p := range paths {
		rel, err := filepath.Rel(base, p)
		if err != nil {
			rel = filepath.Base(p)
		}
		rel = filepath.ToSlash(rel)
		info, err := os.Stat(p)
		if err != nil {
			continue
		}
		if info.Size() > MaxFileSize {
			notes = append(notes, finding.Notification{RuleID: "TLS952", Level: finding.Note, Location: finding.Location{Path: rel},
				Message: fmt.Sprintf("endpoint discovery skipped %s: larger than %d MiB", rel, MaxFileSize>>20)})
			continue
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			notes = append(notes, finding.Notification{RuleID: "TLS952", Level: finding.Note, Location: finding.Location{Path: rel},
				Message: fmt.Sprintf("endpoint discovery could not read %s: %v", rel, err)})
			continue
		}
		text, enc, err := source.Decode(raw)
		if err != nil {
			continue
		}
		files = append(files, source.New(rel, source.KindOf(rel), text, enc))
	}
	return files, notes, nil
}
