package pkggen

import (
	"fmt"
	"strings"
)

// Formats is the ordered list of --format tokens, in the order the
// generators run. The Generator values themselves are in package
// pkggen/generators (a file of package pkggen cannot import pkggen/reg or
// pkggen/gpo, which import pkggen: that would be an import cycle).
func Formats() []string {
	return []string{"reg", "gpo", "admx", "ps1", "intune", "exe", "msi"}
}

// DefaultFormats are the formats that need no extra tool (CONTRACTS.md).
func DefaultFormats() []string { return []string{"reg", "gpo", "admx", "ps1", "intune"} }

// ParseFormats turns a --format value ("reg,ps1", "all") into the ordered,
// de-duplicated list of tokens. An empty value means DefaultFormats.
func ParseFormats(value string) ([]string, error) {
	if strings.TrimSpace(value) == "" {
		return DefaultFormats(), nil
	}
	want := map[string]bool{}
	for _, f := range strings.Split(value, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch {
		case f == "":
			continue
		case f == "all":
			for _, x := range Formats() {
				want[x] = true
			}
		case contains(Formats(), f):
			want[f] = true
		default:
			return nil, fmt.Errorf("unknown format %q (want a comma list of %s, or all)", f, strings.Join(Formats(), ", "))
		}
	}
	var out []string
	for _, f := range Formats() {
		if want[f] {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--format %q names no format", value)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
