// Package regpol reads and writes Registry.pol files, the PReg format that
// Group Policy's Administrative Templates extension and local policy tools
// (LGPO.exe) consume.
//
// A file is the 4-byte signature "PReg", a little-endian DWORD version (1),
// then entries. Each entry is
//
//	[key;valueName;type;size;data]
//
// where the brackets and semicolons are UTF-16LE characters, key and
// valueName are NUL-terminated UTF-16LE strings, type and size are
// little-endian DWORDs and data is size raw bytes. Keys are relative to the
// hive the file belongs to (HKLM for Machine\Registry.pol).
//
// Reference: "Registry Policy File Format" (Microsoft Learn,
// previous-versions/windows/desktop/Policy/registry-policy-file-format) and
// MS-GPREG §2.2.1.
package regpol

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Registry value types (winnt.h).
const (
	RegNone     uint32 = 0
	RegSZ       uint32 = 1
	RegExpandSZ uint32 = 2
	RegBinary   uint32 = 3
	RegDWORD    uint32 = 4
	RegDWORDBE  uint32 = 5
	RegLink     uint32 = 6
	RegMultiSZ  uint32 = 7
	RegQWORD    uint32 = 11
)

// Signature and Version are the file header.
const (
	Signature = "PReg"
	Version   = uint32(1)
)

// maxData bounds one entry's data so a corrupt size field cannot make the
// reader allocate gigabytes; real policy values are tiny.
const maxData = 16 << 20

// Entry is one [key;valueName;type;size;data] record.
type Entry struct {
	Key       string
	ValueName string
	Type      uint32
	Data      []byte
}

// DWORD returns an entry that sets a REG_DWORD value.
func DWORD(key, name string, v uint32) Entry {
	d := make([]byte, 4)
	binary.LittleEndian.PutUint32(d, v)
	return Entry{Key: key, ValueName: name, Type: RegDWORD, Data: d}
}

// Uint32 returns the entry's data as a DWORD; ok is false unless the entry
// is a REG_DWORD with exactly 4 bytes of data.
func (e Entry) Uint32() (v uint32, ok bool) {
	if e.Type != RegDWORD || len(e.Data) != 4 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(e.Data), true
}

// Marshal encodes entries as a Registry.pol file. Keys and value names must
// not contain NUL; keys must not be empty.
func Marshal(entries []Entry) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(Signature)
	_ = binary.Write(&buf, binary.LittleEndian, Version)
	for i, e := range entries {
		if e.Key == "" {
			return nil, fmt.Errorf("entry %d: empty key", i)
		}
		if strings.ContainsRune(e.Key, 0) || strings.ContainsRune(e.ValueName, 0) {
			return nil, fmt.Errorf("entry %d (%q\\%q): NUL in key or value name", i, e.Key, e.ValueName)
		}
		if !utf8.ValidString(e.Key) || !utf8.ValidString(e.ValueName) {
			return nil, fmt.Errorf("entry %d (%q\\%q): key or value name is not valid UTF-8", i, e.Key, e.ValueName)
		}
		if len(e.Data) > maxData {
			return nil, fmt.Errorf("entry %d (%s\\%s): %d bytes of data exceed %d", i, e.Key, e.ValueName, len(e.Data), maxData)
		}
		putChar(&buf, '[')
		putString(&buf, e.Key)
		putChar(&buf, ';')
		putString(&buf, e.ValueName)
		putChar(&buf, ';')
		_ = binary.Write(&buf, binary.LittleEndian, e.Type)
		putChar(&buf, ';')
		_ = binary.Write(&buf, binary.LittleEndian, uint32(len(e.Data)))
		putChar(&buf, ';')
		buf.Write(e.Data)
		putChar(&buf, ']')
	}
	return buf.Bytes(), nil
}

func putChar(buf *bytes.Buffer, c rune) {
	buf.WriteByte(byte(c))
	buf.WriteByte(0)
}

func putString(buf *bytes.Buffer, s string) {
	for _, u := range utf16.Encode([]rune(s)) {
		buf.WriteByte(byte(u))
		buf.WriteByte(byte(u >> 8))
	}
	buf.Write([]byte{0, 0})
}

