package scan

import (
	"strconv"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// Protocol bit values shared by SecurityProtocolType and SslProtocols
// (detection-rules.md §1.1).
const (
	bitSsl2  = 0xC
	bitSsl3  = 0x30
	bitTls   = 0xC0
	bitTls11 = 0x300
	bitTls12 = 0xC00
	bitTls13 = 0x3000

	weakSPT    = 0x3F0 // Ssl3 | Tls | Tls11
	weakSsl    = 0x3FC // + Ssl2
	modernBits = 0x3C00
	allBits    = 0xFFFFFFFF
)

// enumMembers maps lower-case member names of SecurityProtocolType /
// SslProtocols (and the KB3154518 SecurityProtocolTypeExtensions shim).
var enumMembers = map[string]uint64{
	"systemdefault": 0, "none": 0, "ssl2": bitSsl2, "ssl3": bitSsl3, "tls": bitTls,
	"tls11": bitTls11, "tls12": bitTls12, "tls13": bitTls13, "default": bitSsl3 | bitTls,
}

// enumTypes are the type names whose members fold to protocol bits.
var enumTypes = map[string]int{
	"securityprotocoltype": typSPT, "securityprotocoltypeextensions": typSPT, "sslprotocols": typSsl,
}

const (
	typUnknown = iota
	typSPT
	typSsl
)

// val is a folded protocol value: result = (current & keep) | add when cur,
// else add. ok is false when some operand could not be resolved; add then
// holds the bits known to be added.
type val struct {
	ok      bool
	add     uint64
	cur     bool
	keep    uint64
	typ     int
	enum    bool // mentions an enum member, enum cast or a protocol constant
	names   []string
	boolean int // 0 unknown, 1 true, 2 false (for switch values)
	str     *string
	// orUnknown: an unresolved operand was OR-ed in (so the result may add
	// protocols we cannot see)
	orUnknown bool
}

func known(v uint64) val { return val{ok: true, add: v} }

var unknownVal = val{}

func (a val) or(b val) val {
	r := val{ok: a.ok && b.ok, add: a.add | b.add, typ: max(a.typ, b.typ), enum: a.enum || b.enum}
	r.orUnknown = a.orUnknown || b.orUnknown || !a.ok && !a.cur || !b.ok && !b.cur
	switch {
	case a.cur && b.cur:
		r.cur, r.keep = true, a.keep|b.keep
	case a.cur:
		r.cur, r.keep = true, a.keep
	case b.cur:
		r.cur, r.keep = true, b.keep
	}
	r.names = append(append([]string{}, a.names...), b.names...)
	return r
}

func (a val) and(b val) val {
	// the constant side masks the other
	if b.cur && !a.cur {
		a, b = b, a
	}
	r := val{ok: a.ok && b.ok, typ: max(a.typ, b.typ), enum: a.enum || b.enum, names: a.names}
	mask := b.add
	if !b.ok {
		mask = allBits
		r.ok = false
	}
	r.add = a.add & mask
	if a.cur {
		r.cur, r.keep = true, a.keep&mask
	}
	return r
}

func (a val) not() val {
	if a.cur {
		return val{ok: false, enum: a.enum, typ: a.typ}
	}
	return val{ok: a.ok, add: ^a.add & allBits, typ: a.typ, enum: a.enum}
}

// protoSet converts protocol bits to a ProtocolSet.
func protoSet(bits uint64) finding.ProtocolSet {
	var s finding.ProtocolSet
	if bits&bitSsl2 != 0 {
		s = s.With(finding.SSL20)
	}
	if bits&bitSsl3 != 0 {
		s = s.With(finding.SSL30)
	}
	if bits&bitTls != 0 {
		s = s.With(finding.TLS10)
	}
	if bits&bitTls11 != 0 {
		s = s.With(finding.TLS11)
	}
	if bits&bitTls12 != 0 {
		s = s.With(finding.TLS12)
	}
	if bits&bitTls13 != 0 {
		s = s.With(finding.TLS13)
	}
	return s
}

// protoNames renders protocol bits as readable names ("SSL 3.0, TLS 1.0").
func protoNames(bits uint64) string {
	var out []string
	for _, p := range protoSet(bits).List() {
		out = append(out, p.String())
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// parseNumber parses C#/VB/F#/PS numeric literals (hex, binary, VB &H,
// suffixes, digit separators).
func parseNumber(s string) (uint64, bool) {
	t := strings.ReplaceAll(strings.ToLower(s), "_", "")
	base := 10
	switch {
	case strings.HasPrefix(t, "0x"):
		base, t = 16, t[2:]
	case strings.HasPrefix(t, "0b"):
		base, t = 2, t[2:]
	case strings.HasPrefix(t, "&h"):
		base, t = 16, t[2:]
	case strings.HasPrefix(t, "&o"):
		base, t = 8, t[2:]
	case strings.HasPrefix(t, "&b"):
		base, t = 2, t[2:]
	}
	// strip type suffixes
	end := len(t)
	for end > 0 {
		c := t[end-1]
		if base == 16 && (c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			break
		}
		if base != 16 && c >= '0' && c <= '9' {
			break
		}
		end--
	}
	t = t[:end]
	if t == "" {
		return 0, false
	}
	v, err := strconv.ParseUint(t, base, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// parseEnumString folds "Tls, Tls11" / "tls12" / "3072" as Enum.Parse would.
func parseEnumString(s string) (val, bool) {
	var v val
	v.ok = true
	v.enum = true
	parts := strings.Split(s, ",")
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return unknownVal, false
		}
		if n, ok := enumMembers[strings.ToLower(p)]; ok {
			v.add |= n
			v.names = append(v.names, p)
			continue
		}
		if n, ok := parseNumber(p); ok {
			v.add |= n
			continue
		}
		return unknownVal, false
	}
	return v, true
}
