package policy

import (
	"errors"
	"testing"
)

// FuzzParse: any input either parses or fails with a located *Error; it
// never panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"extends: strict\n", "client:\n  os: win7\n", "suppressions:\n  - rule: TLS001\n    path: x\n    reason: r\n",
		"endpoints:\n  - url: https://a.example\n", "min_version: [\n", "a: &x 1\nb: *x\n", "certificate: {min_rsa_bits: 1}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("f.yml", data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *policy.Error", err)
			}
			return
		}
		if p == nil || !contains(OSFamilies(), p.Client.OS) {
			t.Fatalf("parsed policy without a valid host: %+v", p)
		}
	})
}
