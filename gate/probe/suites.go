package probe

import (
	"fmt"
	"strings"
)

// suite is one cipher suite we can offer. The classes a suite belongs to
// are derived from its IANA name (see classesOf), so this table is the one
// place that says what is weak.
type suite struct {
	ID   uint16
	Name string
}

// Cipher classes (CONTRACTS.md weak_ciphers values), plus AEAD, which is
// asked only to decide CBC_ONLY.
const (
	ClassRC4     = "RC4"      // RC4 stream cipher: biased keystream (RFC 7465 forbids it)
	Class3DES    = "3DES"     // 64-bit block: Sweet32 birthday attacks
	ClassNULL    = "NULL"     // no encryption at all
	ClassEXPORT  = "EXPORT"   // 40/56-bit export-grade keys (FREAK, Logjam)
	ClassANON    = "ANON"     // anonymous key exchange: no server authentication
	ClassNoPFS   = "NO_PFS"   // static RSA/DH key exchange: no forward secrecy
	ClassCBCOnly = "CBC_ONLY" // only CBC suites: no AEAD (Lucky13, POODLE-TLS)
	ClassAEAD    = "AEAD"     // GCM, CCM, ChaCha20-Poly1305 (asked to decide CBC_ONLY)
)

// WeakClasses lists the weak classes in report order.
var WeakClasses = []string{ClassRC4, Class3DES, ClassNULL, ClassEXPORT, ClassANON, ClassNoPFS, ClassCBCOnly}

// classProbes lists the classes asked with one hello each, in order.
var classProbes = []string{ClassRC4, Class3DES, ClassNULL, ClassEXPORT, ClassANON, ClassNoPFS, ClassAEAD}

