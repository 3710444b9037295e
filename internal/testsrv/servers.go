package testsrv

import (
	"bufio"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Server is a listener on loopback with a handler per connection.
type Server struct {
	// Addr is "127.0.0.1:port" or "[::1]:port".
	Addr string
	ln   net.Listener
	stop chan struct{}
	mu   sync.Mutex
	open map[net.Conn]bool
	wg   sync.WaitGroup
	cmd  *exec.Cmd
	in   io.Closer
	term bool // stop cmd with SIGTERM (nginx: the master stops its workers)
}

// Close stops the listener and closes every open connection.
func (s *Server) Close() {
	if s.cmd != nil {
		if s.term {
			s.cmd.Process.Signal(syscall.SIGTERM)
		} else {
			s.cmd.Process.Kill()
		}
		s.cmd.Wait()
		if s.in != nil {
			s.in.Close()
		}
		return
	}
	select {
	case <-s.stop:
		return
	default:
	}
	close(s.stop)
	s.ln.Close()
	s.mu.Lock()
	for c := range s.open {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Port returns the port of Addr.
func (s *Server) Port() string {
	_, p, _ := net.SplitHostPort(s.Addr)
	return p
}

// loopback returns the listen address for "tcp4" (127.0.0.1) or "tcp6" (::1).
func loopback(network string) (string, error) {
	switch network {
	case "", "tcp4", "tcp":
		return "127.0.0.1:0", nil
	case "tcp6":
		return "[::1]:0", nil
	}
	return "", fmt.Errorf("network %q: want tcp4 or tcp6", network)
}

// ServeFunc listens on loopback and runs handle for every connection (the
// connection is closed when handle returns or the server closes).
func ServeFunc(network string, handle func(net.Conn, <-chan struct{})) (*Server, error) {
	addr, err := loopback(network)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln, stop: make(chan struct{}), open: map[net.Conn]bool{}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.open[c] = true
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer func() {
					c.Close()
					s.mu.Lock()
					delete(s.open, c)
					s.mu.Unlock()
				}()
				handle(c, s.stop)
			}()
		}
	}()
	return s, nil
}

// ServeTLS runs a crypto/tls server: each connection completes (or fails)
// one handshake and is closed.
func ServeTLS(network string, cfg *tls.Config) (*Server, error) {
	return ServeFunc(network, func(c net.Conn, _ <-chan struct{}) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		tc := tls.Server(c, cfg)
		if tc.Handshake() == nil {
			tc.Write([]byte("ok\n"))
			tc.Close()
		}
	})
}

// Unreachable returns a loopback address nothing listens on.
func Unreachable(network string) (string, error) {
	addr, err := loopback(network)
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	a := ln.Addr().String()
	ln.Close()
	return a, nil
}

