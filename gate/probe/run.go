package probe

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// Options tune a probe run. The zero value works: 3 s per connection, one
// full wave per host, 1024 connections in flight.
type Options struct {
	// Timeout bounds each connection: connect, proxy, STARTTLS and the
	// server's first flight (default DefaultTimeout).
	Timeout time.Duration
	// PerHost caps the connections in flight to one endpoint (default
	// WaveSize: every question at once).
	PerHost int
	// Concurrency caps the connections in flight overall (default
	// DefaultConcurrency).
	Concurrency int
	// Full enumerates every accepted suite per accepted version.
	Full bool
	// AllAddresses probes every A/AAAA address of a name as its own result.
	AllAddresses bool
	// CAFile adds PEM roots to the system roots for chain verification.
	CAFile string
	// SNI overrides the server name of every target.
	SNI string
	// StartTLS applies to targets that do not carry their own.
	StartTLS string
	// Getenv reads HTTPS_PROXY / NO_PROXY (nil = no proxy).
	Getenv func(string) string
	// Progress receives a progress line, rewritten in place (nil = none).
	Progress io.Writer
	// Deadline bounds the whole run (0 = only the caller's ctx).
	Deadline time.Duration
	// Now is the clock for certificate dates (nil = time.Now).
	Now func() time.Time
	// Resolver looks up names (nil = net.DefaultResolver).
	Resolver *net.Resolver
}

// Defaults.
const (
	DefaultTimeout     = 3 * time.Second
	DefaultConcurrency = 1024
	// WaveSize is the number of connections one endpoint costs: six
	// version hellos, seven class hellos, one certificate handshake.
	WaveSize = 6 + 7 + 1
)

type runner struct {
	opts     Options
	global   chan struct{}
	targets  chan struct{}
	roots    func() *x509.CertPool
	rootsErr error

	mu       sync.Mutex
	done     int
	total    atomic.Int64
	conns    atomic.Int64
	progress bool
}

// Run probes every target and returns one Result per target and address,
// in input order (with AllAddresses, a target's addresses follow each other).
// Every failure is recorded in the Result; Run never returns nil entries.
func Run(ctx context.Context, targets []Target, opts Options) []Result {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.PerHost <= 0 {
		opts.PerHost = WaveSize
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	if opts.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Deadline)
		defer cancel()
	}
	// Endpoints in progress are bounded too (two waves' worth), so that a
	// list of thousands of targets neither resolves them all at once nor
	// parks thousands of connection goroutines.
	perWave := max(1, opts.Concurrency/min(opts.PerHost, WaveSize))
	r := &runner{opts: opts, global: make(chan struct{}, opts.Concurrency), targets: make(chan struct{}, 2*perWave)}
	// The CA file is checked now; the system roots load while the first
	// wave is in flight.
	_, r.rootsErr = readCAFile(opts.CAFile)
	r.roots = sync.OnceValue(func() *x509.CertPool {
		p, _ := loadRoots(opts.CAFile)
		return p
	})
	go r.roots()
	r.total.Store(int64(len(targets)))
	out := make([][]Result, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = r.target(ctx, t)
		}()
	}
	wg.Wait()
	if opts.Progress != nil && r.progress {
		fmt.Fprint(opts.Progress, "\r\x1b[K")
	}
	var res []Result
	for _, rs := range out {
		res = append(res, rs...)
	}
	return res
}

func (r *runner) tick(endpoints int) {
	if r.opts.Progress == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done += endpoints
	r.progress = true
	fmt.Fprintf(r.opts.Progress, "\r\x1b[Ktlsgate: probe: %d/%d targets, %d connections", r.done, r.total.Load(), r.conns.Load())
}

// newResult returns a result with every protocol inconclusive for reason.
func newResult(t Target, addr, sni, reason string) Result {
	res := Result{
		Target: t.String(), Address: addr, SNI: sni,
		Protocols:       map[string]Status{},
		ProtocolDetails: map[string]Detail{},
		WeakCiphers:     []string{},
		CipherClasses:   map[string]Status{},
		Errors:          []string{},
	}
	for _, p := range finding.Protocols {
		res.Protocols[p.Key()] = Inconclusive
		res.ProtocolDetails[p.Key()] = Detail{Reason: reason}
	}
	for _, c := range append(slices.Clone(classProbes), ClassCBCOnly) {
		res.CipherClasses[c] = Inconclusive
	}
	return res
}

