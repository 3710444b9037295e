// Command testbed starts the prober's loopback test profiles (the same
// servers the tests use, internal/testsrv), each behind a delay proxy that
// adds a round-trip time and counts connections, for bench/probe.sh.
//
//	go run ./bench/testbed -rtt 50ms -copies 1 -addr-file /tmp/bed.txt
//
// It writes one line per endpoint: "<profile> <proxy addr> <server addr>
// <expected protocols>" (six letters a/r/i, SSL 2.0 first),
// serves connection counts as JSON on -status (GET /counts, POST /reset),
// and runs until interrupted.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tlsgate/tlsgate/internal/testsrv"
)

func main() {
	rtt := flag.Duration("rtt", 50*time.Millisecond, "round-trip time the proxy adds (0 = none)")
	copies := flag.Int("copies", 1, "copies of each selected profile")
	only := flag.String("profiles", "", "comma list of profiles (default: all)")
	addrFile := flag.String("addr-file", "", "write the endpoint list here (default stdout)")
	status := flag.String("status", "127.0.0.1:0", "address of the counts endpoint")
	dir := flag.String("dir", "", "directory for certificates (default: a temporary one)")
	flag.Parse()

	d := *dir
	if d == "" {
		var err error
		if d, err = os.MkdirTemp("", "tlsgate-testbed"); err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
	}
	pki, err := testsrv.NewPKIIn(d)
	if err != nil {
		log.Fatal(err)
	}
	want := map[string]bool{}
	for _, p := range strings.Split(*only, ",") {
		if p != "" {
			want[p] = true
		}
	}
	var lines []string
	var servers []*testsrv.Server
	counts := map[string]*atomic.Int64{}
	for _, pr := range testsrv.Profiles() {
		if len(want) > 0 && !want[pr.Name] {
			continue
		}
		for i := 0; i < *copies; i++ {
			s, err := pr.Start(pki)
			if err != nil {
				log.Printf("skip %s: %v", pr.Name, err)
				break
			}
			servers = append(servers, s)
			name := pr.Name
			if *copies > 1 {
				name = fmt.Sprintf("%s-%d", pr.Name, i+1)
			}
			c := &atomic.Int64{}
			counts[name] = c
			paddr, err := delayProxy(s.Addr, *rtt, c)
			if err != nil {
				log.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%s %s %s %s", name, paddr, s.Addr, truth(pr.Expect)))
		}
	}
	ln, err := net.Listen("tcp", *status)
	if err != nil {
		log.Fatal(err)
	}
	var mu sync.Mutex
	http.HandleFunc("/counts", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		m := map[string]int64{}
		for k, v := range counts {
			m[k] = v.Load()
		}
		json.NewEncoder(w).Encode(m)
	})
	http.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		for _, v := range counts {
			v.Store(0)
		}
	})
	go http.Serve(ln, nil)
	out := strings.Join(append([]string{"# status http://" + ln.Addr().String()}, lines...), "\n") + "\n"
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile+".tmp", []byte(out), 0o644); err != nil {
			log.Fatal(err)
		}
		os.Rename(*addrFile+".tmp", *addrFile)
	} else {
		fmt.Print(out)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	for _, s := range servers {
		s.Close()
	}
}

// truth is the expected protocols as six letters, SSL2.0 first: a
// accepted, r rejected, i inconclusive.
func truth(e testsrv.Expect) string {
	var b strings.Builder
	for _, k := range []string{"SSL2.0", "SSL3.0", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"} {
		b.WriteString(e.Protocols[k][:1])
	}
	return b.String()
}

// delayProxy listens on 127.0.0.1 and forwards to upstream, delaying every
// chunk by rtt/2 in each direction; the first client bytes wait one extra
// rtt, standing in for the TCP handshake the loopback connect skips.
func delayProxy(upstream string, rtt time.Duration, count *atomic.Int64) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			count.Add(1)
			go func() {
				u, err := net.Dial("tcp", upstream)
				if err != nil {
					c.Close()
					return
				}
				go pump(u, c, rtt/2, rtt)
				pump(c, u, rtt/2, 0)
			}()
		}
	}()
	return ln.Addr().String(), nil
}

type chunk struct {
	at   time.Time
	data []byte
	err  error
}

// pump copies src to dst, each chunk delivered delay after it was read
// (first extra for the first chunk), preserving order.
func pump(dst, src net.Conn, delay, first time.Duration) {
	q := make(chan chunk, 1024)
	go func() {
		extra := first
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				q <- chunk{at: time.Now().Add(delay + extra), data: buf[:n]}
				extra = 0
			}
			if err != nil {
				q <- chunk{at: time.Now().Add(delay), err: err}
				close(q)
				return
			}
		}
	}()
	for ch := range q {
		if d := time.Until(ch.at); d > 0 {
			time.Sleep(d)
		}
		if ch.err != nil {
			// TLS needs no half-close: one side gone ends both.
			dst.Close()
			src.Close()
			continue
		}
		if _, err := dst.Write(ch.data); err != nil {
			src.Close()
			dst.Close()
		}
	}
}
