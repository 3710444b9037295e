package testsrv

import (
	"crypto/tls"
	"net"
	"testing"
)

// Expect is the truth about a profile, in the prober's JSON vocabulary.
type Expect struct {
	// Protocols maps SSL2.0 … TLS1.3 to accepted / rejected / inconclusive.
	Protocols map[string]string
	// Weak lists the weak classes accepted, in report order.
	Weak []string
	// Certificate facts (checked only when Cert is true).
	Cert                bool
	ChainValid          bool
	Expired             bool
	HostnameMatch       bool
	MissingIntermediate bool
	WeakSignature       bool
	KeyType             string
	KeyBits             int
}

// Profile is one kind of endpoint with its expected probe result.
type Profile struct {
	Name string
	// Tool is an external program the profile needs ("" = none).
	Tool   string
	Expect Expect
	// Start starts the endpoint; Stop it with Server.Close.
	Start func(p *PKI) (*Server, error)
}

// protos builds a Protocols map from six statuses, SSL2.0 first.
func protos(s ...string) map[string]string {
	keys := []string{"SSL2.0", "SSL3.0", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"}
	m := map[string]string{}
	for i, k := range keys {
		m[k] = map[string]string{"a": "accepted", "r": "rejected", "i": "inconclusive"}[s[i]]
	}
	return m
}

func goTLS(network string, min, max uint16, suites []uint16, leaf LeafOptions) func(p *PKI) (*Server, error) {
	return func(p *PKI) (*Server, error) {
		return ServeTLS(network, &tls.Config{
			MinVersion: min, MaxVersion: max, CipherSuites: suites,
			Certificates: []tls.Certificate{p.Leaf(leaf)},
		})
	}
}

func mock(network string, h func(*PKI) func(net.Conn, <-chan struct{})) func(p *PKI) (*Server, error) {
	return func(p *PKI) (*Server, error) { return ServeFunc(network, h(p)) }
}

func openssl(leaf LeafOptions, args ...string) func(p *PKI) (*Server, error) {
	return func(p *PKI) (*Server, error) {
		c := p.Leaf(leaf)
		cf, kf, err := p.WritePEM(tls.Certificate{Certificate: c.Certificate[:1], PrivateKey: c.PrivateKey})
		if err != nil {
			return nil, err
		}
		if len(c.Certificate) > 1 {
			chain, _, err := p.WritePEM(tls.Certificate{Certificate: c.Certificate[1:], PrivateKey: c.PrivateKey})
			if err != nil {
				return nil, err
			}
			args = append([]string{"-cert_chain", chain}, args...)
		}
		return OpenSSL(cf, kf, args...)
	}
}

func nginx(leaf LeafOptions, directives string) func(p *PKI) (*Server, error) {
	return func(p *PKI) (*Server, error) {
		cf, kf, err := p.WritePEM(p.Leaf(leaf))
		if err != nil {
			return nil, err
		}
		return Nginx(p.Dir, cf, kf, directives)
	}
}

func unreachable(network string) func(p *PKI) (*Server, error) {
	return func(p *PKI) (*Server, error) {
		a, err := Unreachable(network)
		if err != nil {
			return nil, err
		}
		return &Server{Addr: a, stop: closedChan(), ln: nopListener{}}, nil
	}
}

func closedChan() chan struct{} { c := make(chan struct{}); close(c); return c }

type nopListener struct{ net.Listener }

// Suites used by the Go profiles.
var (
	modernSuites = []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
	legacySuites = []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA}
	rc4Suites   = []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_RC4_128_SHA, tls.TLS_RSA_WITH_RC4_128_SHA}
	ecdsaSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}
	cbcSuites   = []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA}
	tls10Suites = []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_128_CBC_SHA}
)

