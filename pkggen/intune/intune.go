// Package intune renders the Intune Remediations pair: a detection script
// (exit 1 when any value differs, printing what differs) and a remediation
// script (the Apply script that exits 0 when a reboot is pending, because
// remediations must not reboot). Both are UTF-8 without a BOM — in fact
// plain ASCII — as Intune asks when signature checking is on.
package intune

import (
	"context"

	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/ps1"
)

// Generator is the intune format.
type Generator struct{}

// Name implements pkggen.Generator.
func (Generator) Name() string { return "intune" }

// Skip implements pkggen.Generator.
func (Generator) Skip(b *pkggen.Bundle) string {
	if len(b.Plan.Settings) == 0 {
		return "the policy sets no registry value for this OS"
	}
	return ""
}

// Describe implements pkggen.Describer.
func (Generator) Describe() string {
	return "The Intune Remediations pair. In Intune: Devices > Scripts and remediations > Create; detection script " +
		"`intune/Detect-TlsGate.ps1`, remediation script `intune/Remediate-TlsGate.ps1`; " +
		"**Run this script using the logged-on credentials: No**; **Run script in 64-bit PowerShell: Yes** " +
		"(with the default No, the script runs in 32-bit PowerShell where HKLM\\SOFTWARE means Wow6432Node; the scripts relaunch in 64-bit as a safeguard)."
}

// Generate implements pkggen.Generator.
func (Generator) Generate(ctx context.Context, b *pkggen.Bundle) error {
	for _, s := range []struct{ file, script string }{
		{"intune/Detect-TlsGate.ps1", "Detect"},
		{"intune/Remediate-TlsGate.ps1", "Remediate"},
	} {
		data, err := ps1.Render(b, s.script)
		if err != nil {
			return err
		}
		if err := b.WriteFile("intune", s.file, data); err != nil {
			return err
		}
	}
	return nil
}
