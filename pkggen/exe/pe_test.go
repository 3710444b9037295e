package exe

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// peFacts is what the signed-ready checks need from a PE file.
type peFacts struct {
	Machine      uint16
	SecuritySize uint32 // the certificate table's size: 0 when unsigned
	Checksum     uint32
	Resources    map[uint32][]byte // resource type → first entry's data
	FileVersion  [4]uint16
}

const (
	rtVersion  = 16
	rtManifest = 24
)

// readPE parses the headers and the resource directory with debug/pe.
func readPE(data []byte) (*peFacts, error) {
	f, err := pe.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	facts := &peFacts{Machine: f.Machine, Resources: map[uint32][]byte{}}
	var dirs []pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		dirs, facts.Checksum = oh.DataDirectory[:oh.NumberOfRvaAndSizes], oh.CheckSum
	case *pe.OptionalHeader32:
		dirs, facts.Checksum = oh.DataDirectory[:oh.NumberOfRvaAndSizes], oh.CheckSum
	default:
		return nil, fmt.Errorf("no optional header")
	}
	if len(dirs) > pe.IMAGE_DIRECTORY_ENTRY_SECURITY {
		facts.SecuritySize = dirs[pe.IMAGE_DIRECTORY_ENTRY_SECURITY].Size
	}
	if len(dirs) <= pe.IMAGE_DIRECTORY_ENTRY_RESOURCE || dirs[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE].Size == 0 {
		return facts, nil
	}
	rva := dirs[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE].VirtualAddress
	var sec *pe.Section
	for _, s := range f.Sections {
		if rva >= s.VirtualAddress && rva < s.VirtualAddress+s.VirtualSize {
			sec = s
		}
	}
	if sec == nil {
		return nil, fmt.Errorf("resource directory outside every section")
	}
	raw, err := sec.Data()
	if err != nil {
		return nil, err
	}
	base := rva - sec.VirtualAddress
	at := func(off uint32, n uint32) ([]byte, error) {
		if uint64(off)+uint64(n) > uint64(len(raw)) {
			return nil, fmt.Errorf("resource data out of range")
		}
		return raw[off : off+n], nil
	}
	type entry struct{ id, off uint32 }
	dir := func(off uint32) ([]entry, error) {
		h, err := at(base+off, 16)
		if err != nil {
			return nil, err
		}
		n := uint32(binary.LittleEndian.Uint16(h[12:])) + uint32(binary.LittleEndian.Uint16(h[14:]))
		var out []entry
		for i := uint32(0); i < n; i++ {
			e, err := at(base+off+16+8*i, 8)
			if err != nil {
				return nil, err
			}
			out = append(out, entry{binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])})
		}
		return out, nil
	}
	types, err := dir(0)
	if err != nil {
		return nil, err
	}
	for _, ty := range types {
		off := ty.off
		// Descend name and language levels to the first leaf.
		for off&0x80000000 != 0 {
			sub, err := dir(off &^ 0x80000000)
			if err != nil {
				return nil, err
			}
			if len(sub) == 0 {
				break
			}
			off = sub[0].off
		}
		if off&0x80000000 != 0 {
			continue
		}
		de, err := at(base+off, 16)
		if err != nil {
			return nil, err
		}
		dataRVA, size := binary.LittleEndian.Uint32(de), binary.LittleEndian.Uint32(de[4:])
		d, err := at(dataRVA-sec.VirtualAddress, size)
		if err != nil {
			return nil, err
		}
		facts.Resources[ty.id] = d
	}
	if v := facts.Resources[rtVersion]; v != nil {
		sig := []byte{0xBD, 0x04, 0xEF, 0xFE}
		i := bytes.Index(v, sig)
		if i < 0 || i+16 > len(v) {
			return nil, fmt.Errorf("version resource without VS_FIXEDFILEINFO")
		}
		ms, ls := binary.LittleEndian.Uint32(v[i+8:]), binary.LittleEndian.Uint32(v[i+12:])
		facts.FileVersion = [4]uint16{uint16(ms >> 16), uint16(ms), uint16(ls >> 16), uint16(ls)}
	}
	return facts, nil
}

// utf16le encodes s as the version resource stores strings.
func utf16le(s string) []byte {
	var b bytes.Buffer
	for _, u := range utf16.Encode([]rune(s)) {
		binary.Write(&b, binary.LittleEndian, u)
	}
	return b.Bytes()
}
