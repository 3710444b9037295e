package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/gate/verdict"
)

func TestMarkdownEscapesRepositoryText(t *testing.T) {
	hostile := "Evil|App <script>alert(1)</script> [link](http://x) **bold** `tick` ``two``\nnew line"
	d := &verdict.Decision{
		Report: finding.Report{Findings: []finding.Finding{{RuleID: "TLS001", Level: finding.Error, Message: hostile,
			Location: finding.Location{Path: "a|b`c.cs", StartLine: 3, StartCol: 1}}}},
		Policy: "tls12", FailOn: finding.Error, Host: policy.Host{OS: "win10", DotNet: "4.8"}, Verdict: verdict.Fail,
		Reasons: []string{hostile},
		Pairs: []verdict.Pair{{Application: hostile, Endpoint: "h:443", Verdict: verdict.Incompatible,
			AsShipped: verdict.Side{Verdict: verdict.Incompatible, Reason: hostile}, WithPackage: verdict.Side{Verdict: verdict.Compatible, Reason: "ok"},
			Reason: hostile, UserErrors: []verdict.UserError{{API: "SslStream", Message: "x`|`y"}},
			Evidence: []finding.Step{{Location: finding.Location{Path: "W.config", StartLine: 2}, Text: hostile}},
			Fixes:    []verdict.Fix{{Rank: 1, Kind: "code", Title: hostile, Sufficient: true, Result: verdict.Compatible}}}},
	}
	var b bytes.Buffer
	if err := Markdown(&b, d); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script>", "[link](", "**bold**", "Evil|App", "\nnew line"} {
		if strings.Contains(out, bad) {
			t.Errorf("unescaped %q in:\n%s", bad, out)
		}
	}
	// Every matrix row keeps its four cells.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| Evil") || strings.HasPrefix(line, "| Evil\\|") {
			cells := strings.Count(strings.ReplaceAll(line, "\\|", ""), "|")
			if cells != 5 {
				t.Errorf("row has %d separators: %s", cells, line)
			}
		}
	}
}

func TestCodeSpan(t *testing.T) {
	for in, want := range map[string]string{
		"plain":    "`plain`",
		"a`b":      "`` a`b ``",
		"a``b`":    "``` a``b` ```",
		"pipe|in":  "`pipe\\|in`",
		"two\nrow": "`two row`",
	} {
		if got := code(in); got != want {
			t.Errorf("code(%q) = %q, want %q", in, got, want)
		}
	}
}

// An endpoint the prober could not ask about weak cipher classes is not
// reported as having none.
func TestMarkdownWeakClassesUndetermined(t *testing.T) {
	unreachable := probe.Result{Target: "127.0.0.1:1", Protocols: map[string]probe.Status{"TLS1.2": probe.Inconclusive}}
	clean := probe.Result{Target: "ok:443", Protocols: map[string]probe.Status{"TLS1.2": probe.Accepted},
		CipherClasses: map[string]probe.Status{"RC4": probe.Rejected, "NO_PFS": probe.Rejected}}
	d := &verdict.Decision{Policy: "tls12", FailOn: finding.Error, Host: policy.Host{OS: "win10", DotNet: "4.8"}, Verdict: verdict.OutcomeUnknown,
		Endpoints: []verdict.EndpointReport{{Result: unreachable}, {Result: clean, Conclusive: true}}}
	var md, txt bytes.Buffer
	if err := Markdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if err := GateText(&txt, d); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(md.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "| `127.0.0.1:1`") && !strings.Contains(line, "| not determined |"):
			t.Errorf("unreachable endpoint row: %s", line)
		case strings.HasPrefix(line, "| `ok:443`") && !strings.Contains(line, "| none |"):
			t.Errorf("clean endpoint row: %s", line)
		}
	}
	for _, line := range strings.Split(txt.String(), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "127.0.0.1:1:") && !strings.HasSuffix(line, "; weak classes not determined"):
			t.Errorf("text line of the unreachable endpoint: %s", line)
		case strings.HasPrefix(line, "ok:443:") && strings.Contains(line, "weak classes"):
			t.Errorf("text line of the clean endpoint: %s", line)
		}
	}
}
