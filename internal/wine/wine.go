package wine

// A bare Wine prefix for registry tests (regedit /S imports, reg export
// read-back; reference/toolchain.md §8.2, §8.5), shared by the tests of one
// test binary because creating one takes about 7 s.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tlsgate/tlsgate/internal/regfile"
)

// NewPrefix creates a fresh, headless prefix in dir without the Go shim:
// wineboot -i, then wineserver -w. Enough for regedit, reg and msiexec.
func NewPrefix(ctx context.Context, dir string) (*GoPrefix, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := &GoPrefix{Dir: dir}
	p.env = append(cleanEnv(os.Environ()), "WINEPREFIX="+dir, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=")
	if _, stderr, code, err := p.exec(ctx, "wineboot", "-i"); err != nil || code != 0 {
		return nil, fmt.Errorf("wineboot -i: exit %d: %v %s", code, err, stderr)
	}
	if _, _, _, err := p.exec(ctx, "wineserver", "-w"); err != nil {
		return nil, fmt.Errorf("wineserver -w: %v", err)
	}
	// Keep the wineserver up between commands (it would otherwise exit and
	// restart for every wine call, which costs seconds each); it exits by
	// itself 60 s after the last client, should Close never run.
	// No pipes: the daemon would hold them open and Run would wait for it.
	srv := exec.CommandContext(ctx, "wineserver", "-p60")
	srv.Env = p.env
	if err := srv.Run(); err != nil {
		return nil, fmt.Errorf("wineserver -p60: %v", err)
	}
	return p, nil
}

var shared struct {
	sync.Mutex
	p    *GoPrefix
	root string
	err  error
}

// Shared returns the test binary's bare prefix, creating it on first use.
// It skips tb without wine (fails with CI set). Call CloseShared from
// TestMain after m.Run so the wineserver is killed and the prefix deleted.
func Shared(tb testing.TB) *GoPrefix {
	tb.Helper()
	SkipWithoutTools(tb, "wine", "wineboot", "wineserver")
	shared.Lock()
	defer shared.Unlock()
	if shared.p == nil && shared.err == nil {
		root, err := os.MkdirTemp("", "tlsgate-wine-")
		if err != nil {
			tb.Fatal(err)
		}
		shared.root = root
		shared.p, shared.err = NewPrefix(context.Background(), root+"/prefix")
	}
	if shared.err != nil {
		tb.Fatalf("wine prefix: %v", shared.err)
	}
	return shared.p
}

// CloseShared kills the shared prefix's wineserver and deletes it.
func CloseShared() {
	shared.Lock()
	defer shared.Unlock()
	if shared.p != nil {
		shared.p.Close()
		shared.p = nil
	}
	if shared.root != "" {
		os.RemoveAll(shared.root)
		shared.root = ""
	}
}

// ImportReg imports a .reg file with `regedit /S`. regedit reports nothing
// (exit 0 even when it skipped lines), so callers must read the values back.
func (p *GoPrefix) ImportReg(ctx context.Context, path string) error {
	_, stderr, code, err := p.Wine(ctx, "regedit", "/S", WindowsPath(path))
	if err != nil {
		return fmt.Errorf("regedit /S %s: %w", path, err)
	}
	if code != 0 {
		return fmt.Errorf("regedit /S %s: exit %d: %s", path, code, stderr)
	}
	return nil
}

// ReadTree exports key and everything below it with `reg export` and parses
// the export leniently (a full Wine export holds values the strict mode
// rejects, such as single-digit hex bytes); nil when the key does not exist.
func (p *GoPrefix) ReadTree(ctx context.Context, key string) (*regfile.File, error) {
	text, ok, err := p.ExportKey(ctx, key)
	if err != nil || !ok {
		return nil, err
	}
	f, err := regfile.Parse([]byte(text), regfile.Options{Lenient: true})
	if err != nil {
		return nil, fmt.Errorf("parse the export of %s: %w", key, err)
	}
	return f, nil
}

// ReadKey exports key with `reg export` (not `reg query`, which misprints
// some types) and parses the export strictly. It returns nil when the key
// does not exist. key uses short or long roots, Wow6432Node spelled out for
// the 32-bit copy.
func (p *GoPrefix) ReadKey(ctx context.Context, key string) (*regfile.Key, error) {
	text, ok, err := p.ExportKey(ctx, key)
	if err != nil || !ok {
		return nil, err
	}
	f, err := regfile.Parse([]byte(text), regfile.Options{})
	if err != nil {
		return nil, fmt.Errorf("parse the export of %s: %w", key, err)
	}
	want := longKey(key)
	for _, k := range f.Keys {
		if strings.EqualFold(k.Path, want) {
			return k, nil
		}
	}
	return &regfile.Key{Path: want}, nil
}

func longKey(key string) string {
	root, rest, _ := strings.Cut(key, `\`)
	for long, short := range regfile.Roots {
		if strings.EqualFold(root, short) {
			root = long
		}
	}
	if rest == "" {
		return root
	}
	return root + `\` + rest
}

var dwordLine = regexp.MustCompile(`(?m)^"([^"]+)"=dword:([0-9a-f]{8})$`)

// ExportDWORDs returns the REG_DWORD values of key fullKey's own section in
// a `reg export` text (the subkeys' sections are not included), as lower-case
// name → eight hex digits. It returns nil when the section is missing.
func ExportDWORDs(export, fullKey string) map[string]string {
	header := "[" + strings.Replace(fullKey, `HKLM\`, `HKEY_LOCAL_MACHINE\`, 1) + "]\n"
	i := strings.Index(strings.ToLower(export), strings.ToLower(header))
	if i < 0 {
		return nil
	}
	sec := export[i+len(header):]
	if j := strings.Index(sec, "\n["); j >= 0 {
		sec = sec[:j]
	}
	got := map[string]string{}
	for _, m := range dwordLine.FindAllStringSubmatch(sec, -1) {
		got[strings.ToLower(m[1])] = m[2]
	}
	return got
}
