// Package finding is the result model shared by the scanner, the prober and
// the verdict: rule ids, severities, locations, evidence and fixes, plus the
// report envelope every renderer consumes.
//
// It imports none of the packages that produce findings, so any of them can
// depend on it.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Severity is the level of a finding. The values are the SARIF levels.
type Severity int

// Severities, ordered so that a larger value is more severe.
const (
	None Severity = iota
	Note
	Warning
	Error
)

// String returns the SARIF level name.
func (s Severity) String() string {
	switch s {
	case Note:
		return "note"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "none"
}

// ParseSeverity parses "error", "warning" or "note".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "note":
		return Note, nil
	}
	return None, fmt.Errorf("unknown level %q (want error, warning or note)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Location is a 1-based source range in a repository-relative,
// slash-separated path. A zero line or column means unknown.
type Location struct {
	Path      string `json:"path"`
	StartLine int    `json:"start_line"`
	StartCol  int    `json:"start_column"`
	EndLine   int    `json:"end_line"`
	EndCol    int    `json:"end_column"`
}

// String returns "path:line:col" (or less when parts are unknown).
func (l Location) String() string {
	switch {
	case l.Path == "":
		return ""
	case l.StartLine == 0:
		return l.Path
	case l.StartCol == 0:
		return fmt.Sprintf("%s:%d", l.Path, l.StartLine)
	}
	return fmt.Sprintf("%s:%d:%d", l.Path, l.StartLine, l.StartCol)
}

// Endpoint names a probed TLS endpoint.
type Endpoint struct {
	Target  string `json:"target"`            // normalised host:port
	Address string `json:"address,omitempty"` // ip:port actually probed
	SNI     string `json:"sni,omitempty"`
}

// Step is one link of an evidence chain: a place in the repository (or a
// stated assumption) and what it contributed.
type Step struct {
	Location Location `json:"location"`
	Text     string   `json:"text"`
}

// Suppression records why a finding does not fail the gate.
type Suppression struct {
	Kind    string `json:"kind"` // "inline", "analyzer", "policy", "baseline"
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"`
	Source  string `json:"source,omitempty"` // where the suppression is written, path:line
}

// Finding is one result of a rule: a repository rule (TLS0nn), an endpoint
// rule (TLS1nn), a compatibility verdict (TLS2nn).
type Finding struct {
	RuleID      string       `json:"rule_id"`
	Level       Severity     `json:"level"`
	Message     string       `json:"message"`
	Location    Location     `json:"location"`
	Endpoint    *Endpoint    `json:"endpoint,omitempty"`
	Application string       `json:"application,omitempty"`
	Snippet     string       `json:"snippet,omitempty"`
	Fix         string       `json:"fix,omitempty"`
	Evidence    []Step       `json:"evidence,omitempty"`
	Fingerprint string       `json:"fingerprint"`
	Suppression *Suppression `json:"suppression,omitempty"`
	// Note carries extra information such as "its suppression expired".
	Note string `json:"note,omitempty"`
}

// String prints the "path:line:col: message [TLS013]" form.
func (f Finding) String() string {
	where := f.Location.String()
	if where == "" && f.Endpoint != nil {
		where = f.Endpoint.Target
	}
	if where == "" {
		return fmt.Sprintf("%s: %s [%s]", f.Level, f.Message, f.RuleID)
	}
	return fmt.Sprintf("%s: %s: %s [%s]", where, f.Level, f.Message, f.RuleID)
}

// Suppressed reports whether the finding is suppressed.
func (f Finding) Suppressed() bool { return f.Suppression != nil }

// ComputeFingerprint derives a stable fingerprint from the rule id, the
// path (or endpoint) and the whitespace-normalised snippet, never from line
// numbers, so it survives unrelated edits that move the line.
func ComputeFingerprint(ruleID, place, snippet string) string {
	norm := strings.Join(strings.Fields(snippet), " ")
	sum := sha256.Sum256([]byte(ruleID + "\x00" + place + "\x00" + norm))
	return hex.EncodeToString(sum[:16])
}

// SetFingerprint fills Fingerprint when empty.
func (f *Finding) SetFingerprint() {
	if f.Fingerprint != "" {
		return
	}
	place := f.Location.Path
	if f.Endpoint != nil {
		place = f.Endpoint.Target
	}
	snip := f.Snippet
	if snip == "" {
		snip = f.Message
	}
	f.Fingerprint = ComputeFingerprint(f.RuleID, place+"\x00"+f.Application, snip)
}

// Compare orders findings by path, line, column, rule id and message (and
// endpoint for endpoint findings).
func Compare(a, b Finding) int {
	if c := strings.Compare(a.Location.Path, b.Location.Path); c != 0 {
		return c
	}
	if a.Location.StartLine != b.Location.StartLine {
		return a.Location.StartLine - b.Location.StartLine
	}
	if a.Location.StartCol != b.Location.StartCol {
		return a.Location.StartCol - b.Location.StartCol
	}
	var ea, eb string
	if a.Endpoint != nil {
		ea = a.Endpoint.Target + "|" + a.Endpoint.Address
	}
	if b.Endpoint != nil {
		eb = b.Endpoint.Target + "|" + b.Endpoint.Address
	}
	if c := strings.Compare(ea, eb); c != 0 {
		return c
	}
	if c := strings.Compare(a.RuleID, b.RuleID); c != 0 {
		return c
	}
	if c := strings.Compare(a.Application, b.Application); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}

// Sort sorts findings with Compare and drops exact duplicates.
func Sort(fs []Finding) []Finding {
	sort.SliceStable(fs, func(i, j int) bool { return Compare(fs[i], fs[j]) < 0 })
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && Compare(fs[i-1], f) == 0 && fs[i-1].Fingerprint == f.Fingerprint {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Notification is a tool diagnostic (TLS9nn): a skipped file, a parse
// failure, an unused suppression. It never fails the gate and never appears
// among the results.
type Notification struct {
	RuleID   string   `json:"rule_id"`
	Level    Severity `json:"level"`
	Message  string   `json:"message"`
	Location Location `json:"location"`
}

// String prints "path:line: message [TLS9nn]".
func (n Notification) String() string {
	if w := n.Location.String(); w != "" {
		return fmt.Sprintf("%s: %s [%s]", w, n.Message, n.RuleID)
	}
	return fmt.Sprintf("%s [%s]", n.Message, n.RuleID)
}

// Tool identifies tlsgate in reports.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Report is the envelope every renderer consumes.
type Report struct {
	SchemaVersion int            `json:"schema_version"`
	Tool          Tool           `json:"tool"`
	Findings      []Finding      `json:"findings"`
	Applications  []Application  `json:"applications"`
	Notifications []Notification `json:"notifications"`
	// Inconclusive lists targets (endpoints or pairs) that could not be
	// judged; a report with any can never pass.
	Inconclusive []string `json:"inconclusive,omitempty"`
	// Rules lists the metadata of every rule that may appear.
	Rules []Rule `json:"-"`
}

// Rule is a rule's public metadata, used for SARIF tool.driver.rules and docs.
type Rule struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"` // kebab-case, with a domain prefix
	Short            string   `json:"short"`
	Help             string   `json:"help"`
	Fix              string   `json:"fix"`
	DefaultLevel     Severity `json:"default_level"`
	Tags             []string `json:"tags,omitempty"`
	SecuritySeverity string   `json:"security_severity,omitempty"` // CVSS-like "7.5"
	HelpURI          string   `json:"help_uri,omitempty"`
}
