package scan

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/scan/rules"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// inlineSupp is a "tlsgate:ignore TLSnnn reason" comment.
type inlineSupp struct {
	path   string
	line   int
	rules  []string
	reason string
	used   bool
}

// caRegion is a line range where analyzer rules (CA5364 …) are suppressed.
type caRegion struct {
	from, to int
	ids      []string // CA / SYSLIB ids, upper-case
	source   string   // "#pragma" or "SuppressMessage"
}

var (
	ignoreRe   = regexp.MustCompile(`tlsgate:ignore\s+(TLS\d{3}(?:\s*,\s*TLS\d{3})*)[ \t]*[:\-–—]?[ \t]*([^\r\n]*)`)
	pragmaRe   = regexp.MustCompile(`(?i)^#\s*pragma\s+warning\s+(disable|restore)\s*(.*)$`)
	vbPragmaRe = regexp.MustCompile(`(?i)^#\s*(disable|enable)\s+warning\s*(.*)$`)
	caIDRe     = regexp.MustCompile(`(?i)\b(CA\d{4}|SYSLIB\d{4})\b`)
	suppMsgRe  = regexp.MustCompile(`(?i)[\[<]\s*(?:assembly\s*:\s*)?(?:System\.Diagnostics\.CodeAnalysis\.)?SuppressMessage(?:Attribute)?\s*\(([^)]*)\)`)
)

// caRules maps analyzer ids to the tlsgate rules they correspond to.
var caRules = map[string][]string{
	"CA5364": {"TLS001"}, "CA5386": {"TLS003", "TLS005"}, "CA5397": {"TLS002"}, "SYSLIB0039": {"TLS002"},
	"CA5398": {"TLS004"}, "CA5359": {"TLS006"}, "CA5361": {"TLS007"}, "CA5378": {"TLS007"},
}

// caIDs lists caRules' keys in a fixed order.
var caIDs = func() []string {
	var out []string
	for k := range caRules {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}()

// trimCommentEnd removes comment terminators from the end of a reason.
func trimCommentEnd(s string) string {
	s = strings.TrimSpace(s)
	for _, t := range []string{"--%>", "-->", "*/", "#>", "*)", "*@", "%>"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, t))
	}
	return s
}

