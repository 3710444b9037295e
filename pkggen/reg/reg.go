// Package reg renders the settings list as regedit files: apply.reg sets
// every value, rollback.reg deletes them (Windows defaults return). Both are
// Windows Registry Editor 5.00 files, UTF-16LE with a BOM and CRLF line
// endings, and every generated file is read back by the strict parser in
// internal/regfile before it is written.
package reg

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"text/template"

	"github.com/tlsgate/tlsgate/internal/regfile"
	"github.com/tlsgate/tlsgate/pkggen"
	"github.com/tlsgate/tlsgate/pkggen/settings"
	"github.com/tlsgate/tlsgate/templates"
)

// Generator is the reg format.
type Generator struct{}

// Name implements pkggen.Generator.
func (Generator) Name() string { return "reg" }

// Skip implements pkggen.Generator.
func (Generator) Skip(b *pkggen.Bundle) string {
	if len(b.Plan.Settings) == 0 {
		return "the policy sets no registry value for this OS"
	}
	return ""
}

// Generate implements pkggen.Generator.
func (Generator) Generate(ctx context.Context, b *pkggen.Bundle) error {
	apply, rollback, err := Render(b)
	if err != nil {
		return err
	}
	if err := b.WriteFile("reg", "apply.reg", apply); err != nil {
		return err
	}
	return b.WriteFile("reg", "rollback.reg", rollback)
}

// Describe implements pkggen.Describer.
func (Generator) Describe() string {
	return "`apply.reg` sets every value of the settings list; `rollback.reg` deletes them again so Windows uses its built-in defaults. " +
		"Import with `reg import apply.reg` (or `regedit /s apply.reg`) from an elevated prompt, or in an SCCM package / startup script. " +
		"`regedit /s` reports no errors at all: check the result with `Test-TlsGate.ps1` or the exe's `check`."
}

var parsed = sync.OnceValues(func() (*template.Template, error) {
	return templates.Parse("reg/*.tmpl", template.FuncMap{"comment": regfile.Comment})
})

// LongRoot maps HKLM/HKCU to the root names .reg files need.
func LongRoot(hive string) string {
	for long, short := range regfile.Roots {
		if strings.EqualFold(short, hive) || strings.EqualFold(long, hive) {
			return long
		}
	}
	return hive
}

// Path returns the .reg key path of s: long root, Wow6432Node for View32.
func Path(s settings.Setting) string {
	full := s.FullKey()
	_, rest, _ := strings.Cut(full, `\`)
	return LongRoot(s.Hive) + `\` + rest
}

type value struct {
	Name, Reason, Line, Delete string
}

type block struct {
	Path   string
	Values []value
}

type data struct {
	Title, Product, Company, Version, Time, Policy, OS, OSName, Effect string
	Warnings                                                           []string
	Blocks                                                             []block
}

// Blocks groups the settings by key path, in the settings' order.
func blocks(ss []settings.Setting) ([]block, error) {
	var out []block
	idx := map[string]int{}
	for _, s := range ss {
		if s.Type != "REG_DWORD" {
			return nil, fmt.Errorf("reg: setting %s\\%s has type %s; only REG_DWORD is supported", s.FullKey(), s.Name, s.Type)
		}
		p := Path(s)
		i, ok := idx[strings.ToLower(p)]
		if !ok {
			i = len(out)
			idx[strings.ToLower(p)] = i
			out = append(out, block{Path: p})
		}
		v := &regfile.Value{Name: s.Name, Type: regfile.DWord, Data: []byte{byte(s.Value), byte(s.Value >> 8), byte(s.Value >> 16), byte(s.Value >> 24)}}
		d := &regfile.Value{Name: s.Name, Delete: true}
		out[i].Values = append(out[i].Values, value{Name: s.Name, Reason: s.Reason, Line: v.Format(), Delete: d.Format()})
	}
	return out, nil
}

// Render returns apply.reg and rollback.reg for the bundle, each already
// checked by the strict parser against the settings list.
func Render(b *pkggen.Bundle) (apply, rollback []byte, err error) {
	t, err := parsed()
	if err != nil {
		return nil, nil, err
	}
	bl, err := blocks(b.Plan.Settings)
	if err != nil {
		return nil, nil, err
	}
	fam, _ := settings.Family(b.Plan.OS)
	d := data{
		Title:    "tlsgate: TLS hardening for " + fam.Name,
		Product:  b.Product(),
		Company:  b.Company(),
		Version:  b.ToolVersion,
		Time:     b.Time.UTC().Format("2006-01-02T15:04:05Z"),
		Policy:   b.Plan.Policy,
		OS:       b.Plan.OS,
		OSName:   fam.Name,
		Effect:   effect(b.Plan),
		Warnings: b.Plan.Warnings,
		Blocks:   bl,
	}
	render := func(name string) ([]byte, error) {
		var sb strings.Builder
		if err := t.ExecuteTemplate(&sb, name, d); err != nil {
			return nil, fmt.Errorf("reg: render %s: %w", name, err)
		}
		return regfile.Encode(sb.String()), nil
	}
	if apply, err = render("apply.reg"); err != nil {
		return nil, nil, err
	}
	if rollback, err = render("rollback.reg"); err != nil {
		return nil, nil, err
	}
	if err := Verify(apply, b.Plan.Settings, false); err != nil {
		return nil, nil, fmt.Errorf("reg: generated apply.reg does not read back: %w", err)
	}
	if err := Verify(rollback, b.Plan.Settings, true); err != nil {
		return nil, nil, fmt.Errorf("reg: generated rollback.reg does not read back: %w", err)
	}
	return apply, rollback, nil
}

func effect(p settings.Plan) string {
	if p.NeedsReboot() {
		return "after a reboot (SChannel and WinHTTP values); .NET values when each application restarts"
	}
	return "when each application or service restarts"
}

// Verify parses a .reg file strictly (UTF-16LE, BOM, CRLF, 5.00) and checks
// that it sets (or, with rollback, deletes) exactly the settings, in order,
// and nothing else.
func Verify(data []byte, ss []settings.Setting, rollback bool) error {
	f, err := regfile.Parse(data, regfile.Options{RequireUnicode: true})
	if err != nil {
		return err
	}
	var got []string
	for _, k := range f.Keys {
		if k.Delete {
			return fmt.Errorf("line %d: unexpected key deletion [-%s]", k.Line, k.Path)
		}
		for _, v := range k.Values {
			if rollback {
				if !v.Delete {
					return fmt.Errorf("line %d: rollback sets %q instead of deleting it", v.Line, v.Name)
				}
				got = append(got, strings.ToLower(k.Path)+"|"+v.Name)
				continue
			}
			x, err := v.DWORD()
			if err != nil {
				return fmt.Errorf("line %d: %w", v.Line, err)
			}
			got = append(got, fmt.Sprintf("%s|%s|%d", strings.ToLower(k.Path), v.Name, x))
		}
	}
	var want []string
	for _, s := range ss {
		if rollback {
			want = append(want, strings.ToLower(Path(s))+"|"+s.Name)
		} else {
			want = append(want, fmt.Sprintf("%s|%s|%d", strings.ToLower(Path(s)), s.Name, s.Value))
		}
	}
	// The file groups values by key; compare as multisets in key order.
	if len(got) != len(want) {
		return fmt.Errorf("file has %d values, settings list has %d", len(got), len(want))
	}
	seen := map[string]int{}
	for _, g := range got {
		seen[g]++
	}
	for _, w := range want {
		if seen[w] == 0 {
			return fmt.Errorf("missing or wrong value %s", w)
		}
		seen[w]--
	}
	return nil
}
