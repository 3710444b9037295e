package probe_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/internal/testsrv"
)

// TestProfiles probes every loopback profile and asserts the protocols
// map, the weak classes and the certificate facts against the profile's
// truth.
func TestProfiles(t *testing.T) {
	pki := testsrv.NewPKI(t)
	for _, pr := range testsrv.Profiles() {
		t.Run(pr.Name, func(t *testing.T) {
			t.Parallel()
			srv := testsrv.Start(t, pki, pr.Name)
			tg, err := probe.ParseTarget(srv.Addr)
			if err != nil {
				t.Fatal(err)
			}
			res := probe.Run(context.Background(), []probe.Target{tg}, probe.Options{Timeout: 2 * time.Second, CAFile: pki.CAFile})
			if len(res) != 1 {
				t.Fatalf("got %d results, want 1", len(res))
			}
			r := res[0]
			js, _ := json.MarshalIndent(r, "", "  ")
			for k, want := range pr.Expect.Protocols {
				if got := string(r.Protocols[k]); got != want {
					t.Errorf("%s: got %s (%+v), want %s", k, got, r.ProtocolDetails[k], want)
				}
			}
			if !slices.Equal(r.WeakCiphers, pr.Expect.Weak) {
				t.Errorf("weak ciphers: got %v, want %v (classes %v)", r.WeakCiphers, pr.Expect.Weak, r.CipherClasses)
			}
			if e := pr.Expect; e.Cert {
				c := r.Certificate
				if c == nil {
					t.Fatalf("no certificate; errors %v", r.Errors)
				}
				if c.ChainValid != e.ChainValid || c.Expired != e.Expired || c.HostnameMatch != e.HostnameMatch ||
					c.MissingIntermediate != e.MissingIntermediate || c.WeakSignature != e.WeakSignature ||
					c.KeyType != e.KeyType || c.KeyBits != e.KeyBits {
					t.Errorf("certificate: got %+v, want %+v", *c, e)
				}
			}
			if t.Failed() {
				t.Logf("result: %s", js)
			}
		})
	}
}
