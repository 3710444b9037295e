package ghaction

import (
	"encoding/json"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/verdict"
)

func shardSARIF(id string, rules []string, results string) []byte {
	rs := []map[string]any{}
	for _, r := range rules {
		rs = append(rs, map[string]any{"id": r})
	}
	b, _ := json.Marshal(map[string]any{
		"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"runs": []any{map[string]any{
			"tool":              map[string]any{"driver": map[string]any{"name": "tlsgate", "rules": rs}},
			"automationDetails": map[string]any{"id": id},
			"results":           json.RawMessage(results),
			"invocations": []any{map[string]any{"executionSuccessful": true,
				"toolExecutionNotifications": []any{map[string]any{"message": map[string]any{"text": "skipped big.bin"}}}}},
		}},
	})
	return b
}

func TestMergeSARIF(t *testing.T) {
	t.Parallel()
	repo := `{"ruleId":"TLS011","ruleIndex":0,"level":"error","message":{"text":"bare httpRuntime"},"partialFingerprints":{"tlsgate/v1":"aa"},
	  "locations":[{"physicalLocation":{"artifactLocation":{"uri":"Web.config","index":0},"region":{"startLine":4}}}]}`
	a := shardSARIF("tlsgate/shard-1-of-2/", []string{"TLS011", "TLS101"}, `[`+repo+`,
	  {"ruleId":"TLS101","ruleIndex":1,"level":"error","message":{"text":"accepts TLS 1.0"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"tls://a:443"}}}]}]`)
	b := shardSARIF("tlsgate/shard-2-of-2/", []string{"TLS102", "TLS011"}, `[
	  {"ruleId":"TLS102","ruleIndex":0,"level":"warning","message":{"text":"RC4"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"tls://b:443"}}}]},
	  {"ruleId":"TLS011","ruleIndex":1,"level":"error","message":{"text":"bare httpRuntime"},"partialFingerprints":{"tlsgate/v1":"aa"},
	  "locations":[{"physicalLocation":{"artifactLocation":{"uri":"Web.config","index":3},"region":{"startLine":4}}}]}]`)
	out, err := MergeSARIF([][]byte{a, b})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Rules []struct{ ID string } }
			}
			AutomationDetails struct{ ID string }
			Results           []struct {
				RuleID    string
				RuleIndex int
			}
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []any
			}
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.AutomationDetails.ID != MergedCategory {
		t.Errorf("automation id %q", run.AutomationDetails.ID)
	}
	rules := []string{}
	for _, r := range run.Tool.Driver.Rules {
		rules = append(rules, r.ID)
	}
	if got := len(rules); got != 3 || rules[0] != "TLS011" || rules[1] != "TLS101" || rules[2] != "TLS102" {
		t.Errorf("rules %v", rules)
	}
	if len(run.Results) != 3 {
		t.Fatalf("%d results, want 3 (the repository finding once)", len(run.Results))
	}
	for _, r := range run.Results {
		if rules[r.RuleIndex] != r.RuleID {
			t.Errorf("result %s has ruleIndex %d (%s)", r.RuleID, r.RuleIndex, rules[r.RuleIndex])
		}
	}
	if len(run.Invocations) != 1 || len(run.Invocations[0].ToolExecutionNotifications) != 1 || !run.Invocations[0].ExecutionSuccessful {
		t.Errorf("invocations %+v", run.Invocations)
	}
	if _, err := MergeSARIF([][]byte{[]byte(`{"runs":"x"}`)}); err == nil {
		t.Error("bad document accepted")
	}
}

func TestParseShard(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"1/1", "2/3", "10/10", "01/2", " 1/2 "} {
		if _, _, err := ParseShard(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "0/2", "3/2", "1/0", "a/b", "1/2/3", "-1/2", "1"} {
		if _, _, err := ParseShard(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSideCell(t *testing.T) {
	t.Parallel()
	tls12 := finding.TLS12
	tests := []struct {
		name string
		in   verdict.Side
		want string
	}{
		{"negotiated", verdict.Side{Verdict: verdict.Compatible, Negotiated: &tls12, Suite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, "✓ TLS 1.2 (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)"},
		{"common", verdict.Side{Verdict: verdict.PolicyFail, Common: []finding.Protocol{finding.TLS10, finding.TLS11}}, "✗ TLS 1.0, TLS 1.1"},
		{"none", verdict.Side{Verdict: verdict.Incompatible}, "✗ nothing in common"},
		{"unknown", verdict.Side{Verdict: verdict.Inconclusive}, "? could not tell"},
		{"empty", verdict.Side{}, ""},
	}
	for _, tt := range tests {
		if got := sideCell(tt.in); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
