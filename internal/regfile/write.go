package regfile

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// EscapeString escapes s for the inside of a quoted .reg name or REG_SZ:
// backslash and double quote get a backslash; CR and LF (which would end
// the line) become \r and \n, and NUL becomes \0 (Wine decodes these; the
// writer avoids them in string data by falling back to hex(1)).
func EscapeString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Comment makes s safe for a ";" comment line: every line break (CR, LF,
// U+2028, U+2029, NEL) becomes a space, so text cannot escape the comment.
func Comment(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\r', '\n', '\u2028', '\u2029', '\u0085', '\v', '\f':
			return ' '
		}
		return r
	}, s)
}

// FormatDWORD returns the data part of a dword line: "dword:0000000a".
func FormatDWORD(x uint32) string { return fmt.Sprintf("dword:%08x", x) }

// Encode converts text with LF line endings into the bytes regedit writes:
// UTF-16LE with a BOM, CRLF line endings.
func Encode(text string) []byte {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\n", "\r\n")
	return append([]byte{0xff, 0xfe}, utf16le(text)...)
}

// Marshal writes f as a Unicode (5.00) .reg file: UTF-16LE with a BOM, CRLF,
// one blank line after the header and after every key block.
func (f *File) Marshal() []byte {
	var b strings.Builder
	b.WriteString(HeaderUnicode + "\n\n")
	for _, k := range f.Keys {
		if k.Delete {
			b.WriteString("[-" + k.Path + "]\n\n")
			continue
		}
		b.WriteString("[" + k.Path + "]\n")
		for _, v := range k.Values {
			b.WriteString(v.Format())
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return Encode(b.String())
}

// Format returns the value's line in a 5.00 file, without the line ending.
// Hex data is wrapped like regedit does (continuation lines end in "\" and
// start with two spaces).
func (v *Value) Format() string {
	name := "@"
	if v.Name != "" {
		name = `"` + EscapeString(v.Name) + `"`
	}
	if v.Delete {
		return name + "=-"
	}
	data := v.Data
	if v.ANSI && (v.Type == SZ || v.Type == ExpandSZ || v.Type == MultiSZ) {
		// Re-encode REGEDIT4 text as UTF-16LE for a 5.00 file.
		var parts []string
		for _, s := range v.decodeStrings() {
			parts = append(parts, s)
		}
		joined := strings.Join(parts, "\x00") + "\x00"
		if v.Type == MultiSZ {
			joined += "\x00"
		}
		data = utf16le(joined)
	}
	switch {
	case v.Type == DWord && len(data) == 4:
		return name + "=" + FormatDWORD(binary.LittleEndian.Uint32(data))
	case v.Type == SZ && isPlainSZ(data):
		s, _ := (&Value{Type: SZ, Data: data}).String()
		if !strings.ContainsAny(s, "\r\n") {
			return name + `="` + EscapeString(s) + `"`
		}
		// Line breaks are written as hex(1) data, which every regedit reads.
	}
	prefix := name + "=hex:"
	if v.Type != Binary {
		prefix = fmt.Sprintf("%s=hex(%x):", name, v.Type)
	}
	var b strings.Builder
	b.WriteString(prefix)
	col := len(prefix)
	for i, x := range data {
		fmt.Fprintf(&b, "%02x", x)
		col += 2
		if i < len(data)-1 {
			b.WriteByte(',')
			col++
			if col >= 77-3 {
				b.WriteString("\\\n  ")
				col = 2
			}
		}
	}
	return b.String()
}

// isPlainSZ reports whether data is one UTF-16LE string with a single
// terminating NUL, which the quoted form can hold exactly.
func isPlainSZ(data []byte) bool {
	if len(data) < 2 || len(data)%2 != 0 || data[len(data)-2] != 0 || data[len(data)-1] != 0 {
		return false
	}
	for i := 0; i+1 < len(data)-2; i += 2 {
		if data[i] == 0 && data[i+1] == 0 {
			return false
		}
	}
	return true
}
