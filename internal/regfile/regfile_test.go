package regfile

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `Windows Registry Editor Version 5.00

; comment
[HKEY_LOCAL_MACHINE\SOFTWARE\Test]
"DW"=dword:0000000a
"Str"="a \"quoted\" C:\\path"
@="default"
"Q"=hex(b):01,00,00,00,00,00,00,00
"Multi"=hex(7):61,00,00,00,62,00,00,00,00,00
"Exp"=hex(2):25,00,58,00,25,00,00,00
"Bin"=hex:de,ad,\
  be,ef
"Gone"=-

[-HKEY_LOCAL_MACHINE\SOFTWARE\Old]

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Ciphers\RC4 128/128]
"Enabled"=dword:00000000
`

func TestParseSample(t *testing.T) {
	for _, enc := range []struct {
		name string
		data []byte
		want Encoding
	}{
		{"utf16", Encode(sample), UTF16LE},
		{"utf8", []byte(sample), UTF8},
		{"utf8bom", append([]byte{0xef, 0xbb, 0xbf}, sample...), UTF8},
	} {
		t.Run(enc.name, func(t *testing.T) {
			f, err := Parse(enc.data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if f.Encoding != enc.want || f.Header != HeaderUnicode {
				t.Errorf("encoding %s header %q", f.Encoding, f.Header)
			}
			if len(f.Keys) != 3 {
				t.Fatalf("%d keys", len(f.Keys))
			}
			k := f.Keys[0]
			if k.Path != `HKEY_LOCAL_MACHINE\SOFTWARE\Test` || k.Line != 4 {
				t.Errorf("key %q line %d", k.Path, k.Line)
			}
			if v, _ := k.Value("dw").DWORD(); v != 10 || k.Value("DW").Line != 5 {
				t.Errorf("DW = %d line %d", v, k.Value("DW").Line)
			}
			if s, _ := k.Value("Str").String(); s != `a "quoted" C:\path` {
				t.Errorf("Str = %q", s)
			}
			if s, _ := k.Value("").String(); s != "default" {
				t.Errorf("@ = %q", s)
			}
			if q, _ := k.Value("Q").QWORD(); q != 1 {
				t.Errorf("Q = %d", q)
			}
			if m, _ := k.Value("Multi").Strings(); strings.Join(m, "|") != "a|b" {
				t.Errorf("Multi = %q", m)
			}
			if e, _ := k.Value("Exp").String(); e != "%X%" || k.Value("Exp").Type != ExpandSZ {
				t.Errorf("Exp = %q", e)
			}
			if b := k.Value("Bin"); !bytes.Equal(b.Data, []byte{0xde, 0xad, 0xbe, 0xef}) || b.Line != 11 {
				t.Errorf("Bin = %x line %d", b.Data, b.Line)
			}
			if g := k.Value("Gone"); g == nil || !g.Delete || g.Line != 13 {
				t.Errorf("Gone = %+v", g)
			}
			if !f.Keys[1].Delete || f.Keys[1].Line != 15 {
				t.Errorf("delete key %+v", f.Keys[1])
			}
			if v, _ := f.Lookup(`hkey_local_machine\system\currentcontrolset\control\securityproviders\schannel\ciphers\rc4 128/128`).Value("Enabled").DWORD(); v != 0 {
				t.Errorf("RC4 Enabled = %d", v)
			}
		})
	}
}

// Marshal writes what Parse reads back identically, in regedit's form.
func TestRoundTrip(t *testing.T) {
	f, err := Parse([]byte(sample), Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := f.Marshal()
	if !bytes.HasPrefix(out, []byte{0xff, 0xfe}) {
		t.Fatal("no BOM")
	}
	g, err := Parse(out, Options{RequireUnicode: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(g.Keys) != len(f.Keys) {
		t.Fatalf("%d keys, want %d", len(g.Keys), len(f.Keys))
	}
	for i := range f.Keys {
		a, b := f.Keys[i], g.Keys[i]
		if a.Path != b.Path || a.Delete != b.Delete || len(a.Values) != len(b.Values) {
			t.Fatalf("key %d: %+v vs %+v", i, a, b)
		}
		for j := range a.Values {
			x, y := a.Values[j], b.Values[j]
			if x.Name != y.Name || x.Type != y.Type || x.Delete != y.Delete || !bytes.Equal(x.Data, y.Data) {
				t.Errorf("value %q: %+v vs %+v", x.Name, x, y)
			}
		}
	}
	if again := g.Marshal(); !bytes.Equal(again, out) {
		t.Error("Marshal is not stable")
	}
}

func TestStrictErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line, col  int
		msg        string
	}{
		{"no header", "[HKEY_LOCAL_MACHINE\\X]\n", 1, 1, "first line"},
		{"value after blank line", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=dword:1\n\n\"b\"=dword:2\n", 6, 1, "outside a key block"},
		{"value before key", "Windows Registry Editor Version 5.00\n\n\"a\"=dword:1\n", 3, 1, "outside a key block"},
		{"dword too long", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=dword:123456789\n", 4, 11, "1 to 8 hexadecimal"},
		{"dword 0x", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=dword:0x10\n", 4, 12, "unexpected text"},
		{"decimal dword", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\n  \"a\"=dword:\n", 4, 13, "1 to 8"},
		{"short root", "Windows Registry Editor Version 5.00\n\n[HKLM\\X]\n", 3, 2, "unknown registry root"},
		{"unterminated", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\n\"a=\"x\n", 4, 5, "expected = after"},
		{"bad escape", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=\"C:\\x\"\n", 4, 8, "unknown escape"},
		{"odd hex", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=hex:1,2\n", 4, 9, "two hexadecimal digits"},
		{"dangling comma", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=hex:01,02,\n", 4, 0, "ends with a comma"},
		{"qword size", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=hex(b):01\n", 4, 0, "8 bytes"},
		{"garbage", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\nfoo\n", 4, 1, "unrecognised line"},
		{"no closing bracket", "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X\n", 3, 1, "closing ]"},
		{"value under delete", "Windows Registry Editor Version 5.00\n\n[-HKEY_LOCAL_MACHINE\\X]\n\"a\"=-\n", 4, 1, "deletion"},
		{"utf16 without bom", "W\x00i\x00", 1, 0, "without a BOM"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text), Options{})
			if err == nil {
				t.Fatal("accepted")
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v", err, err)
			}
			if e.Line != tc.line || (tc.col != 0 && e.Col != tc.col) || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %v, want line %d col %d containing %q", err, tc.line, tc.col, tc.msg)
			}
			// Lenient mode goes on and records the problem instead
			// (except for what makes the file unreadable as a whole).
			if tc.line > 1 {
				f, err := Parse([]byte(tc.text), Options{Lenient: true})
				if err != nil {
					t.Fatalf("lenient: %v", err)
				}
				if len(f.Problems) == 0 || f.Problems[0].Line != tc.line {
					t.Errorf("lenient problems %v", f.Problems)
				}
			}
		})
	}
}

func TestRequireUnicode(t *testing.T) {
	if _, err := Parse([]byte(sample), Options{RequireUnicode: true}); err == nil || !strings.Contains(err.Error(), "UTF-16LE") {
		t.Errorf("UTF-8 file accepted: %v", err)
	}
	lf := append([]byte{0xff, 0xfe}, utf16le(sample)...)
	if _, err := Parse(lf, Options{RequireUnicode: true}); err == nil || !strings.Contains(err.Error(), "CRLF") {
		t.Errorf("LF file accepted: %v", err)
	}
	if _, err := Parse(Encode(sample), Options{RequireUnicode: true}); err != nil {
		t.Error(err)
	}
}

func TestREGEDIT4(t *testing.T) {
	text := "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\X]\r\n\"s\"=\"caf\xe9\"\r\n\"m\"=hex(7):61,00,62,00,00\r\n"
	f, err := Parse([]byte(text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Encoding != ANSI || f.Header != HeaderANSI {
		t.Errorf("encoding %s header %s", f.Encoding, f.Header)
	}
	if s, _ := f.Keys[0].Value("s").String(); s != "café" {
		t.Errorf("s = %q", s)
	}
	if m, _ := f.Keys[0].Value("m").Strings(); strings.Join(m, "|") != "a|b" {
		t.Errorf("m = %q", m)
	}
	// Re-encoded as a Unicode file it reads back the same strings.
	g, err := Parse(f.Marshal(), Options{RequireUnicode: true})
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := g.Keys[0].Value("m").Strings(); strings.Join(m, "|") != "a|b" {
		t.Errorf("re-encoded m = %q", m)
	}
}

func TestEscapes(t *testing.T) {
	name := "we\"ird\\name\r\nx"
	v := &Value{Name: name, Type: SZ, Data: utf16le("line1\nline2\x00")}
	text := HeaderUnicode + "\n\n[HKEY_CURRENT_USER\\X]\n" + v.Format() + "\n"
	f, err := Parse([]byte(text), Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	got := f.Keys[0].Values[0]
	if got.Name != name {
		t.Errorf("name %q, want %q", got.Name, name)
	}
	if s, _ := got.String(); s != "line1\nline2" {
		t.Errorf("data %q", s)
	}
	if c := Comment("a\nb\r\u2028c"); strings.ContainsAny(c, "\r\n\u2028") {
		t.Errorf("Comment kept a line break: %q", c)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add(Encode(sample))
	f.Add([]byte("REGEDIT4\n\n[HKEY_USERS\\x]\n@=hex(2):41,00\n"))
	f.Add([]byte("Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\a]\n\"x\"=hex:01,\\\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, lenient := range []bool{false, true} {
			file, err := Parse(data, Options{Lenient: lenient})
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("error of type %T: %v", err, err)
				}
				continue
			}
			// Whatever parses must survive a write and a strict re-read.
			out := file.Marshal()
			g, err := Parse(out, Options{RequireUnicode: true})
			if err != nil {
				t.Fatalf("re-read of Marshal output failed: %v", err)
			}
			if len(g.Keys) != len(file.Keys) {
				t.Fatalf("%d keys after round trip, want %d", len(g.Keys), len(file.Keys))
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	data := Encode(strings.Repeat(sample[len(HeaderUnicode)+2:], 200))
	data = append(Encode(HeaderUnicode+"\n\n"), data[2:]...)
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, err := Parse(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
