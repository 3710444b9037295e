package generators

import (
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/pkggen"
)

// The slice follows pkggen.Formats, one generator per format.
func TestOrder(t *testing.T) {
	var names []string
	for _, g := range All(Options{}) {
		names = append(names, g.Name())
	}
	if got, want := strings.Join(names, ","), strings.Join(pkggen.Formats(), ","); got != want {
		t.Errorf("generators %s, want %s", got, want)
	}
}
