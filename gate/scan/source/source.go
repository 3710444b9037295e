// Package source is the scanner's view of one repository file: its kind,
// its text decoded to UTF-8 (from UTF-8, UTF-16LE/BE with BOM, or
// Windows-1252), and offset → line/column mapping.
//
// It also defines the facts that file analyzers extract from code for the
// application model (protocol assignments, AppContext switches, registry
// writes).
package source

import (
	"bytes"
	"errors"
	"path"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/tlsgate/tlsgate/gate/finding"
)

// Kind is the kind of a file, which decides the analyzers that read it.
type Kind int

// File kinds (detection-rules.md §0.3).
const (
	Unknown        Kind = iota
	CSharp              // .cs
	VB                  // .vb
	FSharp              // .fs, .fsx
	Razor               // .cshtml, .aspx, .asax, .ascx, .master (code blocks)
	PowerShell          // .ps1, .psm1, .psd1
	Config              // *.config (app.config, web.config, transforms, *.exe.config)
	MSBuild             // *.csproj, *.vbproj, *.fsproj, Directory.Build.props/targets
	PackagesConfig      // packages.config
	Native              // .c, .cc, .cpp, .cxx, .h, .hpp
	Reg                 // .reg
	Batch               // .cmd, .bat
	Shell               // .sh
	Dockerfile          // Dockerfile, *.dockerfile
	OpenSSLConf         // openssl.cnf
	WiX                 // .wxs, .wxi
	YAML                // .yml, .yaml (inline PowerShell in pipelines)
	JSON                // appsettings*.json
	Settings            // .settings
)

var kindNames = map[Kind]string{
	Unknown: "unknown", CSharp: "csharp", VB: "vb", FSharp: "fsharp", Razor: "razor",
	PowerShell: "powershell", Config: "config", MSBuild: "msbuild", PackagesConfig: "packages-config",
	Native: "native", Reg: "reg", Batch: "batch", Shell: "shell", Dockerfile: "dockerfile",
	OpenSSLConf: "openssl-conf", WiX: "wix", YAML: "yaml", JSON: "json", Settings: "settings",
}

func (k Kind) String() string { return kindNames[k] }

// KindOf classifies a slash-separated path by name. Unknown means the
// scanner does not read the file.
func KindOf(p string) Kind {
	base := strings.ToLower(path.Base(p))
	ext := path.Ext(base)
	switch {
	case base == "packages.config":
		return PackagesConfig
	case base == "directory.build.props" || base == "directory.build.targets":
		return MSBuild
	case base == "dockerfile" || strings.HasPrefix(base, "dockerfile.") || ext == ".dockerfile":
		return Dockerfile
	case base == "openssl.cnf" || (ext == ".cnf" && strings.Contains(base, "openssl")):
		return OpenSSLConf
	case strings.HasPrefix(base, "appsettings") && ext == ".json":
		return JSON
	}
	switch ext {
	case ".cs":
		return CSharp
	case ".vb":
		return VB
	case ".fs", ".fsx":
		return FSharp
	case ".cshtml", ".vbhtml", ".aspx", ".asax", ".ascx", ".master", ".ashx", ".asmx", ".svc":
		return Razor
	case ".ps1", ".psm1", ".psd1":
		return PowerShell
	case ".config":
		return Config
	case ".csproj", ".vbproj", ".fsproj", ".props", ".targets":
		return MSBuild
	case ".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".hxx", ".inl":
		return Native
	case ".reg":
		return Reg
	case ".cmd", ".bat":
		return Batch
	case ".sh", ".bash":
		return Shell
	case ".wxs", ".wxi":
		return WiX
	case ".yml", ".yaml":
		return YAML
	case ".settings":
		return Settings
	}
	return Unknown
}

// Encoding is how the file's bytes were decoded.
type Encoding string

// Encodings.
const (
	UTF8    Encoding = "utf-8"
	UTF16LE Encoding = "utf-16le"
	UTF16BE Encoding = "utf-16be"
	CP1252  Encoding = "windows-1252"
)

// ErrBinary is returned by Decode for binary content.
var ErrBinary = errors.New("binary content")

// Decode turns raw bytes into UTF-8 text: a BOM decides UTF-8 or UTF-16;
// without one, valid UTF-8 is kept and anything else is read as
// Windows-1252. NUL bytes without a UTF-16 BOM mean binary. A UTF-16 BOM
// followed by an odd byte count or an unpaired surrogate is decoded with
// replacement characters (never an error: the scan must go on).
func Decode(raw []byte) (string, Encoding, error) { return decode(raw, false) }

// DecodeOwned is Decode for a buffer the caller hands over: UTF-8 content
// is returned without a copy, so raw must never be modified afterwards.
func DecodeOwned(raw []byte) (string, Encoding, error) { return decode(raw, true) }

