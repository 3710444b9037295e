package ghaction

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/verdict"
)

// Merge combines the gate reports of the shards of one run into one report:
// repository findings (which every shard reports) appear once, endpoints
// and pairs are united, and the verdict is the worst of the shards' and of
// the merged content's: fail, then inconclusive, then pass. Reports must
// share the policy and the fail-on level.
func Merge(reports []*Report) (*Report, error) {
	if len(reports) == 0 {
		return nil, errors.New("no reports to merge")
	}
	out := &Report{}
	first := reports[0]
	out.SchemaVersion = first.SchemaVersion
	out.Tool = first.Tool
	out.Policy = first.Policy
	out.FailOn = first.FailOn
	out.Host = first.Host
	out.Root = first.Root
	out.Findings = []finding.Finding{}
	out.Applications = []finding.Application{}
	out.Notifications = []finding.Notification{}
	out.Endpoints = []verdict.EndpointReport{}
	out.Pairs = []verdict.Pair{}
	out.Reasons = []string{}
	apps := map[string]bool{}
	notes := map[string]bool{}
	eps := map[string]bool{}
	pairs := map[string]bool{}
	inconclusive := map[string]bool{}
	reasons := map[string]bool{}
	worst := VerdictPass
	for i, r := range reports {
		if r.Policy != first.Policy || r.FailOn != first.FailOn {
			return nil, fmt.Errorf("report %d used policy %q with fail-on %s, report 1 policy %q with fail-on %s: shards must run with the same settings",
				i+1, r.Policy, r.FailOn, first.Policy, first.FailOn)
		}
		out.Findings = append(out.Findings, r.Findings...)
		for _, a := range r.Applications {
			if !apps[a.Name] {
				apps[a.Name] = true
				out.Applications = append(out.Applications, a)
			}
		}
		for _, n := range r.Notifications {
			if k := n.String(); !notes[k] {
				notes[k] = true
				out.Notifications = append(out.Notifications, n)
			}
		}
		for _, e := range r.Endpoints {
			if k := e.Target + "|" + e.Address; !eps[k] {
				eps[k] = true
				out.Endpoints = append(out.Endpoints, e)
			}
		}
		for _, p := range r.Pairs {
			if k := p.Application + "|" + p.Endpoint; !pairs[k] {
				pairs[k] = true
				out.Pairs = append(out.Pairs, p)
			}
		}
		for _, s := range r.Inconclusive {
			if !inconclusive[s] {
				inconclusive[s] = true
				out.Inconclusive = append(out.Inconclusive, s)
			}
		}
		for _, s := range r.Reasons {
			if r.Shard != "" {
				s = "shard " + r.Shard + ": " + s
			}
			if !reasons[s] {
				reasons[s] = true
				out.Reasons = append(out.Reasons, s)
			}
		}
		worst = worse(worst, r.V())
	}
	for i := range out.Findings {
		out.Findings[i].SetFingerprint()
	}
	out.Findings = finding.Sort(out.Findings)
	fo := out.FailOn
	if fo == finding.None {
		fo = finding.Error
	}
	out.Verdict = verdict.Outcome(worse(worst, out.computeVerdict(fo)))
	return out, nil
}

var rank = map[string]int{VerdictPass: 0, VerdictInconclusive: 1, VerdictFail: 2}

func worse(a, b string) string {
	ra, oka := rank[a]
	rb, okb := rank[b]
	if !oka {
		// An unknown verdict is never a pass.
		a, ra = VerdictInconclusive, 1
	}
	if !okb {
		b, rb = VerdictInconclusive, 1
	}
	if rb > ra {
		return b
	}
	return a
}

// CheckShards verifies that the shard labels ("K/N", "" when unknown) of
// the merged reports cover 1…N exactly once. Reports without a label are
// not checked.
func CheckShards(labels []string) error {
	n := 0
	seen := map[int]bool{}
	for _, l := range labels {
		if l == "" {
			continue
		}
		k, m, err := ParseShard(l)
		if err != nil {
			return err
		}
		l = fmt.Sprintf("%d/%d", k, m)
		if n != 0 && m != n {
			return fmt.Errorf("shard %s does not belong to a run of %d shards", l, n)
		}
		n = m
		if seen[k] {
			return fmt.Errorf("shard %s given twice", l)
		}
		seen[k] = true
	}
	if n == 0 {
		return nil
	}
	var missing []string
	for k := 1; k <= n; k++ {
		if !seen[k] {
			missing = append(missing, fmt.Sprintf("%d/%d", k, n))
		}
	}
	if len(missing) > 0 && len(seen) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("missing shard report(s) %s: an endpoint that was not probed cannot pass", strings.Join(missing, ", "))
	}
	return nil
}
