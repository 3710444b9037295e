package probe_test

import (
	"context"
	"testing"

	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/internal/testsrv"
)

// BenchmarkProbe measures one endpoint's full wave (versions, weak
// classes, certificate) against loopback servers, and 50 endpoints at once.
func BenchmarkProbe(b *testing.B) {
	pki := testsrv.NewPKI(b)
	for _, name := range []string{"modern", "legacy", "sslv3", "tls13-only"} {
		b.Run(name, func(b *testing.B) {
			srv := testsrv.Start(b, pki, name)
			tg, _ := probe.ParseTarget(srv.Addr)
			conns := 0
			for b.Loop() {
				r := probe.Run(context.Background(), []probe.Target{tg}, probe.Options{CAFile: pki.CAFile})
				conns += r[0].Connections
			}
			b.ReportMetric(float64(conns)/float64(b.N), "conns/op")
		})
	}
	b.Run("50-hosts", func(b *testing.B) {
		var ts []probe.Target
		for i := 0; i < 50; i++ {
			name := []string{"modern", "legacy", "tls13-only", "rc4", "cbc-only"}[i%5]
			srv := testsrv.Start(b, pki, name)
			tg, _ := probe.ParseTarget(srv.Addr)
			ts = append(ts, tg)
		}
		for b.Loop() {
			probe.Run(context.Background(), ts, probe.Options{CAFile: pki.CAFile})
		}
	})
}
