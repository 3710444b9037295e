package scan

import (
	"math/rand"
	"strings"
	"testing"
)

// TestStrideFilterKeepsAnchors checks that the anchor search with its
// stride prefilter decides exactly like the byte-at-a-time search alone,
// on random texts built from the anchors (case-mangled, cut, shifted),
// look-alikes and filler.
func TestStrideFilterKeepsAnchors(t *testing.T) {
	var lits []string
	lits = append(lits, anchors...)
	lits = append(lits, psAnchors...)
	lits = append(lits, ignoreMarker, "ServicePointManager", "System.Net", "delegate", "K", "ſetswitch", "SECURITYPROTOCOL")
	words := []string{" ", "\n", "\t", ".", "(", "x", "é", "\xff", "@", "[", "var ", "Security", "Protocol", "setSwitch", "REG ADD", "reg.exe", "protected", "validation"}
	r := rand.New(rand.NewSource(1))
	mutate := func(s string) string {
		b := []byte(s)
		for i := range b {
			if r.Intn(3) == 0 && b[i] >= 'a' && b[i] <= 'z' {
				b[i] -= 32
			}
		}
		if len(b) > 0 && r.Intn(4) == 0 {
			b = append(b[:r.Intn(len(b))], b[r.Intn(len(b)):]...)
		}
		return string(b)
	}
	type pair struct{ fast, slow *anchorSet }
	sets := []pair{
		{codeAnchors, newAnchorSet(anchors, []string{ignoreMarker})},
		{psAnchorSet, newAnchorSet(anchors, psAnchors, []string{ignoreMarker})},
	}
	for _, p := range sets {
		if p.fast.skip == nil {
			t.Fatal("the anchor set has no stride filter")
		}
		p.slow.skip = nil
	}
	checked, found, markers := 0, 0, 0
	for i := 0; i < 30000; i++ {
		var sb strings.Builder
		for n := r.Intn(16); n > 0; n-- {
			if r.Intn(3) == 0 {
				sb.WriteString(mutate(lits[r.Intn(len(lits))]))
			} else {
				sb.WriteString(words[r.Intn(len(words))])
			}
		}
		text := sb.String()
		for _, p := range sets {
			f1, m1 := p.fast.find(text)
			f2, m2 := p.slow.find(text)
			if f1 != f2 || m1 != m2 {
				t.Fatalf("find(%q) = %v,%v with the stride filter, %v,%v without", text, f1, m1, f2, m2)
			}
			checked++
			if f1 {
				found++
			}
			if m1 {
				markers++
			}
		}
	}
	if found == 0 || found == checked || markers == 0 {
		t.Fatalf("degenerate corpus: %d of %d texts had an anchor, %d a marker", found, checked, markers)
	}
}

// TestContainsMarker checks the ':'-driven marker search against
// strings.Contains.
func TestContainsMarker(t *testing.T) {
	texts := []string{"", ":", "tlsgate:ignore", "xtlsgate:ignore", "tlsgate:ignor", "lsgate:ignore", "::tlsgate::ignore",
		"// tlsgate:ignore TLS001: reason", "a: b: tlsgate:ignorex", "TLSGATE:IGNORE", "tlsgate:ignore"[:7], "tlsgate:", ":ignore tlsgate"}
	r := rand.New(rand.NewSource(2))
	parts := []string{":", "tls", "gate", "tlsgate", ":ignore", "ignore", " ", "tlsgate:ignore"}
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for n := r.Intn(6); n > 0; n-- {
			b.WriteString(parts[r.Intn(len(parts))])
		}
		texts = append(texts, b.String())
	}
	hits := 0
	for _, s := range texts {
		want := strings.Contains(s, ignoreMarker)
		if got := containsMarker(s); got != want {
			t.Fatalf("containsMarker(%q) = %v, want %v", s, got, want)
		}
		if want {
			hits++
		}
	}
	if hits == 0 || hits == len(texts) {
		t.Fatalf("degenerate corpus: %d of %d", hits, len(texts))
	}
}

// TestContainsLit checks the rare-byte search against strings.Contains.
func TestContainsLit(t *testing.T) {
	lits := []string{"SslProtocols.", "Registry", "SchUseStrongCrypto", "RemoteCertificateValidationCallback", "SslPolicyErrors, bool>",
		"CheckValidationResult", "aa", "a", "", "Vv", "..", "x.y"}
	parts := []string{"Ssl", "Protocols", ".", "Registry", "Regis", "try", "SslPolicyErrors", ", ", "bool>", "CheckValidation", "Result",
		"a", "V", "v", " ", "\n", "Remote", "CertificateValidationCallback", "x", "y"}
	r := rand.New(rand.NewSource(3))
	hits, n := 0, 0
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for k := r.Intn(10); k > 0; k-- {
			b.WriteString(parts[r.Intn(len(parts))])
		}
		text := b.String()
		for _, lit := range lits {
			want := strings.Contains(text, lit)
			if got := containsLit(text, lit); got != want {
				t.Fatalf("containsLit(%q, %q) = %v, want %v", text, lit, got, want)
			}
			n++
			if want {
				hits++
			}
		}
	}
	if hits == 0 || hits == n {
		t.Fatalf("degenerate corpus: %d of %d", hits, n)
	}
}
