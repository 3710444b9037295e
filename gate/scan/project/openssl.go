package project

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

var (
	minProtoRe  = regexp.MustCompile(`(?i)MinProtocol\s*=?\s*(SSLv3|TLSv1(?:\.[01])?)(?:[^.\d]|$)`)
	secLevelRe  = regexp.MustCompile(`(?i)@SECLEVEL=([01])\b`)
	opensslConf = regexp.MustCompile(`\bOPENSSL_CONF\s*[= ]\s*["']?([^\s"';&|]+)`)
)

// opensslConf is TLS014 for a checked-in openssl.cnf.
func (a *analysis) opensslConf(f *source.File) {
	n := f.LineCount()
	for i := 1; i <= n; i++ {
		line := f.Line(i)
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") {
			continue
		}
		if j := strings.IndexByte(t, '#'); j >= 0 {
			t = t[:j]
		}
		key, val, ok := strings.Cut(t, "=")
		if !ok {
			continue
		}
		key = strings.TrimSpace(key)
		val = strings.TrimSpace(val)
		loc := lineLoc(f, i, 0)
		switch {
		case strings.EqualFold(key, "MinProtocol") && isLowTLS(val):
			a.report("TLS014", finding.Error, f, loc, t, fmt.Sprintf("OpenSSL MinProtocol = %s re-enables %s for every TLS client in the container (including .NET on Linux)", val, lowList(val)))
		case strings.EqualFold(key, "CipherString") || strings.EqualFold(key, "CipherSuites"):
			if m := secLevelRe.FindStringSubmatch(val); m != nil {
				a.report("TLS014", finding.Error, f, loc, t, fmt.Sprintf("OpenSSL CipherString %s lowers the security level (SECLEVEL=%s allows SHA-1 signatures, small keys and, with MinProtocol unset, TLS 1.0/1.1)", val, m[1]))
			}
		}
	}
}

func isLowTLS(v string) bool {
	switch strings.ToLower(strings.Trim(v, `"' `)) {
	case "sslv3", "tlsv1", "tlsv1.0", "tlsv1.1":
		return true
	}
	return false
}

func lowList(v string) string {
	switch strings.ToLower(strings.Trim(v, `"' `)) {
	case "sslv3":
		return "SSL 3.0, TLS 1.0 and TLS 1.1"
	case "tlsv1.1":
		return "TLS 1.1"
	}
	return "TLS 1.0 and TLS 1.1"
}

// opensslScript is TLS014 for Dockerfile RUN / ENV and shell lines that
// lower the OpenSSL policy (sed edits, echo >> openssl.cnf, OPENSSL_CONF).
func (a *analysis) opensslScript(f *source.File, lines []cmdLine) {
	// configuration files an earlier line of this script lowered (echo >>,
	// sed -i): OPENSSL_CONF pointing at one of them lowers the policy too
	weakPaths := map[string]bool{}
	for _, l := range lines {
		t := l.Text
		if !strings.Contains(t, "MinProtocol") && !strings.Contains(strings.ToUpper(t), "SECLEVEL") && !strings.Contains(strings.ToLower(t), "openssl") {
			continue
		}
		seen := map[int]bool{}
		pats := sedPatterns(t)
		lowered := false
		rep := func(off int, msg string) {
			for _, p := range pats {
				if off >= p[0] && off < p[1] {
					return // inside the pattern of a sed s/…/…/: what is replaced, not what is written
				}
			}
			lowered = true
			loc, snip := l.locAt(f, off)
			if seen[loc.StartLine] {
				return
			}
			seen[loc.StartLine] = true
			a.report("TLS014", finding.Error, f, loc, snip, msg)
		}
		if strings.Contains(strings.ToLower(t), "openssl") {
			// sed s/TLSv1.2/TLSv1/ on an OpenSSL config: the replacement lowers the version.
			for _, sp := range sedReplacements(t) {
				if m := lowVersionRe.FindStringSubmatchIndex(t[sp[0]:sp[1]]); m != nil {
					v := t[sp[0]+m[2] : sp[0]+m[3]]
					rep(sp[0]+m[0], fmt.Sprintf("rewrites the OpenSSL configuration to %s: re-enables %s for every TLS client in the container (including .NET on Linux)", v, lowList(v)))
				}
			}
		}
		for _, m := range minProtoRe.FindAllStringSubmatchIndex(t, -1) {
			v := t[m[2]:m[3]]
			rep(m[0], fmt.Sprintf("lowers OpenSSL MinProtocol to %s: re-enables %s for every TLS client in the container (including .NET on Linux)", v, lowList(v)))
		}
		for _, m := range secLevelRe.FindAllStringSubmatchIndex(t, -1) {
			rep(m[0], fmt.Sprintf("lowers the OpenSSL security level to SECLEVEL=%s for every TLS client in the container", t[m[2]:m[3]]))
		}
		if lowered {
			// the files written: redirection targets, and the files of sed -i
			for _, m := range cnfRedirRe.FindAllStringSubmatch(t, -1) {
				weakPaths[m[1]] = true
			}
			if strings.Contains(t, "sed") && strings.Contains(t, "-i") {
				for _, p := range cnfPathRe.FindAllString(t, -1) {
					weakPaths[p] = true
				}
			}
		}
		for _, m := range opensslConf.FindAllStringSubmatchIndex(t, -1) {
			target := t[m[2]:m[3]]
			if weakPaths[target] {
				rep(m[0], fmt.Sprintf("OPENSSL_CONF points at %s, which an earlier line lowered", target))
				continue
			}
			base := path.Base(target)
			for _, g := range a.in.Files {
				if g == nil || g.Kind != source.OpenSSLConf || path.Base(g.Path) != base {
					continue
				}
				if weakCnf(g) {
					rep(m[0], fmt.Sprintf("OPENSSL_CONF points at %s, which lowers the OpenSSL policy", g.Path))
					break
				}
			}
		}
	}
}

