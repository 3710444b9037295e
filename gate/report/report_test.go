package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/rules"
	"github.com/tlsgate/tlsgate/internal/golden"
)

// sampleReport has a file finding, a suppressed one, an expired-suppression
// note, an endpoint finding and tool notifications.
func sampleReport() *finding.Report {
	fs := []finding.Finding{
		{RuleID: "TLS001", Level: finding.Error, Message: "ServicePointManager.SecurityProtocol enables deprecated TLS 1.0",
			Location: finding.Location{Path: "src/App Start/Global.asax.cs", StartLine: 12, StartCol: 13, EndLine: 14, EndCol: 40},
			Snippet:  "ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls | SecurityProtocolType.Tls12;", Fix: rules.Fix("TLS001"), Application: "Web"},
		{RuleID: "TLS006", Level: finding.Error, Message: "certificate validation callback accepts every certificate",
			Location:    finding.Location{Path: "deploy.ps1", StartLine: 3, StartCol: 1, EndLine: 3, EndCol: 70},
			Snippet:     "[Net.ServicePointManager]::ServerCertificateValidationCallback = { $true }",
			Suppression: &finding.Suppression{Kind: "inline", Reason: "lab only", Source: "deploy.ps1:2"}},
		{RuleID: "TLS003", Level: finding.Warning, Message: "pinned to TLS 1.2", Note: "its suppression expired on 2025-01-01 (.tlsgate.yml:7)",
			Location: finding.Location{Path: "src/Net.cs", StartLine: 5, StartCol: 9, EndLine: 5, EndCol: 60},
			Evidence: []finding.Step{{Location: finding.Location{Path: "src/App.csproj", StartLine: 6}, Text: "targets 4.8"}}},
		{RuleID: "TLS101", Level: finding.Error, Message: "endpoint accepts TLS 1.0",
			Endpoint: &finding.Endpoint{Target: "legacy.example.com:443", Address: "127.0.0.1:443"}},
	}
	for i := range fs {
		fs[i].SetFingerprint()
	}
	return &finding.Report{
		SchemaVersion: 1,
		Tool:          finding.Tool{Name: "tlsgate", Version: "v1.2.3"},
		Findings:      finding.Sort(fs),
		Applications:  []finding.Application{{Name: "Web", ProjectFile: "src/Web.csproj", Kind: "web", Runtime: "netfx", EffectiveTarget: "4.0", OfferedProtocols: map[string][]finding.Protocol{finding.StateAsShipped: {finding.TLS10}}}},
		Notifications: []finding.Notification{
			{RuleID: rules.SkippedBinary, Level: finding.Note, Message: "file skipped: binary content", Location: finding.Location{Path: "lib/blob.cs"}},
			{RuleID: rules.SuppressionUnused, Level: finding.Note, Message: "unused suppression"},
		},
		Rules: rules.All(),
	}
}

func render(t *testing.T, format string, r *finding.Report) []byte {
	t.Helper()
	rd, err := New(format)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rd.Render(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestNewUnknownFormatListsNames(t *testing.T) {
	_, err := New("xml")
	if err == nil || !strings.Contains(err.Error(), "json, sarif, text") {
		t.Fatalf("err = %v, want the valid names listed", err)
	}
}

func TestTextGolden(t *testing.T) {
	golden.Check(t, filepath.Join("testdata", "report.txt"), render(t, "text", sampleReport()))
}

func TestTextColourOnlyWhenAsked(t *testing.T) {
	plain := render(t, "text", sampleReport())
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Fatal("escape codes without colour")
	}
	rd, _ := NewWith("text", Options{Color: true})
	var b bytes.Buffer
	if err := rd.Render(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte(ansiDim)) || !bytes.Contains(b.Bytes(), []byte(ansiRed)) {
		t.Fatal("colour output lacks red errors or dimmed suppressed findings")
	}
}

func TestJSONShape(t *testing.T) {
	out := render(t, "json", sampleReport())
	var m map[string]json.RawMessage
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "tool", "findings", "applications", "notifications"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
	if string(m["schema_version"]) != "1" {
		t.Errorf("schema_version = %s", m["schema_version"])
	}
	var back finding.Report
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Findings) != 4 || back.Findings[1].Level != finding.Error || back.Findings[0].Endpoint == nil {
		t.Fatalf("round trip lost data: %+v", back.Findings)
	}
	// empty report: arrays, never null
	empty := render(t, "json", &finding.Report{})
	if bytes.Contains(empty, []byte("null")) {
		t.Fatalf("empty report has null: %s", empty)
	}
}

func compileSARIF(t *testing.T) *jsonschema.Schema {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", "sarif-2.1.0-rtm.5.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	doc, err := jsonschema.UnmarshalJSON(fh)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := compileSARIF(t)
	for name, r := range map[string]*finding.Report{"sample": sampleReport(), "empty": {Rules: rules.All()}} {
		out := render(t, "sarif", r)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", name, err)
		}
	}
	// the validator does reject a broken log (a test that cannot fail is a defect)
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[{"level":"fatal"}]}]}`))
	if err := sch.Validate(bad); err == nil {
		t.Fatal("schema accepted an invalid log")
	}
}

func TestSARIFContent(t *testing.T) {
	var log sarifLog
	if err := json.Unmarshal(render(t, "sarif", sampleReport()), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.Tool.Driver.Version != "v1.2.3" || len(run.Tool.Driver.Rules) < 19 {
		t.Fatalf("driver = %+v", run.Tool.Driver)
	}
	r1 := run.Tool.Driver.Rules[0]
	if r1.ID != "TLS001" || r1.Properties["security-severity"] == nil || r1.Properties["tags"] == nil || !strings.Contains(r1.Help.Text, "Fix:") {
		t.Fatalf("rule metadata incomplete: %+v", r1)
	}
	if len(run.Results) != 4 {
		t.Fatalf("results = %d, want 4 (notifications never among results)", len(run.Results))
	}
	if n := len(run.Invocations[0].ToolExecutionNotifications); n != 2 {
		t.Fatalf("notifications = %d", n)
	}
	var file, ep, supp *sarifResult
	for i := range run.Results {
		r := &run.Results[i]
		switch r.RuleID {
		case "TLS001":
			file = r
		case "TLS101":
			ep = r
		case "TLS006":
			supp = r
		}
	}
	loc := file.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "src/App%20Start/Global.asax.cs" || loc.Region.StartLine != 12 || loc.Region.EndColumn != 40 {
		t.Fatalf("file location = %+v %+v", loc.ArtifactLocation, loc.Region)
	}
	if file.PartialFingerprints[FingerprintKey] == "" {
		t.Fatal("no partial fingerprint")
	}
	if ep.Locations[0].PhysicalLocation.ArtifactLocation.URI != "tls://legacy.example.com:443" || ep.Locations[0].LogicalLocations[0].Name != "legacy.example.com:443" {
		t.Fatalf("endpoint location = %+v", ep.Locations[0])
	}
	if len(supp.Suppressions) != 1 || supp.Suppressions[0].Kind != "inSource" || supp.Suppressions[0].Justification != "lab only" {
		t.Fatalf("suppression = %+v", supp.Suppressions)
	}
}
