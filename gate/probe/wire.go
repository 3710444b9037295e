package probe

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// Wire versions.
const (
	vSSL20 uint16 = 0x0002
	vSSL30 uint16 = 0x0300
	vTLS10 uint16 = 0x0301
	vTLS11 uint16 = 0x0302
	vTLS12 uint16 = 0x0303
	vTLS13 uint16 = 0x0304
)

func versionName(v uint16) string {
	switch v {
	case vSSL20:
		return "SSL 2.0"
	case vSSL30:
		return "SSL 3.0"
	case vTLS10:
		return "TLS 1.0"
	case vTLS11:
		return "TLS 1.1"
	case vTLS12:
		return "TLS 1.2"
	case vTLS13:
		return "TLS 1.3"
	}
	return fmt.Sprintf("0x%04X", v)
}

// Record limits: a TLSCiphertext fragment is at most 2^14+2048 bytes; a
// first flight larger than maxFlight is not read.
const (
	maxRecord = 16384 + 2048
	maxFlight = 128 << 10
)

// helloSpec describes one hand-built ClientHello.
type helloSpec struct {
	Version uint16   // client_version: 0x0300 … 0x0303 (TLS 1.3 hellos say 0x0303)
	TLS13   bool     // add supported_versions {1.3} and an X25519 key share
	Suites  []uint16 // offered suites (the renegotiation SCSV is added)
	SNI     string
}

var (
	// groups: x25519, secp256r1, secp384r1, secp521r1, x448, ffdhe2048, ffdhe3072.
	helloGroups = []uint16{29, 23, 24, 25, 30, 256, 257}
	// signature schemes, modern first, then the legacy SHA-1/MD5 ones so
	// that old servers can answer.
	helloSigAlgs = []uint16{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0603, 0x0806, 0x0601,
		0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201, 0x0202, 0x0303, 0x0301, 0x0302, 0x0101}
)

func put16(b []byte, v int) []byte { return append(b, byte(v>>8), byte(v)) }
func put24(b []byte, v int) []byte { return append(b, byte(v>>16), byte(v>>8), byte(v)) }

func extension(b []byte, typ int, body []byte) []byte {
	b = put16(b, typ)
	b = put16(b, len(body))
	return append(b, body...)
}

// buildHello returns a ClientHello handshake message wrapped in one record.
func buildHello(s helloSpec) []byte {
	var body []byte
	body = put16(body, int(s.Version))
	random := make([]byte, 32)
	rand.Read(random)
	body = append(body, random...)
	if s.TLS13 {
		sid := make([]byte, 32)
		rand.Read(sid)
		body = append(body, 32)
		body = append(body, sid...)
	} else {
		body = append(body, 0)
	}
	suites := append(append([]uint16(nil), s.Suites...), scsvRenegotiation)
	body = put16(body, 2*len(suites))
	for _, c := range suites {
		body = put16(body, int(c))
	}
	body = append(body, 1, 0) // compression: null
	if s.Version > vSSL30 || s.TLS13 {
		var ext []byte
		if s.SNI != "" {
			var sn []byte
			sn = put16(sn, len(s.SNI)+3)
			sn = append(sn, 0)
			sn = put16(sn, len(s.SNI))
			sn = append(sn, s.SNI...)
			ext = extension(ext, 0, sn)
		}
		var g []byte
		g = put16(g, 2*len(helloGroups))
		for _, x := range helloGroups {
			g = put16(g, int(x))
		}
		ext = extension(ext, 10, g)
		ext = extension(ext, 11, []byte{1, 0})
		var sa []byte
		sa = put16(sa, 2*len(helloSigAlgs))
		for _, x := range helloSigAlgs {
			sa = put16(sa, int(x))
		}
		ext = extension(ext, 13, sa)
		ext = extension(ext, 23, nil) // extended_master_secret
		if s.TLS13 {
			ext = extension(ext, 43, []byte{2, 0x03, 0x04})
			ext = extension(ext, 45, []byte{1, 1}) // psk_dhe_ke
			key := make([]byte, 32)
			rand.Read(key)
			var ks []byte
			ks = put16(ks, 36)
			ks = put16(ks, 29)
			ks = put16(ks, 32)
			ks = append(ks, key...)
			ext = extension(ext, 51, ks)
		}
		// Some stacks (F5) hang on hellos of 256-511 bytes: pad past 512.
		if n := 4 + len(body) + 2 + len(ext); n >= 256 && n < 512 {
			pad := 512 - n - 4
			if pad < 1 {
				pad = 1
			}
			ext = extension(ext, 21, make([]byte, pad))
		}
		body = put16(body, len(ext))
		body = append(body, ext...)
	}
	var hs []byte
	hs = append(hs, 1)
	hs = put24(hs, len(body))
	hs = append(hs, body...)
	recVer := vTLS10
	if s.Version == vSSL30 {
		recVer = vSSL30
	}
	rec := []byte{22}
	rec = put16(rec, int(recVer))
	rec = put16(rec, len(hs))
	return append(rec, hs...)
}

