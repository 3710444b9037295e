package scan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitignore "github.com/sabhiram/go-gitignore"
)

// TestGitIgnoreAgreesWithReference compares the fast matcher with
// sabhiram/go-gitignore (the reference) on Visual Studio style patterns.
func TestGitIgnoreAgreesWithReference(t *testing.T) {
	lines := []string{
		"*.suo", "*.user", "[Dd]ebug/", "[Bb]in/", "[Oo]bj/", ".vs/", "*.[Cc]ache", "!keep.cache",
		"**/[Pp]ackages/*", "!**/[Pp]ackages/build/", "publish/", "*.pubxml", "/rooted.cs", "docs/*.md",
		"Generated_Code/", "_ReSharper*/", "~$*", "*~", "mono_crash.*", "# comment", "", "gen-*",
		"src/**/legacy/*.cs",
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	mine := ignoreStack{loadGitIgnore(filepath.Join(dir, ".gitignore"), "")}
	ref := gitignore.CompileIgnoreLines(lines...)
	paths := []struct {
		p   string
		dir bool
	}{
		{"a.suo", false}, {"src/x.user", false}, {"Debug", true}, {"src/bin", true}, {"src/binary.cs", false},
		{"app.cache", false}, {"keep.cache", false}, {"x/packages/y", false}, {"packages/build", true},
		{"publish", true}, {"p.pubxml", false}, {"rooted.cs", false}, {"src/rooted.cs", false},
		{"docs/a.md", false}, {"docs/x/a.md", false}, {"Generated_Code", true}, {"_ReSharper.Caches", true},
		{"~$doc.docx", false}, {"file.cs~", false}, {"mono_crash.1.json", false}, {"gen-x.cs", false},
		{"Program.cs", false}, {"src/a/legacy/Old.cs", false}, {"src/legacy.cs", false},
	}
	// where the reference deviates from git (checked with git check-ignore
	// semantics): the negated packages/build/ re-includes the directory,
	// and "~$*" matches Office lock files ('$' is not special in globs)
	gitSays := map[string]bool{"packages/build": false, "~$doc.docx": true}
	for _, c := range paths {
		want := ref.MatchesPath(c.p)
		if c.dir {
			want = want || ref.MatchesPath(c.p+"/")
		}
		if g, ok := gitSays[c.p]; ok {
			want = g
		}
		if got := mine.ignored(c.p, c.dir); got != want {
			t.Errorf("%s (dir %v): ignored = %v, reference says %v", c.p, c.dir, got, want)
		}
	}
}

func TestGitIgnoreNestedFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".gitignore", "*.g.cs\n")
	write(t, dir, "sub/.gitignore", "!keep.g.cs\nlocal/\n")
	stack := ignoreStack{loadGitIgnore(filepath.Join(dir, ".gitignore"), ""), loadGitIgnore(filepath.Join(dir, "sub", ".gitignore"), "sub")}
	for p, want := range map[string]bool{"a.g.cs": true, "sub/a.g.cs": true, "sub/keep.g.cs": false, "other/keep.g.cs": true, "sub/local": true, "local": false} {
		isDir := !strings.HasSuffix(p, ".cs")
		if got := stack.ignored(p, isDir); got != want {
			t.Errorf("%s: ignored = %v, want %v", p, got, want)
		}
	}
}

// TestGitIgnoreGlobPrefilter checks that the literal prefix/suffix
// rejection of glob patterns never changes a match.
func TestGitIgnoreGlobPrefilter(t *testing.T) {
	globs := []string{"coverage*.json", "*.[Rr]e[Ss]harper", "[Tt]est[Rr]esult*", "*.mm.*", "UpgradeLog*.XML",
		".*crunch*.local.xml", "[Dd]ebug", "*.[Pp]ublish.xml", "a]b*c", "[]a]x", "x[a-", "?*.cs", "*.g?.cs", "[!a]*.cs", "[^a]b"}
	names := []string{"coverage.json", "coverage1.json", "coverage.xml", "x.ReSharper", "x.resharper", "x.Resharper",
		"TestResult", "testresults.xml", "a.mm.b", "a.mm", "UpgradeLog2.XML", "UpgradeLog.xml", ".ncrunch.local.xml",
		"Debug", "debug", "p.Publish.xml", "a]b", "a]bc", "a]bxc", "]x", "ax", "bx", "x[a-", "x.cs", ".cs", "a.g1.cs", "b.cs", "ab", "bb", ""}
	matched := 0
	for _, g := range globs {
		p, ok := parseIgnoreLine(g)
		if !ok || p.kind != patGlob {
			t.Fatalf("%q: parsed as kind %d", g, p.kind)
		}
		plain := p
		plain.pre, plain.suf = "", ""
		for _, n := range names {
			got, want := p.match(n, n, false), plain.match(n, n, false)
			if got != want {
				t.Errorf("%q on %q: %v with the literal prefilter, %v without", g, n, got, want)
			}
			if want {
				matched++
			}
		}
	}
	if matched < 10 {
		t.Fatalf("only %d matches: the test corpus does not exercise the globs", matched)
	}
}

// TestGitIgnoreAnchoredPrefilter checks that the required-literal
// rejection of anchored patterns never changes a match.
func TestGitIgnoreAnchoredPrefilter(t *testing.T) {
	pats := []string{"**/[Pp]ackages/*", "!**/[Pp]ackages/build/", "**/*.HTMLClient/GeneratedArtifacts", "/rooted.cs", "docs/*.md",
		"src/**/legacy/*.cs", "a/[]x]b/c", "a/[!x]yz/**", "x/**", "**/bin/**", "a?c/d", "a/[bc", "{a,b}/c"}
	paths := []string{"packages/x", "src/Packages/y.cs", "src/packages", "packages/build", "a.HTMLClient/GeneratedArtifacts",
		"x/y.HTMLClient/GeneratedArtifacts", "rooted.cs", "docs/a.md", "docs/x/a.md", "src/a/legacy/Old.cs", "src/legacy.cs",
		"a/]b/c", "a/xb/c", "a/]xb/c", "a/ayz/q", "a/xyz/q", "x", "x/y", "bin/a", "q/bin/a", "abc/d", "a/bc", "a/c", "b/c"}
	matched := 0
	for _, g := range pats {
		p, ok := parseIgnoreLine(g)
		if !ok || !p.anchored {
			t.Fatalf("%q: not parsed as anchored", g)
		}
		plain := p
		plain.need = ""
		for _, rel := range paths {
			for _, dir := range []bool{false, true} {
				got, want := p.match(rel, rel, dir), plain.match(rel, rel, dir)
				if got != want {
					t.Errorf("%q on %q (dir %v): %v with the literal prefilter (need %q), %v without", g, rel, dir, got, p.need, want)
				}
				if want {
					matched++
				}
			}
		}
	}
	if matched < 10 {
		t.Fatalf("only %d matches: the corpus does not exercise the patterns", matched)
	}
	for g, want := range map[string]string{"**/[Pp]ackages/*": "ackages", "a/[]x]b/c": "b/c", "a/[bc": "", "docs/*.md": "docs", "**/bin/**": "bin"} {
		if got := longestLiteral(g); got != want {
			t.Errorf("longestLiteral(%q) = %q, want %q", g, got, want)
		}
	}
}