// suites12 is every TLS 1.0-1.2 (and SSL 3.0) suite a probe offers, IANA
// names (the EXPORT1024 ones are the de-facto names of draft suites).
var suites12 = []suite{
	{0x0001, "TLS_RSA_WITH_NULL_MD5"},
	{0x0002, "TLS_RSA_WITH_NULL_SHA"},
	{0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"},
	{0x0004, "TLS_RSA_WITH_RC4_128_MD5"},
	{0x0005, "TLS_RSA_WITH_RC4_128_SHA"},
	{0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"},
	{0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA"},
	{0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"},
	{0x0009, "TLS_RSA_WITH_DES_CBC_SHA"},
	{0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
	{0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA"},
	{0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA"},
	{0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA"},
	{0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA"},
	{0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA"},
	{0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA"},
	{0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA"},
	{0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA"},
	{0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"},
	{0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA"},
	{0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA"},
	{0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"},
	{0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5"},
	{0x0018, "TLS_DH_anon_WITH_RC4_128_MD5"},
	{0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA"},
	{0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA"},
	{0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA"},
	{0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"},
	{0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA"},
	{0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA"},
	{0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"},
	{0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},
	{0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA"},
	{0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"},
	{0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA"},
	{0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA"},
	{0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"},
	{0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
	{0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA"},
	{0x003B, "TLS_RSA_WITH_NULL_SHA256"},
	{0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256"},
	{0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256"},
	{0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256"},
	{0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256"},
	{0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256"},
	{0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"},
	{0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA"},
	{0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"},
	{0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA"},
	{0x0060, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5"},
	{0x0061, "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5"},
	{0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA"},
	{0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA"},
	{0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA"},
	{0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA"},
	{0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA"},
	{0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"},
	{0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256"},
	{0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256"},
	{0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256"},
	{0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"},
	{0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256"},
	{0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256"},
	{0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"},
	{0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA"},
	{0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA"},
	{0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA"},
	{0x0096, "TLS_RSA_WITH_SEED_CBC_SHA"},
	{0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA"},
	{0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA"},
	{0x009B, "TLS_DH_anon_WITH_SEED_CBC_SHA"},
	{0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
	{0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
	{0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
	{0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
	{0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256"},
	{0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384"},
	{0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"},
	{0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"},
	{0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256"},
	{0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384"},
	{0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256"},
	{0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384"},
	{0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
	{0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
	{0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
	{0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
	{0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA"},
	{0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA"},
	{0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA"},
	{0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"},
	{0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA"},
	{0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"},
	{0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"},
	{0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"},
	{0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
	{0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
	{0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA"},
	{0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA"},
	{0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA"},
	{0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"},
	{0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA"},
	{0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA"},
	{0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"},
	{0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"},
	{0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
	{0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
	{0xC015, "TLS_ECDH_anon_WITH_NULL_SHA"},
	{0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA"},
	{0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA"},
	{0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"},
	{0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA"},
	{0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"},
	{0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
	{0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256"},
	{0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384"},
	{0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"},
	{0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
	{0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256"},
	{0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384"},
	{0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
	{0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
	{0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256"},
	{0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384"},
	{0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
	{0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
	{0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256"},
	{0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384"},
	{0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256"},
	{0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384"},
	{0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256"},
	{0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384"},
	{0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256"},
	{0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384"},
	{0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256"},
	{0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384"},
	{0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"},
	{0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"},
	{0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
	{0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384"},
	{0xC09C, "TLS_RSA_WITH_AES_128_CCM"},
	{0xC09D, "TLS_RSA_WITH_AES_256_CCM"},
	{0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM"},
	{0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM"},
	{0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8"},
	{0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8"},
	{0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8"},
	{0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8"},
	{0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"},
	{0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"},
	{0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"},
	{0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8"},
	{0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
	{0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
	{0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
}

// suites13 is every TLS 1.3 suite.
var suites13 = []suite{
	{0x1301, "TLS_AES_128_GCM_SHA256"},
	{0x1302, "TLS_AES_256_GCM_SHA384"},
	{0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
	{0x1304, "TLS_AES_128_CCM_SHA256"},
	{0x1305, "TLS_AES_128_CCM_8_SHA256"},
}

// sslv2Ciphers are the SSL 2.0 cipher kinds (3-byte codes).
var sslv2Ciphers = []struct {
	Code uint32
	Name string
}{
	{0x010080, "SSL_CK_RC4_128_WITH_MD5"},
	{0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5"},
	{0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5"},
	{0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5"},
	{0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5"},
	{0x060040, "SSL_CK_DES_64_CBC_WITH_MD5"},
	{0x0700C0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5"},
}

const scsvRenegotiation = 0x00FF

var suiteNames = func() map[uint16]string {
	m := map[uint16]string{scsvRenegotiation: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"}
	for _, s := range suites12 {
		m[s.ID] = s.Name
	}
	for _, s := range suites13 {
		m[s.ID] = s.Name
	}
	return m
}()

// SuiteName returns the IANA name of a suite, or its hex code.
func SuiteName(id uint16) string {
	if n, ok := suiteNames[id]; ok {
		return n
	}
	return fmt.Sprintf("0x%04X", id)
}

// sslv2Classes returns the weak classes of an SSL 2.0 cipher kind.
func sslv2Classes(code uint32) []string {
	n := sslv2CipherName(code)
	var out []string
	switch {
	case strings.Contains(n, "EXPORT"):
		out = append(out, ClassEXPORT)
	case strings.Contains(n, "RC4"):
		out = append(out, ClassRC4)
	case strings.Contains(n, "DES_192_EDE3"):
		out = append(out, Class3DES)
	}
	return out
}

// SuiteID returns the code of a suite named by SuiteName (an IANA name or
// "0xNNNN").
func SuiteID(name string) (uint16, bool) {
	if id, ok := suiteIDs[name]; ok {
		return id, true
	}
	if len(name) == 6 && (strings.HasPrefix(name, "0x") || strings.HasPrefix(name, "0X")) {
		var v uint16
		if _, err := fmt.Sscanf(name[2:], "%04X", &v); err == nil {
			return v, true
		}
	}
	return 0, false
}

var suiteIDs = func() map[string]uint16 {
	m := map[string]uint16{}
	for id, n := range suiteNames {
		m[n] = id
	}
	return m
}()

func sslv2CipherName(code uint32) string {
	for _, c := range sslv2Ciphers {
		if c.Code == code {
			return c.Name
		}
	}
	return fmt.Sprintf("SSL2_0x%06X", code)
}

// classesOf derives the classes of a suite from its name.
func classesOf(name string) []string {
	var out []string
	export := strings.Contains(name, "EXPORT")
	anon := strings.Contains(name, "_anon_")
	null := strings.Contains(name, "_WITH_NULL_")
	if strings.Contains(name, "_RC4_") && !export {
		out = append(out, ClassRC4)
	}
	if strings.Contains(name, "_3DES_") {
		out = append(out, Class3DES)
	}
	if null {
		out = append(out, ClassNULL)
	}
	if export {
		out = append(out, ClassEXPORT)
	}
	if anon {
		out = append(out, ClassANON)
	}
	static := strings.HasPrefix(name, "TLS_RSA_WITH_") || strings.HasPrefix(name, "TLS_DH_DSS_") ||
		strings.HasPrefix(name, "TLS_DH_RSA_") || strings.HasPrefix(name, "TLS_ECDH_ECDSA_") ||
		strings.HasPrefix(name, "TLS_ECDH_RSA_")
	if static && !null && !export {
		out = append(out, ClassNoPFS)
	}
	if isAEAD(name) {
		out = append(out, ClassAEAD)
	}
	return out
}

func isAEAD(name string) bool {
	return strings.Contains(name, "_GCM_") || strings.Contains(name, "_CCM") || strings.Contains(name, "CHACHA20_POLY1305")
}

// classSuites returns the TLS ≤1.2 suites of a class.
func classSuites(class string) []uint16 {
	var out []uint16
	for _, s := range suites12 {
		for _, c := range classesOf(s.Name) {
			if c == class {
				out = append(out, s.ID)
				break
			}
		}
	}
	return out
}

func allSuites12() []uint16 {
	out := make([]uint16, 0, len(suites12))
	for _, s := range suites12 {
		out = append(out, s.ID)
	}
	return out
}

func allSuites13() []uint16 {
	out := make([]uint16, 0, len(suites13))
	for _, s := range suites13 {
		out = append(out, s.ID)
	}
	return out
}

// suitesSSL3 are the suites an SSL 3.0 server can choose: the classic
// ones below 0x0100 without TLS 1.2-only MACs or AEAD modes (this also
// keeps the extension-less SSL 3.0 hello under 256 bytes).
func suitesSSL3() []uint16 {
	var out []uint16
	for _, s := range suites12 {
		if s.ID < 0x0100 && !strings.Contains(s.Name, "SHA256") && !strings.Contains(s.Name, "SHA384") && !isAEAD(s.Name) {
			out = append(out, s.ID)
		}
	}
	return out
}
