package msi

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/settings"
)

func bundle(t *testing.T, name, os string) *pkggen.Bundle {
	t.Helper()
	p, ok := policy.Builtin(name)
	if !ok {
		t.Fatalf("no built-in policy %s", name)
	}
	plan, err := settings.Build(p, os)
	if err != nil {
		t.Fatal(err)
	}
	return &pkggen.Bundle{Dir: t.TempDir(), Policy: p, Plan: plan, Extra: map[string]any{}, ToolVersion: "v0.0.0-test"}
}

func TestScratch(t *testing.T) {
	b := bundle(t, "tls12", "win7")
	src, err := Source(b)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/e-t.wxs", src, 0o644)
	out, err := exec.Command("wixl", "-a", "x64", "-o", "/tmp/e-t.msi", "/tmp/e-t.wxs").CombinedOutput()
	t.Logf("%s %v", out, err)
	_ = filepath.Join
	_ = strings.Contains
	_ = context.Background
}