// readHello reads one record-framed ClientHello (or an SSL 2.0 hello) and
// returns its first bytes; an error for anything else.
func readHello(c net.Conn) ([]byte, error) {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	h := make([]byte, 5)
	if _, err := io.ReadFull(c, h[:2]); err != nil {
		return nil, err
	}
	if h[0]&0x80 != 0 { // SSL 2.0 record
		n := int(h[0]&0x7f)<<8 | int(h[1])
		body := make([]byte, n)
		if _, err := io.ReadFull(c, body); err != nil {
			return nil, err
		}
		return append(h[:2], body...), nil
	}
	if _, err := io.ReadFull(c, h[2:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint16(h[3:]))
	if h[0] != 22 || n > 1<<14 {
		return nil, errors.New("not a handshake record")
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(c, body); err != nil {
		return nil, err
	}
	return append(h, body...), nil
}

// clientHelloInfo pulls the version and suites out of a TLS-framed hello.
func clientHelloInfo(rec []byte) (version uint16, suites []uint16, ok bool) {
	if len(rec) < 5+4+2+32+1 || rec[5] != 1 {
		return 0, nil, false
	}
	p := rec[9:]
	version = binary.BigEndian.Uint16(p)
	p = p[34:]
	sid := int(p[0])
	if len(p) < 1+sid+2 {
		return 0, nil, false
	}
	p = p[1+sid:]
	n := int(binary.BigEndian.Uint16(p))
	p = p[2:]
	if n > len(p) || n%2 != 0 {
		return 0, nil, false
	}
	for i := 0; i < n; i += 2 {
		suites = append(suites, binary.BigEndian.Uint16(p[i:]))
	}
	return version, suites, true
}

func handshakeRecord(version uint16, msgs ...[]byte) []byte {
	var body []byte
	for _, m := range msgs {
		body = append(body, m...)
	}
	rec := []byte{22, byte(version >> 8), byte(version), byte(len(body) >> 8), byte(len(body))}
	return append(rec, body...)
}

func handshakeMsg(typ byte, body []byte) []byte {
	return append([]byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
}

// SSL3Handler answers a hello the way an SSL 3.0-only server does:
// a ServerHello for SSL 3.0 with the first offered suite it knows (RC4-SHA,
// 3DES, AES128-SHA, RC4-MD5), then its certificate and ServerHelloDone; a
// handshake_failure alert when no suite is shared; a close for anything
// else (an SSL 2.0 hello).
func SSL3Handler(certDER []byte) func(net.Conn, <-chan struct{}) {
	known := map[uint16]bool{0x0005: true, 0x000A: true, 0x002F: true, 0x0004: true}
	return func(c net.Conn, _ <-chan struct{}) {
		rec, err := readHello(c)
		if err != nil || rec[0]&0x80 != 0 {
			return
		}
		ver, suites, ok := clientHelloInfo(rec)
		if !ok || ver < 0x0300 {
			return
		}
		var pick uint16
		for _, s := range suites {
			if known[s] {
				pick = s
				break
			}
		}
		if pick == 0 {
			c.Write([]byte{21, 3, 0, 0, 2, 2, 40})
			return
		}
		sh := []byte{3, 0}
		random := make([]byte, 32)
		rand.Read(random)
		sh = append(sh, random...)
		sh = append(sh, 0, byte(pick>>8), byte(pick), 0)
		var cert []byte
		cert = append(cert, byte(len(certDER)>>16), byte(len(certDER)>>8), byte(len(certDER)))
		cert = append(cert, certDER...)
		cert = append([]byte{byte(len(cert) >> 16), byte(len(cert) >> 8), byte(len(cert))}, cert...)
		c.Write(handshakeRecord(0x0300, handshakeMsg(2, sh), handshakeMsg(11, cert), handshakeMsg(14, nil)))
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		io.Copy(io.Discard, c)
	}
}

// SSL2Handler answers an SSL 2.0 CLIENT-HELLO with a SERVER-HELLO carrying
// its certificate and the cipher kinds both sides know (RC4-MD5, 3DES-MD5,
// and the export RC4); a TLS-framed hello is closed without a word, as an
// SSL 2.0-only server does.
func SSL2Handler(certDER []byte) func(net.Conn, <-chan struct{}) {
	known := map[uint32]bool{0x010080: true, 0x0700C0: true, 0x020080: true}
	return func(c net.Conn, _ <-chan struct{}) {
		rec, err := readHello(c)
		if err != nil || rec[0]&0x80 == 0 || len(rec) < 11 || rec[2] != 1 {
			return
		}
		csLen := int(binary.BigEndian.Uint16(rec[5:]))
		cs := rec[11:]
		if csLen > len(cs) {
			return
		}
		var picked []byte
		for i := 0; i+3 <= csLen; i += 3 {
			code := uint32(cs[i])<<16 | uint32(cs[i+1])<<8 | uint32(cs[i+2])
			if known[code] {
				picked = append(picked, cs[i:i+3]...)
			}
		}
		m := []byte{4, 0, 1, 0, 2}
		m = append(m, byte(len(certDER)>>8), byte(len(certDER)))
		m = append(m, byte(len(picked)>>8), byte(len(picked)))
		m = append(m, 0, 16)
		m = append(m, certDER...)
		m = append(m, picked...)
		cid := make([]byte, 16)
		rand.Read(cid)
		m = append(m, cid...)
		c.Write(append([]byte{0x80 | byte(len(m)>>8), byte(len(m))}, m...))
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		io.Copy(io.Discard, c)
	}
}

// Tarpit accepts and never answers until the server closes.
func Tarpit(c net.Conn, stop <-chan struct{}) { <-stop }

// Garbage answers any hello with non-TLS bytes, then closes.
func Garbage(c net.Conn, _ <-chan struct{}) {
	readHello(c)
	c.Write([]byte("GARBAGE FROM A NON-TLS SERVER\r\n"))
}

// Drip answers with a TLS-looking record one byte a second.
func Drip(c net.Conn, stop <-chan struct{}) {
	readHello(c)
	rec := []byte{22, 3, 3, 0, 74, 2, 0, 0, 70, 3, 3}
	for _, b := range rec {
		if _, err := c.Write([]byte{b}); err != nil {
			return
		}
		select {
		case <-stop:
			return
		case <-time.After(time.Second):
		}
	}
	<-stop
}

// Oversized answers with a handshake record longer than TLS allows.
func Oversized(c net.Conn, _ <-chan struct{}) {
	readHello(c)
	c.Write(append([]byte{22, 3, 3, 0xff, 0xff}, make([]byte, 1024)...))
}

// Closer reads the hello and closes without a word, on every connection.
func Closer(c net.Conn, _ <-chan struct{}) { readHello(c) }

// ToolMissing skips t when tool is not on PATH, or fails it when the CI
// environment variable is set (a missing install step must show).
func ToolMissing(t testing.TB, tool string) bool {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed (CI is set, so this fails instead of skipping): %v", tool, err)
		}
		t.Skipf("%s not installed: %v", tool, err)
		return true
	}
	return false
}

// OpenSSL starts `openssl s_server` on a free 127.0.0.1 port with the given
// extra arguments (e.g. "-tls1", "-cipher", "ALL:@SECLEVEL=0") and waits
// until it accepts connections.
func OpenSSL(certFile, keyFile string, args ...string) (*Server, error) {
	port, err := Unreachable("tcp4")
	if err != nil {
		return nil, err
	}
	_, p, _ := net.SplitHostPort(port)
	argv := append([]string{"s_server", "-quiet", "-accept", "127.0.0.1:" + p, "-cert", certFile, "-key", keyFile}, args...)
	cmd := exec.Command("openssl", argv...)
	in, err := cmd.StdinPipe() // s_server reads commands from stdin: keep it open
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Addr: "127.0.0.1:" + p, cmd: cmd, in: in}
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Close()
	return nil, fmt.Errorf("openssl s_server %s did not start: %s", strings.Join(args, " "), stderr.String())
}

