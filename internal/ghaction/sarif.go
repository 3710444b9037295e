package ghaction

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/tlsgate/tlsgate/gate/probe"
)

// ShardCategory is the SARIF runAutomationDetails.id of one shard's run,
// "tlsgate/shard-K-of-N/", so code scanning keeps each shard's upload
// instead of replacing one with the next. The trailing slash makes it a
// category with a generated run id.
func ShardCategory(k, n int) string { return fmt.Sprintf("tlsgate/shard-%d-of-%d/", k, n) }

// MergedCategory is the automation id of a merged SARIF document.
const MergedCategory = "tlsgate/merged/"

// ParseShard parses "K/N" (1 ≤ K ≤ N) exactly as `--shard` does
// (probe.ParseShard), so a shard the gate accepted is never refused here.
func ParseShard(s string) (k, n int, err error) { return probe.ParseShard(s) }

type sarifDoc = map[string]any

func decodeSARIF(b []byte) (sarifDoc, []any, error) {
	var doc sarifDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, nil, fmt.Errorf("not a SARIF document: %w", err)
	}
	runs, ok := doc["runs"].([]any)
	if !ok {
		return nil, nil, errors.New("not a SARIF document: no runs")
	}
	return doc, runs, nil
}

// SetAutomationID sets runs[].automationDetails.id of a SARIF document.
func SetAutomationID(sarif []byte, id string) ([]byte, error) {
	doc, runs, err := decodeSARIF(sarif)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		run, ok := r.(map[string]any)
		if !ok {
			continue
		}
		ad, _ := run["automationDetails"].(map[string]any)
		if ad == nil {
			ad = map[string]any{}
		}
		ad["id"] = id
		run["automationDetails"] = ad
	}
	return marshalIndent(doc)
}

// RebaseURIs prefixes every relative artifact URI of a SARIF document with
// prefix (a slash-separated directory), so paths relative to the scanned
// folder become relative to the repository root, as code scanning and
// annotations expect. URIs with a scheme (tls://host:port) are left alone.
func RebaseURIs(sarif []byte, prefix string) ([]byte, error) {
	prefix = strings.Trim(path.Clean("/"+prefix), "/")
	if prefix == "" {
		return sarif, nil
	}
	doc, _, err := decodeSARIF(sarif)
	if err != nil {
		return nil, err
	}
	walk(doc, func(m map[string]any) {
		al, ok := m["artifactLocation"].(map[string]any)
		if !ok {
			return
		}
		uri, ok := al["uri"].(string)
		if !ok || strings.Contains(uri, "://") || strings.HasPrefix(uri, "/") {
			return
		}
		al["uri"] = prefix + "/" + uri
		delete(al, "uriBaseId")
	})
	return marshalIndent(doc)
}

// walk calls fn on every JSON object under v.
func walk(v any, fn func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(x)
		for _, c := range x {
			walk(c, fn)
		}
	case []any:
		for _, c := range x {
			walk(c, fn)
		}
	}
}

