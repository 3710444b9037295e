package probe_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/internal/golden"
)

func alert(n int) *int { return &n }

// renderResults covers every rendered element: accepted/rejected/
// inconclusive protocols with each kind of evidence, weak and inconclusive
// classes, --full suites, a certificate with every warning, errors, a proxy.
func renderResults() []probe.Result {
	return []probe.Result{
		{
			Target: "legacy.example:443", Address: "192.0.2.10:443", SNI: "legacy.example",
			Protocols: map[string]probe.Status{"SSL2.0": probe.Rejected, "SSL3.0": probe.Rejected, "TLS1.0": probe.Accepted,
				"TLS1.1": probe.Accepted, "TLS1.2": probe.Accepted, "TLS1.3": probe.Rejected},
			ProtocolDetails: map[string]probe.Detail{
				"SSL2.0": {Reason: "closed after hello"},
				"SSL3.0": {Reason: "alert 40 (handshake_failure)", Alert: alert(40)},
				"TLS1.0": {Reason: "server hello", Suite: "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
				"TLS1.1": {Reason: "server hello", Suite: "TLS_RSA_WITH_AES_128_CBC_SHA"},
				"TLS1.2": {Reason: "server hello", Suite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
				"TLS1.3": {Reason: "server chose TLS 1.2", Version: "TLS 1.2", Suite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
			},
			WeakCiphers: []string{"3DES", "NO_PFS"},
			CipherClasses: map[string]probe.Status{"RC4": probe.Rejected, "3DES": probe.Accepted, "NULL": probe.Rejected,
				"EXPORT": probe.Rejected, "ANON": probe.Inconclusive, "NO_PFS": probe.Accepted, "AEAD": probe.Accepted, "CBC_ONLY": probe.Rejected},
			Suites: map[string][]string{"TLS1.0": {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"}},
			Certificate: &probe.Certificate{
				Subject: "CN=legacy.example", Issuer: "CN=Old CA", DNSNames: []string{"legacy.example"},
				NotBefore: "2024-01-01T00:00:00Z", NotAfter: "2025-01-01T00:00:00Z", DaysToExpiry: -300, Expired: true,
				KeyType: "RSA", KeyBits: 1024, SignatureAlgorithm: "SHA1-RSA", WeakSignature: true,
				ChainError: "x509: certificate signed by unknown authority", MissingIntermediate: true,
				ChainLength: 1, Source: "raw",
			},
			Connections: 14, ElapsedMS: 163,
			Errors: []string{"cipher class ANON: timeout", "certificate handshake: remote error: tls: handshake failure"},
		},
		{
			Target: "api.example:443", Address: "api.example:443", SNI: "api.example", Proxy: "http://proxy.example:3128",
			Protocols: map[string]probe.Status{"SSL2.0": probe.Inconclusive, "SSL3.0": probe.Inconclusive, "TLS1.0": probe.Inconclusive,
				"TLS1.1": probe.Inconclusive, "TLS1.2": probe.Inconclusive, "TLS1.3": probe.Inconclusive},
			ProtocolDetails: map[string]probe.Detail{
				"SSL2.0": {Reason: "not TLS", FirstBytes: "48 54 54 50"}, "SSL3.0": {Reason: "timeout"},
				"TLS1.0": {Reason: "timeout"}, "TLS1.1": {Reason: "timeout"}, "TLS1.2": {Reason: "timeout"}, "TLS1.3": {Reason: "timeout"},
			},
			WeakCiphers: []string{}, CipherClasses: map[string]probe.Status{}, Connections: 14, ElapsedMS: 3001,
			Errors: []string{},
		},
	}
}

func TestRender(t *testing.T) {
	var text, js bytes.Buffer
	if err := probe.WriteText(&text, renderResults()); err != nil {
		t.Fatal(err)
	}
	if err := probe.WriteJSON(&js, renderResults()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "TestRender", "text.golden"), text.Bytes())
	golden.Check(t, filepath.Join("testdata", "TestRender", "json.golden"), js.Bytes())
	var empty bytes.Buffer
	probe.WriteJSON(&empty, nil)
	if empty.String() != "{\n  \"schema_version\": 1,\n  \"endpoints\": []\n}\n" {
		t.Errorf("empty report %q", empty.String())
	}
}
