package scan

import (
	"encoding/binary"
	"strings"
)

// strideFilter drives the anchor search (anchorSet.find) so that most
// of a file is never looked at byte by byte. With m the length of the shortest literal and
// the stride S = m-3 (at most 16), every occurrence of a literal has a
// probe position (a multiple of S) whose 4-byte window lies inside the
// literal's first m bytes. Those windows of all literals, case-folded by
// OR 0x20 (a superset of ASCII case folding), are kept in a 64K-bit set,
// and the text is probed only every S bytes: one load, a multiply and a
// bit test per probe, instead of a table walk per byte.
type strideFilter struct {
	stride int
	bits   [1 << 16 / 64]uint64
}

func windowHash(w uint32) uint32 { return (w | 0x20202020) * 0x9E3779B1 >> 16 }

// newStrideFilter builds the filter for lower-case literals of at least 5
// bytes; nil when they are shorter.
func newStrideFilter(lists ...[]string) *strideFilter {
	m := 1 << 30
	for _, l := range lists {
		for _, n := range l {
			m = min(m, len(n))
		}
	}
	if m < 5 {
		return nil
	}
	f := &strideFilter{stride: min(m-3, 16)}
	for _, l := range lists {
		for _, n := range l {
			for k := 0; k+4 <= m; k++ {
				h := windowHash(binary.LittleEndian.Uint32([]byte(n[k : k+4])))
				f.bits[h>>6] |= 1 << (h & 63)
			}
		}
	}
	return f
}

// findStride is anchorSet.find driven by the stride filter: each probe
// that hits checks exactly the start offsets it covers (i-S, i], so every
// offset is checked once and in increasing order, with the same lookup and
// comparison as the byte-at-a-time loop, and the result is the same.
func (s *anchorSet) findStride(text string) (found, marker bool) {
	f := s.skip
	S := f.stride
	for i := 0; i+4 <= len(text); i += S {
		w := uint32(text[i]) | uint32(text[i+1])<<8 | uint32(text[i+2])<<16 | uint32(text[i+3])<<24
		if h := windowHash(w); f.bits[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for st := max(0, i-S+1); st <= i && st+4 <= len(text); st++ {
			k := uint32(lowerTab[text[st]])<<24 | uint32(lowerTab[text[st+1]])<<16 | uint32(lowerTab[text[st+2]])<<8 | uint32(lowerTab[text[st+3]])
			if b := k & 0xFFFF; s.bigram[b>>6]&(1<<(b&63)) == 0 {
				continue
			}
			for _, n := range s.lookup(k) {
				if st+len(n) <= len(text) && strings.EqualFold(text[st:st+len(n)], n) {
					if n == ignoreMarker {
						marker = true
						continue
					}
					return true, marker
				}
			}
		}
	}
	return false, marker
}

// containsMarker is strings.Contains(text, ignoreMarker), found through the
// marker's ':' (rare in code and configuration; the 't' it starts with is
// the most frequent letter in source text).
func containsMarker(text string) bool {
	const colon = len("tlsgate") // offset of ':' in ignoreMarker
	for i := colon; i < len(text); {
		j := strings.IndexByte(text[i:], ':')
		if j < 0 {
			return false
		}
		i += j
		if i+len(ignoreMarker)-colon <= len(text) && text[i-colon:i-colon+len(ignoreMarker)] == ignoreMarker {
			return true
		}
		i++
	}
	return false
}

// rareRank orders bytes from rare to common in C#, VB and PowerShell
// source; bytes not listed rank in the middle.
const rareRank = "QZXJKVWYqzxjkvwyUGBFHMOIDLN;<>,!?|&GPATSRCEgbfhmpuldcnoiarste. "

// containsLit is strings.Contains(text, lit) for a literal lit, searched
// through its rarest byte: strings.Contains scans for the first byte, and
// literals starting with a capital letter stop it every few dozen bytes
// of source text.
func containsLit(text, lit string) bool {
	if len(lit) < 2 {
		return strings.Contains(text, lit)
	}
	k, best := 0, len(rareRank)
	for i := 0; i < len(lit); i++ {
		r := strings.IndexByte(rareRank, lit[i])
		if r < 0 {
			r = len(rareRank) / 2
		}
		if r < best {
			k, best = i, r
		}
	}
	c := lit[k]
	for i := k; i < len(text); {
		j := strings.IndexByte(text[i:], c)
		if j < 0 {
			return false
		}
		i += j
		if st := i - k; st+len(lit) <= len(text) && text[st:st+len(lit)] == lit {
			return true
		}
		i++
	}
	return false
}
