// Package regfile reads and writes Windows registry export files (.reg).
//
// The parser follows regedit's grammar (Windows Registry Editor Version
// 5.00 and REGEDIT4; Wine's regproc.c is the behaviour reference, since
// Microsoft documents only part of it) and records the line of every key
// and value. regedit silently skips what it cannot read — a value after a
// blank line, a malformed dword, an unknown hive — so a file can "import"
// while setting nothing. Strict mode rejects all of that with the line and
// column; lenient mode keeps going like regedit and lists the problems.
//
// The writer emits what regedit itself writes: UTF-16LE with a BOM, CRLF
// line endings, the 5.00 header, lower-case 8-digit dwords and hex data
// wrapped at about 80 columns.
package regfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Registry value types.
const (
	None            uint32 = 0
	SZ              uint32 = 1
	ExpandSZ        uint32 = 2
	Binary          uint32 = 3
	DWord           uint32 = 4
	DWordBigEndian  uint32 = 5
	Link            uint32 = 6
	MultiSZ         uint32 = 7
	QWord           uint32 = 11
	HeaderUnicode          = "Windows Registry Editor Version 5.00"
	HeaderANSI             = "REGEDIT4"
	maxHexValueType uint32 = 0xffffffff
)

// TypeName returns the REG_* name of a value type.
func TypeName(t uint32) string {
	switch t {
	case None:
		return "REG_NONE"
	case SZ:
		return "REG_SZ"
	case ExpandSZ:
		return "REG_EXPAND_SZ"
	case Binary:
		return "REG_BINARY"
	case DWord:
		return "REG_DWORD"
	case DWordBigEndian:
		return "REG_DWORD_BIG_ENDIAN"
	case Link:
		return "REG_LINK"
	case MultiSZ:
		return "REG_MULTI_SZ"
	case QWord:
		return "REG_QWORD"
	}
	return fmt.Sprintf("REG_TYPE_%d", t)
}

// Encoding is the text encoding of a .reg file.
type Encoding string

// Encodings.
const (
	UTF16LE Encoding = "utf-16le" // with BOM: what regedit writes
	UTF8    Encoding = "utf-8"
	ANSI    Encoding = "ansi" // Windows-1252
)

// Options control parsing.
type Options struct {
	// Lenient keeps going past problems like regedit does, recording them
	// in File.Problems. The default (strict) fails on the first one.
	Lenient bool
	// RequireUnicode (strict mode) also rejects files that are not
	// UTF-16LE with a BOM, CRLF line endings and the 5.00 header — the form
	// regedit writes and the generator emits.
	RequireUnicode bool
}

// File is a parsed .reg file.
type File struct {
	Header   string // HeaderUnicode or HeaderANSI
	Encoding Encoding
	CRLF     bool // every line ends in CRLF
	Keys     []*Key
	// Problems are what regedit would skip (lenient mode only).
	Problems []*Error
}

// Key is one [KEY] block.
type Key struct {
	// Path is the full path with the long root name, as written
	// ("HKEY_LOCAL_MACHINE\SOFTWARE\...").
	Path   string
	Delete bool // [-KEY]: delete the key and its subtree
	Line   int
	Values []*Value
}

// Value is one value line.
type Value struct {
	Name   string // "" = the default value (@)
	Delete bool   // "Name"=-
	Type   uint32
	// Data is the value's bytes as the registry stores them: REG_SZ and
	// the hex(2)/hex(7) forms are UTF-16LE with terminators in a 5.00 file
	// (ANSI bytes in a REGEDIT4 file, see ANSI).
	Data []byte
	ANSI bool
	Line int
	Col  int
}

// Error is a problem at a position in the file.
type Error struct {
	Line int
	Col  int
	Msg  string
}

