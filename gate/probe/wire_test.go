package probe

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/internal/testsrv"
)

// captures are first flights recorded from the loopback profiles, with
// what the parser must make of them. TLSGATE_RECAPTURE=1 go test -run
// TestCaptures re-records the bytes.
var captures = []struct {
	file    string
	profile string
	proto   finding.Protocol
	kind    replyKind
	version uint16
	suite   uint16
	certs   int
}{
	{"modern-tls12.hex", "modern", finding.TLS12, replyServerHello, vTLS12, 0xCCA8, 2},
	{"modern-tls13.hex", "modern", finding.TLS13, replyServerHello, vTLS13, 0x1303, 0},
	{"modern-tls10.hex", "modern", finding.TLS10, replyAlert, 0, 0, 0},
	{"tls10only-tls12.hex", "tls10-only", finding.TLS12, replyServerHello, vTLS10, 0xC013, 2},
	{"tls12only-tls13.hex", "tls12-only", finding.TLS13, replyAlert, 0, 0, 0},
	{"sslv2-sslv2.hex", "sslv2", finding.SSL20, replySSLv2Hello, vSSL20, 0, 1},
	{"sslv3-sslv3.hex", "sslv3", finding.SSL30, replyServerHello, vSSL30, 0x0004, 1},
	{"garbage-tls12.hex", "garbage", finding.TLS12, replyNotTLS, 0, 0, 0},
	{"oversized-tls12.hex", "oversized", finding.TLS12, replyMalformed, 0, 0, 0},
}

