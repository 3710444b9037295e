// Package generators holds the ordered generator slice of the package
// pipeline (STYLE.md C24). It is a package of its own because a file of
// package pkggen cannot import the generator packages, which import pkggen.
//
// To add a format: one line in All, in pkggen.Formats order, with a comment
// saying why it sits there.
package generators

import (
	"context"

	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/admx"
	"github.com/tlsgate/tlsgate/pkggen/exe"
	"github.com/tlsgate/tlsgate/pkggen/gpo"
	"github.com/tlsgate/tlsgate/pkggen/intune"
	"github.com/tlsgate/tlsgate/pkggen/msi"
	"github.com/tlsgate/tlsgate/pkggen/ps1"
	"github.com/tlsgate/tlsgate/pkggen/reg"
)

// Options carry the command-line settings some generators need.
type Options struct {
	// SignPKCS12 and SignPassword sign the exe (--sign-pkcs12,
	// --sign-pass-env); empty: unsigned.
	SignPKCS12   string
	SignPassword string
}

// All returns the generators in pipeline order.
func All(o Options) []pkggen.Generator {
	return []pkggen.Generator{
		reg.Generator{},    // reg: first — the plainest rendering of the settings list, and the rollback every other format's docs point to
		gpo.Generator{},    // gpo: GPP Registry.xml, the Import-GPO backup and Registry.pol; right after reg, the same values for domain-wide deployment
		admx.Generator{},   // admx: ADMX/ADML for the central store; after gpo, whose docs it shares, and before the script formats
		ps1.Generator{},    // ps1: Apply/Test/Undo scripts; after the declarative formats, since it also serves GPO startup scripts
		intune.Generator{}, // intune: detection/remediation pair, built from the ps1 templates
		exe.New(exe.Options{SignPKCS12: o.SignPKCS12, SignPassword: o.SignPassword}), // exe: the signed-ready applier, needs the Go toolchain
		msi.New(msi.Options{}), // msi: needs wixl, last because it is the slowest and most tool-dependent
	}
}

// Run is pkggen.Run with opts.Generators defaulted to All.
func Run(ctx context.Context, opts pkggen.Options) ([]*pkggen.Bundle, error) {
	if opts.Generators == nil {
		opts.Generators = All(Options{})
	}
	return pkggen.Run(ctx, opts)
}
