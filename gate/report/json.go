package report

import (
	"encoding/json"
	"io"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// jsonRenderer writes the CONTRACTS.md envelope:
// {"schema_version":1,"tool":{…},"findings":[…],"applications":[…],"notifications":[…]}.
type jsonRenderer struct{}

func (jsonRenderer) Render(w io.Writer, r *finding.Report) error {
	out := *r
	if out.SchemaVersion == 0 {
		out.SchemaVersion = 1
	}
	if out.Findings == nil {
		out.Findings = []finding.Finding{}
	}
	if out.Applications == nil {
		out.Applications = []finding.Application{}
	}
	if out.Notifications == nil {
		out.Notifications = []finding.Notification{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