// StartTLSServer runs the server side of a STARTTLS dialogue (smtp, imap,
// pop3, ftp, ldap, xmpp, postgres), then a crypto/tls handshake with cfg.
func StartTLSServer(network, proto string, cfg *tls.Config) (*Server, error) {
	return ServeFunc(network, func(c net.Conn, _ <-chan struct{}) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		line := func() string { l, _ := br.ReadString('\n'); return l }
		w := func(s string) { io.WriteString(c, s) }
		switch proto {
		case "smtp":
			w("220-test.invalid ESMTP\r\n220 ready\r\n")
			if !strings.HasPrefix(strings.ToUpper(line()), "EHLO") {
				return
			}
			w("250-test.invalid\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
			if strings.TrimSpace(line()) != "STARTTLS" {
				return
			}
			w("220 go ahead\r\n")
		case "ftp":
			w("220 test FTP\r\n")
			if strings.TrimSpace(line()) != "AUTH TLS" {
				return
			}
			w("234 AUTH TLS ok\r\n")
		case "imap":
			w("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
			if strings.TrimSpace(line()) != "a1 STARTTLS" {
				return
			}
			w("a1 OK begin TLS\r\n")
		case "pop3":
			w("+OK POP3 ready\r\n")
			if strings.TrimSpace(line()) != "STLS" {
				return
			}
			w("+OK begin TLS\r\n")
		case "xmpp":
			buf := make([]byte, 4096)
			n, _ := br.Read(buf)
			if !strings.Contains(string(buf[:n]), "<stream:stream") {
				return
			}
			w("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='1' version='1.0'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>")
			n, _ = br.Read(buf)
			if !strings.Contains(string(buf[:n]), "<starttls") {
				return
			}
			w("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
		case "ldap":
			req := make([]byte, 31)
			if _, err := io.ReadFull(br, req); err != nil || !strings.Contains(string(req), "1.3.6.1.4.1.1466.20037") {
				return
			}
			c.Write([]byte{0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00})
		case "postgres":
			req := make([]byte, 8)
			if _, err := io.ReadFull(br, req); err != nil || binary.BigEndian.Uint32(req[4:]) != 80877103 {
				return
			}
			c.Write([]byte{'S'})
		default:
			return
		}
		tc := tls.Server(&prefixConn{c, br}, cfg)
		if tc.Handshake() == nil {
			tc.Close()
		}
	})
}

type prefixConn struct {
	net.Conn
	r *bufio.Reader
}

func (p *prefixConn) Read(b []byte) (int, error) { return p.r.Read(b) }

// Nginx starts nginx (master and one worker, no daemon) serving TLS on a
// free 127.0.0.1 port with the given ssl_* directives, e.g.
// "ssl_protocols TLSv1 TLSv1.1; ssl_ciphers DEFAULT:@SECLEVEL=0;".
func Nginx(dir, certFile, keyFile, directives string) (*Server, error) {
	port, err := Unreachable("tcp4")
	if err != nil {
		return nil, err
	}
	d, err := os.MkdirTemp(dir, "nginx")
	if err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`worker_processes 1;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  server {
    listen %[2]s ssl;
    ssl_certificate %[3]s;
    ssl_certificate_key %[4]s;
    %[5]s
    return 200 "ok\n";
  }
}
`, d, port, certFile, keyFile, directives)
	cf := d + "/nginx.conf"
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command("nginx", "-p", d, "-c", cf, "-e", d+"/error.log")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Addr: port, cmd: cmd, term: true}
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Close()
	log, _ := os.ReadFile(d + "/error.log")
	return nil, fmt.Errorf("nginx did not start: %s %s", stderr.String(), log)
}