// cnfPathRe matches an absolute path to an OpenSSL configuration file.
var (
	cnfPathRe  = regexp.MustCompile(`/[^\s"'<>|;&]+\.cnf\b`)
	cnfRedirRe = regexp.MustCompile(`>>?\s*["']?(/[^\s"'<>|;&]+\.cnf)\b`)
)

func weakCnf(f *source.File) bool {
	for _, line := range strings.Split(f.Text, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") {
			continue
		}
		key, val, ok := strings.Cut(t, "=")
		if !ok {
			continue
		}
		key = strings.TrimSpace(key)
		if strings.EqualFold(key, "MinProtocol") && isLowTLS(strings.TrimSpace(val)) {
			return true
		}
		if strings.EqualFold(key, "CipherString") && secLevelRe.MatchString(val) {
			return true
		}
	}
	return false
}

var lowVersionRe = regexp.MustCompile(`(?i)\b(SSLv3|TLSv1(?:\.[01])?)(?:[^.\d]|$)`)

// sedReplacements returns the [start, end) spans of the replacement parts
// of sed substitutions.
func sedReplacements(t string) [][2]int {
	var out [][2]int
	for _, p := range sedPatterns(t) {
		d := t[p[0]-1]
		j := p[1] + 1
		for j < len(t) && t[j] != d {
			if t[j] == '\\' {
				j++
			}
			j++
		}
		if j <= len(t) {
			out = append(out, [2]int{p[1] + 1, min(j, len(t))})
		}
	}
	return out
}

// sedPatterns returns the [start, end) spans of the search patterns of sed
// substitutions (s/PATTERN/REPLACEMENT/, any delimiter) in a command line.
func sedPatterns(t string) [][2]int {
	var out [][2]int
	for i := 0; i+2 < len(t); i++ {
		if t[i] != 's' || (i > 0 && isAlnum(t[i-1]) && t[i-1] != 'e') {
			continue
		}
		if i > 0 && t[i-1] == 'e' && !(i > 1 && (t[i-2] == '\'' || t[i-2] == '"' || t[i-2] == ' ')) {
			continue
		}
		d := t[i+1]
		if d != '/' && d != '|' && d != '#' && d != ',' && d != ':' && d != '@' {
			continue
		}
		j := i + 2
		for j < len(t) && t[j] != d {
			if t[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(t) {
			continue
		}
		out = append(out, [2]int{i + 2, j})
		i = j
	}
	return out
}