// fileSuppressions finds inline suppressions in any file kind and analyzer
// suppressions (#pragma, #Disable Warning, [SuppressMessage]) in code.
func fileSuppressions(f *source.File, res *fileResult, buf *[]byte) ([]inlineSupp, []caRegion) {
	var sups []inlineSupp
	has := res.marker
	if !res.markerKnown {
		has = containsMarker(f.Text) // prefilter.go
	}
	if has {
		// only inside a comment of the file's language, and the reason
		// ends where the comment does (comments.go)
		seen := map[int]bool{} // Razor's HTML and code comments may overlap
		for _, c := range commentSpans(f) {
			text := f.Text[c[0]:c[1]]
			if !strings.Contains(text, "tlsgate:ignore") {
				continue
			}
			for _, m := range ignoreRe.FindAllStringSubmatchIndex(text, -1) {
				if seen[c[0]+m[0]] {
					continue
				}
				seen[c[0]+m[0]] = true
				line, _ := f.Position(c[0] + m[0])
				ids := strings.FieldsFunc(text[m[2]:m[3]], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
				reason := trimCommentEnd(text[m[4]:m[5]])
				sup := inlineSupp{path: f.Path, line: line, rules: ids, reason: reason}
				if reason == "" {
					res.notes = append(res.notes, finding.Notification{RuleID: rules.SuppressionNoReason, Level: finding.Note,
						Message:  fmt.Sprintf("tlsgate:ignore %s has no reason and suppresses nothing", strings.Join(ids, ",")),
						Location: finding.Location{Path: f.Path, StartLine: line}})
					continue
				}
				sups = append(sups, sup)
			}
		}
	}
	if len(res.hits) == 0 {
		return sups, nil
	}
	var regions []caRegion
	// #pragma warning disable/restore (C#) and #Disable/#Enable Warning (VB)
	open := map[string]int{}
	for _, d := range res.directives {
		txt := strings.TrimSpace(d.Text)
		line, _ := f.Position(d.Start)
		m := pragmaRe.FindStringSubmatch(txt)
		if m == nil {
			m = vbPragmaRe.FindStringSubmatch(txt)
			if m != nil {
				if strings.EqualFold(m[1], "enable") {
					m[1] = "restore"
				}
			}
		}
		if m == nil {
			continue
		}
		ids := caIDRe.FindAllString(m[2], -1)
		for _, id := range ids {
			id = strings.ToUpper(id)
			if strings.EqualFold(m[1], "disable") {
				if _, ok := open[id]; !ok {
					open[id] = line
				}
			} else if from, ok := open[id]; ok {
				regions = append(regions, caRegion{from: from, to: line, ids: []string{id}, source: "#pragma warning disable " + id})
				delete(open, id)
			}
		}
	}
	for id, from := range open {
		regions = append(regions, caRegion{from: from, to: f.LineCount() + 1, ids: []string{id}, source: "#pragma warning disable " + id})
	}
	// [SuppressMessage("…", "CA5364:…")] on the following member
	if strings.Contains(f.Text, "SuppressMessage") {
		for _, m := range suppMsgRe.FindAllStringSubmatchIndex(f.Text, -1) {
			ids := caIDRe.FindAllString(f.Text[m[2]:m[3]], -1)
			if len(ids) == 0 {
				continue
			}
			from, _ := f.Position(m[0])
			to := memberEnd(f, m[1])
			for i := range ids {
				ids[i] = strings.ToUpper(ids[i])
			}
			regions = append(regions, caRegion{from: from, to: to, ids: ids, source: "SuppressMessage " + strings.Join(ids, ",")})
		}
	}
	sort.Slice(regions, func(i, j int) bool { return regions[i].from < regions[j].from })
	return sups, regions
}

var vbEndRe = regexp.MustCompile(`(?i)^\s*End\s+(Sub|Function|Property|Class|Module|Structure)\b`)

// memberEnd returns the last line of the member that follows offset off:
// the matching brace of the first '{' (C#) or the next "End Sub/Function"
// line (VB).
func memberEnd(f *source.File, off int) int {
	rest := f.Text[off:]
	brace := strings.IndexByte(rest, '{')
	semi := strings.IndexByte(rest, ';')
	line, _ := f.Position(off)
	for l := line + 1; l <= f.LineCount(); l++ {
		if vbEndRe.MatchString(f.Line(l)) {
			if brace < 0 || f.LineStart(l) < off+brace {
				return l
			}
			break
		}
	}
	if brace < 0 || semi >= 0 && semi < brace {
		if semi >= 0 {
			l, _ := f.Position(off + semi)
			return l
		}
		return line + 1
	}
	end := matchBrace(f.Text, off+brace)
	l, _ := f.Position(end)
	return l
}

// suppress applies inline, analyzer, policy and baseline suppressions, in
// that order, and returns the notifications about suppressions.
func suppress(fs []finding.Finding, outs []fileOut, ec []editorConfig, opts Options, root string) ([]finding.Finding, []finding.Notification) {
	var notes []finding.Notification
	polPath := policyPath(opts.Policy.Name, root)
	inline := map[string][]*inlineSupp{}
	ca := map[string][]caRegion{}
	for i := range outs {
		o := &outs[i]
		for k := range o.supps {
			inline[o.supps[k].path] = append(inline[o.supps[k].path], &o.supps[k])
		}
		if o.file != nil && len(o.ca) > 0 {
			ca[o.file.Path] = o.ca
		}
	}
	type polUse struct {
		used, expiredHit bool
	}
	pol := opts.Policy.Suppressions
	uses := make([]polUse, len(pol))
	for i := range fs {
		f := &fs[i]
		p := f.Location.Path
		// inline
		for _, s := range inline[p] {
			if (f.Location.StartLine == s.line || f.Location.StartLine == s.line+1) && hasRule(s.rules, f.RuleID) {
				s.used = true
				f.Suppression = &finding.Suppression{Kind: "inline", Reason: s.reason, Source: fmt.Sprintf("%s:%d", s.path, s.line)}
				break
			}
		}
		if f.Suppression != nil {
			continue
		}
		// analyzer (CA) suppressions
		for _, r := range ca[p] {
			if f.Location.StartLine < r.from || f.Location.StartLine > r.to {
				continue
			}
			for _, id := range r.ids {
				if hasRule(caRules[id], f.RuleID) {
					f.Suppression = &finding.Suppression{Kind: "analyzer", Reason: "suppressed by " + r.source, Source: fmt.Sprintf("%s:%d", p, r.from)}
					break
				}
			}
			if f.Suppression != nil {
				break
			}
		}
		if f.Suppression == nil && len(ec) > 0 && p != "" {
			for _, ca := range caIDs {
				if !hasRule(caRules[ca], f.RuleID) {
					continue
				}
				if src := editorConfigOff(ec, p, ca); src != "" {
					f.Suppression = &finding.Suppression{Kind: "analyzer", Reason: "dotnet_diagnostic." + ca + ".severity = none in .editorconfig", Source: src}
					break
				}
			}
		}
		if f.Suppression != nil {
			continue
		}
		// policy
		for k, s := range pol {
			if s.Endpoint != "" || !strings.EqualFold(s.Rule, f.RuleID) || p == "" {
				continue
			}
			if s.Path != "" {
				if ok, err := doublestar.Match(s.Path, p); err != nil || !ok {
					continue
				}
			}
			where := polPath
			if s.Line > 0 {
				where = fmt.Sprintf("%s:%d", where, s.Line)
			}
			if s.Expired(opts.Now) {
				uses[k].expiredHit = true
				f.Note = fmt.Sprintf("its suppression expired on %s (%s)", s.Expires, where)
				continue
			}
			uses[k].used = true
			f.Suppression = &finding.Suppression{Kind: "policy", Reason: s.Reason, Expires: s.Expires, Source: where}
			break
		}
	}
	if opts.Baseline != nil {
		applyBaseline(fs, opts.Baseline)
	}
	for _, ss := range inline {
		for _, s := range ss {
			if !s.used {
				notes = append(notes, finding.Notification{RuleID: rules.SuppressionUnused, Level: finding.Note,
					Message:  fmt.Sprintf("unused suppression: tlsgate:ignore %s matched no finding on this line or the next", strings.Join(s.rules, ",")),
					Location: finding.Location{Path: s.path, StartLine: s.line}})
			}
		}
	}
	for k, s := range pol {
		if s.Endpoint != "" || !strings.HasPrefix(strings.ToUpper(s.Rule), "TLS0") {
			continue
		}
		loc := finding.Location{}
		if s.Line > 0 && polPath != "" {
			loc = finding.Location{Path: polPath, StartLine: s.Line, StartCol: s.Column}
		}
		switch {
		case uses[k].expiredHit:
			notes = append(notes, finding.Notification{RuleID: rules.SuppressionExpired, Level: finding.Warning,
				Message: fmt.Sprintf("policy suppression of %s for %q expired on %s; its findings fail the gate again", s.Rule, s.Path, s.Expires), Location: loc})
		case !uses[k].used:
			notes = append(notes, finding.Notification{RuleID: rules.SuppressionUnused, Level: finding.Note,
				Message: fmt.Sprintf("unused policy suppression: %s for %q matched no finding", s.Rule, s.Path), Location: loc})
		}
	}
	return fs, notes
}

// applyBaseline marks the findings no other suppression covers that the
// baseline records. The baseline is a multiset: each recorded occurrence
// of a fingerprint hides one finding, so a new copy of a recorded finding
// (same rule, file and text) is new. Findings are matched in report order
// (the first copies are the recorded ones); an exact duplicate, which the
// report drops, shares the decision of the finding it duplicates.
func applyBaseline(fs []finding.Finding, b *Baseline) {
	left := b.counts()
	idx := make([]int, 0, len(fs))
	for i := range fs {
		if fs[i].Suppression == nil {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(x, y int) bool { return finding.Compare(fs[idx[x]], fs[idx[y]]) < 0 })
	var prev *finding.Finding
	for _, i := range idx {
		f := &fs[i]
		if prev != nil && finding.Compare(*prev, *f) == 0 && prev.Fingerprint == f.Fingerprint {
			f.Suppression = prev.Suppression
			continue
		}
		prev = f
		if left[f.Fingerprint] > 0 {
			left[f.Fingerprint]--
			f.Suppression = &finding.Suppression{Kind: "baseline", Reason: "recorded in the findings baseline"}
		}
	}
}

// policyPath is how reports name the policy file (loaded by a path relative
// to the working directory, or absolute): like every location, relative to
// the scanned root with forward slashes (for a single-file root, to its
// folder). A built-in policy, or a file outside the root, keeps its name.
func policyPath(name, root string) string {
	if name == "" || policy.IsBuiltin(name) {
		return name
	}
	base, err := filepath.Abs(root)
	if err != nil {
		return name
	}
	if st, err := os.Stat(base); err == nil && !st.IsDir() {
		base = filepath.Dir(base)
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return name
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return name
	}
	return filepath.ToSlash(rel)
}

func hasRule(list []string, id string) bool {
	for _, r := range list {
		if strings.EqualFold(r, id) {
			return true
		}
	}
	return false
}

// Baseline is a multiset of finding fingerprints recorded with
// --write-baseline: one entry per occurrence, so findings beyond the
// recorded count of a fingerprint are new.
type Baseline struct {
	SchemaVersion int             `json:"schema_version"`
	Findings      []BaselineEntry `json:"findings"`
}

// BaselineEntry is one recorded finding.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"rule_id"`
	Path        string `json:"path,omitempty"`
	Message     string `json:"message,omitempty"`
}

// counts returns how many occurrences of each fingerprint b records.
func (b *Baseline) counts() map[string]int {
	m := make(map[string]int, len(b.Findings))
	for _, e := range b.Findings {
		m[e.Fingerprint]++
	}
	return m
}

// NewBaseline records the unsuppressed findings of a report, one entry
// per occurrence (identical findings share a fingerprint).
func NewBaseline(r *finding.Report) *Baseline {
	b := &Baseline{SchemaVersion: 1, Findings: []BaselineEntry{}}
	for _, f := range r.Findings {
		if f.Suppression != nil && f.Suppression.Kind != "baseline" {
			continue
		}
		b.Findings = append(b.Findings, BaselineEntry{Fingerprint: f.Fingerprint, RuleID: f.RuleID, Path: f.Location.Path, Message: f.Message})
	}
	return b
}

// WriteBaseline writes b as indented JSON.
func WriteBaseline(w io.Writer, b *Baseline) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// ReadBaseline parses a baseline file.
func ReadBaseline(r io.Reader) (*Baseline, error) {
	var b Baseline
	dec := json.NewDecoder(r)
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("parse baseline: %w", err)
	}
	if b.SchemaVersion != 1 {
		return nil, fmt.Errorf("parse baseline: unsupported schema_version %d (want 1)", b.SchemaVersion)
	}
	for i, e := range b.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("parse baseline: entry %d has no fingerprint", i+1)
		}
	}
	return &b, nil
}

