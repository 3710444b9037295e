// Package templates holds the embedded text/template sources of the package
// generator, one folder per format: reg/, ps1/, intune/, bundle/ (README),
// gpo/, admx/, msi/. It sits at the top level because go:embed cannot reach
// a parent directory.
//
// The embed pattern takes every folder under this one (all: also keeps files
// starting with "." or "_"), so a new format only adds a folder.
package templates

import (
	"embed"
	"fmt"
	"io/fs"
	"text/template"
)

// FS is every template folder.
//
//go:embed all:*
var FS embed.FS

// Parse parses every file matching pattern (e.g. "ps1/*.tmpl") once; see
// ParseMany.
func Parse(pattern string, funcs template.FuncMap) (*template.Template, error) {
	return ParseMany(funcs, pattern)
}

// ParseMany parses every file matching the patterns (e.g. "ps1/*.tmpl") into
// one template set, once, with missingkey=error so a misspelt field fails
// the render instead of writing "<no value>". funcs may be nil. Escaping is
// the caller's job: each format passes its own escape functions (.reg
// strings, PowerShell single quotes, XML) through funcs and calls them
// explicitly in the templates.
func ParseMany(funcs template.FuncMap, patterns ...string) (*template.Template, error) {
	for _, p := range patterns {
		names, err := fs.Glob(FS, p)
		if err != nil {
			return nil, fmt.Errorf("templates %q: %w", p, err)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("templates %q: no file matches", p)
		}
	}
	t := template.New("").Option("missingkey=error")
	if funcs != nil {
		t = t.Funcs(funcs)
	}
	return t.ParseFS(FS, patterns...)
}

// Must panics when err is not nil; for package-level parses whose input is
// embedded at build time (a test parses every folder, so a broken template
// fails the tests, not a user's run).
func Must(t *template.Template, err error) *template.Template {
	if err != nil {
		panic(err)
	}
	return t
}
