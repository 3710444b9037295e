package gpo_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/admx"
	"github.com/tlsgate/tlsgate/pkggen/gpo"
)

// TestPipeline runs gpo and admx through pkggen.Run, as `tlsgate gen
// --format gpo,admx` does: every file is in manifest.json and SHA256SUMS,
// and two runs with the same time are byte-identical.
func TestPipeline(t *testing.T) {
	run := func() (string, []*pkggen.Bundle) {
		out := t.TempDir()
		p, _ := policy.Builtin("tls12")
		bs, err := pkggen.Run(t.Context(), pkggen.Options{
			Policy:     p,
			OS:         []string{"win7", "win11"},
			Out:        out,
			Formats:    []string{"gpo", "admx"},
			Generators: []pkggen.Generator{gpo.Generator{}, admx.Generator{}},
			Time:       time.Unix(1700000000, 0).UTC(),
		})
		if err != nil {
			t.Fatal(err)
		}
		return out, bs
	}
	a, bundles := run()
	b, _ := run()
	for _, bd := range bundles {
		rel, _ := filepath.Rel(a, bd.Dir)
		var m struct {
			Artifacts []pkggen.Artifact `json:"artifacts"`
		}
		data, err := os.ReadFile(filepath.Join(bd.Dir, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		sums, err := os.ReadFile(filepath.Join(bd.Dir, "SHA256SUMS"))
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, art := range m.Artifacts {
			kinds[art.Kind]++
			if !bytes.Contains(sums, []byte(art.SHA256)) {
				t.Errorf("%s: %s missing from SHA256SUMS", rel, art.Path)
			}
			x, err := os.ReadFile(filepath.Join(a, rel, filepath.FromSlash(art.Path)))
			if err != nil {
				t.Fatal(err)
			}
			y, err := os.ReadFile(filepath.Join(b, rel, filepath.FromSlash(art.Path)))
			if err != nil || !bytes.Equal(x, y) {
				t.Errorf("%s/%s differs between runs (%v)", rel, art.Path, err)
			}
		}
		for kind, n := range map[string]int{gpo.KindRegistryXML: 1, gpo.KindRegistryPol: 1, gpo.KindBackup: 3, admx.KindADMX: 1, admx.KindADML: 1} {
			if kinds[kind] != n {
				t.Errorf("%s: %d artifacts of kind %s, want %d", rel, kinds[kind], kind, n)
			}
		}
		if !strings.Contains(string(sums), "gpo/backup/{") {
			t.Errorf("%s: SHA256SUMS lacks the backup", rel)
		}
	}
}
