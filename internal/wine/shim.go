package wine

// The bcryptprimitives.dll shim Go 1.26 executables need under Wine 8.0
// (reference/toolchain.md §8.3), and a prefix ready to run them.

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
)

// ShimSource is the C source of the shim (testdata/bcryptprimitives.c).
//
//go:embed testdata/bcryptprimitives.c
var ShimSource []byte

// MinGW is the cross compiler that builds the shim.
const MinGW = "x86_64-w64-mingw32-gcc"

var shimOnce struct {
	sync.Mutex
	path string
}

// BuildShim compiles the shim with MinGW into dir/bcryptprimitives.dll and
// returns its path. Within one process the first build is reused.
func BuildShim(ctx context.Context, dir string) (string, error) {
	shimOnce.Lock()
	defer shimOnce.Unlock()
	if shimOnce.path != "" {
		if _, err := os.Stat(shimOnce.path); err == nil {
			return shimOnce.path, nil
		}
	}
	gcc, err := exec.LookPath(MinGW)
	if err != nil {
		return "", fmt.Errorf("build the bcryptprimitives.dll shim: %s not found (apt-get install gcc-mingw-w64-x86-64-win32)", MinGW)
	}
	src := filepath.Join(dir, "bcryptprimitives.c")
	if err := os.WriteFile(src, ShimSource, 0o644); err != nil {
		return "", err
	}
	out := filepath.Join(dir, "bcryptprimitives.dll")
	cmd := exec.CommandContext(ctx, gcc, "-O2", "-shared", "-s", "-o", out, src, "-ladvapi32")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the bcryptprimitives.dll shim: %w\n%s", err, msg)
	}
	shimOnce.path = out
	return out, nil
}

// InstallShim copies the shim DLL into the prefix's system32.
func InstallShim(prefix, dll string) error {
	data, err := os.ReadFile(dll)
	if err != nil {
		return err
	}
	dst := filepath.Join(prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o755)
}