func (r *runner) target(ctx context.Context, t Target) []Result {
	defer r.tick(1)
	sni := t.SNI
	if r.opts.SNI != "" {
		sni = r.opts.SNI
	}
	starttls := t.StartTLS
	if starttls == "" {
		starttls = r.opts.StartTLS
	}
	fail := func(reason string) []Result {
		res := newResult(t, "", sni, reason)
		res.Errors = append(res.Errors, reason)
		return []Result{res}
	}
	if !ValidStartTLS(starttls) {
		return fail(fmt.Sprintf("unknown STARTTLS protocol %q", starttls))
	}
	select {
	case r.targets <- struct{}{}:
		defer func() { <-r.targets }()
	case <-ctx.Done():
		return fail("canceled")
	}
	if r.rootsErr != nil {
		return fail(r.rootsErr.Error())
	}
	proxy, err := proxyFor(r.opts.Getenv, t)
	if err != nil {
		return fail(err.Error())
	}
	base := endpoint{target: t, sni: sni, starttls: starttls, timeout: r.opts.Timeout}
	if proxy != nil {
		ep := base
		ep.proxy = proxy
		ep.addr = t.String()
		return []Result{r.endpoint(ctx, &ep)}
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(t.Host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		lctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
		addrs, err = r.opts.Resolver.LookupNetIP(lctx, "ip", t.Host)
		cancel()
		if err != nil {
			return fail(fmt.Sprintf("resolve %q: %v", t.Host, err))
		}
		if len(addrs) == 0 {
			return fail(fmt.Sprintf("resolve %q: no addresses", t.Host))
		}
	}
	if !r.opts.AllAddresses {
		// The first address that takes connections is probed; addresses
		// that cannot be reached at all (no IPv6 route, refused) are
		// skipped and named in errors.
		var skipped []string
		for i, a := range addrs {
			ep := base
			ep.addr = net.JoinHostPort(a.Unmap().String(), t.Port)
			res := r.endpoint(ctx, &ep)
			if res.Connections > 0 || i == len(addrs)-1 || ctx.Err() != nil {
				if len(skipped) > 0 {
					res.Errors = append([]string{"skipped unreachable " + strings.Join(skipped, ", ")}, res.Errors...)
				}
				return []Result{res}
			}
			skipped = append(skipped, ep.addr)
		}
	}
	out := make([]Result, len(addrs))
	var wg sync.WaitGroup
	for i, a := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ep := base
			ep.addr = net.JoinHostPort(a.Unmap().String(), t.Port)
			out[i] = r.endpoint(ctx, &ep)
		}()
	}
	wg.Wait()
	return out
}

// acquire takes a per-host and a global slot; release gives them back.
func (r *runner) acquire(ctx context.Context, host chan struct{}) (release func(), ok bool) {
	select {
	case host <- struct{}{}:
	case <-ctx.Done():
		return nil, false
	}
	select {
	case r.global <- struct{}{}:
	case <-ctx.Done():
		<-host
		return nil, false
	}
	return func() { <-r.global; <-host }, true
}

// question is one raw hello of the wave.
type question struct {
	proto    finding.Protocol // version probes
	class    string           // class probes ("" for version probes)
	hello    []byte
	offered  []uint16
	wantCert bool
}

func versionWire(p finding.Protocol) uint16 {
	return [...]uint16{vSSL20, vSSL30, vTLS10, vTLS11, vTLS12, vTLS13}[p]
}

