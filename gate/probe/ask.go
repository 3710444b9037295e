package probe

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// answer is what one raw question (one connection) produced.
type answer struct {
	Reply     reply
	Setup     *setupError // failed before the hello was sent
	Connected bool
	// End is how reading ended before a decision: "timeout", "closed",
	// "reset", "error", "canceled" or "" when a reply was decided.
	End      string
	Received int // bytes received
	// Raw holds the bytes received (for captures and debugging).
	Raw []byte
}

// decided reports whether the server gave a parseable answer.
func (a answer) decided() bool { return a.Reply.Kind != replyNone }

// ask opens one connection, sends hello and reads the first flight until
// it can classify it (and, with wantCert, until the Certificate message of
// a ≤ TLS 1.2 flight). The deadline bounds everything.
func (e *endpoint) ask(ctx context.Context, hello []byte, wantCert bool) answer {
	deadline := time.Now().Add(e.timeout)
	conn, release, err := e.dial(ctx, deadline)
	if err != nil {
		if ctx.Err() != nil {
			// Cancelled (or past the overall deadline) while connecting:
			// the same answer as a cancel after the hello, not a setup
			// problem of the endpoint.
			return answer{End: "canceled"}
		}
		var se *setupError
		errors.As(err, &se)
		return answer{Setup: se}
	}
	defer release()
	a := answer{Connected: true}
	if _, err := conn.Write(hello); err != nil {
		// A server that closes before reading our hello: treat like a
		// close after the hello.
		a.End = ioClass(err)
		if ctx.Err() != nil {
			a.End = "canceled"
		}
		return a
	}
	sent := time.Now()
	graced := false
	buf := make([]byte, 0, 8192)
	tmp := make([]byte, 16384)
	for {
		n, err := conn.Read(tmp)
		if n > 0 {
			buf = append(buf, tmp[:n]...)
			a.Received = len(buf)
			a.Raw = buf
			r, more := parseFlight(buf)
			if r.Kind != replyNone {
				a.Reply = r
				if !more || !wantCert || r.Kind != replyServerHello || r.FlightDone {
					return a
				}
				// Decided; the Certificate message belongs to the same
				// flight. Wait for it about as long as the ServerHello
				// took (one more round trip for a large chain), not for
				// the whole deadline: a server that stalls here costs
				// little.
				if !graced && ctx.Err() == nil {
					graced = true
					grace := max(100*time.Millisecond, time.Since(sent))
					if d := time.Now().Add(grace); d.Before(deadline) {
						conn.SetReadDeadline(d)
					}
				}
			}
			if len(buf) >= maxFlight {
				if r.Kind == replyNone {
					a.Reply = malformed("first flight larger than %d bytes", maxFlight)
				}
				return a
			}
			if r.Kind == replyNone && !more {
				a.Reply = r
				return a
			}
		}
		if err != nil {
			if a.decided() {
				return a
			}
			a.End = ioClass(err)
			if ctx.Err() != nil {
				a.End = "canceled"
			}
			if len(buf) > 0 && a.End != "timeout" && a.End != "canceled" {
				a.Reply = malformed("connection %s after %d bytes of an incomplete record (%s)", a.End, len(buf), spacedHex(buf[:min(len(buf), 16)]))
			}
			return a
		}
	}
}

// normal reports whether the answer shows the endpoint speaking TLS/SSL
// normally (a ServerHello or SSL 2.0 SERVER-HELLO).
func (a answer) normal() bool {
	switch a.Reply.Kind {
	case replyServerHello, replyHRR, replySSLv2Hello:
		return true
	}
	return false
}

// refusal says whether the answer is a refusal to the question, given
// whether the endpoint answered some other question normally, and the
// evidence as a Detail. ok=false means inconclusive.
func (a answer) refusal(othersNormal bool) (Detail, bool) {
	switch a.Reply.Kind {
	case replyAlert:
		al := a.Reply.Alert
		if al == 112 {
			// unrecognized_name refuses the server name, not the version.
			return Detail{Reason: "alert 112 (unrecognized_name): the server wants another server name (--sni)", Alert: &al}, false
		}
		return Detail{Reason: fmt.Sprintf("alert %d (%s)", al, alertName(al)), Alert: &al}, true
	case replySSLv2Error:
		return Detail{Reason: fmt.Sprintf("SSL 2.0 error %d", a.Reply.Alert)}, true
	case replyNotTLS:
		return Detail{Reason: "not TLS", FirstBytes: a.Reply.FirstBytes}, false
	case replyMalformed:
		return Detail{Reason: "malformed reply: " + a.Reply.Problem}, false
	}
	if a.Setup != nil {
		return Detail{Reason: a.Setup.Error()}, false
	}
	switch a.End {
	case "closed", "reset":
		what := "closed after hello"
		if a.End == "reset" {
			what = "reset after hello"
		}
		if othersNormal {
			return Detail{Reason: what}, true
		}
		return Detail{Reason: what + ", and no other question was answered"}, false
	case "timeout":
		if a.Received > 0 {
			return Detail{Reason: fmt.Sprintf("timeout after %d bytes of an incomplete reply", a.Received)}, false
		}
		return Detail{Reason: "timeout"}, false
	case "canceled":
		return Detail{Reason: "canceled"}, false
	}
	return Detail{Reason: "read error"}, false
}