// SkipWithoutTools skips tb when a tool is missing and CI is empty; with CI
// set the test fails instead, so a missing install step shows (STYLE C21).
func SkipWithoutTools(tb testing.TB, tools ...string) {
	tb.Helper()
	var missing []string
	for _, t := range tools {
		if _, err := exec.LookPath(t); err != nil {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("needs %s on PATH (.ci/setup.sh installs them)", strings.Join(missing, ", "))
	if os.Getenv("CI") != "" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// GoPrefix is a fresh, headless Wine prefix with the shim installed, ready
// to run Go 1.26 amd64 executables. Close it with Close.
type GoPrefix struct {
	Dir string
	env []string
}

// NewGoPrefix creates a prefix in dir (which must be empty or absent):
// wineboot -i, wait for wineserver, build and install the shim.
func NewGoPrefix(ctx context.Context, dir string) (*GoPrefix, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := &GoPrefix{Dir: dir}
	p.env = append(cleanEnv(os.Environ()), "WINEPREFIX="+dir, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=")
	if _, _, code, err := p.exec(ctx, "wineboot", "-i"); err != nil || code != 0 {
		return nil, fmt.Errorf("wineboot -i: exit %d: %v", code, err)
	}
	if _, _, _, err := p.exec(ctx, "wineserver", "-w"); err != nil {
		return nil, fmt.Errorf("wineserver -w: %v", err)
	}
	// Keep one wineserver (and Wine's services) running for the prefix's
	// lifetime: otherwise every wine command starts them again, about 2 s
	// each. Close stops it.
	if _, _, code, err := p.exec(ctx, "wineserver", "-p"); err != nil || code != 0 {
		return nil, fmt.Errorf("wineserver -p: exit %d: %v", code, err)
	}
	shimDir := filepath.Join(filepath.Dir(dir), "shim")
	if err := os.MkdirAll(shimDir, 0o755); err != nil {
		return nil, err
	}
	dll, err := BuildShim(ctx, shimDir)
	if err != nil {
		return nil, err
	}
	if err := InstallShim(dir, dll); err != nil {
		return nil, err
	}
	return p, nil
}

func cleanEnv(env []string) []string {
	var out []string
	for _, e := range env {
		k := strings.SplitN(e, "=", 2)[0]
		switch k {
		case "WINEPREFIX", "WINEDEBUG", "WINEDLLOVERRIDES", "DISPLAY", "WAYLAND_DISPLAY":
			continue
		}
		out = append(out, e)
	}
	return out
}

// Env is the environment that selects this prefix.
func (p *GoPrefix) Env() []string { return append([]string(nil), p.env...) }

func (p *GoPrefix) exec(ctx context.Context, name string, args ...string) (stdout, stderr []byte, code int, err error) {
	// Output goes through files, not pipes: Wine's background processes
	// (wineserver, services.exe) inherit the handles and would keep a pipe
	// open long after the command itself has exited.
	o, err := os.CreateTemp("", "wine-out-")
	if err != nil {
		return nil, nil, -1, err
	}
	defer os.Remove(o.Name())
	defer o.Close()
	e, err := os.CreateTemp("", "wine-err-")
	if err != nil {
		return nil, nil, -1, err
	}
	defer os.Remove(e.Name())
	defer e.Close()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = o, e
	runErr := cmd.Run()
	stdout, _ = os.ReadFile(o.Name())
	stderr, _ = os.ReadFile(e.Name())
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		return stdout, stderr, ee.ExitCode(), nil
	}
	if runErr != nil {
		return stdout, stderr, -1, runErr
	}
	return stdout, stderr, 0, nil
}

// Wine runs `wine args...` in the prefix. code is the Unix exit status
// (the Windows exit code modulo 256: 3010 shows as 194).
func (p *GoPrefix) Wine(ctx context.Context, args ...string) (stdout, stderr []byte, code int, err error) {
	return p.exec(ctx, "wine", args...)
}

// WindowsPath maps a Unix path to its Z: drive path.
func WindowsPath(unix string) string {
	abs, err := filepath.Abs(unix)
	if err != nil {
		abs = unix
	}
	return "Z:" + strings.ReplaceAll(abs, "/", `\`)
}

// ExportKey runs `reg export` on key (e.g. `HKLM\SOFTWARE\X`, Wow6432Node
// spelled out for the 32-bit copy) and returns the export as UTF-8 text
// with LF line ends; ok is false when the key does not exist.
func (p *GoPrefix) ExportKey(ctx context.Context, key string) (text string, ok bool, err error) {
	f, err := os.CreateTemp("", "wine-export-*.reg")
	if err != nil {
		return "", false, err
	}
	f.Close()
	defer os.Remove(f.Name())
	_, stderr, code, err := p.Wine(ctx, "reg", "export", key, WindowsPath(f.Name()), "/y")
	if err != nil {
		return "", false, err
	}
	if code != 0 {
		if bytes.Contains(bytes.ToLower(stderr), []byte("unable to find")) || bytes.Contains(stderr, []byte("not exist")) || code == 1 {
			return "", false, nil
		}
		return "", false, fmt.Errorf("reg export %s: exit %d: %s", key, code, stderr)
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		return "", false, err
	}
	return DecodeUTF16(data), true, nil
}

// DecodeUTF16 decodes a UTF-16LE file (BOM optional) to UTF-8 with LF line
// ends.
func DecodeUTF16(data []byte) string {
	if len(data) >= 2 && data[0] == 0xFF && data[1] == 0xFE {
		data = data[2:]
	}
	u := make([]uint16, len(data)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(data[2*i:])
	}
	return strings.ReplaceAll(string(utf16.Decode(u)), "\r\n", "\n")
}

// Close stops the prefix's wineserver and deletes the prefix.
func (p *GoPrefix) Close() error {
	ctx := context.Background()
	p.exec(ctx, "wineserver", "-k")
	p.exec(ctx, "wineserver", "-w")
	return os.RemoveAll(p.Dir)
}
