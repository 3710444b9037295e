package ghaction

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/verdict"
)

// Report is the gate report the Action publishes: the gate JSON document
// (verdict.Decision — the scan report extended with the policy, endpoints,
// the pair matrix and the verdict). merge reads it back from the JSON files
// the shards wrote.
type Report struct {
	verdict.Decision
	// Shard is "K/N" when the report covers one shard of the endpoints;
	// merge checks that every shard of a run is present.
	Shard string `json:"shard,omitempty"`
	// Root is the scanned folder relative to the workspace (slash
	// separated), recorded by the Action so merge can place annotations.
	Root string `json:"root,omitempty"`
}

// Verdicts of a report.
const (
	VerdictPass         = string(verdict.Pass)
	VerdictFail         = string(verdict.Fail)
	VerdictInconclusive = string(verdict.OutcomeUnknown)
)

// DecodeReport converts a gate report — a *verdict.Decision, a *Report, a
// value that marshals to the gate JSON, or the JSON itself ([]byte) — into a
// Report. A document without a verdict (a plain scan report) gets one
// computed from its findings at the error level.
func DecodeReport(v any) (*Report, error) {
	var r Report
	switch x := v.(type) {
	case *Report:
		return x, nil
	case *verdict.Decision:
		r = Report{Decision: *x}
	case []byte:
		if err := json.Unmarshal(x, &r); err != nil {
			return nil, fmt.Errorf("decode gate report: %w", err)
		}
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode gate report: %w", err)
		}
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("decode gate report: %w", err)
		}
	}
	if r.Verdict == "" {
		fo := r.FailOn
		if fo == finding.None {
			fo = finding.Error
		}
		r.Verdict = verdict.Outcome(r.computeVerdict(fo))
	}
	return &r, nil
}

// V returns the overall verdict as a string.
func (r *Report) V() string { return string(r.Verdict) }

// computeVerdict derives a verdict: fail on an unsuppressed finding at
// failOn or a failing pair, else inconclusive when anything was, else pass.
func (r *Report) computeVerdict(failOn finding.Severity) string {
	for _, f := range r.Findings {
		if !f.Suppressed() && f.Level >= failOn {
			return VerdictFail
		}
	}
	inconclusive := len(r.Inconclusive) > 0
	for _, p := range r.Pairs {
		switch p.Verdict {
		case verdict.Incompatible, verdict.PolicyFail:
			return VerdictFail
		case verdict.Inconclusive:
			inconclusive = true
		}
	}
	for _, e := range r.Endpoints {
		if !e.Conclusive {
			inconclusive = true
		}
	}
	if inconclusive {
		return VerdictInconclusive
	}
	return VerdictPass
}

// Counts are the numbers shown in outputs and summaries.
type Counts struct {
	Findings   int // unsuppressed findings, any level
	Errors     int
	Warnings   int
	Notes      int
	Suppressed int
}

// Count counts the report's findings.
func (r *Report) Count() Counts {
	var c Counts
	for _, f := range r.Findings {
		if f.Suppressed() {
			c.Suppressed++
			continue
		}
		c.Findings++
		switch f.Level {
		case finding.Error:
			c.Errors++
		case finding.Warning:
			c.Warnings++
		case finding.Note:
			c.Notes++
		}
	}
	return c
}

// Ranked returns the unsuppressed findings, most severe first, then in
// report order (path, line, rule).
func (r *Report) Ranked() []finding.Finding {
	out := make([]finding.Finding, 0, len(r.Findings))
	for _, f := range r.Findings {
		if !f.Suppressed() {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Level != out[j].Level {
			return out[i].Level > out[j].Level
		}
		return finding.Compare(out[i], out[j]) < 0
	})
	return out
}

// sideCell renders one registry state of a pair for the matrix: the
// protocol the pair would negotiate, or the protocols in common, or none.
func sideCell(s verdict.Side) string {
	var what string
	switch {
	case s.Negotiated != nil:
		what = s.Negotiated.String()
		if s.Suite != "" {
			what += " (" + s.Suite + ")"
		}
	case len(s.Common) > 0:
		names := make([]string, len(s.Common))
		for i, p := range s.Common {
			names[i] = p.String()
		}
		what = strings.Join(names, ", ")
	case s.Verdict == "":
		return ""
	case s.Verdict == verdict.Inconclusive:
		return "? could not tell"
	default:
		what = "nothing in common"
	}
	switch s.Verdict {
	case verdict.Compatible:
		return "✓ " + what
	case verdict.Inconclusive:
		return "? " + what
	case "":
		return what
	}
	return "✗ " + what
}
