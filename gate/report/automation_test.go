package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// TestSARIFAutomationID: the option sets runs[0].automationDetails.id (one
// category per shard for code scanning); without it there is none.
func TestSARIFAutomationID(t *testing.T) {
	t.Parallel()
	rep := &finding.Report{SchemaVersion: 1, Tool: finding.Tool{Name: "tlsgate", Version: "test"}}
	for _, tc := range []struct{ id, want string }{{"tlsgate/shard-2-of-4/", "map[id:tlsgate/shard-2-of-4/]"}, {"", "<nil>"}} {
		r, err := NewWith("sarif", Options{AutomationID: tc.id})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := r.Render(&buf, rep); err != nil {
			t.Fatal(err)
		}
		var doc struct{ Runs []map[string]any }
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if got := doc.Runs[0]["automationDetails"]; fmtAny(got) != tc.want {
			t.Errorf("id %q: automationDetails %v, want %s", tc.id, got, tc.want)
		}
	}
}

func fmtAny(v any) string {
	if v == nil {
		return "<nil>"
	}
	b, _ := json.Marshal(v)
	var m map[string]string
	json.Unmarshal(b, &m)
	return "map[id:" + m["id"] + "]"
}
