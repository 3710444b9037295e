// Package pkggen generates the Windows fix packages from a policy: one
// bundle per OS family, rendered by a pipeline of generators (one per
// format) from the settings model in package settings.
//
// Every file goes through Bundle.WriteFile, which records an Artifact (kind,
// path, sha256) for manifest.json and SHA256SUMS.
package pkggen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

// Artifact is one generated file.
type Artifact struct {
	Kind   string `json:"kind"`
	Path   string `json:"path"` // relative to the bundle, slash-separated
	SHA256 string `json:"sha256"`
}

// Skip records a generator that did not run for a bundle, and why.
type Skip struct {
	Generator string `json:"generator"`
	Reason    string `json:"reason"`
}

// Bundle is one output folder: one policy × one OS family.
type Bundle struct {
	Dir    string
	Policy *policy.Policy
	Plan   settings.Plan
	// Time is the timestamp written into artifacts: SOURCE_DATE_EPOCH when
	// set, so output is byte-identical across runs.
	Time time.Time
	// Extra holds manifest fields added by generators (e.g. "go_version").
	Extra     map[string]any
	Artifacts []Artifact
	Skips     []Skip
	// ToolVersion is tlsgate's version, written into artifacts.
	ToolVersion string

	produced []produced // which generator wrote which artifact (Run)
}

// WriteFile writes data to rel (slash-separated, inside the bundle) and
// records it as an artifact of kind.
func (b *Bundle) WriteFile(kind, rel string, data []byte) error {
	clean := filepath.Clean(filepath.FromSlash(rel))
	if filepath.IsAbs(clean) || clean == ".." || len(clean) > 2 && clean[:3] == ".."+string(filepath.Separator) {
		return fmt.Errorf("artifact path %q escapes the bundle", rel)
	}
	full := filepath.Join(b.Dir, clean)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return fmt.Errorf("create folder for %q: %w", rel, err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		return fmt.Errorf("write %q: %w", rel, err)
	}
	sum := sha256.Sum256(data)
	b.Artifacts = append(b.Artifacts, Artifact{Kind: kind, Path: filepath.ToSlash(clean), SHA256: hex.EncodeToString(sum[:])})
	return nil
}

// SortArtifacts orders artifacts by path.
func (b *Bundle) SortArtifacts() {
	sort.Slice(b.Artifacts, func(i, j int) bool { return b.Artifacts[i].Path < b.Artifacts[j].Path })
}

// Generator renders one format into a bundle.
type Generator interface {
	// Name is the --format token: reg, gpo, admx, ps1, intune, exe, msi.
	Name() string
	// Skip returns a non-empty reason when the generator cannot run for
	// this bundle (e.g. exe for win7, wixl missing).
	Skip(b *Bundle) string
	// Generate writes the format's artifacts with b.WriteFile.
	Generate(ctx context.Context, b *Bundle) error
}
