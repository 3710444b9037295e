package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/verdict"
)

// SARIF 2.1.0 shapes used by GateSARIF (prefixed so they cannot collide
// with the scan renderer's).
type gsarifLog struct {
	Schema  string      `json:"$schema"`
	Version string      `json:"version"`
	Runs    []gsarifRun `json:"runs"`
}

type gsarifRun struct {
	Tool        gsarifTool         `json:"tool"`
	Invocations []gsarifInvocation `json:"invocations"`
	Results     []gsarifResult     `json:"results"`
	Properties  map[string]any     `json:"properties,omitempty"`
}

type gsarifTool struct {
	Driver gsarifDriver `json:"driver"`
}

type gsarifDriver struct {
	Name           string       `json:"name"`
	Version        string       `json:"version"`
	InformationURI string       `json:"informationUri"`
	Rules          []gsarifRule `json:"rules"`
}

type gsarifText struct {
	Text string `json:"text"`
}

type gsarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     gsarifText     `json:"shortDescription"`
	FullDescription      gsarifText     `json:"fullDescription"`
	Help                 gsarifText     `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type gsarifInvocation struct {
	ExecutionSuccessful        bool                 `json:"executionSuccessful"`
	ToolExecutionNotifications []gsarifNotification `json:"toolExecutionNotifications"`
}

type gsarifNotification struct {
	Descriptor gsarifRef         `json:"descriptor"`
	Level      string            `json:"level"`
	Message    gsarifText        `json:"message"`
	Locations  []gsarifLocation  `json:"locations,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
}

type gsarifRef struct {
	ID string `json:"id"`
}

type gsarifResult struct {
	RuleID              string             `json:"ruleId"`
	Level               string             `json:"level"`
	Message             gsarifText         `json:"message"`
	Locations           []gsarifLocation   `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []gsarifSuppressed `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type gsarifSuppressed struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

type gsarifLocation struct {
	PhysicalLocation *gsarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []gsarifLogical `json:"logicalLocations,omitempty"`
	Message          *gsarifText     `json:"message,omitempty"`
	Properties       map[string]any  `json:"properties,omitempty"`
}

type gsarifPhysical struct {
	ArtifactLocation gsarifArtifact `json:"artifactLocation"`
	Region           *gsarifRegion  `json:"region,omitempty"`
}

type gsarifArtifact struct {
	URI string `json:"uri"`
}

type gsarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type gsarifLogical struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// GateSARIF renders a gate decision as SARIF 2.1.0: one run whose driver
// lists every rule (repository, endpoint and compatibility), every finding
// as a result (suppressed ones with a suppressions entry), endpoint and
// pair results with the endpoint as a logical location, and tool
// notifications plus every inconclusive target under
// invocations[0].toolExecutionNotifications.
func GateSARIF(w io.Writer, d *verdict.Decision) error {
	run := gsarifRun{
		Tool: gsarifTool{Driver: gsarifDriver{Name: "tlsgate", Version: d.Tool.Version,
			InformationURI: "https://github.com/tlsgate/tlsgate", Rules: []gsarifRule{}}},
		Results:    []gsarifResult{},
		Properties: map[string]any{"verdict": string(d.Verdict), "policy": d.Policy},
	}
	if run.Tool.Driver.Version == "" {
		run.Tool.Driver.Version = "devel"
	}
	seen := map[string]bool{}
	for _, r := range append(append([]finding.Rule(nil), d.Rules...), verdict.NotificationRules()...) {
		if seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		props := map[string]any{}
		if len(r.Tags) > 0 {
			props["tags"] = r.Tags
		}
		if r.SecuritySeverity != "" {
			props["security-severity"] = r.SecuritySeverity
		}
		help := r.Help
		if r.Fix != "" {
			help = strings.TrimSpace(help + " Fix: " + r.Fix)
		}
		if help == "" {
			help = r.Short
		}
		lvl := r.DefaultLevel.String()
		if r.DefaultLevel == finding.None {
			lvl = "note"
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, gsarifRule{
			ID: r.ID, Name: r.Name, ShortDescription: gsarifText{r.Short}, FullDescription: gsarifText{orText(r.Help, r.Short)},
			Help: gsarifText{help}, HelpURI: r.HelpURI, DefaultConfiguration: map[string]any{"level": lvl}, Properties: props,
		})
	}
	for _, f := range d.Findings {
		res := gsarifResult{RuleID: f.RuleID, Level: f.Level.String(), Message: gsarifText{resultText(f)},
			PartialFingerprints: map[string]string{"tlsgateFingerprint/v1": f.Fingerprint}, Locations: []gsarifLocation{}}
		loc := gsarifLocation{}
		if f.Location.Path != "" {
			loc.PhysicalLocation = &gsarifPhysical{ArtifactLocation: gsarifArtifact{URI: f.Location.Path}}
			if f.Location.StartLine > 0 {
				loc.PhysicalLocation.Region = &gsarifRegion{StartLine: f.Location.StartLine, StartColumn: f.Location.StartCol,
					EndLine: f.Location.EndLine, EndColumn: f.Location.EndCol}
			}
		}
		if f.Endpoint != nil {
			loc.LogicalLocations = []gsarifLogical{{Name: f.Endpoint.Target, Kind: "endpoint"}}
			res.Properties = map[string]any{"endpoint": f.Endpoint.Target}
			if f.Application != "" {
				res.Properties["application"] = f.Application
			}
		}
		res.Locations = append(res.Locations, loc)
		if f.Suppression != nil {
			kind := "external"
			if f.Suppression.Kind == "inline" || f.Suppression.Kind == "analyzer" {
				kind = "inSource"
			}
			res.Suppressions = []gsarifSuppressed{{Kind: kind, Justification: f.Suppression.Reason}}
		}
		run.Results = append(run.Results, res)
	}
	inv := gsarifInvocation{ExecutionSuccessful: true, ToolExecutionNotifications: []gsarifNotification{}}
	for _, n := range d.Notifications {
		gn := gsarifNotification{Descriptor: gsarifRef{n.RuleID}, Level: sarifLevel(n.Level), Message: gsarifText{n.Message}}
		if n.Location.Path != "" {
			pl := &gsarifPhysical{ArtifactLocation: gsarifArtifact{URI: n.Location.Path}}
			if n.Location.StartLine > 0 {
				pl.Region = &gsarifRegion{StartLine: n.Location.StartLine, StartColumn: n.Location.StartCol}
			}
			gn.Locations = []gsarifLocation{{PhysicalLocation: pl}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, gn)
	}
	for _, t := range d.Inconclusive {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, gsarifNotification{
			Descriptor: gsarifRef{verdict.NoteInconclusive}, Level: "warning",
			Message:    gsarifText{fmt.Sprintf("inconclusive: %s (an inconclusive result is never a pass)", t)},
			Properties: map[string]string{"target": t}})
	}
	run.Invocations = []gsarifInvocation{inv}
	log := gsarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []gsarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func resultText(f finding.Finding) string {
	s := f.Message
	if f.Fix != "" {
		s += ". Fix: " + f.Fix
	}
	if f.Note != "" {
		s += " (" + f.Note + ")"
	}
	return s
}

func orText(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error, finding.Warning, finding.Note:
		return s.String()
	}
	return "note"
}