// Profiles returns every test endpoint profile with its truth. The
// openssl ones need `openssl` (Debian's 3.0 can serve TLS 1.0/1.1 and NULL
// suites at @SECLEVEL=0, not SSL 3.0, RC4 or 3DES). OpenSSL's "NULL"
// cipher string includes the anonymous AECDH-NULL-SHA, so that profile
// accepts ANON as well.
func Profiles() []Profile {
	none := []string{}
	std := LeafOptions{}
	return []Profile{
		{Name: "modern", Start: goTLS("tcp4", tls.VersionTLS12, tls.VersionTLS13, modernSuites, std),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "a", "a"), Weak: none,
				Cert: true, ChainValid: true, HostnameMatch: true, KeyType: "RSA", KeyBits: 2048}},
		{Name: "modern-ipv6", Start: goTLS("tcp6", tls.VersionTLS12, tls.VersionTLS13, modernSuites, std),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "a", "a"), Weak: none,
				Cert: true, ChainValid: true, HostnameMatch: true, KeyType: "RSA", KeyBits: 2048}},
		{Name: "modern-ecdsa", Start: goTLS("tcp4", tls.VersionTLS12, tls.VersionTLS13, ecdsaSuites, LeafOptions{ECDSA: true}),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "a", "a"), Weak: none,
				Cert: true, ChainValid: true, HostnameMatch: true, KeyType: "ECDSA", KeyBits: 256}},
		{Name: "legacy", Start: goTLS("tcp4", tls.VersionTLS10, tls.VersionTLS12, legacySuites, std),
			Expect: Expect{Protocols: protos("r", "r", "a", "a", "a", "r"), Weak: []string{"3DES", "NO_PFS"}}},
		{Name: "tls13-only", Start: goTLS("tcp4", tls.VersionTLS13, tls.VersionTLS13, nil, LeafOptions{ECDSA: true}),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "r", "a"), Weak: none,
				Cert: true, ChainValid: true, HostnameMatch: true, KeyType: "ECDSA", KeyBits: 256}},
		{Name: "tls12-only", Start: goTLS("tcp4", tls.VersionTLS12, tls.VersionTLS12, modernSuites, std),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "a", "r"), Weak: none}},
		{Name: "tls10-only", Start: goTLS("tcp4", tls.VersionTLS10, tls.VersionTLS10, tls10Suites, std),
			Expect: Expect{Protocols: protos("r", "r", "a", "r", "r", "r"), Weak: []string{"NO_PFS", "CBC_ONLY"}}},
		{Name: "rc4", Start: goTLS("tcp4", tls.VersionTLS10, tls.VersionTLS12, rc4Suites, std),
			Expect: Expect{Protocols: protos("r", "r", "a", "a", "a", "r"), Weak: []string{"RC4", "NO_PFS"}}},
		{Name: "cbc-only", Start: goTLS("tcp4", tls.VersionTLS12, tls.VersionTLS12, cbcSuites, std),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "a", "r"), Weak: []string{"CBC_ONLY"}}},
		{Name: "expired", Start: goTLS("tcp4", tls.VersionTLS12, tls.VersionTLS13, modernSuites, LeafOptions{Expired: true}),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "a", "a"), Weak: none,
				Cert: true, Expired: true, HostnameMatch: true, KeyType: "RSA", KeyBits: 2048}},
		{Name: "wrong-host", Start: goTLS("tcp4", tls.VersionTLS12, tls.VersionTLS13, modernSuites, LeafOptions{Names: []string{"wrong.example"}, NoIPs: true}),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "a", "a"), Weak: none,
				Cert: true, ChainValid: true, KeyType: "RSA", KeyBits: 2048}},
		{Name: "missing-intermediate", Start: goTLS("tcp4", tls.VersionTLS12, tls.VersionTLS13, modernSuites, LeafOptions{NoIntermediate: true}),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "a", "a"), Weak: none,
				Cert: true, MissingIntermediate: true, HostnameMatch: true, KeyType: "RSA", KeyBits: 2048}},
		{Name: "weak-cert", Start: goTLS("tcp4", tls.VersionTLS12, tls.VersionTLS12, modernSuites, LeafOptions{RSABits: 1024, SHA1: true}),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "a", "r"), Weak: none,
				Cert: true, WeakSignature: true, HostnameMatch: true, KeyType: "RSA", KeyBits: 1024}},
		{Name: "sslv2", Start: mock("tcp4", func(p *PKI) func(net.Conn, <-chan struct{}) { return SSL2Handler(p.Leaf(std).Certificate[0]) }),
			Expect: Expect{Protocols: protos("a", "r", "r", "r", "r", "r"), Weak: []string{"RC4", "3DES", "EXPORT"},
				Cert: true, HostnameMatch: true, KeyType: "RSA", KeyBits: 2048, MissingIntermediate: true}},
		{Name: "sslv3", Start: mock("tcp4", func(p *PKI) func(net.Conn, <-chan struct{}) { return SSL3Handler(p.Leaf(std).Certificate[0]) }),
			Expect: Expect{Protocols: protos("r", "a", "r", "r", "r", "r"), Weak: []string{"RC4", "3DES", "NO_PFS", "CBC_ONLY"},
				Cert: true, HostnameMatch: true, KeyType: "RSA", KeyBits: 2048, MissingIntermediate: true}},
		{Name: "tls11-only-openssl", Tool: "openssl", Start: openssl(std, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"),
			Expect: Expect{Protocols: protos("r", "r", "r", "a", "r", "r"), Weak: []string{"NO_PFS", "CBC_ONLY"},
				Cert: true, ChainValid: true, HostnameMatch: true, KeyType: "RSA", KeyBits: 2048}},
		{Name: "tls10-only-openssl", Tool: "openssl", Start: openssl(std, "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"),
			Expect: Expect{Protocols: protos("r", "r", "a", "r", "r", "r"), Weak: []string{"NO_PFS", "CBC_ONLY"}}},
		{Name: "tls10-11-nginx", Tool: "nginx", Start: nginx(std, "ssl_protocols TLSv1 TLSv1.1; ssl_ciphers DEFAULT:@SECLEVEL=0;"),
			Expect: Expect{Protocols: protos("r", "r", "a", "a", "r", "r"), Weak: []string{"NO_PFS", "CBC_ONLY"},
				Cert: true, ChainValid: true, HostnameMatch: true, KeyType: "RSA", KeyBits: 2048}},
		{Name: "null-openssl", Tool: "openssl", Start: openssl(std, "-tls1_2", "-cipher", "NULL:@SECLEVEL=0"),
			Expect: Expect{Protocols: protos("r", "r", "r", "r", "a", "r"), Weak: []string{"NULL", "ANON"},
				Cert: true, ChainValid: true, HostnameMatch: true, KeyType: "RSA", KeyBits: 2048}},
		{Name: "tarpit", Start: mock("tcp4", func(*PKI) func(net.Conn, <-chan struct{}) { return Tarpit }),
			Expect: Expect{Protocols: protos("i", "i", "i", "i", "i", "i"), Weak: none}},
		{Name: "garbage", Start: mock("tcp4", func(*PKI) func(net.Conn, <-chan struct{}) { return Garbage }),
			Expect: Expect{Protocols: protos("i", "i", "i", "i", "i", "i"), Weak: none}},
		{Name: "drip", Start: mock("tcp4", func(*PKI) func(net.Conn, <-chan struct{}) { return Drip }),
			Expect: Expect{Protocols: protos("i", "i", "i", "i", "i", "i"), Weak: none}},
		{Name: "oversized", Start: mock("tcp4", func(*PKI) func(net.Conn, <-chan struct{}) { return Oversized }),
			Expect: Expect{Protocols: protos("i", "i", "i", "i", "i", "i"), Weak: none}},
		{Name: "closer", Start: mock("tcp4", func(*PKI) func(net.Conn, <-chan struct{}) { return Closer }),
			Expect: Expect{Protocols: protos("i", "i", "i", "i", "i", "i"), Weak: none}},
		{Name: "unreachable", Start: unreachable("tcp4"),
			Expect: Expect{Protocols: protos("i", "i", "i", "i", "i", "i"), Weak: none}},
	}
}

// ProfileNamed returns the named profile; it panics on an unknown name.
func ProfileNamed(name string) Profile {
	for _, p := range Profiles() {
		if p.Name == name {
			return p
		}
	}
	panic("testsrv: unknown profile " + name)
}

// Start starts the named profile for a test and closes it at cleanup.
// Profiles that need a missing tool skip (or fail under CI).
func Start(t testing.TB, pki *PKI, name string) *Server {
	t.Helper()
	pr := ProfileNamed(name)
	if pr.Tool != "" {
		ToolMissing(t, pr.Tool)
	}
	s, err := pr.Start(pki)
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(s.Close)
	return s
}
