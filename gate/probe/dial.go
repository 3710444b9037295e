package probe

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// endpoint is one address of a target, ready to be asked questions.
type endpoint struct {
	target   Target
	addr     string   // ip:port dialled, or host:port through a proxy
	sni      string   // server name sent ("" = none)
	starttls string   // STARTTLS protocol or ""
	proxy    *url.URL // HTTP CONNECT proxy or nil
	timeout  time.Duration
}

// setupError is a failure before our hello was sent: connect, proxy,
// STARTTLS. The stage names which.
type setupError struct {
	Stage string
	Err   error
}

func (e *setupError) Error() string { return e.Stage + ": " + e.Err.Error() }
func (e *setupError) Unwrap() error { return e.Err }

// bufConn reads through a bufio.Reader that may hold bytes already read
// from the connection (proxy reply, STARTTLS dialogue).
type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// proxyFor returns the HTTP CONNECT proxy for a target, from HTTPS_PROXY /
// https_proxy and NO_PROXY / no_proxy read through getenv. Loopback
// targets and "localhost" never go through a proxy (httpproxy's rule).
func proxyFor(getenv func(string) string, t Target) (*url.URL, error) {
	if getenv == nil {
		return nil, nil
	}
	first := func(a, b string) string {
		if v := getenv(a); v != "" {
			return v
		}
		return getenv(b)
	}
	cfg := httpproxy.Config{
		HTTPSProxy: first("HTTPS_PROXY", "https_proxy"),
		NoProxy:    first("NO_PROXY", "no_proxy"),
	}
	if cfg.HTTPSProxy == "" {
		return nil, nil
	}
	u, err := cfg.ProxyFunc()(&url.URL{Scheme: "https", Host: t.String()})
	if err != nil {
		return nil, fmt.Errorf("HTTPS_PROXY: %w", err)
	}
	if u != nil && u.Scheme != "http" {
		return nil, fmt.Errorf("HTTPS_PROXY: unsupported proxy scheme %q (want http://)", u.Scheme)
	}
	return u, nil
}

// dial opens a connection to the endpoint with the deadline applied, goes
// through the proxy and the STARTTLS dialogue, and returns a connection
// ready for a hello. The connection's deadline is the probe's deadline;
// cancelling ctx also ends it.
func (e *endpoint) dial(ctx context.Context, deadline time.Time) (net.Conn, func(), error) {
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var d net.Dialer
	addr := e.addr
	if e.proxy != nil {
		addr = e.proxy.Host
		if e.proxy.Port() == "" {
			addr = net.JoinHostPort(e.proxy.Hostname(), "80")
		}
	}
	conn, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		stage := "connect"
		if e.proxy != nil {
			stage = "proxy connect"
		}
		return nil, nil, &setupError{stage, err}
	}
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	release := func() { stop(); conn.Close() }
	if e.proxy != nil {
		c, err := connectProxy(conn, e.proxy, e.target.String())
		if err != nil {
			release()
			return nil, nil, &setupError{"proxy", err}
		}
		conn = c
	}
	if e.starttls != "" {
		c, err := startTLS(conn, e.starttls, e.target.Host)
		if err != nil {
			release()
			return nil, nil, &setupError{"starttls " + e.starttls, err}
		}
		conn = c
	}
	return conn, release, nil
}

func connectProxy(conn net.Conn, proxy *url.URL, hostport string) (net.Conn, error) {
	req := "CONNECT " + hostport + " HTTP/1.1\r\nHost: " + hostport + "\r\n"
	if u := proxy.User; u != nil {
		p, _ := u.Password()
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+p)) + "\r\n"
	}
	req += "\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(conn, 4096)
	status, err := readLine(br)
	if err != nil {
		return nil, fmt.Errorf("reading CONNECT reply: %w", err)
	}
	f := strings.Fields(status)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		return nil, fmt.Errorf("not an HTTP proxy reply: %q", status)
	}
	if f[1] != "200" {
		return nil, fmt.Errorf("CONNECT %s refused: %s", hostport, status)
	}
	for i := 0; ; i++ {
		l, err := readLine(br)
		if err != nil {
			return nil, fmt.Errorf("reading CONNECT reply: %w", err)
		}
		if l == "" {
			break
		}
		if i > 100 {
			return nil, fmt.Errorf("CONNECT reply has too many header lines")
		}
	}
	return &bufConn{conn, br}, nil
}

// readLine reads one CRLF/LF-terminated line of at most 4 KiB.
func readLine(br *bufio.Reader) (string, error) {
	var line []byte
	for {
		b, isPrefix, err := br.ReadLine()
		if err != nil {
			return "", err
		}
		line = append(line, b...)
		if len(line) > 4096 {
			return "", fmt.Errorf("line longer than 4096 bytes")
		}
		if !isPrefix {
			return string(line), nil
		}
	}
}

// readReply reads a multi-line "NNN-…" / "NNN …" reply (SMTP, FTP) and
// returns its code.
func readReply(br *bufio.Reader) (string, string, error) {
	for i := 0; i < 100; i++ {
		l, err := readLine(br)
		if err != nil {
			return "", "", err
		}
		if len(l) < 3 {
			return "", l, fmt.Errorf("unexpected reply %q", l)
		}
		if len(l) == 3 || l[3] == ' ' {
			return l[:3], l, nil
		}
		if l[3] != '-' {
			return "", l, fmt.Errorf("unexpected reply %q", l)
		}
	}
	return "", "", fmt.Errorf("reply longer than 100 lines")
}