// StallAfterCertificate answers a TLS-framed hello like a server that
// accepts anything: a ServerHello for the client's version (at most TLS
// 1.2) with the first TLS ≤ 1.2 suite offered, then its Certificate, and
// then nothing more until the server closes. A full handshake stalls; a
// prober must not wait for it longer than it needs.
func StallAfterCertificate(certDER []byte) func(net.Conn, <-chan struct{}) {
	return func(c net.Conn, stop <-chan struct{}) {
		rec, err := readHello(c)
		if err != nil || rec[0]&0x80 != 0 {
			return
		}
		ver, suites, ok := clientHelloInfo(rec)
		if !ok {
			return
		}
		ver = min(ver, 0x0303)
		var pick uint16
		for _, s := range suites {
			if s>>8 != 0x13 && s != 0x00FF {
				pick = s
				break
			}
		}
		sh := []byte{byte(ver >> 8), byte(ver)}
		random := make([]byte, 32)
		rand.Read(random)
		sh = append(sh, random...)
		sh = append(sh, 0, byte(pick>>8), byte(pick), 0)
		var cert []byte
		cert = append(cert, byte(len(certDER)>>16), byte(len(certDER)>>8), byte(len(certDER)))
		cert = append(cert, certDER...)
		cert = append([]byte{byte(len(cert) >> 16), byte(len(cert) >> 8), byte(len(cert))}, cert...)
		c.Write(handshakeRecord(ver, handshakeMsg(2, sh), handshakeMsg(11, cert)))
		<-stop
	}
}
