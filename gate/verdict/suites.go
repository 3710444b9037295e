package verdict

import (
	"crypto/tls"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/probe"
)

// clientSuitesJSON is the SChannel client suite table per OS family, taken
// from Microsoft's "TLS Cipher Suites in Windows …" pages (each family names
// its page). It is data: refresh it by hand, never at run time.
//
//go:embed clientsuites.json
var clientSuitesJSON []byte

// ClientSuite is one cipher suite an SChannel client offers by default.
type ClientSuite struct {
	Name string `json:"name"`
	// ID is the IANA code point, "0xC02F".
	ID        string             `json:"id"`
	Protocols []finding.Protocol `json:"protocols"`
	// StrongCrypto: the suite stays when the application passes
	// SCH_USE_STRONG_CRYPTO.
	StrongCrypto bool `json:"strong_crypto"`
}

// ClientFamily is the default suite list of one OS family.
type ClientFamily struct {
	Name   string        `json:"name"`
	Source string        `json:"source"`
	Suites []ClientSuite `json:"suites"`
}

type suiteTable struct {
	Families map[string]ClientFamily `json:"families"`
}

// ClientSuites returns the suite table of an OS family (win7, win81, win10,
// win11), parsed fresh from the embedded data.
func ClientSuites(os string) (ClientFamily, bool) {
	f, ok := loadSuites().Families[os]
	f.Suites = append([]ClientSuite(nil), f.Suites...)
	return f, ok
}

var loadSuites = sync.OnceValue(func() suiteTable {
	var t suiteTable
	if err := json.Unmarshal(clientSuitesJSON, &t); err != nil {
		panic(fmt.Sprintf("verdict: embedded clientsuites.json: %v", err))
	}
	return t
})