func (e *Error) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("line %d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// Roots lists the long root names regedit accepts, with their short forms.
var Roots = map[string]string{
	"HKEY_LOCAL_MACHINE":  "HKLM",
	"HKEY_CURRENT_USER":   "HKCU",
	"HKEY_CLASSES_ROOT":   "HKCR",
	"HKEY_USERS":          "HKU",
	"HKEY_CURRENT_CONFIG": "HKCC",
	"HKEY_DYN_DATA":       "HKDD",
}

// DWORD returns a REG_DWORD value's number.
func (v *Value) DWORD() (uint32, error) {
	if v.Delete || v.Type != DWord || len(v.Data) != 4 {
		return 0, fmt.Errorf("value %q is %s, not a REG_DWORD", v.Name, v.TypeString())
	}
	return binary.LittleEndian.Uint32(v.Data), nil
}

// QWORD returns a REG_QWORD value's number.
func (v *Value) QWORD() (uint64, error) {
	if v.Delete || v.Type != QWord || len(v.Data) != 8 {
		return 0, fmt.Errorf("value %q is %s, not an 8-byte REG_QWORD", v.Name, v.TypeString())
	}
	return binary.LittleEndian.Uint64(v.Data), nil
}

// String returns a REG_SZ or REG_EXPAND_SZ value's text.
func (v *Value) String() (string, error) {
	if v.Delete || (v.Type != SZ && v.Type != ExpandSZ) {
		return "", fmt.Errorf("value %q is %s, not a string", v.Name, v.TypeString())
	}
	parts := v.decodeStrings()
	if len(parts) == 0 {
		return "", nil
	}
	return parts[0], nil
}

// Strings returns a REG_MULTI_SZ value's strings.
func (v *Value) Strings() ([]string, error) {
	if v.Delete || v.Type != MultiSZ {
		return nil, fmt.Errorf("value %q is %s, not a REG_MULTI_SZ", v.Name, v.TypeString())
	}
	return v.decodeStrings(), nil
}

// TypeString is the REG_* name, or "a deletion".
func (v *Value) TypeString() string {
	if v.Delete {
		return "a deletion"
	}
	return TypeName(v.Type)
}

func (v *Value) decodeStrings() []string {
	var s string
	if v.ANSI {
		b, _ := charmap.Windows1252.NewDecoder().Bytes(v.Data)
		s = string(b)
	} else {
		u := make([]uint16, len(v.Data)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(v.Data[2*i:])
		}
		s = string(utf16.Decode(u))
	}
	s = strings.TrimRight(s, "\x00")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\x00")
}

// Lookup returns the last key block whose path equals path (case-insensitive).
func (f *File) Lookup(path string) *Key {
	var found *Key
	for _, k := range f.Keys {
		if strings.EqualFold(k.Path, path) {
			found = k
		}
	}
	return found
}

// Value returns the key's value called name (case-insensitive), or nil.
func (k *Key) Value(name string) *Value {
	var found *Value
	for _, v := range k.Values {
		if strings.EqualFold(v.Name, name) {
			found = v
		}
	}
	return found
}

// Decode turns the raw bytes of a .reg file into text: UTF-16LE (BOM FF FE),
// UTF-8 (with or without BOM) or, failing that, Windows-1252.
func Decode(data []byte) (string, Encoding, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		body := data[2:]
		if len(body)%2 != 0 {
			return "", UTF16LE, &Error{Line: 1, Msg: "UTF-16LE file has an odd number of bytes"}
		}
		u := make([]uint16, len(body)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(body[2*i:])
		}
		return string(utf16.Decode(u)), UTF16LE, nil
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return "", "", &Error{Line: 1, Msg: "UTF-16BE files are not accepted by regedit; save as UTF-16LE with a BOM"}
	case bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}):
		if !utf8.Valid(data[3:]) {
			return "", UTF8, &Error{Line: 1, Msg: "invalid UTF-8 after the UTF-8 BOM"}
		}
		return string(data[3:]), UTF8, nil
	case len(data) >= 2 && data[1] == 0 && data[0] != 0:
		return "", "", &Error{Line: 1, Msg: "looks like UTF-16LE without a BOM, which regedit refuses; add the FF FE byte-order mark"}
	case utf8.Valid(data):
		return string(data), UTF8, nil
	}
	b, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", ANSI, &Error{Line: 1, Msg: "cannot decode as Windows-1252: " + err.Error()}
	}
	return string(b), ANSI, nil
}

