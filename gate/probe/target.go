package probe

import (
	"fmt"
	"hash/fnv"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Target is one endpoint to probe, as parsed from the command line or a
// targets file.
type Target struct {
	// Input is the text the target was parsed from.
	Input string
	// Host is a DNS name (lower case) or an IP literal without brackets.
	Host string
	// Port is the TCP port, decimal.
	Port string
	// SNI is the server name sent in the hello: the host name, or "" for an
	// IP literal (Options.SNI overrides it for every target).
	SNI string
	// StartTLS is the plaintext protocol spoken before the hello ("" for
	// direct TLS): smtp, imap, pop3, ftp, ldap, xmpp or postgres.
	StartTLS string
}

// String returns the normalised "host:port" ("[v6]:port" for IPv6).
func (t Target) String() string { return net.JoinHostPort(t.Host, t.Port) }

// StartTLSProtocols lists the protocols --starttls accepts.
var StartTLSProtocols = []string{"smtp", "imap", "pop3", "ftp", "ldap", "xmpp", "postgres"}

// ValidStartTLS reports whether s is "" or one of StartTLSProtocols.
func ValidStartTLS(s string) bool {
	if s == "" {
		return true
	}
	for _, p := range StartTLSProtocols {
		if s == p {
			return true
		}
	}
	return false
}

// schemes maps a URL scheme to its default port and STARTTLS protocol.
var schemes = map[string]struct {
	port     string
	starttls string
}{
	"https":      {"443", ""},
	"tls":        {"443", ""},
	"ldaps":      {"636", ""},
	"smtps":      {"465", ""},
	"imaps":      {"993", ""},
	"pop3s":      {"995", ""},
	"ftps":       {"990", ""},
	"smtp":       {"25", "smtp"},
	"submission": {"587", "smtp"},
	"imap":       {"143", "imap"},
	"pop3":       {"110", "pop3"},
	"ftp":        {"21", "ftp"},
	"ldap":       {"389", "ldap"},
	"xmpp":       {"5222", "xmpp"},
	"postgres":   {"5432", "postgres"},
	"postgresql": {"5432", "postgres"},
}

// ParseTarget parses "host", "host:port", "[v6]:port", a bare IPv6
// address, or a URL whose scheme gives the default port (https 443, ldaps
// 636, smtps 465, …) and, for plaintext schemes (smtp://, imap://, …), the
// STARTTLS protocol. Without a port the default is 443.
func ParseTarget(s string) (Target, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return Target{}, fmt.Errorf("empty target")
	}
	t := Target{Input: in}
	hostport := s
	defPort := "443"
	if i := strings.Index(s, "://"); i >= 0 {
		u, err := url.Parse(s)
		if err != nil {
			return Target{}, fmt.Errorf("target %q: %v", in, err)
		}
		sc, ok := schemes[strings.ToLower(u.Scheme)]
		if !ok {
			return Target{}, fmt.Errorf("target %q: unsupported scheme %q (want https, ldaps, smtps, imaps, pop3s, ftps, smtp, imap, pop3, ftp, ldap, xmpp or postgres)", in, u.Scheme)
		}
		if u.Host == "" {
			return Target{}, fmt.Errorf("target %q: no host", in)
		}
		hostport = u.Host
		defPort = sc.port
		t.StartTLS = sc.starttls
	} else if strings.ContainsAny(s, "/?#@ \t") {
		return Target{}, fmt.Errorf("target %q: not a host, host:port or URL", in)
	}
	host, port := hostport, defPort
	switch {
	case strings.HasPrefix(hostport, "["):
		h, p, err := net.SplitHostPort(hostport)
		if err != nil {
			if !strings.HasSuffix(hostport, "]") {
				return Target{}, fmt.Errorf("target %q: %v", in, err)
			}
			h = hostport[1 : len(hostport)-1]
		} else {
			port = p
		}
		host = h
		if _, err := netip.ParseAddr(host); err != nil || !strings.Contains(host, ":") {
			return Target{}, fmt.Errorf("target %q: %q is not an IPv6 address", in, host)
		}
	case strings.Count(hostport, ":") > 1:
		// A bare IPv6 address without a port.
		if _, err := netip.ParseAddr(hostport); err != nil {
			return Target{}, fmt.Errorf("target %q: not an IPv6 address (write [addr]:port)", in)
		}
	case strings.Contains(hostport, ":"):
		h, p, err := net.SplitHostPort(hostport)
		if err != nil {
			return Target{}, fmt.Errorf("target %q: %v", in, err)
		}
		host, port = h, p
	}
	if port == "" {
		port = defPort
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || strings.HasPrefix(port, "+") {
		return Target{}, fmt.Errorf("target %q: invalid port %q", in, port)
	}
	t.Port = strconv.Itoa(n)
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return Target{}, fmt.Errorf("target %q: zoned IPv6 addresses are not supported", in)
		}
		t.Host = a.Unmap().String()
		return t, nil
	}
	if err := checkHostname(host); err != nil {
		return Target{}, fmt.Errorf("target %q: %v", in, err)
	}
	t.Host = host
	t.SNI = host
	return t, nil
}

func checkHostname(h string) error {
	if h == "" {
		return fmt.Errorf("no host")
	}
	if len(h) > 253 {
		return fmt.Errorf("host name longer than 253 characters")
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("invalid host name %q", h)
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("invalid host name %q", h)
			}
		}
	}
	return nil
}

// ParseShard parses "K/N" (1 ≤ K ≤ N).
func ParseShard(s string) (k, n int, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	if ok {
		k, err = strconv.Atoi(a)
		if err == nil {
			n, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("invalid shard %q (want K/N with 1 <= K <= N)", s)
	}
	return k, n, nil
}

// Shard returns shard k of n (1-based, 1 ≤ k ≤ n) of targets, in input
// order. A target belongs to shard 1 + FNV-1a(normalised target) mod n, so
// every runner computes the same split whatever the order or the other
// targets; the n shards together hold every target exactly once. With
// n ≤ 1 all targets are returned.
func Shard(targets []Target, k, n int) []Target {
	if n <= 1 {
		return append([]Target(nil), targets...)
	}
	var out []Target
	for _, t := range targets {
		if ShardOf(t, n) == k {
			out = append(out, t)
		}
	}
	return out
}

// ShardOf returns the 1-based shard of t among n.
func ShardOf(t Target, n int) int {
	if n <= 1 {
		return 1
	}
	h := fnv.New32a()
	h.Write([]byte(t.String()))
	if t.StartTLS != "" {
		h.Write([]byte("+" + t.StartTLS))
	}
	return int(h.Sum32()%uint32(n)) + 1
}