func marshalIndent(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// MergeSARIF combines the SARIF documents of shards into one document with
// one run per tool: rules are united (result rule indexes are renumbered),
// results that several shards report (repository findings every shard
// scans) appear once, tool notifications are united, and the run's
// automation id becomes MergedCategory.
func MergeSARIF(docs [][]byte) ([]byte, error) {
	if len(docs) == 0 {
		return nil, errors.New("no SARIF documents to merge")
	}
	var base sarifDoc
	type merged struct {
		run       map[string]any
		rules     []any
		ruleIndex map[string]int
		results   []any
		seen      map[string]bool
		notes     []any
		seenNote  map[string]bool
		success   bool
		// inconclusive unites the runs' properties.inconclusive: an
		// inconclusive shard must stay visible in the merged run.
		inconclusive []any
		seenInc      map[string]bool
	}
	byTool := map[string]*merged{}
	order := []string{}
	for i, b := range docs {
		doc, runs, err := decodeSARIF(b)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		if base == nil {
			base = doc
		}
		for _, r := range runs {
			run, ok := r.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("document %d: a run is not an object", i+1)
			}
			driver := getMap(getMap(run, "tool"), "driver")
			name, _ := driver["name"].(string)
			m := byTool[name]
			if m == nil {
				m = &merged{run: run, ruleIndex: map[string]int{}, seen: map[string]bool{}, seenNote: map[string]bool{}, seenInc: map[string]bool{}, success: true}
				byTool[name] = m
				order = append(order, name)
			}
			localRules, _ := driver["rules"].([]any)
			localIDs := make([]string, len(localRules))
			for j, rr := range localRules {
				rm, _ := rr.(map[string]any)
				id, _ := rm["id"].(string)
				localIDs[j] = id
				if _, ok := m.ruleIndex[id]; !ok {
					m.ruleIndex[id] = len(m.rules)
					m.rules = append(m.rules, rr)
				}
			}
			results, _ := run["results"].([]any)
			for _, res := range results {
				rm, ok := res.(map[string]any)
				if !ok {
					continue
				}
				id, _ := rm["ruleId"].(string)
				if idx, ok := rm["ruleIndex"].(float64); ok && int(idx) >= 0 && int(idx) < len(localIDs) {
					if id == "" {
						id = localIDs[int(idx)]
						rm["ruleId"] = id
					}
					rm["ruleIndex"] = m.ruleIndex[localIDs[int(idx)]]
				}
				if rule := getMap(rm, "rule"); rule != nil {
					if rid, _ := rule["id"].(string); rid != "" {
						if n, ok := m.ruleIndex[rid]; ok {
							rule["index"] = n
						}
					}
				}
				stripArtifactIndexes(rm)
				key := resultKey(rm)
				if m.seen[key] {
					continue
				}
				m.seen[key] = true
				m.results = append(m.results, rm)
			}
			incs, _ := getMap(run, "properties")["inconclusive"].([]any)
			for _, v := range incs {
				if k, _ := json.Marshal(v); !m.seenInc[string(k)] {
					m.seenInc[string(k)] = true
					m.inconclusive = append(m.inconclusive, v)
				}
			}
			invs, _ := run["invocations"].([]any)
			for _, inv := range invs {
				im, _ := inv.(map[string]any)
				if ok, isBool := im["executionSuccessful"].(bool); isBool && !ok {
					m.success = false
				}
				notes, _ := im["toolExecutionNotifications"].([]any)
				for _, n := range notes {
					k, _ := json.Marshal(n)
					if !m.seenNote[string(k)] {
						m.seenNote[string(k)] = true
						m.notes = append(m.notes, n)
					}
				}
			}
		}
	}
	runs := []any{}
	for _, name := range order {
		m := byTool[name]
		run := m.run
		driver := getMap(getMap(run, "tool"), "driver")
		if driver != nil {
			driver["rules"] = nonNil(m.rules)
		}
		run["results"] = nonNil(m.results)
		delete(run, "artifacts")
		if _, had := run["invocations"]; had || len(m.notes) > 0 {
			run["invocations"] = []any{map[string]any{
				"executionSuccessful":        m.success,
				"toolExecutionNotifications": nonNil(m.notes),
			}}
		}
		if len(m.inconclusive) > 0 {
			props := getMap(run, "properties")
			if props == nil {
				props = map[string]any{}
			}
			props["inconclusive"] = m.inconclusive
			run["properties"] = props
		}
		ad := getMap(run, "automationDetails")
		if ad == nil {
			ad = map[string]any{}
		}
		ad["id"] = MergedCategory
		run["automationDetails"] = ad
		runs = append(runs, run)
	}
	base["runs"] = runs
	return marshalIndent(base)
}

func nonNil(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}

func getMap(m map[string]any, k string) map[string]any {
	if m == nil {
		return nil
	}
	v, _ := m[k].(map[string]any)
	return v
}

func stripArtifactIndexes(v any) {
	walk(v, func(m map[string]any) {
		if al, ok := m["artifactLocation"].(map[string]any); ok {
			if _, has := al["uri"]; has {
				delete(al, "index")
			}
		}
	})
}

// resultKey identifies a result across shards: rule, fingerprints,
// locations and message.
func resultKey(r map[string]any) string {
	k := map[string]any{"ruleId": r["ruleId"], "partialFingerprints": r["partialFingerprints"],
		"locations": r["locations"], "message": r["message"], "level": r["level"]}
	b, _ := json.Marshal(k)
	return string(b)
}