// Parse reads a .reg file.
func Parse(data []byte, opts Options) (*File, error) {
	text, enc, err := Decode(data)
	if err != nil {
		return nil, err
	}
	p := &parser{opts: opts, f: &File{Encoding: enc, CRLF: true}}
	if err := p.run(text); err != nil {
		return nil, err
	}
	return p.f, nil
}

type parser struct {
	opts Options
	f    *File
	cur  *Key // nil when values are ignored (before any key, after a blank line)
}

// problem records (lenient) or returns (strict) an error.
func (p *parser) problem(line, col int, format string, a ...any) error {
	e := &Error{Line: line, Col: col, Msg: fmt.Sprintf(format, a...)}
	if p.opts.Lenient {
		p.f.Problems = append(p.f.Problems, e)
		return nil
	}
	return e
}

func (p *parser) run(text string) error {
	// Split keeping track of line endings.
	lines := strings.Split(text, "\n")
	for i := range lines {
		if strings.HasSuffix(lines[i], "\r") {
			lines[i] = lines[i][:len(lines[i])-1]
		} else if i < len(lines)-1 {
			p.f.CRLF = false
		}
	}
	// A final "" after the last newline is not a line.
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	if len(lines) == 0 {
		return p.fatal(1, 0, "empty file (no \"%s\" header)", HeaderUnicode)
	}
	head := strings.TrimRight(lines[0], " \t")
	switch head {
	case HeaderUnicode, HeaderANSI:
		p.f.Header = head
	default:
		return p.fatal(1, 1, "first line is %q, want %q (or %q)", clip(lines[0]), HeaderUnicode, HeaderANSI)
	}
	if p.opts.RequireUnicode && !p.opts.Lenient {
		if p.f.Encoding != UTF16LE {
			return &Error{Line: 1, Msg: fmt.Sprintf("file is %s, want UTF-16LE with a BOM (what regedit writes)", p.f.Encoding)}
		}
		if p.f.Header != HeaderUnicode {
			return &Error{Line: 1, Col: 1, Msg: "REGEDIT4 header in a Unicode file; want " + HeaderUnicode}
		}
	}
	ansi := p.f.Header == HeaderANSI
	for i := 1; i < len(lines); i++ {
		ln := i + 1
		raw := lines[i]
		line := strings.TrimLeft(raw, " \t")
		indent := len(raw) - len(line)
		switch {
		case strings.TrimSpace(line) == "":
			p.cur = nil
		case line[0] == ';' || line[0] == '#':
			// comment
		case line[0] == '[':
			if err := p.key(ln, indent+1, line); err != nil {
				return err
			}
		case line[0] == '@' || line[0] == '"':
			// Gather continuation lines of hex data.
			full := line
			for strings.HasSuffix(strings.TrimRight(full, " \t"), "\\") && i+1 < len(lines) {
				full = strings.TrimRight(full, " \t")
				full = full[:len(full)-1] + strings.TrimLeft(lines[i+1], " \t")
				i++
			}
			if p.cur == nil {
				if err := p.problem(ln, indent+1, "value outside a key block (regedit ignores values before the first [key] and after a blank line)"); err != nil {
					return err
				}
				continue
			}
			if p.cur.Delete {
				if err := p.problem(ln, indent+1, "value under a [-key] deletion line is ignored by regedit"); err != nil {
					return err
				}
				continue
			}
			v, err := parseValue(full, ansi)
			if err != nil {
				var e *Error
				if errors.As(err, &e) {
					e.Line, e.Col = ln, e.Col+indent
					if p.opts.Lenient {
						p.f.Problems = append(p.f.Problems, e)
						continue
					}
					return e
				}
				return err
			}
			v.Line, v.Col = ln, indent+1
			p.cur.Values = append(p.cur.Values, v)
		default:
			if err := p.problem(ln, indent+1, "unrecognised line %q (regedit skips it)", clip(line)); err != nil {
				return err
			}
		}
	}
	if p.opts.RequireUnicode && !p.opts.Lenient && !p.f.CRLF {
		return &Error{Line: 1, Msg: "line endings are not CRLF"}
	}
	return nil
}

