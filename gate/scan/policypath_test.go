package scan

import (
	"path/filepath"
	"testing"
)

// Reports name the policy file relative to the scanned root with forward
// slashes, however it was loaded; a built-in or a file outside the root
// keeps its name.
func TestPolicyPathRelativeToRoot(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "repo/sub/.tlsgate.yml", "extends: tls12\n")
	write(t, dir, "repo/A.cs", weakCS)
	write(t, dir, "outside.yml", "extends: tls12\n")
	t.Chdir(dir)
	abs := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	for _, c := range []struct{ name, root, want string }{
		{"repo/.tlsgate.yml", "repo", ".tlsgate.yml"},
		{abs("repo/.tlsgate.yml"), abs("repo"), ".tlsgate.yml"},
		{abs("repo/sub/.tlsgate.yml"), "repo", "sub/.tlsgate.yml"},
		{"repo/.tlsgate.yml", "repo/A.cs", ".tlsgate.yml"},
		{"outside.yml", "repo", "outside.yml"},
		{abs("outside.yml"), "repo", abs("outside.yml")},
		{"tls12", "repo", "tls12"},
		{"", "repo", ""},
	} {
		if got := policyPath(c.name, c.root); got != c.want {
			t.Errorf("policyPath(%q, %q) = %q, want %q", c.name, c.root, got, c.want)
		}
	}
}
