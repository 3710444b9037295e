package ghaction

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/verdict"
)

// benchShards builds n shard reports of endpoints endpoints each, all
// carrying the same 200 repository findings.
func benchShards(n, endpoints int) []*Report {
	var out []*Report
	for k := 1; k <= n; k++ {
		r := &Report{Shard: fmt.Sprintf("%d/%d", k, n)}
		r.Policy = "tls12"
		for i := range 200 {
			f := finding.Finding{RuleID: "TLS011", Level: finding.Error, Message: "m", Location: finding.Location{Path: fmt.Sprintf("app%d/Web.config", i), StartLine: 3}}
			f.SetFingerprint()
			r.Findings = append(r.Findings, f)
		}
		for e := range endpoints {
			t := fmt.Sprintf("svc%d-%d.example:443", k, e)
			ep := verdict.EndpointReport{Conclusive: true}
			ep.Target = t
			r.Endpoints = append(r.Endpoints, ep)
			r.Pairs = append(r.Pairs, verdict.Pair{Application: "App", Endpoint: t, Verdict: verdict.Compatible})
		}
		r.Verdict = verdict.Fail
		out = append(out, r)
	}
	return out
}

// BenchmarkMerge: 8 shards × 125 endpoints (1000 in all) and 200 repeated
// repository findings each.
func BenchmarkMerge(b *testing.B) {
	shards := benchShards(8, 125)
	b.ResetTimer()
	for range b.N {
		if _, err := Merge(shards); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeSARIF: 8 shard documents of 1200 results each (200 shared).
func BenchmarkMergeSARIF(b *testing.B) {
	var docs [][]byte
	for k := range 8 {
		var results []map[string]any
		for i := range 1200 {
			uri := fmt.Sprintf("tls://svc%d-%d:443", k, i)
			if i < 200 {
				uri = fmt.Sprintf("app%d/Web.config", i)
			}
			results = append(results, map[string]any{"ruleId": "TLS101", "ruleIndex": 0, "level": "error", "message": map[string]any{"text": "x"},
				"locations": []any{map[string]any{"physicalLocation": map[string]any{"artifactLocation": map[string]any{"uri": uri}}}}})
		}
		d, _ := json.Marshal(map[string]any{"version": "2.1.0", "runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{"name": "tlsgate", "rules": []any{map[string]any{"id": "TLS101"}}}}, "results": results}}})
		docs = append(docs, d)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := MergeSARIF(docs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSummary renders the short summary of the merged 1000-endpoint report.
func BenchmarkSummary(b *testing.B) {
	m, _ := Merge(benchShards(8, 125))
	b.ResetTimer()
	for range b.N {
		_ = Summary(m, SummaryOptions{MaxFindings: 10})
	}
}
