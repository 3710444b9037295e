package discover

import (
	"testing"

	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// FuzzFiles: discovery never panics on malformed configuration files, and
// every location lies inside the file.
func FuzzFiles(f *testing.F) {
	f.Add(webConfig, appSettings)
	f.Add(`<configuration><appSettings><add value="https://#{x}#:1"/>`, `{"a": ["https://[::1]:443"], "ConnectionStrings": {"x": "Host=h;SslMode=Require"}}`)
	f.Fuzz(func(t *testing.T, xmlText, jsonText string) {
		files := []*source.File{file("a/Web.config", xmlText), file("a/appsettings.json", jsonText), file("a/S.settings", xmlText)}
		for _, e := range Files(files, nil) {
			var text string
			for _, fl := range files {
				if fl.Path == e.Location.Path {
					text = fl.Text
				}
			}
			if e.Location.StartLine < 1 || e.Location.StartLine > len(text)+1 {
				t.Fatalf("location %v outside the file", e.Location)
			}
			if e.Probeable && e.Target == "" {
				t.Fatalf("probeable without a target: %+v", e)
			}
		}
	})
}
