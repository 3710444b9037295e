// Package ps1 renders the settings list as Windows PowerShell scripts:
// Apply-TlsGate.ps1, Test-TlsGate.ps1 and Undo-TlsGate.ps1 (usable as Group
// Policy startup scripts), and, through Render, the Intune detection and
// remediation pair of package intune.
//
// The scripts run on Windows PowerShell 3.0 and later (they stop with a
// clear message on 2.0, and use only syntax 2.0 can parse so that message
// is reached), relaunch themselves in 64-bit PowerShell from a 32-bit host,
// back up every prior value (absent ones included) as JSON under
// %ProgramData%\tlsgate before changing anything, log to the Application
// event log and a transcript, and exit 0 / 3010 / 1. Output is ASCII with
// CRLF line endings, so encoding questions never arise; user-supplied
// names become single-quoted strings (quotes doubled) and non-ASCII
// characters become [char] casts.
package ps1

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"text/template"

	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/settings"
	"github.com/tlsgate/tlsgate/templates"
)

// Generator is the ps1 format.
type Generator struct{}

// Name implements pkggen.Generator.
func (Generator) Name() string { return "ps1" }

// Skip implements pkggen.Generator.
func (Generator) Skip(b *pkggen.Bundle) string {
	if len(b.Plan.Settings) == 0 {
		return "the policy sets no registry value for this OS"
	}
	return ""
}

// Describe implements pkggen.Describer.
func (Generator) Describe() string {
	return "`Apply-TlsGate.ps1` backs up the current values and sets the settings list (`-WhatIf` shows what it would change); " +
		"`Test-TlsGate.ps1` reports every value that differs (exit 0 compliant, 1 not compliant, 2 could not read); " +
		"`Undo-TlsGate.ps1` restores the backed-up values exactly. Windows PowerShell 3.0 or later, run elevated or as a GPO startup script."
}

// Scripts of the ps1 format: file name → template.
var Scripts = []struct{ File, Template string }{
	{"Apply-TlsGate.ps1", "Apply"},
	{"Test-TlsGate.ps1", "Test"},
	{"Undo-TlsGate.ps1", "Undo"},
}

// Generate implements pkggen.Generator.
func (Generator) Generate(ctx context.Context, b *pkggen.Bundle) error {
	for _, s := range Scripts {
		data, err := Render(b, s.Template)
		if err != nil {
			return err
		}
		if err := b.WriteFile("ps1", s.File, data); err != nil {
			return err
		}
	}
	return nil
}

var parsed = sync.OnceValues(func() (*template.Template, error) {
	return templates.ParseMany(template.FuncMap{"ps": Quote, "comment": Comment}, "ps1/*.tmpl", "intune/*.tmpl")
})

// Quote returns a PowerShell expression for s that is plain ASCII: a
// single-quoted string with quotes doubled, and every character outside
// printable ASCII (including line breaks and the Unicode quotes PowerShell
// also treats as quotes) as a [char] cast, e.g. ('a' + [char]0x00E9).
func Quote(s string) string {
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, "'"+cur.String()+"'")
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r == '\'':
			cur.WriteString("''")
		case r >= 0x20 && r < 0x7f:
			cur.WriteRune(r)
		default:
			flush()
			if r > 0xffff {
				r -= 0x10000
				parts = append(parts, fmt.Sprintf("[char]0x%04X", 0xd800+(r>>10)), fmt.Sprintf("[char]0x%04X", 0xdc00+(r&0x3ff)))
			} else {
				parts = append(parts, fmt.Sprintf("[char]0x%04X", r))
			}
		}
	}
	flush()
	switch len(parts) {
	case 0:
		return "''"
	case 1:
		if strings.HasPrefix(parts[0], "'") {
			return parts[0]
		}
	}
	if !strings.HasPrefix(parts[0], "'") {
		parts = append([]string{"''"}, parts...) // string context for +
	}
	return "(" + strings.Join(parts, " + ") + ")"
}

// Comment makes s safe inside the comment-based help block: printable
// ASCII only, and none of # < > ` (which could close the block or start a
// new one); everything else becomes '?'.
func Comment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f || r == '#' || r == '<' || r == '>' || r == '`' {
			return '?'
		}
		return r
	}, s)
}