// buildSSLv2Hello returns an SSL 2.0 CLIENT-HELLO offering every SSL 2.0
// cipher kind.
func buildSSLv2Hello() []byte {
	var body []byte
	body = append(body, 1)          // CLIENT-HELLO
	body = put16(body, int(vSSL20)) // version
	body = put16(body, 3*len(sslv2Ciphers))
	body = put16(body, 0)  // session id length
	body = put16(body, 16) // challenge length
	for _, c := range sslv2Ciphers {
		body = append(body, byte(c.Code>>16), byte(c.Code>>8), byte(c.Code))
	}
	ch := make([]byte, 16)
	rand.Read(ch)
	body = append(body, ch...)
	return append([]byte{0x80 | byte(len(body)>>8), byte(len(body))}, body...)
}

// replyKind classifies the first server flight.
type replyKind int

const (
	replyNone        replyKind = iota // nothing decided yet
	replyServerHello                  // a TLS/SSL 3 ServerHello
	replyHRR                          // a TLS 1.3 HelloRetryRequest
	replyAlert                        // an alert before any ServerHello
	replySSLv2Hello                   // an SSL 2.0 SERVER-HELLO
	replySSLv2Error                   // an SSL 2.0 ERROR message
	replyNotTLS                       // first bytes are not a TLS/SSL record
	replyMalformed                    // a TLS record that breaks the rules
)

var replyKindNames = [...]string{"none", "server hello", "hello retry request", "alert", "SSL 2.0 server hello", "SSL 2.0 error", "not TLS", "malformed"}

func (k replyKind) String() string {
	if k < 0 || int(k) >= len(replyKindNames) {
		return fmt.Sprintf("replyKind(%d)", int(k))
	}
	return replyKindNames[k]
}

// reply is what parseFlight learned from the bytes received so far.
type reply struct {
	Kind replyKind
	// ServerHello / HRR.
	LegacyVersion uint16
	Version       uint16 // negotiated: supported_versions when present
	Suite         uint16
	// SSL 2.0 SERVER-HELLO.
	SSLv2Ciphers []uint32
	// Alert.
	AlertLevel, Alert int
	// NotTLS / Malformed.
	Problem    string
	FirstBytes string
	// Certificates from a cleartext Certificate message (≤ TLS 1.2, SSL 2.0).
	Certs [][]byte
	// FlightDone: ServerHelloDone seen, encrypted records started, or the
	// certificate was read; nothing more of interest will come.
	FlightDone bool
}

var hrrRandom, _ = hex.DecodeString("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")

// parseFlight parses the bytes a server sent after our hello. It returns
// more=true when it needs more bytes to decide (or, once decided, to reach
// the end of the first flight). It never panics and never reads past data.
func parseFlight(data []byte) (r reply, more bool) {
	if len(data) == 0 {
		return r, true
	}
	b0 := data[0]
	switch {
	case b0 >= 20 && b0 <= 23:
		return parseTLS(data)
	case b0&0x80 != 0:
		return parseSSLv2(data)
	}
	return notTLS(data), false
}

func notTLS(data []byte) reply {
	n := len(data)
	if n > 16 {
		n = 16
	}
	return reply{Kind: replyNotTLS, Problem: "not TLS", FirstBytes: spacedHex(data[:n])}
}