// editorConfig is one parsed .editorconfig: its directory and sections.
type editorConfig struct {
	dir      string // slash-relative ("" = root)
	path     string
	root     bool
	sections []ecSection
}

type ecSection struct {
	glob string
	line int
	sev  map[string]string // CA id (upper-case) → severity
}

var (
	ecSectionRe = regexp.MustCompile(`^\s*\[(.*)\]\s*$`)
	ecDiagRe    = regexp.MustCompile(`(?i)^\s*dotnet_diagnostic\.((?:CA|SYSLIB)\d{4})\.severity\s*=\s*(\w+)`)
	ecRootRe    = regexp.MustCompile(`(?i)^\s*root\s*=\s*true\b`)
)

// loadEditorConfigs parses the .editorconfig files found by the walk
// (only their dotnet_diagnostic.CAnnnn.severity entries matter here).
func loadEditorConfigs(es []entry) []editorConfig {
	var out []editorConfig
	for _, e := range es {
		b, err := os.ReadFile(e.abs)
		if err != nil || len(b) > 1<<20 {
			continue
		}
		ec := editorConfig{dir: path.Dir(e.rel), path: e.rel}
		if ec.dir == "." {
			ec.dir = ""
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := ecSectionRe.FindStringSubmatch(line); m != nil {
				ec.sections = append(ec.sections, ecSection{glob: strings.TrimSpace(m[1]), line: i + 1, sev: map[string]string{}})
				continue
			}
			if len(ec.sections) == 0 {
				if ecRootRe.MatchString(line) {
					ec.root = true
				}
				continue
			}
			if m := ecDiagRe.FindStringSubmatch(line); m != nil {
				ec.sections[len(ec.sections)-1].sev[strings.ToUpper(m[1])] = strings.ToLower(m[2])
			}
		}
		out = append(out, ec)
	}
	// closest last: shorter directories first
	sort.SliceStable(out, func(i, j int) bool {
		return strings.Count(out[i].dir, "/") < strings.Count(out[j].dir, "/") || out[i].dir == "" && out[j].dir != ""
	})
	return out
}

// editorConfigOff returns where the analyzer id is turned off for the file
// at p ("" when it is not): the last matching section of the closest
// .editorconfig files wins.
func editorConfigOff(ecs []editorConfig, p, id string) string {
	sev, src := "", ""
	for _, ec := range ecs {
		rel := p
		if ec.dir != "" {
			if !strings.HasPrefix(p, ec.dir+"/") {
				continue
			}
			rel = p[len(ec.dir)+1:]
		}
		if ec.root {
			sev, src = "", ""
		}
		for _, s := range ec.sections {
			v, ok := s.sev[id]
			if !ok || !ecMatch(s.glob, rel) {
				continue
			}
			sev, src = v, fmt.Sprintf("%s:%d", ec.path, s.line)
		}
	}
	if sev == "none" || sev == "silent" {
		return src
	}
	return ""
}

// ecMatch matches an EditorConfig section glob against a path relative to
// the file's directory: a glob without '/' matches the file name anywhere.
func ecMatch(glob, rel string) bool {
	if !strings.Contains(glob, "/") {
		glob = "**/" + glob
	}
	glob = strings.TrimPrefix(glob, "/")
	ok, err := doublestar.Match(glob, rel)
	return err == nil && ok
}
