// Package report renders a finding.Report (and the gate's decision) in the
// output formats of CONTRACTS.md. Each format lives in its own file; New is
// the one place that maps a --format name to a renderer.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// Renderer writes a report to w. Renderers never open files.
type Renderer interface {
	Render(w io.Writer, r *finding.Report) error
}

// Options tune a renderer.
type Options struct {
	// Color enables ANSI colour in the text format (only on a terminal).
	Color bool
	// AutomationID is the SARIF run's automationDetails.id, e.g.
	// "tlsgate/shard-2-of-4/" for one shard of a matrix, so code scanning
	// keeps each shard's upload apart ("" = none).
	AutomationID string
}

// renderers maps each --format name to its constructor. Adding a format is
// one entry here and one file.
var renderers = map[string]func(Options) Renderer{
	"text":  func(o Options) Renderer { return &textRenderer{color: o.Color} },
	"json":  func(Options) Renderer { return jsonRenderer{} },
	"sarif": func(o Options) Renderer { return sarifRenderer{automationID: o.AutomationID} },
}

// Formats lists the valid --format names, sorted.
func Formats() []string {
	out := make([]string, 0, len(renderers))
	for k := range renderers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// New returns the renderer for format with default options.
func New(format string) (Renderer, error) { return NewWith(format, Options{}) }

// NewWith returns the renderer for format, or an error listing the valid names.
func NewWith(format string, o Options) (Renderer, error) {
	mk, ok := renderers[strings.ToLower(strings.TrimSpace(format))]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (valid: %s)", format, strings.Join(Formats(), ", "))
	}
	return mk(o), nil
}

// endpointURI is how an endpoint finding is located in SARIF and text:
// tls://host:port (documented in docs/scan.md).
func endpointURI(e *finding.Endpoint) string {
	return "tls://" + e.Target
}