func spacedHex(b []byte) string {
	var buf bytes.Buffer
	for i, c := range b {
		if i > 0 {
			buf.WriteByte(' ')
		}
		fmt.Fprintf(&buf, "%02x", c)
	}
	return buf.String()
}

func malformed(format string, a ...any) reply {
	return reply{Kind: replyMalformed, Problem: fmt.Sprintf(format, a...)}
}

func parseTLS(data []byte) (reply, bool) {
	var r reply
	var hs []byte // reassembled handshake bytes
	for off := 0; ; {
		if len(data)-off < 5 {
			if len(data)-off >= 3 && (data[off+1] != 3 || data[off+2] > 4) && r.Kind == replyNone {
				if off == 0 {
					return notTLS(data), false
				}
				return malformed("bad record header %s", spacedHex(data[off:])), false
			}
			return r, true
		}
		typ, major, minor := data[off], data[off+1], data[off+2]
		length := int(binary.BigEndian.Uint16(data[off+3:]))
		if typ < 20 || typ > 23 || major != 3 || minor > 4 {
			if r.Kind == replyNone && off == 0 {
				return notTLS(data), false
			}
			if r.Kind == replyNone {
				return malformed("bad record header %s", spacedHex(data[off:off+5])), false
			}
			r.FlightDone = true
			return r, false
		}
		if length > maxRecord {
			if r.Kind != replyNone {
				r.FlightDone = true
				return r, false
			}
			return malformed("oversized record (%d bytes)", length), false
		}
		if len(data)-off < 5+length {
			return r, true
		}
		frag := data[off+5 : off+5+length]
		off += 5 + length
		switch typ {
		case 21: // alert
			if r.Kind != replyNone {
				r.FlightDone = true
				return r, false
			}
			if len(frag) < 2 {
				return malformed("short alert record"), false
			}
			level, desc := int(frag[0]), int(frag[1])
			if level == 1 && desc == 112 { // warning unrecognized_name: the hello goes on
				continue
			}
			return reply{Kind: replyAlert, AlertLevel: level, Alert: desc}, false
		case 20: // change_cipher_spec (TLS 1.3 middlebox compatibility)
			if r.Kind == replyNone {
				return malformed("change_cipher_spec before server hello"), false
			}
			continue
		case 23: // application data: encrypted, nothing more to read
			if r.Kind == replyNone {
				return malformed("application data before server hello"), false
			}
			r.FlightDone = true
			return r, false
		}
		if len(frag) == 0 {
			if r.Kind == replyNone {
				return malformed("empty handshake record"), false
			}
			continue
		}
		hs = append(hs, frag...)
		// Parse the complete handshake messages collected so far.
		for len(hs) >= 4 {
			mt := hs[0]
			ml := int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3])
			if ml > maxFlight {
				if r.Kind == replyNone {
					return malformed("handshake message of %d bytes", ml), false
				}
				r.FlightDone = true
				return r, false
			}
			if len(hs) < 4+ml {
				break
			}
			msg := hs[4 : 4+ml]
			hs = hs[4+ml:]
			if r.Kind == replyNone {
				if mt != 2 {
					return malformed("handshake message %d before server hello", mt), false
				}
				sh, err := parseServerHello(msg)
				if err != nil {
					return malformed("server hello: %v", err), false
				}
				r = sh
				if r.Kind == replyHRR || r.Version == vTLS13 {
					// The rest of a TLS 1.3 flight is encrypted.
					r.FlightDone = true
					return r, false
				}
				continue
			}
			switch mt {
			case 11: // certificate
				r.Certs = parseCertificateList(msg)
				r.FlightDone = true
				return r, false
			case 14: // server hello done
				r.FlightDone = true
				return r, false
			}
		}
		if off == len(data) {
			return r, true
		}
	}
}

