package probe_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/internal/testsrv"
)

func modernConfig(pki *testsrv.PKI) *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pki.Leaf(testsrv.LeafOptions{})},
		CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}}
}

func target(t *testing.T, s string) probe.Target {
	t.Helper()
	tg, err := probe.ParseTarget(s)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func wantProtocols(t *testing.T, r probe.Result, want string) {
	t.Helper()
	keys := []string{"SSL2.0", "SSL3.0", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"}
	var got []string
	for _, k := range keys {
		got = append(got, string(r.Protocols[k])[:1])
	}
	if strings.Join(got, "") != want {
		t.Errorf("protocols %s, want %s (a/r/i for SSL2.0…TLS1.3); details %+v; errors %v", strings.Join(got, ""), want, r.ProtocolDetails, r.Errors)
	}
}

func TestStartTLS(t *testing.T) {
	pki := testsrv.NewPKI(t)
	for _, proto := range probe.StartTLSProtocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			srv, err := testsrv.StartTLSServer("tcp4", proto, modernConfig(pki))
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			res := probe.Run(context.Background(), []probe.Target{target(t, srv.Addr)}, probe.Options{StartTLS: proto, Timeout: 3 * time.Second, CAFile: pki.CAFile})
			wantProtocols(t, res[0], "rrrraa")
			if c := res[0].Certificate; c == nil || !c.ChainValid || c.Source != "handshake" {
				t.Errorf("certificate %+v, errors %v", c, res[0].Errors)
			}
		})
	}
	// The URL scheme selects STARTTLS by itself.
	srv, err := testsrv.StartTLSServer("tcp4", "smtp", modernConfig(pki))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	res := probe.Run(context.Background(), []probe.Target{target(t, "smtp://"+srv.Addr)}, probe.Options{})
	wantProtocols(t, res[0], "rrrraa")
	// A plain TLS server asked for STARTTLS: the dialogue fails, inconclusive.
	plain := testsrv.Start(t, pki, "modern")
	res = probe.Run(context.Background(), []probe.Target{target(t, plain.Addr)}, probe.Options{StartTLS: "smtp", Timeout: time.Second})
	wantProtocols(t, res[0], "iiiiii")
	if len(res[0].Errors) == 0 || !strings.Contains(strings.Join(res[0].Errors, "\n"), "starttls smtp") {
		t.Errorf("errors %v, want a starttls smtp error", res[0].Errors)
	}
}

// connectProxy is a minimal HTTP CONNECT proxy that maps every host name to
// 127.0.0.1 (so tests never leave loopback) and counts tunnels.
func connectProxy(t *testing.T) (string, *atomic.Int64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var n atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil || req.Method != http.MethodConnect {
					io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\n\r\n")
					return
				}
				_, port, _ := net.SplitHostPort(req.Host)
				u, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", port))
				if err != nil {
					io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\n\r\n")
					return
				}
				defer u.Close()
				n.Add(1)
				io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
				go io.Copy(u, br)
				io.Copy(c, u)
			}()
		}
	}()
	return ln.Addr().String(), &n
}

func TestProxy(t *testing.T) {
	pki := testsrv.NewPKI(t)
	srv := testsrv.Start(t, pki, "modern")
	paddr, tunnels := connectProxy(t)
	env := map[string]string{"HTTPS_PROXY": "http://" + paddr}
	getenv := func(k string) string { return env[k] }
	tg := target(t, "probe-target.example:"+srv.Port())
	res := probe.Run(context.Background(), []probe.Target{tg}, probe.Options{Getenv: getenv, SNI: "localhost", CAFile: pki.CAFile})
	r := res[0]
	wantProtocols(t, r, "rrrraa")
	if r.Proxy != "http://"+paddr || tunnels.Load() != int64(r.Connections) || r.Connections != probe.WaveSize {
		t.Errorf("proxy %q, tunnels %d, connections %d", r.Proxy, tunnels.Load(), r.Connections)
	}
	if c := r.Certificate; c == nil || !c.HostnameMatch || !c.ChainValid {
		t.Errorf("certificate through proxy: %+v", c)
	}
	// NO_PROXY excludes the name: it is resolved locally, and .invalid
	// never resolves.
	env["NO_PROXY"] = ".example"
	before := tunnels.Load()
	res = probe.Run(context.Background(), []probe.Target{tg}, probe.Options{Getenv: getenv, Resolver: failingResolver()})
	wantProtocols(t, res[0], "iiiiii")
	if tunnels.Load() != before {
		t.Errorf("NO_PROXY target went through the proxy")
	}
	// A proxy that refuses CONNECT: inconclusive, with the proxy's answer.
	env = map[string]string{"HTTPS_PROXY": "http://" + srv.Addr}
	res = probe.Run(context.Background(), []probe.Target{tg}, probe.Options{Getenv: getenv, Timeout: time.Second})
	wantProtocols(t, res[0], "iiiiii")
	if !strings.Contains(strings.Join(res[0].Errors, "\n"), "proxy") {
		t.Errorf("errors %v, want a proxy error", res[0].Errors)
	}
}

func failingResolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		return nil, errors.New("no DNS in tests")
	}}
}

func TestUnresolvable(t *testing.T) {
	res := probe.Run(context.Background(), []probe.Target{target(t, "no-such-host.invalid")}, probe.Options{Resolver: failingResolver()})
	r := res[0]
	wantProtocols(t, r, "iiiiii")
	if r.Connections != 0 || len(r.Errors) == 0 || !strings.Contains(r.Errors[0], "resolve") || r.Conclusive() {
		t.Errorf("connections %d errors %v", r.Connections, r.Errors)
	}
}

// countingServer records the most connections it had open at once (g is
// shared between servers). It reads the hello, leaves the count, and only
// then answers with a handshake_failure alert: the client's next dial
// happens after it read that answer, so the count is exact, not racy.
type gauge struct {
	mu        sync.Mutex
	open, max int
	total     int
}

func (g *gauge) in() {
	g.mu.Lock()
	g.open++
	g.total++
	g.max = max(g.max, g.open)
	g.mu.Unlock()
}
func (g *gauge) out() { g.mu.Lock(); g.open--; g.mu.Unlock() }

func countingServer(t *testing.T, g *gauge) *testsrv.Server {
	s, err := testsrv.ServeFunc("tcp4", func(c net.Conn, _ <-chan struct{}) {
		g.in()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 4096)
		c.Read(buf)
		g.out()
		c.Write([]byte{21, 3, 3, 0, 2, 2, 40})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestConnectionCaps(t *testing.T) {
	t.Run("per-host", func(t *testing.T) {
		var g gauge
		s := countingServer(t, &g)
		res := probe.Run(context.Background(), []probe.Target{target(t, s.Addr)}, probe.Options{PerHost: 2})
		wantProtocols(t, res[0], "rrrrrr")
		if g.max > 2 || g.total != res[0].Connections || g.total != probe.WaveSize {
			t.Errorf("max open %d (cap 2), server saw %d, result says %d", g.max, g.total, res[0].Connections)
		}
	})
	t.Run("global", func(t *testing.T) {
		var g gauge
		a, b := countingServer(t, &g), countingServer(t, &g)
		res := probe.Run(context.Background(), []probe.Target{target(t, a.Addr), target(t, b.Addr)}, probe.Options{Concurrency: 3})
		for _, r := range res {
			wantProtocols(t, r, "rrrrrr")
		}
		if g.max > 3 || g.total != 2*probe.WaveSize {
			t.Errorf("max open %d (cap 3), total %d", g.max, g.total)
		}
		if res[0].Target != a.Addr || res[1].Target != b.Addr {
			t.Errorf("results out of input order: %s, %s", res[0].Target, res[1].Target)
		}
	})
}

func TestCancel(t *testing.T) {
	var accepted atomic.Int64
	ready := make(chan struct{})
	s, err := testsrv.ServeFunc("tcp4", func(c net.Conn, stop <-chan struct{}) {
		if accepted.Add(1) == probe.WaveSize {
			close(ready)
		}
		testsrv.Tarpit(c, stop)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-ready; cancel() }()
	res := probe.Run(ctx, []probe.Target{target(t, s.Addr)}, probe.Options{Timeout: time.Hour})
	wantProtocols(t, res[0], "iiiiii")
	for k, d := range res[0].ProtocolDetails {
		if d.Reason != "canceled" {
			t.Errorf("%s: reason %q, want canceled", k, d.Reason)
		}
	}
	// An overall deadline ends a run against a tarpit the same way.
	res = probe.Run(context.Background(), []probe.Target{target(t, s.Addr)}, probe.Options{Timeout: time.Hour, Deadline: 300 * time.Millisecond})
	wantProtocols(t, res[0], "iiiiii")
}

func TestFull(t *testing.T) {
	pki := testsrv.NewPKI(t)
	srv := testsrv.Start(t, pki, "legacy")
	res := probe.Run(context.Background(), []probe.Target{target(t, srv.Addr)}, probe.Options{Full: true})
	r := res[0]
	wantProtocols(t, r, "rraaar")
	want12 := []string{"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
		"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"}
	want10 := []string{"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"}
	for k, want := range map[string][]string{"TLS1.2": want12, "TLS1.1": want10, "TLS1.0": want10} {
		got := slices.Sorted(slices.Values(r.Suites[k]))
		if !slices.Equal(got, want) {
			t.Errorf("%s suites %v, want %v", k, got, want)
		}
	}
	// accepted+1 hellos per version on top of the wave.
	if want := probe.WaveSize + 6 + 5 + 5; r.Connections != want {
		t.Errorf("connections %d, want %d", r.Connections, want)
	}
	if len(r.Suites["TLS1.3"]) != 0 || len(r.Errors) != 0 {
		t.Errorf("suites %v errors %v", r.Suites, r.Errors)
	}
	// TLS 1.3: Go serves its three TLS 1.3 suites whatever its config says.
	m := testsrv.Start(t, pki, "tls13-only")
	r = probe.Run(context.Background(), []probe.Target{target(t, m.Addr)}, probe.Options{Full: true})[0]
	got := slices.Sorted(slices.Values(r.Suites["TLS1.3"]))
	if want := []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}; !slices.Equal(got, want) {
		t.Errorf("TLS1.3 suites %v, want %v (errors %v)", got, want, r.Errors)
	}
	// SSL 2.0: the cipher kinds come from the SERVER-HELLO, no extra connection.
	v2 := testsrv.Start(t, pki, "sslv2")
	r = probe.Run(context.Background(), []probe.Target{target(t, v2.Addr)}, probe.Options{Full: true})[0]
	if len(r.Suites["SSL2.0"]) != 3 || r.Connections != probe.WaveSize {
		t.Errorf("SSL2.0 suites %v, connections %d", r.Suites["SSL2.0"], r.Connections)
	}
}

func TestCertificateFacts(t *testing.T) {
	pki := testsrv.NewPKI(t)
	srv := testsrv.Start(t, pki, "modern")
	tg := target(t, srv.Addr)
	// Without --ca-file the private root is untrusted; the chain is
	// complete, so no intermediate is missing.
	r := probe.Run(context.Background(), []probe.Target{tg}, probe.Options{})[0]
	if c := r.Certificate; c == nil || c.ChainValid || c.MissingIntermediate || c.ChainLength != 2 || c.ChainError == "" {
		t.Errorf("untrusted root: %+v", c)
	}
	// A fixed clock 100 days ahead: the 90-day leaf has expired.
	later := time.Now().Add(100 * 24 * time.Hour)
	r = probe.Run(context.Background(), []probe.Target{tg}, probe.Options{CAFile: pki.CAFile, Now: func() time.Time { return later }})[0]
	if c := r.Certificate; c == nil || !c.Expired || c.ChainValid || c.DaysToExpiry >= 0 {
		t.Errorf("clock past not_after: %+v", c)
	}
	// --sni: the name sent and matched.
	r = probe.Run(context.Background(), []probe.Target{tg}, probe.Options{CAFile: pki.CAFile, SNI: "other.example"})[0]
	if c := r.Certificate; r.SNI != "other.example" || c == nil || c.HostnameMatch {
		t.Errorf("sni other.example: sni %q cert %+v", r.SNI, c)
	}
	r = probe.Run(context.Background(), []probe.Target{tg}, probe.Options{CAFile: pki.CAFile, SNI: "localhost"})[0]
	if c := r.Certificate; c == nil || !c.HostnameMatch || !c.ChainValid {
		t.Errorf("sni localhost: %+v", c)
	}
	// A CA file that does not exist: every target says so, inconclusive.
	r = probe.Run(context.Background(), []probe.Target{tg}, probe.Options{CAFile: "/nonexistent/ca.pem"})[0]
	if r.Conclusive() || len(r.Errors) == 0 || !strings.Contains(r.Errors[0], "/nonexistent/ca.pem") {
		t.Errorf("missing CA file: %v", r.Errors)
	}
}

func TestAllAddresses(t *testing.T) {
	pki := testsrv.NewPKI(t)
	srv := testsrv.Start(t, pki, "modern")
	addrs, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", "localhost")
	if err != nil || len(addrs) == 0 {
		t.Skipf("localhost does not resolve here: %v", err)
	}
	// Without --all-addresses the first address that takes connections
	// is probed, whichever order the resolver gives.
	one := probe.Run(context.Background(), []probe.Target{target(t, "localhost:"+srv.Port())}, probe.Options{Timeout: time.Second})
	if len(one) != 1 || !strings.HasPrefix(one[0].Address, "127.0.0.1:") {
		t.Fatalf("probed %+v", one)
	}
	wantProtocols(t, one[0], "rrrraa")
	res := probe.Run(context.Background(), []probe.Target{target(t, "localhost:"+srv.Port())}, probe.Options{AllAddresses: true, Timeout: time.Second})
	if len(res) != len(addrs) {
		t.Fatalf("%d results for %d addresses", len(res), len(addrs))
	}
	for i, r := range res {
		if r.Target != "localhost:"+srv.Port() || r.SNI != "localhost" {
			t.Errorf("result %d: target %q sni %q", i, r.Target, r.SNI)
		}
		if strings.HasPrefix(r.Address, "127.0.0.1:") {
			wantProtocols(t, r, "rrrraa")
		} else {
			// Nothing listens on ::1 at this port: refused, inconclusive.
			wantProtocols(t, r, "iiiiii")
		}
	}
}

func TestUnrecognizedNameIsInconclusive(t *testing.T) {
	// A server that refuses every hello without a name it knows answers
	// with a fatal unrecognized_name alert: that says nothing about versions.
	s, err := testsrv.ServeFunc("tcp4", func(c net.Conn, _ <-chan struct{}) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Read(make([]byte, 4096))
		c.Write([]byte{21, 3, 3, 0, 2, 2, 112})
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := probe.Run(context.Background(), []probe.Target{target(t, s.Addr)}, probe.Options{})[0]
	wantProtocols(t, r, "iiiiii")
	if a := r.ProtocolDetails["TLS1.2"].Alert; a == nil || *a != 112 {
		t.Errorf("details %+v", r.ProtocolDetails["TLS1.2"])
	}
}

func TestProgress(t *testing.T) {
	pki := testsrv.NewPKI(t)
	a, b := testsrv.Start(t, pki, "modern"), testsrv.Start(t, pki, "sslv3")
	var buf strings.Builder
	probe.Run(context.Background(), []probe.Target{target(t, a.Addr), target(t, b.Addr)}, probe.Options{Progress: &buf})
	out := buf.String()
	if !strings.Contains(out, "tlsgate: probe: 2/2 targets, 28 connections") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress output %q", out)
	}
}

func TestManyTargetsInOrder(t *testing.T) {
	pki := testsrv.NewPKI(t)
	srv := testsrv.Start(t, pki, "sslv3")
	dead, err := testsrv.Unreachable("tcp4")
	if err != nil {
		t.Fatal(err)
	}
	var ts []probe.Target
	for i := 0; i < 300; i++ {
		if i%3 == 0 {
			ts = append(ts, target(t, srv.Addr))
		} else {
			ts = append(ts, target(t, dead))
		}
	}
	res := probe.Run(context.Background(), ts, probe.Options{Concurrency: 64})
	if len(res) != len(ts) {
		t.Fatalf("%d results for %d targets", len(res), len(ts))
	}
	for i, r := range res {
		if r.Target != ts[i].String() {
			t.Fatalf("result %d is %s, want %s", i, r.Target, ts[i])
		}
		if i%3 == 0 {
			wantProtocols(t, r, "rarrrr")
		} else if r.Conclusive() || r.Connections != 0 {
			t.Fatalf("unreachable target %d: conclusive %v, %d connections", i, r.Conclusive(), r.Connections)
		}
	}
}

// TestStalledCertificateHandshake: a server that stops after its
// Certificate message hangs a full crypto/tls handshake; with a one-hour
// timeout the run still ends, and the certificate comes from the raw probe.
func TestStalledCertificateHandshake(t *testing.T) {
	pki := testsrv.NewPKI(t)
	leaf := pki.Leaf(testsrv.LeafOptions{})
	s, err := testsrv.ServeFunc("tcp4", testsrv.StallAfterCertificate(leaf.Certificate[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := probe.Run(context.Background(), []probe.Target{target(t, s.Addr)}, probe.Options{Timeout: time.Hour})[0]
	wantProtocols(t, r, "raaaar")
	if c := r.Certificate; c == nil || c.Source != "raw" || c.Subject != "CN=localhost" {
		t.Errorf("certificate %+v", c)
	}
	if !strings.Contains(strings.Join(r.Errors, "\n"), "certificate handshake: stalled") {
		t.Errorf("errors %v, want the abandoned certificate handshake", r.Errors)
	}
}