func (r *runner) questions(sni string) []question {
	var qs []question
	all := append(allSuites12(), allSuites13()...)
	for _, p := range finding.Protocols {
		q := question{proto: p}
		switch p {
		case finding.SSL20:
			q.hello = buildSSLv2Hello()
		case finding.TLS13:
			q.offered = all
			q.hello = buildHello(helloSpec{Version: vTLS12, TLS13: true, Suites: all, SNI: sni})
		case finding.SSL30:
			q.offered = suitesSSL3()
			q.wantCert = true
			q.hello = buildHello(helloSpec{Version: vSSL30, Suites: q.offered})
		default:
			q.offered = allSuites12()
			q.wantCert = true
			q.hello = buildHello(helloSpec{Version: versionWire(p), Suites: q.offered, SNI: sni})
		}
		qs = append(qs, q)
	}
	for _, c := range classProbes {
		s := classSuites(c)
		qs = append(qs, question{class: c, offered: s, hello: buildHello(helloSpec{Version: vTLS12, Suites: s, SNI: sni})})
	}
	return qs
}

func (r *runner) endpoint(ctx context.Context, ep *endpoint) Result {
	start := time.Now()
	res := newResult(ep.target, ep.addr, ep.sni, "not asked")
	if ep.proxy != nil {
		res.Proxy = ep.proxy.Redacted()
	}
	hostSem := make(chan struct{}, r.opts.PerHost)
	qs := r.questions(ep.sni)
	answers := make([]answer, len(qs))
	var (
		wg        sync.WaitGroup
		certRaw   [][]byte
		certErr   error
		certConn  bool
		certAsked bool
	)
	// The certificate handshake may be cut short once the raw wave is
	// done and has a certificate (see below).
	cctx, ccancel := context.WithCancel(ctx)
	defer ccancel()
	var raw sync.WaitGroup
	for i, q := range qs {
		wg.Add(1)
		raw.Add(1)
		go func() {
			defer wg.Done()
			defer raw.Done()
			rel, ok := r.acquire(ctx, hostSem)
			if !ok {
				answers[i] = answer{End: "canceled"}
				return
			}
			defer rel()
			answers[i] = ep.ask(ctx, q.hello, q.wantCert)
			if answers[i].Connected {
				r.conns.Add(1)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		rel, ok := r.acquire(ctx, hostSem)
		if !ok {
			certErr = context.Canceled
			return
		}
		defer rel()
		certAsked = true
		certRaw, certConn, certErr = ep.handshakeCert(cctx)
		if certConn {
			r.conns.Add(1)
		}
	}()
	// When every raw question is answered and one of them carried the
	// certificate in clear, a certificate handshake that still hangs (a
	// server stalling after its ServerHello) gets as long again as the raw
	// wave took, at least 250 ms, and is then given up: the raw
	// certificate is used instead.
	raw.Wait()
	grace := max(250*time.Millisecond, time.Since(start))
	for _, a := range answers {
		if len(a.Reply.Certs) > 0 {
			t := time.AfterFunc(grace, func() { ccancel() })
			defer t.Stop()
			break
		}
	}
	wg.Wait()
	if errors.Is(certErr, context.Canceled) && cctx.Err() != nil && ctx.Err() == nil {
		certErr = fmt.Errorf("stalled: no end %v after the raw probes had answered", grace.Round(time.Millisecond))
	}

	for _, a := range answers {
		if a.Connected {
			res.Connections++
		}
	}
	if certConn {
		res.Connections++
	}
	othersNormal := func(skip int) bool {
		for i, a := range answers {
			if i != skip && a.normal() {
				return true
			}
		}
		return false
	}
	// Versions.
	for i, q := range qs {
		if q.class != "" {
			continue
		}
		st, d := classifyVersion(q, answers[i], othersNormal(i))
		res.Protocols[q.proto.Key()] = st
		res.ProtocolDetails[q.proto.Key()] = d
	}
	// Classes.
	for i, q := range qs {
		if q.class == "" {
			continue
		}
		st, d := classifyClass(q, answers[i], othersNormal(i))
		res.CipherClasses[q.class] = st
		if st == Inconclusive {
			res.Errors = append(res.Errors, fmt.Sprintf("cipher class %s: %s", q.class, d.Reason))
		}
	}
	// SSL 2.0 cipher kinds count for their classes too.
	if res.Protocols[finding.SSL20.Key()] == Accepted {
		for i, q := range qs {
			if q.class == "" && q.proto == finding.SSL20 {
				for _, c := range answers[i].Reply.SSLv2Ciphers {
					for _, cl := range sslv2Classes(c) {
						res.CipherClasses[cl] = Accepted
					}
				}
			}
		}
	}
	cbcSeen := false
	for _, a := range answers {
		if a.Reply.Kind == replyServerHello && strings.Contains(SuiteName(a.Reply.Suite), "_CBC_") {
			cbcSeen = true
		}
	}
	res.CipherClasses[ClassCBCOnly] = cbcOnly(res, cbcSeen)
	for _, c := range WeakClasses {
		if res.CipherClasses[c] == Accepted {
			res.WeakCiphers = append(res.WeakCiphers, c)
		}
	}
	// Setup failures (connect refused, STARTTLS refused) go to errors once.
	seen := map[string]bool{}
	for _, a := range answers {
		if a.Setup != nil && !seen[a.Setup.Error()] {
			seen[a.Setup.Error()] = true
			res.Errors = append(res.Errors, a.Setup.Error())
		}
	}
	// Certificate.
	copts := CertOptions{Roots: r.roots(), Name: ep.sni, Now: r.opts.Now()}
	if copts.Name == "" {
		copts.Name = ep.target.Host
	}
	source := "handshake"
	if certErr != nil || len(certRaw) == 0 {
		if certAsked && certErr != nil && !seen[certErr.Error()] {
			res.Errors = append(res.Errors, "certificate handshake: "+certErr.Error())
		}
		// Fall back to a cleartext Certificate message: TLS 1.2 first.
		certRaw = nil
		for _, p := range []finding.Protocol{finding.TLS12, finding.TLS11, finding.TLS10, finding.SSL30, finding.SSL20} {
			for i, q := range qs {
				if q.class == "" && q.proto == p && res.Protocols[p.Key()] == Accepted && len(answers[i].Reply.Certs) > 0 && certRaw == nil {
					certRaw = answers[i].Reply.Certs
				}
			}
		}
		source = "raw"
	}
	if len(certRaw) > 0 {
		c, err := CertFacts(certRaw, copts)
		if err != nil {
			res.Errors = append(res.Errors, "certificate: "+err.Error())
		} else {
			c.Source = source
			res.Certificate = c
		}
	}
	if r.opts.Full {
		r.full(ctx, ep, &res, qs, answers, hostSem)
	}
	res.ElapsedMS = time.Since(start).Milliseconds()
	return res
}

// classifyVersion turns the answer to a version hello into a status.
func classifyVersion(q question, a answer, othersNormal bool) (Status, Detail) {
	rp := a.Reply
	want := versionWire(q.proto)
	switch rp.Kind {
	case replySSLv2Hello:
		if q.proto != finding.SSL20 {
			return Rejected, Detail{Reason: "server answered with SSL 2.0", Version: "SSL 2.0"}
		}
		if rp.Version != vSSL20 {
			return Rejected, Detail{Reason: "server chose " + versionName(rp.Version), Version: versionName(rp.Version)}
		}
		if len(rp.SSLv2Ciphers) == 0 {
			return Rejected, Detail{Reason: "SSL 2.0 server hello without cipher kinds"}
		}
		return Accepted, Detail{Reason: "server hello", Suite: sslv2CipherName(rp.SSLv2Ciphers[0])}
	case replyServerHello, replyHRR:
		if rp.Kind == replyHRR && q.proto != finding.TLS13 {
			return Inconclusive, Detail{Reason: "malformed reply: hello retry request to a " + q.proto.String() + " hello"}
		}
		if q.proto != finding.SSL20 && !slices.Contains(q.offered, rp.Suite) && !(rp.Kind == replyServerHello && rp.Version != want) {
			return Inconclusive, Detail{Reason: "malformed reply: server chose a suite not offered", Suite: SuiteName(rp.Suite)}
		}
		if rp.Version == want && q.proto != finding.SSL20 {
			reason := "server hello"
			if rp.Kind == replyHRR {
				reason = "hello retry request"
			}
			return Accepted, Detail{Reason: reason, Suite: SuiteName(rp.Suite)}
		}
		return Rejected, Detail{Reason: "server chose " + versionName(rp.Version), Version: versionName(rp.Version), Suite: SuiteName(rp.Suite)}
	}
	d, ok := a.refusal(othersNormal)
	if ok {
		return Rejected, d
	}
	return Inconclusive, d
}

// classifyClass turns the answer to a class hello into a status.
func classifyClass(q question, a answer, othersNormal bool) (Status, Detail) {
	rp := a.Reply
	switch rp.Kind {
	case replyServerHello:
		if !slices.Contains(q.offered, rp.Suite) {
			return Inconclusive, Detail{Reason: "malformed reply: server chose a suite not offered", Suite: SuiteName(rp.Suite)}
		}
		return Accepted, Detail{Reason: "server hello", Suite: SuiteName(rp.Suite), Version: versionName(rp.Version)}
	case replyHRR, replySSLv2Hello:
		return Rejected, Detail{Reason: "server answered another protocol"}
	}
	d, ok := a.refusal(othersNormal)
	if ok {
		return Rejected, d
	}
	return Inconclusive, d
}

// cbcOnly decides CBC_ONLY: a CBC suite accepted (cbcSeen: some answer
// chose one), and no AEAD suite anywhere (the AEAD hello refused, TLS 1.3
// refused). A server whose only suites are RC4 or NULL is not CBC-only.
func cbcOnly(res Result, cbcSeen bool) Status {
	legacy := false
	legacyConclusive := true
	for _, p := range []finding.Protocol{finding.SSL30, finding.TLS10, finding.TLS11, finding.TLS12} {
		switch res.Protocols[p.Key()] {
		case Accepted:
			legacy = true
		case Inconclusive:
			legacyConclusive = false
		}
	}
	aead := res.CipherClasses[ClassAEAD]
	t13 := res.Protocols[finding.TLS13.Key()]
	switch {
	case aead == Accepted || t13 == Accepted:
		return Rejected
	case !legacy && legacyConclusive:
		return Rejected
	case legacy && aead == Rejected && t13 == Rejected:
		if cbcSeen {
			return Accepted
		}
		return Rejected
	}
	return Inconclusive
}

// full enumerates every accepted suite at each accepted version: offer the
// remaining suites, note the server's pick, remove it, repeat until
// refused (accepted+1 connections per version, versions in parallel).
func (r *runner) full(ctx context.Context, ep *endpoint, res *Result, qs []question, answers []answer, hostSem chan struct{}) {
	res.Suites = map[string][]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, q := range qs {
		if q.class != "" || res.Protocols[q.proto.Key()] != Accepted {
			continue
		}
		if q.proto == finding.SSL20 {
			var names []string
			for _, c := range answers[i].Reply.SSLv2Ciphers {
				names = append(names, sslv2CipherName(c))
			}
			res.Suites[q.proto.Key()] = names
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := versionWire(q.proto)
			remaining := allSuites12()
			if q.proto == finding.SSL30 {
				remaining = suitesSSL3()
			}
			if q.proto == finding.TLS13 {
				remaining = allSuites13()
			}
			var names []string
			conns := 0
			var stop string
			for len(remaining) > 0 {
				spec := helloSpec{Version: want, Suites: remaining, SNI: ep.sni}
				if q.proto == finding.TLS13 {
					spec.Version, spec.TLS13 = vTLS12, true
				}
				rel, ok := r.acquire(ctx, hostSem)
				if !ok {
					stop = "canceled"
					break
				}
				a := ep.ask(ctx, buildHello(spec), false)
				rel()
				if a.Connected {
					conns++
					r.conns.Add(1)
				}
				rp := a.Reply
				if (rp.Kind == replyServerHello || rp.Kind == replyHRR) && rp.Version == want && slices.Contains(remaining, rp.Suite) {
					names = append(names, SuiteName(rp.Suite))
					remaining = slices.DeleteFunc(remaining, func(s uint16) bool { return s == rp.Suite })
					continue
				}
				if _, ok := a.refusal(true); !ok && rp.Kind != replyServerHello {
					d, _ := a.refusal(true)
					stop = d.Reason
				}
				break
			}
			mu.Lock()
			defer mu.Unlock()
			res.Suites[q.proto.Key()] = names
			res.Connections += conns
			if stop != "" {
				res.Errors = append(res.Errors, fmt.Sprintf("full enumeration of %s stopped early: %s", q.proto, stop))
			}
		}()
	}
	wg.Wait()
	slices.Sort(res.Errors)
}
