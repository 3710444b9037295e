package regpol

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// u16 spells s as UTF-16LE bytes (ASCII only), for hand-built expectations.
func u16(s string) []byte {
	var b []byte
	for _, c := range []byte(s) {
		b = append(b, c, 0)
	}
	return b
}

func TestMarshalBytes(t *testing.T) {
	// One DWORD entry, spelled out byte by byte from the format description.
	got, err := Marshal([]Entry{DWORD(`SOFTWARE\A`, "V", 0x2800)})
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	want = append(want, "PReg"...)
	want = append(want, 1, 0, 0, 0)
	want = append(want, u16("[")...)
	want = append(want, u16(`SOFTWARE\A`)...)
	want = append(want, 0, 0)
	want = append(want, u16(";")...)
	want = append(want, u16("V")...)
	want = append(want, 0, 0)
	want = append(want, u16(";")...)
	want = append(want, 4, 0, 0, 0) // REG_DWORD
	want = append(want, u16(";")...)
	want = append(want, 4, 0, 0, 0) // size
	want = append(want, u16(";")...)
	want = append(want, 0x00, 0x28, 0, 0) // 0x2800 little-endian
	want = append(want, u16("]")...)
	if !bytes.Equal(got, want) {
		t.Fatalf("Marshal:\n got %s\nwant %s", hex.EncodeToString(got), hex.EncodeToString(want))
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		entries []Entry
	}{
		{"empty", nil},
		{"dwords", []Entry{
			DWORD(`SOFTWARE\Microsoft\.NETFramework\v4.0.30319`, "SchUseStrongCrypto", 1),
			DWORD(`SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319`, "SchUseStrongCrypto", 1),
			DWORD(`SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Ciphers\RC4 128/128`, "Enabled", 0),
			DWORD(`SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Ciphers\AES 256/256`, "Enabled", 0xFFFFFFFF),
		}},
		{"special names and delimiters in strings", []Entry{
			{Key: `SOFTWARE\Policies\X;[y]`, ValueName: "**del.Value;]", Type: RegSZ, Data: []byte{}},
			{Key: `SOFTWARE\Policies\X`, ValueName: "**DelVals.", Type: RegSZ, Data: u16(" \x00")},
			{Key: `SOFTWARE\Policies\Ünïcödé 😀`, ValueName: "", Type: RegBinary, Data: []byte{0, 1, 2, ']', ';', 0}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Marshal(tt.entries)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unmarshal(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 && len(tt.entries) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.entries) {
				t.Fatalf("round trip:\n got %#v\nwant %#v", got, tt.entries)
			}
		})
	}
}

func TestUint32(t *testing.T) {
	if v, ok := DWORD("K", "V", 0xA80).Uint32(); !ok || v != 0xA80 {
		t.Fatalf("Uint32 = %#x, %v", v, ok)
	}
	if _, ok := (Entry{Key: "K", Type: RegSZ, Data: []byte{1, 2, 3, 4}}).Uint32(); ok {
		t.Fatal("REG_SZ read as a DWORD")
	}
	if _, ok := (Entry{Key: "K", Type: RegDWORD, Data: []byte{1, 2}}).Uint32(); ok {
		t.Fatal("2-byte DWORD accepted")
	}
}

func TestMarshalRejects(t *testing.T) {
	tests := []struct {
		name string
		e    Entry
		want string
	}{
		{"empty key", Entry{Key: "", ValueName: "V"}, "empty key"},
		{"NUL in key", Entry{Key: "A\x00B", ValueName: "V"}, "NUL"},
		{"NUL in name", Entry{Key: "A", ValueName: "V\x00"}, "NUL"},
		{"bad UTF-8", Entry{Key: "A\xff", ValueName: "V"}, "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Marshal([]Entry{tt.e})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestUnmarshalRejects(t *testing.T) {
	good, err := Marshal([]Entry{DWORD(`SOFTWARE\A`, "V", 1)})
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(f func([]byte) []byte) []byte {
		return f(append([]byte(nil), good...))
	}
	tests := []struct {
		name   string
		data   []byte
		want   string
		header bool
	}{
		{"empty", nil, "shorter than the 8-byte header", true},
		{"bad signature", mutate(func(b []byte) []byte { b[0] = 'X'; return b }), "signature", true},
		{"version 2", mutate(func(b []byte) []byte { b[4] = 2; return b }), "version 2", true},
		{"truncated", good[:len(good)-3], "runs past the end", false},
		{"missing close", good[:len(good)-2], "unexpected end of file, want ']'", false},
		{"trailing garbage", append(append([]byte(nil), good...), 'x'), "unexpected end of file", false},
		{"wrong delimiter", mutate(func(b []byte) []byte { b[8] = '('; return b }), "want '['", false},
		{"size past end", mutate(func(b []byte) []byte {
			// size DWORD sits 4+2 bytes before the data's ';' ... find it:
			i := bytes.Index(b, []byte{';', 0, 4, 0, 0, 0, ';', 0})
			b[i+8] = 0xff
			return b
		}), "runs past the end", false},
		{"unterminated key", append([]byte("PReg\x01\x00\x00\x00"), u16("[abc")...), "unterminated string", false},
		{"empty key", append([]byte("PReg\x01\x00\x00\x00"), append(u16("["), 0, 0)...), "empty key", false},
		{"lone surrogate", append(append([]byte("PReg\x01\x00\x00\x00"), u16("[")...), 0x00, 0xD8, 0, 0), "surrogate", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Unmarshal(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err %T is not a *SyntaxError", err)
			}
			if got := strings.Contains(err.Error(), ErrHeader.Error()); got != tt.header {
				t.Fatalf("header error = %v, want %v (%v)", got, tt.header, err)
			}
		})
	}
}

// FuzzUnmarshal: arbitrary input never panics, and whatever parses
// re-encodes to the same bytes (the format has exactly one spelling).
func FuzzUnmarshal(f *testing.F) {
	seed, _ := Marshal([]Entry{
		DWORD(`SOFTWARE\A`, "V", 1),
		{Key: `SOFTWARE\Policies\B`, ValueName: "**del.X", Type: RegSZ, Data: u16(" \x00")},
	})
	f.Add(seed)
	f.Add([]byte("PReg\x01\x00\x00\x00"))
	f.Add([]byte("PReg\x01\x00\x00\x00[\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Unmarshal(data)
		if err != nil {
			return
		}
		again, err := Marshal(entries)
		if err != nil {
			t.Fatalf("parsed entries do not marshal: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("re-encoding differs:\n in %x\nout %x", data, again)
		}
	})
}

// FuzzRoundTrip: any entry Marshal accepts comes back unchanged.
func FuzzRoundTrip(f *testing.F) {
	f.Add(`SOFTWARE\A`, "V", uint32(4), []byte{1, 0, 0, 0})
	f.Add(`K;[]`, "", uint32(1), []byte{})
	f.Fuzz(func(t *testing.T, key, name string, typ uint32, data []byte) {
		in := []Entry{{Key: key, ValueName: name, Type: typ, Data: data}}
		b, err := Marshal(in)
		if err != nil {
			return
		}
		out, err := Unmarshal(b)
		if err != nil {
			t.Fatalf("Unmarshal(Marshal(%q, %q)): %v", key, name, err)
		}
		if len(out) != 1 || out[0].Key != key || out[0].ValueName != name || out[0].Type != typ || !bytes.Equal(out[0].Data, data) {
			t.Fatalf("round trip changed %#v into %#v", in, out)
		}
	})
}
