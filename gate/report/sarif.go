package report

import (
	"encoding/json"
	"io"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// SarifSchema is the $schema URI written into SARIF logs.
const SarifSchema = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"

// FingerprintKey is the partialFingerprints key of tlsgate results.
const FingerprintKey = "tlsgateFingerprint/v1"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool               `json:"tool"`
	AutomationDetails *sarifAutomationDetails `json:"automationDetails,omitempty"`
	Invocations       []sarifInvocation       `json:"invocations"`
	Results           []sarifResult           `json:"results"`
	Properties        map[string]any          `json:"properties,omitempty"`
}

// sarifAutomationDetails identifies the run's category for code scanning.
type sarifAutomationDetails struct {
	ID string `json:"id"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifMessage   `json:"shortDescription"`
	FullDescription      sarifMessage   `json:"fullDescription"`
	Help                 sarifMessage   `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifRuleConf  `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Descriptor sarifDescriptor `json:"descriptor"`
	Level      string          `json:"level"`
	Message    sarifMessage    `json:"message"`
	Locations  []sarifLocation `json:"locations,omitempty"`
}

type sarifDescriptor struct {
	ID string `json:"id"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical  `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalL `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int           `json:"startLine"`
	StartColumn int           `json:"startColumn,omitempty"`
	EndLine     int           `json:"endLine,omitempty"`
	EndColumn   int           `json:"endColumn,omitempty"`
	Snippet     *sarifMessage `json:"snippet,omitempty"`
}

type sarifLogicalL struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

// sarifRenderer writes SARIF 2.1.0: one run, every rule's metadata in
// tool.driver, results with one location each, tool notifications in
// invocations[0].toolExecutionNotifications (never among the results).
//
// A file finding's location is its repository-relative path (uriBaseId
// %SRCROOT%) with the full region. An endpoint finding has no file: its
// location is the URI tls://host:port plus a logical location naming the
// endpoint.
type sarifRenderer struct {
	automationID string
}