// SyntaxError reports malformed input at a byte offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("Registry.pol: byte offset %d: %s", e.Offset, e.Msg)
}

// ErrHeader is returned (wrapped) when the signature or version is wrong.
var ErrHeader = errors.New("not a PReg version 1 file")

// Unmarshal decodes a Registry.pol file. It is strict: every entry must be
// complete, delimiters must be where the format puts them, strings must be
// NUL-terminated UTF-16LE, and nothing may follow the last entry.
func Unmarshal(data []byte) ([]Entry, error) {
	if len(data) < 8 {
		return nil, &SyntaxError{0, fmt.Sprintf("%v: file is %d bytes, shorter than the 8-byte header", ErrHeader, len(data))}
	}
	if string(data[:4]) != Signature {
		return nil, &SyntaxError{0, fmt.Sprintf("%v: signature %q", ErrHeader, data[:4])}
	}
	if v := binary.LittleEndian.Uint32(data[4:8]); v != Version {
		return nil, &SyntaxError{4, fmt.Sprintf("%v: version %d", ErrHeader, v)}
	}
	r := reader{data: data, off: 8}
	var out []Entry
	for r.off < len(data) {
		start := r.off
		if err := r.char('['); err != nil {
			return nil, err
		}
		key, err := r.str()
		if err != nil {
			return nil, err
		}
		if key == "" {
			return nil, &SyntaxError{start, "entry with an empty key"}
		}
		if err := r.char(';'); err != nil {
			return nil, err
		}
		name, err := r.str()
		if err != nil {
			return nil, err
		}
		if err := r.char(';'); err != nil {
			return nil, err
		}
		typ, err := r.u32()
		if err != nil {
			return nil, err
		}
		if err := r.char(';'); err != nil {
			return nil, err
		}
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		if err := r.char(';'); err != nil {
			return nil, err
		}
		if size > maxData || int(size) > len(data)-r.off {
			return nil, &SyntaxError{r.off, fmt.Sprintf("data size %d runs past the end of the file (%d bytes left)", size, len(data)-r.off)}
		}
		d := make([]byte, size)
		copy(d, data[r.off:r.off+int(size)])
		r.off += int(size)
		if err := r.char(']'); err != nil {
			return nil, err
		}
		out = append(out, Entry{Key: key, ValueName: name, Type: typ, Data: d})
	}
	return out, nil
}

type reader struct {
	data []byte
	off  int
}

func (r *reader) char(c rune) error {
	if r.off+2 > len(r.data) {
		return &SyntaxError{r.off, fmt.Sprintf("unexpected end of file, want %q", c)}
	}
	got := rune(binary.LittleEndian.Uint16(r.data[r.off:]))
	if got != c {
		return &SyntaxError{r.off, fmt.Sprintf("found U+%04X, want %q", got, c)}
	}
	r.off += 2
	return nil
}

func (r *reader) u32() (uint32, error) {
	if r.off+4 > len(r.data) {
		return 0, &SyntaxError{r.off, "unexpected end of file inside a DWORD"}
	}
	v := binary.LittleEndian.Uint32(r.data[r.off:])
	r.off += 4
	return v, nil
}

// str reads a NUL-terminated UTF-16LE string.
func (r *reader) str() (string, error) {
	start := r.off
	var units []uint16
	for {
		if r.off+2 > len(r.data) {
			return "", &SyntaxError{start, "unterminated string (no UTF-16 NUL before the end of the file)"}
		}
		u := binary.LittleEndian.Uint16(r.data[r.off:])
		r.off += 2
		if u == 0 {
			break
		}
		units = append(units, u)
	}
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case u >= 0xD800 && u < 0xDC00:
			if i+1 >= len(units) || units[i+1] < 0xDC00 || units[i+1] >= 0xE000 {
				return "", &SyntaxError{start + 2*i, "unpaired UTF-16 high surrogate"}
			}
			i++
		case u >= 0xDC00 && u < 0xE000:
			return "", &SyntaxError{start + 2*i, "unpaired UTF-16 low surrogate"}
		}
	}
	return string(utf16.Decode(units)), nil
}
