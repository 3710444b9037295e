package cli

import (
	"context"
	"errors"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan"
)

// scanRepo runs the repository scanner with the gate's policy (its
// suppressions and assumed client host). An unreadable root is a usage
// error.
func scanRepo(ctx context.Context, env *Env, plan *gatePlan) (*finding.Report, error) {
	rep, err := scan.Scan(ctx, plan.root, scan.Options{Policy: plan.policy, Now: env.Now(), ToolVersion: ToolVersion()})
	if err != nil {
		if errors.Is(err, scan.ErrRoot) {
			return nil, &UsageError{err}
		}
		return nil, err
	}
	return rep, nil
}