func (sr sarifRenderer) Render(w io.Writer, r *finding.Report) error {
	rules := r.Rules
	index := map[string]int{}
	driver := sarifDriver{Name: toolName(r), Version: toolVersion(r), InformationURI: "https://github.com/tlsgate/tlsgate", Rules: []sarifRule{}}
	for _, ru := range rules {
		index[ru.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, ruleOf(ru))
	}
	// rules referenced by findings but missing from the table still get an entry
	for _, f := range r.Findings {
		if _, ok := index[f.RuleID]; !ok {
			index[f.RuleID] = len(driver.Rules)
			driver.Rules = append(driver.Rules, ruleOf(finding.Rule{ID: f.RuleID, Name: strings.ToLower(f.RuleID), Short: f.RuleID, DefaultLevel: f.Level}))
		}
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: driver},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: []sarifNotification{}}},
		Results:     []sarifResult{},
	}
	if sr.automationID != "" {
		run.AutomationDetails = &sarifAutomationDetails{ID: sr.automationID}
	}
	for _, n := range r.Notifications {
		sn := sarifNotification{Descriptor: sarifDescriptor{ID: n.RuleID}, Level: levelName(n.Level), Message: sarifMessage{Text: n.Message}}
		if n.Location.Path != "" {
			sn.Locations = []sarifLocation{fileLocation(n.Location, "")}
		}
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sn)
	}
	for _, f := range r.Findings {
		res := sarifResult{
			RuleID: f.RuleID, RuleIndex: index[f.RuleID], Level: levelName(f.Level),
			Message:             sarifMessage{Text: resultMessage(f)},
			PartialFingerprints: map[string]string{FingerprintKey: fingerprintOf(f)},
		}
		switch {
		case f.Location.Path != "":
			res.Locations = []sarifLocation{fileLocation(f.Location, f.Snippet)}
		case f.Endpoint != nil:
			res.Locations = []sarifLocation{{
				PhysicalLocation: &sarifPhysical{ArtifactLocation: sarifArtifact{URI: endpointURI(f.Endpoint)}},
				LogicalLocations: []sarifLogicalL{{Name: f.Endpoint.Target, FullyQualifiedName: endpointURI(f.Endpoint), Kind: "resource"}},
			}}
		default:
			res.Locations = []sarifLocation{}
		}
		if s := f.Suppression; s != nil {
			kind := "external"
			if s.Kind == "inline" || s.Kind == "analyzer" {
				kind = "inSource"
			}
			just := s.Reason
			if s.Expires != "" {
				just += " (expires " + s.Expires + ")"
			}
			res.Suppressions = []sarifSuppression{{Kind: kind, Status: "accepted", Justification: just}}
		}
		props := map[string]any{}
		if f.Fix != "" {
			props["fix"] = f.Fix
		}
		if f.Application != "" {
			props["application"] = f.Application
		}
		if f.Note != "" {
			props["note"] = f.Note
		}
		if len(f.Evidence) > 0 {
			var ev []string
			for _, s := range f.Evidence {
				if l := s.Location.String(); l != "" {
					ev = append(ev, l+": "+s.Text)
				} else {
					ev = append(ev, s.Text)
				}
			}
			props["evidence"] = ev
		}
		if len(props) > 0 {
			res.Properties = props
		}
		run.Results = append(run.Results, res)
	}
	if len(r.Inconclusive) > 0 {
		run.Properties = map[string]any{"inconclusive": r.Inconclusive}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: SarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

func toolName(r *finding.Report) string {
	if r.Tool.Name != "" {
		return r.Tool.Name
	}
	return "tlsgate"
}

func toolVersion(r *finding.Report) string {
	if r.Tool.Version != "" {
		return r.Tool.Version
	}
	return "devel"
}

func resultMessage(f finding.Finding) string {
	m := f.Message
	if f.Note != "" {
		m += " (" + f.Note + ")"
	}
	return m
}

func fingerprintOf(f finding.Finding) string {
	if f.Fingerprint != "" {
		return f.Fingerprint
	}
	f.SetFingerprint()
	return f.Fingerprint
}

func fileLocation(l finding.Location, snippet string) sarifLocation {
	p := &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uriEscape(l.Path), URIBaseID: "%SRCROOT%"}}
	if l.StartLine > 0 {
		reg := &sarifRegion{StartLine: l.StartLine, StartColumn: l.StartCol, EndLine: l.EndLine, EndColumn: l.EndCol}
		if reg.StartColumn <= 0 {
			reg.StartColumn = 1
		}
		if reg.EndLine < reg.StartLine {
			reg.EndLine = reg.StartLine
		}
		if reg.EndColumn <= 0 || reg.EndLine == reg.StartLine && reg.EndColumn < reg.StartColumn {
			reg.EndColumn = reg.StartColumn
		}
		if snippet != "" {
			reg.Snippet = &sarifMessage{Text: snippet}
		}
		p.Region = reg
	}
	return sarifLocation{PhysicalLocation: p}
}

// uriEscape percent-encodes the characters a relative URI reference cannot
// carry literally (spaces, %, #, ?, brackets, controls), keeping slashes
// and non-ASCII letters as they are (an IRI, as SARIF consumers expect).
func uriEscape(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == ' ' || c == '%' || c == '#' || c == '?' || c == '[' || c == ']' || c < 0x20 || c == 0x7f:
			b.WriteString("%" + strings.ToUpper(hex2(c)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func hex2(c byte) string {
	const h = "0123456789abcdef"
	return string([]byte{h[c>>4], h[c&15]})
}

func levelName(s finding.Severity) string {
	switch s {
	case finding.Error, finding.Warning, finding.Note:
		return s.String()
	}
	return "none"
}

func ruleOf(r finding.Rule) sarifRule {
	full := r.Help
	if full == "" {
		full = r.Short
	}
	help := full
	md := "**" + r.Short + "**\n\n" + full
	if r.Fix != "" {
		help += "\n\nFix: " + r.Fix
		md += "\n\n**Fix:** " + r.Fix
	}
	props := map[string]any{}
	if len(r.Tags) > 0 {
		props["tags"] = r.Tags
	}
	if r.SecuritySeverity != "" {
		props["security-severity"] = r.SecuritySeverity
	}
	if r.Fix != "" {
		props["fix"] = r.Fix
	}
	lvl := levelName(r.DefaultLevel)
	if lvl == "none" {
		lvl = "note"
	}
	sr := sarifRule{
		ID: r.ID, Name: r.Name,
		ShortDescription: sarifMessage{Text: r.Short}, FullDescription: sarifMessage{Text: full},
		Help: sarifMessage{Text: help, Markdown: md}, HelpURI: r.HelpURI,
		DefaultConfiguration: sarifRuleConf{Level: lvl},
	}
	if len(props) > 0 {
		sr.Properties = props
	}
	return sr
}