func TestCaptures(t *testing.T) {
	dir := filepath.Join("testdata", "captures")
	if os.Getenv("TLSGATE_RECAPTURE") != "" { // re-record the captures from live loopback servers
		pki := testsrv.NewPKI(t)
		os.MkdirAll(dir, 0o755)
		for _, c := range captures {
			srv := testsrv.Start(t, pki, c.profile)
			ep := &endpoint{addr: srv.Addr, timeout: 3 * time.Second}
			r := &runner{}
			var q question
			for _, x := range r.questions("") {
				if x.class == "" && x.proto == c.proto {
					q = x
				}
			}
			a := ep.ask(context.Background(), q.hello, true)
			if err := os.WriteFile(filepath.Join(dir, c.file), []byte(hex.EncodeToString(a.Raw)+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range captures {
		t.Run(c.file, func(t *testing.T) {
			data := readCapture(t, filepath.Join(dir, c.file))
			r, more := parseFlight(data)
			if more && r.Kind == replyNone {
				t.Fatalf("parser wants more bytes of a complete capture")
			}
			if r.Kind != c.kind || r.Version != c.version || r.Suite != c.suite || len(r.Certs) != c.certs {
				t.Errorf("got %v version %04x suite %04x certs %d (%s), want %v version %04x suite %04x certs %d",
					r.Kind, r.Version, r.Suite, len(r.Certs), r.Problem, c.kind, c.version, c.suite, c.certs)
			}
			// Every prefix must either ask for more or decide the same way
			// as soon as it decides, never panic.
			for i := 0; i < len(data); i++ {
				pr, _ := parseFlight(data[:i])
				if pr.Kind != replyNone && pr.Kind != r.Kind {
					t.Fatalf("prefix %d decided %v, full capture %v", i, pr.Kind, r.Kind)
				}
			}
		})
	}
}

func readCapture(t testing.TB, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run TLSGATE_RECAPTURE=1 go test -run TestCaptures)", err)
	}
	data, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseFlight(t *testing.T) {
	sh := func(ver uint16, suite uint16, ext []byte) []byte {
		body := []byte{byte(ver >> 8), byte(ver)}
		body = append(body, make([]byte, 32)...)
		body = append(body, 0, byte(suite>>8), byte(suite), 0)
		if ext != nil {
			body = append(body, byte(len(ext)>>8), byte(len(ext)))
			body = append(body, ext...)
		}
		msg := append([]byte{2, 0, byte(len(body) >> 8), byte(len(body))}, body...)
		return append([]byte{22, 3, 3, byte(len(msg) >> 8), byte(len(msg))}, msg...)
	}
	hrr := sh(vTLS12, 0x1301, []byte{0, 43, 0, 2, 3, 4})
	copy(hrr[5+4+2:], hrrRandom)
	tests := []struct {
		name    string
		in      []byte
		kind    replyKind
		more    bool
		version uint16
		alert   int
	}{
		{"empty", nil, replyNone, true, 0, 0},
		{"partial header", []byte{22, 3}, replyNone, true, 0, 0},
		{"tls12 hello", sh(vTLS12, 0xC02F, nil), replyServerHello, true, vTLS12, 0},
		{"tls13 via supported_versions", sh(vTLS12, 0x1301, []byte{0, 43, 0, 2, 3, 4}), replyServerHello, false, vTLS13, 0},
		{"hello retry request", hrr, replyHRR, false, vTLS13, 0},
		{"alert 70", []byte{21, 3, 3, 0, 2, 2, 70}, replyAlert, false, 0, 70},
		{"alert 80", []byte{21, 3, 1, 0, 2, 2, 80}, replyAlert, false, 0, 80},
		{"warning 112 then alert 40", []byte{21, 3, 3, 0, 2, 1, 112, 21, 3, 3, 0, 2, 2, 40}, replyAlert, false, 0, 40},
		{"short alert", []byte{21, 3, 3, 0, 1, 2}, replyMalformed, false, 0, 0},
		{"http reply", []byte("HTTP/1.1 400 Bad Request\r\n"), replyNotTLS, false, 0, 0},
		{"ssh banner", []byte("SSH-2.0-OpenSSH\r\n"), replyNotTLS, false, 0, 0},
		{"bad record version", []byte{22, 9, 9, 0, 1, 0}, replyNotTLS, false, 0, 0},
		{"oversized record", []byte{22, 3, 3, 0xff, 0xff}, replyMalformed, false, 0, 0},
		{"certificate before hello", []byte{22, 3, 3, 0, 4, 11, 0, 0, 0}, replyMalformed, false, 0, 0},
		{"application data first", []byte{23, 3, 3, 0, 1, 0}, replyMalformed, false, 0, 0},
		{"truncated server hello body", []byte{22, 3, 3, 0, 6, 2, 0, 0, 2, 3, 3}, replyMalformed, false, 0, 0},
		{"sslv2 error", []byte{0x80, 3, 0, 0, 1}, replySSLv2Error, false, 0, 1},
		{"sslv2 short hello", []byte{0x80, 3, 4, 0, 1}, replyMalformed, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, more := parseFlight(tt.in)
			if r.Kind != tt.kind || more != tt.more || r.Version != tt.version || r.Alert != tt.alert {
				t.Errorf("got %v more %v version %04x alert %d (%s), want %v more %v version %04x alert %d",
					r.Kind, more, r.Version, r.Alert, r.Problem, tt.kind, tt.more, tt.version, tt.alert)
			}
		})
	}
}

func TestBuildHello(t *testing.T) {
	for _, tt := range []struct {
		name string
		spec helloSpec
	}{
		{"ssl3", helloSpec{Version: vSSL30, Suites: suitesSSL3()}},
		{"tls10 sni", helloSpec{Version: vTLS10, Suites: allSuites12(), SNI: "example.com"}},
		{"tls13", helloSpec{Version: vTLS12, TLS13: true, Suites: append(allSuites12(), allSuites13()...), SNI: "example.com"}},
		{"rc4 class", helloSpec{Version: vTLS12, Suites: classSuites(ClassRC4)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := buildHello(tt.spec)
			if b[0] != 22 || int(b[3])<<8|int(b[4]) != len(b)-5 {
				t.Fatalf("bad record framing")
			}
			if int(b[6])<<16|int(b[7])<<8|int(b[8]) != len(b)-9 {
				t.Fatalf("bad handshake length")
			}
			if n := len(b) - 5; n >= 256 && n < 512 {
				t.Errorf("hello of %d bytes is in the 256-511 range some stacks hang on", n)
			}
			if ver := uint16(b[9])<<8 | uint16(b[10]); ver != tt.spec.Version {
				t.Errorf("client_version %04x, want %04x", ver, tt.spec.Version)
			}
			// No fallback SCSV: it would make servers refuse lower versions.
			for i := 0; i+1 < len(b); i += 1 {
				if b[i] == 0x56 && b[i+1] == 0x00 && i > 43 && i < 43+2*len(tt.spec.Suites)+4 && (i-44)%2 == 0 {
					t.Errorf("TLS_FALLBACK_SCSV offered")
				}
			}
		})
	}
	v2 := buildSSLv2Hello()
	if v2[0]&0x80 == 0 || int(v2[0]&0x7f)<<8|int(v2[1]) != len(v2)-2 || v2[2] != 1 {
		t.Errorf("bad SSL 2.0 hello framing % x", v2[:5])
	}
}

func TestClassTables(t *testing.T) {
	for _, c := range classProbes {
		if len(classSuites(c)) == 0 {
			t.Errorf("class %s has no suites", c)
		}
	}
	want := map[string][]string{
		"TLS_RSA_WITH_RC4_128_SHA":                  {ClassRC4, ClassNoPFS},
		"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA":       {Class3DES},
		"TLS_RSA_WITH_NULL_SHA256":                  {ClassNULL},
		"TLS_RSA_EXPORT_WITH_RC4_40_MD5":            {ClassEXPORT},
		"TLS_DH_anon_WITH_AES_128_GCM_SHA256":       {ClassANON, ClassAEAD},
		"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256":     {ClassAEAD},
		"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA":        nil,
		"TLS_RSA_WITH_AES_128_CBC_SHA":              {ClassNoPFS},
		"TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8":        {ClassAEAD},
		"TLS_ECDH_anon_WITH_NULL_SHA":               {ClassNULL, ClassANON},
		"TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256": {ClassAEAD},
	}
	for name, classes := range want {
		got := classesOf(name)
		if strings.Join(got, ",") != strings.Join(classes, ",") {
			t.Errorf("%s: got %v, want %v", name, got, classes)
		}
	}
	seen := map[uint16]bool{}
	for _, s := range append(suites12, suites13...) {
		if seen[s.ID] {
			t.Errorf("suite %04x listed twice", s.ID)
		}
		seen[s.ID] = true
	}
}

// FuzzParseFlight: the record/ServerHello parser never panics, never
// claims more certificates than bytes, and is prefix-consistent.
func FuzzParseFlight(f *testing.F) {
	for _, c := range captures {
		b, err := os.ReadFile(filepath.Join("testdata", "captures", c.file))
		if err == nil {
			if data, err := hex.DecodeString(strings.TrimSpace(string(b))); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte{21, 3, 3, 0, 2, 2, 70})
	f.Add([]byte{0x80, 3, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, _ := parseFlight(data)
		total := 0
		for _, c := range r.Certs {
			total += len(c)
		}
		if total > len(data) {
			t.Fatalf("certificates of %d bytes from %d bytes", total, len(data))
		}
		if r.Kind == replyNone {
			return
		}
		// Appending bytes never changes a decision already made.
		r2, _ := parseFlight(append(append([]byte(nil), data...), 0x16, 3, 3, 0, 0))
		if r2.Kind != r.Kind && r.Kind != replyServerHello {
			t.Fatalf("decision changed from %v to %v by trailing bytes", r.Kind, r2.Kind)
		}
	})
}

func TestSuiteNames(t *testing.T) {
	// Our names agree with crypto/tls for every suite Go knows.
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if got := SuiteName(cs.ID); got != cs.Name {
			t.Errorf("%04x: SuiteName %q, crypto/tls %q", cs.ID, got, cs.Name)
		}
	}
	for _, s := range append(suites12, suites13...) {
		if id, ok := SuiteID(s.Name); !ok || id != s.ID {
			t.Errorf("SuiteID(%q) = %04x, %v", s.Name, id, ok)
		}
	}
	if id, ok := SuiteID("0xFEFE"); !ok || id != 0xFEFE || SuiteName(0xFEFE) != "0xFEFE" {
		t.Errorf("hex round trip: %04x %v %s", id, ok, SuiteName(0xFEFE))
	}
}