// clientOffers returns the suites the client offers for protocol p.
func clientOffers(os string, strong bool, p finding.Protocol) []ClientSuite {
	fam, ok := loadSuites().Families[os]
	if !ok {
		fam = loadSuites().Families["win10"]
	}
	var out []ClientSuite
	for _, s := range fam.Suites {
		if strong && !s.StrongCrypto {
			continue
		}
		for _, q := range s.Protocols {
			if q == p {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// suiteID maps a suite name as crypto/tls or the prober print it (IANA
// names, or "0xC028" for suites crypto/tls does not know) and the names of
// our table to its code point.
func suiteID(name string) (uint16, bool) {
	name = strings.TrimSpace(name)
	if strings.HasPrefix(name, "0x") || strings.HasPrefix(name, "0X") {
		v, err := strconv.ParseUint(name[2:], 16, 16)
		return uint16(v), err == nil
	}
	id, ok := suiteNameIDs()[name]
	return id, ok
}

var suiteNameIDs = sync.OnceValue(func() map[string]uint16 {
	m := map[string]uint16{}
	for _, s := range tls.InsecureCipherSuites() {
		m[s.Name] = s.ID
	}
	for _, s := range tls.CipherSuites() {
		m[s.Name] = s.ID
	}
	for _, fam := range loadSuites().Families {
		for _, s := range fam.Suites {
			if v, err := strconv.ParseUint(strings.TrimPrefix(s.ID, "0x"), 16, 16); err == nil {
				if _, known := m[s.Name]; !known {
					m[s.Name] = uint16(v)
				}
			}
		}
	}
	return m
})

// tri is a three-valued answer.
type tri int

const (
	unknown tri = iota
	yes
	no
)

// suiteFacts describes a suite by its parts.
type suiteFacts struct {
	kex, auth, cipher string // kex: RSA, DHE, ECDHE, TLS13; auth: RSA, ECDSA, DSS; cipher: AEAD, CBC, 3DES, RC4
}

func factsOf(name string) suiteFacts {
	var f suiteFacts
	n := strings.TrimPrefix(name, "TLS_")
	switch {
	case !strings.Contains(n, "_WITH_"):
		f.kex, f.auth = "TLS13", "ANY"
	case strings.HasPrefix(n, "ECDHE_ECDSA_"):
		f.kex, f.auth = "ECDHE", "ECDSA"
	case strings.HasPrefix(n, "ECDHE_RSA_"):
		f.kex, f.auth = "ECDHE", "RSA"
	case strings.HasPrefix(n, "DHE_RSA_"):
		f.kex, f.auth = "DHE", "RSA"
	case strings.HasPrefix(n, "DHE_DSS_"):
		f.kex, f.auth = "DHE", "DSS"
	default:
		f.kex, f.auth = "RSA", "RSA"
	}
	switch {
	case strings.Contains(n, "GCM") || strings.Contains(n, "CHACHA20"):
		f.cipher = "AEAD"
	case strings.Contains(n, "3DES"):
		f.cipher = "3DES"
	case strings.Contains(n, "RC4"):
		f.cipher = "RC4"
	default:
		f.cipher = "CBC"
	}
	return f
}

// suiteOverlap decides whether a client on os (with or without strong
// crypto) and the endpoint share a cipher suite for protocol p. It returns
// a suite in common when one is known, and a short explanation.
//
// The answer is exact when the probe enumerated the endpoint's suites
// (--full). Otherwise: the suite the endpoint chose from a full offer counts
// when the client has it; the endpoint's class answers (RSA key exchange,
// CBC, RC4, 3DES) and its certificate key type rule suites out; anything
// left open is unknown, which makes the pair inconclusive.
func suiteOverlap(os string, strong bool, p finding.Protocol, r *probe.Result) (tri, string, string) {
	if p < finding.TLS10 {
		// SSL 2.0/3.0 suites are not modelled; the protocol answer decides.
		return yes, "", ""
	}
	client := clientOffers(os, strong, p)
	if len(client) == 0 {
		return no, "", fmt.Sprintf("the client has no %s cipher suite enabled", p)
	}
	have := map[uint16]ClientSuite{}
	for _, s := range client {
		if id, ok := suiteID(s.ID); ok {
			have[id] = s
		}
	}
	if list, ok := r.Suites[p.Key()]; ok && len(list) > 0 {
		names := append([]string(nil), list...)
		sort.Strings(names)
		accepted := map[uint16]bool{}
		for _, n := range list {
			if id, ok := suiteID(n); ok {
				accepted[id] = true
			}
		}
		// Report the client's most preferred suite the endpoint accepts
		// (deterministic, whatever order the probe listed them in).
		for _, s := range client {
			if id, ok := suiteID(s.ID); ok && accepted[id] {
				return yes, s.Name, ""
			}
		}
		return no, "", fmt.Sprintf("the endpoint accepts only %s over %s; the client's suites are %s", strings.Join(names, ", "), p, suiteNames(client))
	}
	if p == finding.TLS13 {
		// TLS_AES_128_GCM_SHA256 is mandatory for TLS 1.3 servers (RFC 8446
		// §9.1) and every SChannel TLS 1.3 client offers it.
		return yes, "TLS_AES_128_GCM_SHA256", ""
	}
	if d, ok := r.ProtocolDetails[p.Key()]; ok && d.Suite != "" {
		if id, ok := suiteID(d.Suite); ok {
			if s, ok := have[id]; ok {
				return yes, s.Name, ""
			}
		}
	}
	// Rule client suites out by what the endpoint is known to refuse.
	keyType := ""
	if r.Certificate != nil {
		keyType = strings.ToUpper(r.Certificate.KeyType)
	}
	class := func(c string) probe.Status {
		if r.CipherClasses == nil {
			return ""
		}
		return r.CipherClasses[c]
	}
	weak := map[string]bool{}
	for _, w := range r.WeakCiphers {
		weak[w] = true
	}
	open := 0
	for _, s := range client {
		f := factsOf(s.Name)
		switch {
		case keyType == "RSA" && f.auth != "RSA",
			keyType == "ECDSA" && f.auth != "ECDSA",
			f.kex == "RSA" && !weak["NO_PFS"] && class("NO_PFS") == probe.Rejected,
			f.cipher == "RC4" && !weak["RC4"] && class("RC4") == probe.Rejected,
			f.cipher == "3DES" && !weak["3DES"] && class("3DES") == probe.Rejected,
			f.cipher == "CBC" && class("CBC") == probe.Rejected,
			f.cipher == "AEAD" && class("AEAD") == probe.Rejected,
			f.kex == "DHE" && class("DHE") == probe.Rejected:
			continue
		}
		open++
	}
	if open == 0 {
		return no, "", fmt.Sprintf("the endpoint refuses every %s suite the client offers (%s)", p, suiteNames(client))
	}
	return unknown, "", fmt.Sprintf("the probe did not enumerate the endpoint's %s suites, so a common suite with %s is not certain", p, fam(os))
}

func fam(os string) string {
	f, ok := ClientSuites(os)
	if !ok {
		return os
	}
	return f.Name
}

func suiteNames(list []ClientSuite) string {
	if len(list) > 4 {
		parts := make([]string, 0, 4)
		for _, s := range list[:4] {
			parts = append(parts, s.Name)
		}
		return strings.Join(parts, ", ") + fmt.Sprintf(" and %d more", len(list)-4)
	}
	parts := make([]string, 0, len(list))
	for _, s := range list {
		parts = append(parts, s.Name)
	}
	return strings.Join(parts, ", ")
}