type data struct {
	Synopsis, Description, ExitCodes                    string
	Version, Time, Product, Company, Policy, OS, OSName string
	BackupName, RebootName, LogName, Verb               string
	Intune                                              bool
	Settings                                            []settings.Setting
}

var texts = map[string]struct{ Synopsis, Description, ExitCodes, Verb string }{
	"Apply": {"Applies the TLS settings of the tlsgate policy to this computer.",
		"Backs up the current values (absent ones included) to a JSON file under %ProgramData%\\tlsgate,\nthen sets every value of the settings list. Idempotent: values already\nright are left alone. -WhatIf shows what would change.",
		"0 done (nothing to do, or only app-restart values changed), 3010 done and a reboot is needed, 1 failed.", "apply"},
	"Test": {"Checks whether this computer has the TLS settings of the tlsgate policy.",
		"Reads every value of the settings list and prints each one that differs. Changes nothing.",
		"0 compliant, 1 not compliant, 2 could not read the registry.", "test"},
	"Undo": {"Restores the values Apply-TlsGate.ps1 backed up before it changed them.",
		"Reads the JSON backup under %ProgramData%\\tlsgate and restores every value exactly: values\nthat did not exist are deleted, others get their old data and type back.",
		"0 done, 3010 done and a reboot is needed, 1 failed (for example: no backup).", "undo"},
	"Detect": {"Intune Remediations detection script for the tlsgate policy.",
		"Exit 1 (not compliant: the remediation runs) when any value differs, printing what differs;\nexit 0 when compliant. Set \"Run script in 64-bit PowerShell\" to Yes in Intune (the script\nalso relaunches itself in 64-bit PowerShell).",
		"0 compliant, 1 not compliant or could not read.", "detect"},
	"Remediate": {"Intune Remediations remediation script for the tlsgate policy.",
		"Same as Apply-TlsGate.ps1 (backup to %ProgramData%\\tlsgate, then set), but exits 0 when a\nreboot is needed and says so in its output: Intune remediations must not reboot. Set \"Run\nscript in 64-bit PowerShell\" to Yes in Intune.",
		"0 done (the output says when a reboot is pending), 1 failed.", "remediate"},
}

// Render renders one script (Apply, Test, Undo, Detect, Remediate) for the
// bundle: ASCII, CRLF line endings.
func Render(b *pkggen.Bundle, script string) ([]byte, error) {
	t, err := parsed()
	if err != nil {
		return nil, err
	}
	tx, ok := texts[script]
	if !ok {
		return nil, fmt.Errorf("ps1: unknown script %q", script)
	}
	d := data{
		Synopsis: tx.Synopsis, Description: tx.Description, ExitCodes: tx.ExitCodes, Verb: tx.Verb,
		Version: b.ToolVersion, Time: b.Time.UTC().Format("2006-01-02T15:04:05Z"),
		Product: b.Product(), Company: b.Company(), Policy: b.Plan.Policy, OS: b.Plan.OS, OSName: b.OSName(),
		BackupName: "backup-" + b.FileName() + "-" + b.Plan.OS + ".json",
		RebootName: "reboot-pending-" + b.FileName() + "-" + b.Plan.OS,
		LogName:    script + "-" + b.FileName() + "-" + b.Plan.OS,
		Intune:     script == "Detect" || script == "Remediate",
		Settings:   b.Plan.Settings,
	}
	var sb strings.Builder
	if err := t.ExecuteTemplate(&sb, script, d); err != nil {
		return nil, fmt.Errorf("ps1: render %s: %w", script, err)
	}
	text := strings.ReplaceAll(sb.String(), "\r\n", "\n")
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	for i, r := range text {
		if r > 0x7e || (r < 0x20 && r != '\n' && r != '\t') {
			return nil, fmt.Errorf("ps1: %s has a non-ASCII character %U at byte %d", script, r, i)
		}
	}
	return []byte(strings.ReplaceAll(text, "\n", "\r\n")), nil
}