func parseServerHello(m []byte) (reply, error) {
	r := reply{Kind: replyServerHello}
	if len(m) < 2+32+1 {
		return r, fmt.Errorf("%d bytes", len(m))
	}
	r.LegacyVersion = binary.BigEndian.Uint16(m)
	r.Version = r.LegacyVersion
	if bytes.Equal(m[2:34], hrrRandom) {
		r.Kind = replyHRR
	}
	p := m[34:]
	sidLen := int(p[0])
	if sidLen > 32 || len(p) < 1+sidLen+3 {
		return r, fmt.Errorf("bad session id")
	}
	p = p[1+sidLen:]
	r.Suite = binary.BigEndian.Uint16(p)
	p = p[3:] // suite + compression method
	if len(p) == 0 {
		if r.Kind == replyHRR {
			return r, fmt.Errorf("hello retry request without extensions")
		}
		return r, nil
	}
	if len(p) < 2 {
		return r, fmt.Errorf("truncated extensions")
	}
	el := int(binary.BigEndian.Uint16(p))
	p = p[2:]
	if el > len(p) {
		return r, fmt.Errorf("extensions overrun")
	}
	p = p[:el]
	for len(p) >= 4 {
		et := binary.BigEndian.Uint16(p)
		l := int(binary.BigEndian.Uint16(p[2:]))
		if 4+l > len(p) {
			return r, fmt.Errorf("extension %d overruns", et)
		}
		if et == 43 {
			if l != 2 {
				return r, fmt.Errorf("bad supported_versions")
			}
			r.Version = binary.BigEndian.Uint16(p[4:])
		}
		p = p[4+l:]
	}
	if len(p) != 0 {
		return r, fmt.Errorf("trailing extension bytes")
	}
	return r, nil
}

func parseCertificateList(m []byte) [][]byte {
	if len(m) < 3 {
		return nil
	}
	total := int(m[0])<<16 | int(m[1])<<8 | int(m[2])
	p := m[3:]
	if total < len(p) {
		p = p[:total]
	}
	var certs [][]byte
	for len(p) >= 3 {
		l := int(p[0])<<16 | int(p[1])<<8 | int(p[2])
		if 3+l > len(p) {
			break
		}
		certs = append(certs, p[3:3+l])
		p = p[3+l:]
	}
	return certs
}

// parseSSLv2 parses an SSL 2.0 record (2-byte header, high bit set).
func parseSSLv2(data []byte) (reply, bool) {
	if len(data) < 3 {
		return reply{}, true
	}
	length := int(data[0]&0x7f)<<8 | int(data[1])
	if length == 0 {
		return malformed("empty SSL 2.0 record"), false
	}
	if len(data) < 2+length {
		return reply{}, true
	}
	m := data[2 : 2+length]
	switch m[0] {
	case 0: // ERROR
		r := reply{Kind: replySSLv2Error}
		if len(m) >= 3 {
			r.Alert = int(binary.BigEndian.Uint16(m[1:]))
		}
		return r, false
	case 4: // SERVER-HELLO
		if len(m) < 11 {
			return malformed("short SSL 2.0 server hello"), false
		}
		r := reply{Kind: replySSLv2Hello, FlightDone: true}
		r.LegacyVersion = binary.BigEndian.Uint16(m[3:])
		r.Version = r.LegacyVersion
		certLen := int(binary.BigEndian.Uint16(m[5:]))
		csLen := int(binary.BigEndian.Uint16(m[7:]))
		p := m[11:]
		if certLen+csLen > len(p) || csLen%3 != 0 {
			return malformed("SSL 2.0 server hello overruns its record"), false
		}
		if certLen > 0 && m[2] == 1 { // X.509 certificate
			r.Certs = [][]byte{p[:certLen]}
		}
		cs := p[certLen : certLen+csLen]
		for i := 0; i+3 <= len(cs); i += 3 {
			r.SSLv2Ciphers = append(r.SSLv2Ciphers, uint32(cs[i])<<16|uint32(cs[i+1])<<8|uint32(cs[i+2]))
		}
		return r, false
	}
	return malformed("SSL 2.0 message type %d", m[0]), false
}

// alertNames names the alert descriptions a refusal usually carries.
var alertNames = map[int]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
	40: "handshake_failure", 42: "bad_certificate", 47: "illegal_parameter", 50: "decode_error",
	51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
	86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension",
	110: "unsupported_extension", 112: "unrecognized_name", 120: "no_application_protocol",
}

func alertName(d int) string {
	if n, ok := alertNames[d]; ok {
		return n
	}
	return "unknown"
}