func (p *parser) fatal(line, col int, format string, a ...any) error {
	return &Error{Line: line, Col: col, Msg: fmt.Sprintf(format, a...)}
}

func (p *parser) key(ln, col int, line string) error {
	end := strings.LastIndexByte(line, ']')
	if end < 0 {
		p.cur = nil
		return p.problem(ln, col, "key line without a closing ]")
	}
	if rest := strings.TrimSpace(line[end+1:]); rest != "" && !strings.HasPrefix(rest, ";") {
		if err := p.problem(ln, col+end+1, "text after the key's closing ]: %q", clip(rest)); err != nil {
			return err
		}
	}
	path := line[1:end]
	del := false
	if strings.HasPrefix(path, "-") {
		del = true
		path = path[1:]
	}
	root, rest, _ := strings.Cut(path, `\`)
	if _, ok := Roots[strings.ToUpper(root)]; !ok {
		p.cur = nil
		return p.problem(ln, col+1, "unknown registry root %q (regedit needs the long form, e.g. HKEY_LOCAL_MACHINE)", clip(root))
	}
	if strings.Contains(path, `\\`) || strings.HasSuffix(path, `\`) {
		p.cur = nil
		return p.problem(ln, col+1, "empty key name in %q", clip(path))
	}
	_ = rest
	k := &Key{Path: path, Delete: del, Line: ln}
	p.f.Keys = append(p.f.Keys, k)
	p.cur = k
	return nil
}

// parseValue parses `"Name"=data` or `@=data`. Errors carry a 1-based
// column relative to the trimmed line.
func parseValue(line string, ansi bool) (*Value, error) {
	v := &Value{ANSI: ansi}
	pos := 0
	if line[0] == '@' {
		pos = 1
	} else {
		name, n, err := unquote(line, 0)
		if err != nil {
			return nil, err
		}
		v.Name, pos = name, n
	}
	for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
		pos++
	}
	if pos >= len(line) || line[pos] != '=' {
		return nil, &Error{Col: pos + 1, Msg: "expected = after the value name"}
	}
	pos++
	for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
		pos++
	}
	data := line[pos:]
	col := pos + 1
	tail := func(rest string, at int) error {
		rest = strings.TrimLeft(rest, " \t")
		if rest != "" && rest[0] != ';' {
			return &Error{Col: at, Msg: fmt.Sprintf("unexpected text after the data: %q", clip(rest))}
		}
		return nil
	}
	switch {
	case strings.HasPrefix(data, "-"):
		if err := tail(data[1:], col+1); err != nil {
			return nil, err
		}
		v.Delete = true
		return v, nil
	case strings.HasPrefix(data, `"`):
		s, n, err := unquote(data, 0)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.Col += pos
			}
			return nil, err
		}
		if err := tail(data[n:], col+n); err != nil {
			return nil, err
		}
		v.Type = SZ
		if ansi {
			b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
			if err != nil {
				return nil, &Error{Col: col, Msg: "string has characters Windows-1252 cannot hold (use a 5.00 file)"}
			}
			v.Data = append(b, 0)
		} else {
			v.Data = utf16le(s + "\x00")
		}
		return v, nil
	case hasPrefixFold(data, "dword:"):
		d := data[6:]
		n := 0
		for n < len(d) && isHex(d[n]) {
			n++
		}
		if n == 0 || n > 8 {
			return nil, &Error{Col: col + 6, Msg: fmt.Sprintf("dword data must be 1 to 8 hexadecimal digits, got %q", clip(d))}
		}
		if err := tail(d[n:], col+6+n); err != nil {
			return nil, err
		}
		x, _ := strconv.ParseUint(d[:n], 16, 32)
		v.Type = DWord
		v.Data = binary.LittleEndian.AppendUint32(nil, uint32(x))
		return v, nil
	case hasPrefixFold(data, "hex"):
		rest := data[3:]
		t := Binary
		at := col + 3
		if strings.HasPrefix(rest, "(") {
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				return nil, &Error{Col: at, Msg: "hex( without )"}
			}
			x, err := strconv.ParseUint(rest[1:end], 16, 32)
			if err != nil || end == 1 {
				return nil, &Error{Col: at + 1, Msg: fmt.Sprintf("bad value type %q in hex(...)", clip(rest[1:end]))}
			}
			t = uint32(x)
			rest = rest[end+1:]
			at += end + 1
		}
		if !strings.HasPrefix(rest, ":") {
			return nil, &Error{Col: at, Msg: "expected : after hex"}
		}
		rest = rest[1:]
		at++
		b, err := parseHex(rest, at)
		if err != nil {
			return nil, err
		}
		v.Type = t
		v.Data = b
		if t == DWord && len(b) != 4 {
			return nil, &Error{Col: at, Msg: fmt.Sprintf("hex(4) data must be 4 bytes, got %d", len(b))}
		}
		if t == QWord && len(b) != 8 {
			return nil, &Error{Col: at, Msg: fmt.Sprintf("hex(b) data must be 8 bytes, got %d", len(b))}
		}
		if !ansi && (t == ExpandSZ || t == MultiSZ) && len(b)%2 != 0 {
			return nil, &Error{Col: at, Msg: fmt.Sprintf("%s data in a 5.00 file is UTF-16LE and needs an even number of bytes, got %d", TypeName(t), len(b))}
		}
		return v, nil
	case data == "":
		return nil, &Error{Col: col, Msg: "missing data after ="}
	}
	return nil, &Error{Col: col, Msg: fmt.Sprintf("unknown data form %q (want \"string\", dword:, hex:, hex(N): or -)", clip(data))}
}

