package probe_test

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/internal/testsrv"
)

func TestCertFacts(t *testing.T) {
	pki := testsrv.NewPKI(t)
	roots := x509.NewCertPool()
	roots.AddCert(pki.Root)
	tests := []struct {
		name  string
		leaf  testsrv.LeafOptions
		roots *x509.CertPool
		host  string
		shift time.Duration // the clock relative to just after the leaf is made
		check func(c *probe.Certificate) bool
	}{
		{"valid", testsrv.LeafOptions{}, roots, "localhost", 0, func(c *probe.Certificate) bool {
			return c.ChainValid && c.HostnameMatch && !c.Expired && c.DaysToExpiry == 89 && c.ChainLength == 2 && c.KeyType == "RSA" && c.KeyBits == 2048 && !c.WeakSignature && !c.MissingIntermediate
		}},
		{"ip san", testsrv.LeafOptions{}, roots, "::1", 0, func(c *probe.Certificate) bool { return c.HostnameMatch && len(c.IPAddresses) == 2 }},
		{"wrong host", testsrv.LeafOptions{}, roots, "other.example", 0, func(c *probe.Certificate) bool { return !c.HostnameMatch && c.ChainValid }},
		{"expired", testsrv.LeafOptions{Expired: true}, roots, "localhost", 0, func(c *probe.Certificate) bool {
			return c.Expired && !c.ChainValid && c.DaysToExpiry == -10 && c.ChainError != ""
		}},
		{"not yet valid", testsrv.LeafOptions{}, roots, "localhost", -72 * time.Hour, func(c *probe.Certificate) bool {
			return c.NotYetValid && !c.ChainValid && !c.Expired
		}},
		{"untrusted root, complete chain", testsrv.LeafOptions{}, x509.NewCertPool(), "localhost", 0, func(c *probe.Certificate) bool {
			return !c.ChainValid && !c.MissingIntermediate
		}},
		{"missing intermediate", testsrv.LeafOptions{NoIntermediate: true}, roots, "localhost", 0, func(c *probe.Certificate) bool {
			return !c.ChainValid && c.MissingIntermediate && c.ChainLength == 1
		}},
		{"self-signed", testsrv.LeafOptions{SelfSigned: true}, roots, "localhost", 0, func(c *probe.Certificate) bool {
			return c.SelfSigned && !c.ChainValid && !c.MissingIntermediate
		}},
		{"rsa-1024 sha-1", testsrv.LeafOptions{RSABits: 1024, SHA1: true}, roots, "localhost", 0, func(c *probe.Certificate) bool {
			return c.WeakSignature && c.KeyBits == 1024 && c.SignatureAlgorithm == "SHA1-RSA" && !c.ChainValid && !c.MissingIntermediate
		}},
		{"ecdsa", testsrv.LeafOptions{ECDSA: true}, roots, "localhost", 0, func(c *probe.Certificate) bool {
			return c.KeyType == "ECDSA" && c.KeyBits == 256 && c.ChainValid && c.SignatureAlgorithm == "ECDSA-SHA256"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert := pki.Leaf(tt.leaf)
			now := time.Now().Add(tt.shift)
			c, err := probe.CertFacts(cert.Certificate, probe.CertOptions{Roots: tt.roots, Name: tt.host, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("unexpected facts: %+v", *c)
			}
		})
	}
	if _, err := probe.CertFacts(nil, probe.CertOptions{}); err == nil {
		t.Error("no certificates accepted")
	}
	if _, err := probe.CertFacts([][]byte{{0x30, 0x03, 0x02, 0x01, 0x01}}, probe.CertOptions{}); err == nil {
		t.Error("garbage DER accepted")
	}
}
