package probe_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/probe"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name, in                       string
		host, port, sni, starttls, str string
		err                            string
	}{
		{name: "host", in: "example.com", host: "example.com", port: "443", sni: "example.com", str: "example.com:443"},
		{name: "host port", in: "Example.COM:8443", host: "example.com", port: "8443", sni: "example.com", str: "example.com:8443"},
		{name: "trailing dot", in: "example.com.:443", host: "example.com", port: "443", sni: "example.com", str: "example.com:443"},
		{name: "ipv4", in: "127.0.0.1:4433", host: "127.0.0.1", port: "4433", str: "127.0.0.1:4433"},
		{name: "ipv6 bracketed", in: "[::1]:4433", host: "::1", port: "4433", str: "[::1]:4433"},
		{name: "ipv6 bracketed no port", in: "[2001:db8::1]", host: "2001:db8::1", port: "443", str: "[2001:db8::1]:443"},
		{name: "ipv6 bare", in: "2001:db8::1", host: "2001:db8::1", port: "443", str: "[2001:db8::1]:443"},
		{name: "https url", in: "https://example.com/path?q=1", host: "example.com", port: "443", sni: "example.com", str: "example.com:443"},
		{name: "https url port", in: "https://example.com:8443", host: "example.com", port: "8443", sni: "example.com", str: "example.com:8443"},
		{name: "ldaps", in: "ldaps://dc1.corp.example", host: "dc1.corp.example", port: "636", sni: "dc1.corp.example", str: "dc1.corp.example:636"},
		{name: "smtps", in: "smtps://mail.example", host: "mail.example", port: "465", sni: "mail.example", str: "mail.example:465"},
		{name: "smtp starttls", in: "smtp://mail.example:25", host: "mail.example", port: "25", sni: "mail.example", starttls: "smtp", str: "mail.example:25"},
		{name: "smtp default port", in: "smtp://mail.example", host: "mail.example", port: "25", sni: "mail.example", starttls: "smtp", str: "mail.example:25"},
		{name: "postgres", in: "postgres://db.example", host: "db.example", port: "5432", sni: "db.example", starttls: "postgres", str: "db.example:5432"},
		{name: "ipv6 url", in: "https://[::1]:8443/", host: "::1", port: "8443", str: "[::1]:8443"},
		{name: "spaces trimmed", in: "  example.com  ", host: "example.com", port: "443", sni: "example.com", str: "example.com:443"},
		{name: "empty", in: "", err: "empty target"},
		{name: "bad port", in: "example.com:99999", err: `target "example.com:99999": invalid port "99999"`},
		{name: "port zero", in: "example.com:0", err: "invalid port"},
		{name: "non-numeric port", in: "example.com:https", err: "invalid port"},
		{name: "unknown scheme", in: "gopher://example.com", err: `unsupported scheme "gopher"`},
		{name: "bad host", in: "exa mple.com", err: "not a host"},
		{name: "bad chars", in: "exa$mple.com", err: "invalid host name"},
		{name: "bad ipv6", in: "[zz::1]:443", err: "not an IPv6 address"},
		{name: "ipv4 in brackets", in: "[127.0.0.1]:443", err: "not an IPv6 address"},
		{name: "url without host", in: "https://", err: "no host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := probe.ParseTarget(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %+v, %v; want error containing %q", got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Host != tt.host || got.Port != tt.port || got.SNI != tt.sni || got.StartTLS != tt.starttls || got.String() != tt.str || got.Input != tt.in {
				t.Errorf("got %+v (%s), want host %q port %q sni %q starttls %q str %q", got, got, tt.host, tt.port, tt.sni, tt.starttls, tt.str)
			}
		})
	}
}

func TestShard(t *testing.T) {
	var ts []probe.Target
	for i := 0; i < 200; i++ {
		tg, err := probe.ParseTarget(fmt.Sprintf("host%d.example:%d", i, 443+i%3))
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, tg)
	}
	const n = 4
	seen := map[string]int{}
	for k := 1; k <= n; k++ {
		part := probe.Shard(ts, k, n)
		if len(part) < 20 {
			t.Errorf("shard %d/%d has only %d of 200 targets", k, n, len(part))
		}
		for _, tg := range part {
			seen[tg.String()]++
		}
		// Stable whatever the order and the company: reversed input,
		// and each target alone, land in the same shard.
		rev := make([]probe.Target, len(ts))
		for i := range ts {
			rev[len(ts)-1-i] = ts[i]
		}
		if got := probe.Shard(rev, k, n); len(got) != len(part) {
			t.Errorf("shard %d/%d: %d targets reversed, %d forward", k, n, len(got), len(part))
		}
		for _, tg := range part {
			if len(probe.Shard([]probe.Target{tg}, k, n)) != 1 {
				t.Errorf("%s alone left shard %d", tg, k)
			}
		}
	}
	if len(seen) != len(ts) {
		t.Errorf("shards cover %d of %d targets", len(seen), len(ts))
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("%s in %d shards", k, c)
		}
	}
	for _, bad := range []string{"0/3", "4/3", "1/0", "x/2", "1", "1/2/3"} {
		if _, _, err := probe.ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
	if k, n, err := probe.ParseShard("2/5"); err != nil || k != 2 || n != 5 {
		t.Errorf("ParseShard(2/5) = %d, %d, %v", k, n, err)
	}
}
