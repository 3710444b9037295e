package scan

import (
	"bufio"
	"os"
	"path"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// gitIgnore is one parsed .gitignore. Matching is per pattern with string
// fast paths (exact name, "*.ext", "prefix*") and path.Match / doublestar
// for the rest: a regular-expression matcher costs hundreds of microseconds
// per path against the usual 300-line Visual Studio .gitignore, which would
// dominate the scan of a large repository.
type gitIgnore struct {
	dir      string // slash-relative directory of the file ("" = root)
	patterns []ignorePattern
}

type ignorePattern struct {
	negate   bool
	dirOnly  bool
	anchored bool   // contains a slash: matched against the path relative to dir
	glob     string // the pattern without '!', leading '/' and trailing '/'
	kind     int    // patExact, patSuffix, patPrefix, patGlob
	lit      string // literal part for the fast kinds
	// pre and suf are literal text a name matched by an unanchored glob
	// must start and end with (a cheap rejection before path.Match)
	pre, suf string
	// need is literal text a path matched by an anchored pattern must
	// contain (a cheap rejection before doublestar)
	need string
}

const (
	patGlob = iota
	patExact
	patSuffix
	patPrefix
)

// loadGitIgnore reads the .gitignore at file (nil when absent or unreadable).
func loadGitIgnore(file, dir string) *gitIgnore {
	fh, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer fh.Close()
	g := &gitIgnore{dir: dir}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if p, ok := parseIgnoreLine(sc.Text()); ok {
			g.patterns = append(g.patterns, p)
		}
	}
	return g
}

func parseIgnoreLine(line string) (ignorePattern, bool) {
	line = strings.TrimSuffix(line, "\r")
	// trailing spaces are ignored unless escaped
	for strings.HasSuffix(line, " ") && !strings.HasSuffix(line, "\\ ") {
		line = line[:len(line)-1]
	}
	if line == "" || strings.HasPrefix(line, "#") {
		return ignorePattern{}, false
	}
	var p ignorePattern
	if strings.HasPrefix(line, "!") {
		p.negate = true
		line = line[1:]
	} else if strings.HasPrefix(line, "\\!") || strings.HasPrefix(line, "\\#") {
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		p.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	if strings.Contains(line, "/") {
		p.anchored = true
		line = strings.TrimPrefix(line, "/")
	}
	if line == "" {
		return ignorePattern{}, false
	}
	line = strings.ReplaceAll(line, "\\ ", " ")
	p.glob = line
	p.kind = patGlob
	if !p.anchored {
		switch meta := strings.IndexAny(line, "*?[\\"); {
		case meta < 0:
			p.kind, p.lit = patExact, line
		case line[0] == '*' && !strings.ContainsAny(line[1:], "*?[\\"):
			p.kind, p.lit = patSuffix, line[1:]
		case meta == len(line)-1 && line[meta] == '*':
			p.kind, p.lit = patPrefix, line[:meta]
		}
		if p.kind == patGlob && !strings.Contains(line, "\\") {
			p.pre = line[:strings.IndexAny(line, "*?[")]
			p.suf = line[strings.LastIndexAny(line, "*?[]")+1:]
		}
	}
	if p.anchored && !strings.ContainsAny(line, "{\\") {
		p.need = longestLiteral(strings.TrimSuffix(line, "/**"))
	}
	return p, true
}

// longestLiteral returns the longest run of a doublestar pattern (without
// braces or escapes) outside wildcards and character classes, without
// slashes at its ends ("**/" also matches nothing): text any match must
// contain. "" when there is none or a class is not closed.
func longestLiteral(glob string) string {
	best, start := "", 0
	take := func(run string) {
		if run = strings.Trim(run, "/"); len(run) > len(best) {
			best = run
		}
	}
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		if c != '*' && c != '?' && c != '[' {
			continue
		}
		take(glob[start:i])
		if c == '[' {
			// the class ends at the first ']' after its first member
			j := i + 1
			if j < len(glob) && (glob[j] == '!' || glob[j] == '^') {
				j++
			}
			j++ // a ']' here is a member
			k := strings.IndexByte(glob[min(j, len(glob)):], ']')
			if k < 0 {
				return ""
			}
			i = j + k
		}
		start = i + 1
	}
	take(glob[start:])
	return best
}

// match reports whether the pattern matches rel (relative to the
// .gitignore's directory; name is its last element).
func (p *ignorePattern) match(rel, name string, isDir bool) bool {
	if p.dirOnly && !isDir {
		return false
	}
	if p.anchored {
		if !strings.Contains(rel, p.need) {
			return false
		}
		ok, err := doublestar.Match(p.glob, rel)
		if err == nil && ok {
			return true
		}
		// "dir/**" style patterns also cover the directory's contents
		if strings.HasSuffix(p.glob, "/**") {
			ok, err = doublestar.Match(strings.TrimSuffix(p.glob, "/**"), rel)
			return err == nil && ok && isDir
		}
		return false
	}
	switch p.kind {
	case patExact:
		return name == p.lit
	case patSuffix:
		return strings.HasSuffix(name, p.lit)
	case patPrefix:
		return strings.HasPrefix(name, p.lit)
	}
	if !strings.HasPrefix(name, p.pre) || !strings.HasSuffix(name, p.suf) {
		return false
	}
	ok, err := path.Match(p.glob, name)
	return err == nil && ok
}

// ignoreStack holds the .gitignore files of the directories being walked.
type ignoreStack []*gitIgnore

// enter trims the stack to the .gitignore files of dir (slash-relative)
// and its ancestors: the walk is depth-first, so the others belong to
// subtrees it has left and can never apply again.
func (s ignoreStack) enter(dir string) ignoreStack {
	for len(s) > 0 {
		d := s[len(s)-1].dir
		if d == "" || d == dir || strings.HasPrefix(dir, d+"/") {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// ignored reports whether rel (slash-relative to the scanned root) is
// ignored: the deepest .gitignore with a matching pattern decides, and
// within a file the last matching pattern wins.
func (s ignoreStack) ignored(rel string, isDir bool) bool {
	name := path.Base(rel)
	for i := len(s) - 1; i >= 0; i-- {
		g := s[i]
		r := rel
		if g.dir != "" {
			if !strings.HasPrefix(rel, g.dir+"/") {
				continue
			}
			r = rel[len(g.dir)+1:]
		}
		for k := len(g.patterns) - 1; k >= 0; k-- {
			if g.patterns[k].match(r, name, isDir) {
				return !g.patterns[k].negate
			}
		}
	}
	return false
}