func decode(raw []byte, owned bool) (string, Encoding, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		return strings.ToValidUTF8(string(raw[3:]), "\uFFFD"), UTF8, nil
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(raw)
		if err != nil {
			return "", UTF16LE, err
		}
		return string(out), UTF16LE, nil
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(raw)
		if err != nil {
			return "", UTF16BE, err
		}
		return string(out), UTF16BE, nil
	}
	sniff := raw
	if len(sniff) > 8000 {
		sniff = sniff[:8000]
	}
	if bytes.IndexByte(sniff, 0) >= 0 {
		return "", "", ErrBinary
	}
	if utf8.Valid(raw) {
		if owned && len(raw) > 0 {
			return unsafe.String(&raw[0], len(raw)), UTF8, nil
		}
		return string(raw), UTF8, nil
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return "", CP1252, err
	}
	return string(out), CP1252, nil
}

// File is one decoded repository file.
type File struct {
	// Path is relative to the scanned root, slash-separated.
	Path     string
	Kind     Kind
	Text     string
	Encoding Encoding
	once     sync.Once
	lines    []int // byte offset of the start of each line (built on first use)
}

// New builds a File from decoded text. The line index is built lazily, on
// the first position query, so files nobody reports on cost nothing.
func New(p string, kind Kind, text string, enc Encoding) *File {
	return &File{Path: p, Kind: kind, Text: text, Encoding: enc}
}

func (f *File) index() []int {
	f.once.Do(func() {
		n := strings.Count(f.Text, "\n")
		f.lines = make([]int, 1, n+1)
		for i := 0; i < len(f.Text); {
			j := strings.IndexByte(f.Text[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			f.lines = append(f.lines, i)
		}
	})
	return f.lines
}

// LineCount returns the number of lines.
func (f *File) LineCount() int { return len(f.index()) }

// Position converts a byte offset into a 1-based line and a 1-based column
// counted in characters (runes).
func (f *File) Position(off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > len(f.Text) {
		off = len(f.Text)
	}
	lines := f.index()
	i := sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, utf8.RuneCountInString(f.Text[lines[i]:off]) + 1
}

// Line returns the text of 1-based line n without its line ending.
func (f *File) Line(n int) string {
	lines := f.index()
	if n < 1 || n > len(lines) {
		return ""
	}
	start := lines[n-1]
	end := len(f.Text)
	if n < len(lines) {
		end = lines[n] - 1
	}
	return strings.TrimRight(f.Text[start:end], "\r")
}

// LineStart returns the byte offset of 1-based line n.
func (f *File) LineStart(n int) int {
	if n < 1 {
		return 0
	}
	lines := f.index()
	if n > len(lines) {
		return len(f.Text)
	}
	return lines[n-1]
}

// Range converts byte offsets [start, end) into a finding.Location. The end
// column is inclusive-exclusive as in SARIF (endColumn is one past the last
// character).
func (f *File) Range(start, end int) finding.Location {
	if end < start {
		end = start
	}
	sl, sc := f.Position(start)
	el, ec := f.Position(end)
	return finding.Location{Path: f.Path, StartLine: sl, StartCol: sc, EndLine: el, EndCol: ec}
}

// Snippet returns the source between two offsets with whitespace folded and
// truncated to 200 characters.
func (f *File) Snippet(start, end int) string {
	if start < 0 {
		start = 0
	}
	if end > len(f.Text) {
		end = len(f.Text)
	}
	if end < start {
		end = start
	}
	s := strings.Join(strings.Fields(f.Text[start:end]), " ")
	if utf8.RuneCountInString(s) > 200 {
		r := []rune(s)
		s = string(r[:197]) + "..."
	}
	return s
}

// FactKind is the kind of a code fact.
type FactKind int

// Fact kinds.
const (
	// ProtocolAssign: code sets the process-wide protocol set
	// (ServicePointManager.SecurityProtocol, [Net.ServicePointManager]::SecurityProtocol).
	ProtocolAssign FactKind = iota + 1
	// SwitchSet: code or config sets an AppContext switch.
	SwitchSet
	// RegistryWrite: an artifact writes a registry value.
	RegistryWrite
	// PowerShellCoreHost: a script declares it runs on PowerShell 7 (pwsh).
	PowerShellCoreHost
)

// Fact is something a file analyzer learned that the application model
// needs: it decides the protocols an application offers.
type Fact struct {
	Kind     FactKind
	Location finding.Location
	// ProtocolAssign
	Protocols     finding.ProtocolSet
	SystemDefault bool
	Additive      bool // |= (adds to the default)
	Removal       bool // &= ~X (removes from the default)
	Unresolved    bool // the value could not be folded to constants
	// SwitchSet
	Switch      string
	SwitchValue bool
	// RegistryWrite
	RegKey    string // full key with hive, as written (HKLM\SOFTWARE\...)
	RegName   string
	RegValue  uint64
	RegDelete bool
	// RegType is the value type as written, lower-case without "reg_":
	// "dword", "qword", "string" (REG_SZ and friends), "binary"; "" when
	// unknown. RegString holds the data of a string value (and the raw
	// data when a DWORD could not be parsed).
	RegType   string
	RegString string
}