// startTLS runs the plaintext dialogue that asks the server to start TLS.
func startTLS(conn net.Conn, proto, host string) (net.Conn, error) {
	br := bufio.NewReaderSize(conn, 4096)
	expect := func(code string) error {
		c, l, err := readReply(br)
		if err != nil {
			return err
		}
		if c != code {
			return fmt.Errorf("server said %q, want %s", l, code)
		}
		return nil
	}
	send := func(s string) error { _, err := io.WriteString(conn, s); return err }
	lineWith := func(prefix string) error {
		for i := 0; i < 100; i++ {
			l, err := readLine(br)
			if err != nil {
				return err
			}
			if strings.HasPrefix(l, prefix) {
				return nil
			}
			if strings.HasPrefix(l, "-ERR") || strings.HasPrefix(l, "a1 NO") || strings.HasPrefix(l, "a1 BAD") {
				return fmt.Errorf("server said %q", l)
			}
		}
		return fmt.Errorf("no %q line in 100 lines", prefix)
	}
	var err error
	switch proto {
	case "smtp":
		if err = expect("220"); err == nil {
			if err = send("EHLO tlsgate.invalid\r\n"); err == nil {
				if err = expect("250"); err == nil {
					if err = send("STARTTLS\r\n"); err == nil {
						err = expect("220")
					}
				}
			}
		}
	case "ftp":
		if err = expect("220"); err == nil {
			if err = send("AUTH TLS\r\n"); err == nil {
				err = expect("234")
			}
		}
	case "imap":
		if err = lineWith("* OK"); err == nil {
			if err = send("a1 STARTTLS\r\n"); err == nil {
				err = lineWith("a1 OK")
			}
		}
	case "pop3":
		if err = lineWith("+OK"); err == nil {
			if err = send("STLS\r\n"); err == nil {
				err = lineWith("+OK")
			}
		}
	case "xmpp":
		err = send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='" + host + "' version='1.0'>")
		if err == nil {
			if err = readUntil(br, "</stream:features>"); err == nil {
				if err = send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"); err == nil {
					err = readUntil(br, "<proceed")
				}
			}
		}
	case "ldap":
		// ExtendedRequest (messageID 1) for StartTLS, OID 1.3.6.1.4.1.1466.20037.
		oid := "1.3.6.1.4.1.1466.20037"
		req := []byte{0x30, byte(7 + len(oid)), 0x02, 0x01, 0x01, 0x77, byte(2 + len(oid)), 0x80, byte(len(oid))}
		req = append(req, oid...)
		if _, err = conn.Write(req); err == nil {
			err = readLDAPResult(br)
		}
	case "postgres":
		// SSLRequest: length 8, code 80877103.
		if _, err = conn.Write([]byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}); err == nil {
			var b byte
			if b, err = br.ReadByte(); err == nil && b != 'S' {
				err = fmt.Errorf("server answered %q to SSLRequest, want 'S'", b)
			}
		}
	default:
		err = fmt.Errorf("unknown protocol %q", proto)
	}
	if err != nil {
		return nil, err
	}
	if br.Buffered() > 0 {
		return nil, fmt.Errorf("server sent %d unexpected bytes before TLS", br.Buffered())
	}
	return &bufConn{conn, br}, nil
}

func readUntil(br *bufio.Reader, marker string) error {
	var seen []byte
	for len(seen) < 64<<10 {
		b, err := br.ReadByte()
		if err != nil {
			return err
		}
		seen = append(seen, b)
		if strings.HasSuffix(string(seen[max(0, len(seen)-len(marker)):]), marker) {
			if marker == "<proceed" {
				// Consume the rest of the element.
				for b != '>' {
					if b, err = br.ReadByte(); err != nil {
						return err
					}
				}
			}
			return nil
		}
		if strings.Contains(string(seen[max(0, len(seen)-10):]), "<failure") {
			return fmt.Errorf("server refused STARTTLS")
		}
	}
	return fmt.Errorf("no %q in 64 KiB", marker)
}

// readLDAPResult reads one LDAPMessage and checks that its resultCode is 0.
func readLDAPResult(br *bufio.Reader) error {
	tag, err := br.ReadByte()
	if err != nil {
		return err
	}
	if tag != 0x30 {
		return fmt.Errorf("not an LDAP message (tag 0x%02x)", tag)
	}
	l, err := br.ReadByte()
	if err != nil {
		return err
	}
	n := int(l)
	if l&0x80 != 0 {
		k := int(l & 0x7f)
		if k == 0 || k > 2 {
			return fmt.Errorf("bad LDAP length")
		}
		n = 0
		for i := 0; i < k; i++ {
			b, err := br.ReadByte()
			if err != nil {
				return err
			}
			n = n<<8 | int(b)
		}
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(br, msg); err != nil {
		return err
	}
	// messageID INTEGER, then [APPLICATION 24] ExtendedResponse with
	// resultCode ENUMERATED first.
	i := strings.Index(string(msg), "\x0a\x01")
	if i < 0 || i+2 >= len(msg) {
		return fmt.Errorf("no resultCode in LDAP reply")
	}
	if msg[i+2] != 0 {
		return fmt.Errorf("StartTLS refused, LDAP resultCode %d", msg[i+2])
	}
	return nil
}

// ioClass names how a read ended.
func ioClass(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	case errors.Is(err, io.EOF):
		return "closed"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return "error"
}
