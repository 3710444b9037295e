package intune

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/internal/golden"
	"github.com/tlsgate/tlsgate/internal/pscheck"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

func TestGenerate(t *testing.T) {
	p, _ := policy.Builtin("tls12")
	plan, err := settings.Build(p, "win11")
	if err != nil {
		t.Fatal(err)
	}
	b := &pkggen.Bundle{Dir: t.TempDir(), Policy: p, Plan: plan, Time: time.Unix(1700000000, 0).UTC(), Extra: map[string]any{}, ToolVersion: "test"}
	if err := (Generator{}).Generate(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if len(b.Artifacts) != 2 {
		t.Fatalf("artifacts %+v", b.Artifacts)
	}
	golden.CheckDir(t, filepath.Join("testdata", "tls12-win11"), b.Dir)
	det := readFile(t, b, "intune/Detect-TlsGate.ps1")
	rem := readFile(t, b, "intune/Remediate-TlsGate.ps1")
	for name, data := range map[string][]byte{"detect": det, "remediate": rem} {
		if bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}) {
			t.Errorf("%s has a BOM", name)
		}
	}
	// Detection: exit 1 with the differences on stdout, exit 0 compliant.
	for _, want := range []string{"Write-Output $text\r\nexit 1", "exit 0", "not compliant"} {
		if !strings.Contains(string(det), want) {
			t.Errorf("detection script lacks %q", want)
		}
	}
	// Remediation never asks for a reboot by exit code.
	if strings.Contains(string(rem), "3010") {
		t.Error("remediation script exits 3010")
	}
	pscheck.Check(t, filepath.Join(b.Dir, "intune", "Detect-TlsGate.ps1"), filepath.Join(b.Dir, "intune", "Remediate-TlsGate.ps1"))
}

func readFile(t *testing.T, b *pkggen.Bundle, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(b.Dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