func parseHex(s string, col int) ([]byte, error) {
	var out []byte
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) || s[i] == ';' {
			if len(out) > 0 && strings.HasSuffix(strings.TrimRight(s[:i], " \t"), ",") {
				return nil, &Error{Col: col + i, Msg: "hex data ends with a comma (a lost continuation line?)"}
			}
			return out, nil
		}
		if i+2 > len(s) || !isHex(s[i]) || !isHex(s[i+1]) {
			return nil, &Error{Col: col + i, Msg: fmt.Sprintf("expected two hexadecimal digits, got %q", clip(s[i:]))}
		}
		x, _ := strconv.ParseUint(s[i:i+2], 16, 8)
		out = append(out, byte(x))
		i += 2
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i < len(s) && s[i] == ',' {
			i++
			continue
		}
		if i < len(s) && s[i] != ';' {
			return nil, &Error{Col: col + i, Msg: fmt.Sprintf("expected , between hex bytes, got %q", clip(s[i:]))}
		}
	}
}

// unquote reads a quoted string starting at s[at] == '"' and returns it and
// the index after the closing quote. The escapes are \\ and \", plus \0,
// \n and \r, which Wine's regedit also decodes; any other backslash
// sequence is an error (regedit would keep it literally or drop the line).
func unquote(s string, at int) (string, int, error) {
	if at >= len(s) || s[at] != '"' {
		return "", 0, &Error{Col: at + 1, Msg: "expected a quoted string"}
	}
	var b strings.Builder
	for i := at + 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 >= len(s) {
				return "", 0, &Error{Col: i + 1, Msg: "backslash at the end of the line"}
			}
			switch s[i+1] {
			case '\\', '"':
				b.WriteByte(s[i+1])
			case '0':
				b.WriteByte(0)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				return "", 0, &Error{Col: i + 1, Msg: fmt.Sprintf("unknown escape \\%c (only \\\\ and \\\" are valid)", s[i+1])}
			}
			i++
		case '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, &Error{Col: at + 1, Msg: "unterminated string (missing closing quote)"}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, x := range u {
		binary.LittleEndian.PutUint16(b[2*i:], x)
	}
	return b
}
