package cli

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tlsgate/tlsgate/internal/pscheck"
	"github.com/tlsgate/tlsgate/internal/regfile"
)

func runGen(t *testing.T, dir string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &Env{Stdout: &out, Stderr: &errb, Dir: dir, Getenv: func(k string) string { return env[k] },
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}
	code := Main(context.Background(), append([]string{"gen"}, args...), e)
	return code, out.String(), errb.String()
}

func TestGenUsage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "win7.yml"), []byte("extends: tls12\npackage:\n  enable_client: []\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "full"), 0o755)
	os.WriteFile(filepath.Join(dir, "full", "x"), nil, 0o644)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		msg  string
	}{
		{[]string{"--policy", "tls12", "--os", "win10"}, nil, "--out DIR is required"},
		{[]string{"--policy", "tls12", "--os", "win95", "--out", "o"}, nil, `unknown OS family "win95"`},
		{[]string{"--policy", "nope", "--os", "win10", "--out", "o"}, nil, "neither a built-in"},
		{[]string{"--policy", "tls12", "--os", "win10", "--out", "o", "--format", "zip"}, nil, `unknown format "zip"`},
		{[]string{"--policy", "tls12", "--os", "win10", "--out", "full"}, nil, "not empty"},
		{[]string{"--policy", "tls12", "--os", "win10", "--out", "full/x"}, nil, "unusable output folder"},
		{[]string{"--policy", "win7.yml", "--os", "win7", "--out", "o"}, nil, "SChannel client would be left with"},
		{[]string{"--policy", "tls12", "--os", "win10", "--out", "o"}, map[string]string{"SOURCE_DATE_EPOCH": "yesterday"}, "SOURCE_DATE_EPOCH"},
		{[]string{"--policy", "tls12", "--os", "win10", "--out", "o", "extra"}, nil, "unexpected argument"},
		{[]string{"--policy", "tls12", "--os", "win10", "--out", "o", "--sign-pkcs12", "x.p12"}, nil, "TLSGATE_SIGN_PASSWORD"},
		{[]string{"--policy", "tls12", "--os", "win10", "--out", "o", "--format", "exe", "--sign-pkcs12", "x.p12"}, map[string]string{"TLSGATE_SIGN_PASSWORD": "pw"}, "x.p12"},
		{[]string{"--policy", "tls12", "--os", "win10", "--out", "o", "--format", "exe", "--sign-pkcs12", "win7.yml"}, map[string]string{"TLSGATE_SIGN_PASSWORD": "pw"}, "--sign-pkcs12 win7.yml"},
	} {
		code, _, stderr := runGen(t, dir, tc.env, tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.msg) || !strings.HasPrefix(stderr, "tlsgate: gen: ") {
			t.Errorf("gen %v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "o")); !os.IsNotExist(err) {
		t.Error("a refused run created the output folder")
	}
}

func TestGenBundles(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}
	code, stdout, stderr := runGen(t, dir, env, "--os", "win10,win11", "--policy", "strict", "--out", "out", "--format", "reg,ps1")
	if code != ExitPass {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "win10: Windows 10") || !strings.Contains(stdout, "win11: Windows 11") {
		t.Errorf("stdout %q", stdout)
	}
	for _, f := range []string{"win10/apply.reg", "win10/Apply-TlsGate.ps1", "win11/manifest.json", "win11/SHA256SUMS", "win11/README.md"} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "win10", "intune")); !os.IsNotExist(err) {
		t.Error("intune generated although not requested")
	}
	first, _ := os.ReadFile(filepath.Join(dir, "out", "win10", "apply.reg"))
	// Non-empty now: refused, then accepted with --force, same bytes.
	if code, _, _ := runGen(t, dir, env, "--os", "win10,win11", "--policy", "strict", "--out", "out", "--format", "reg,ps1"); code != ExitUsage {
		t.Errorf("second run into the same folder: exit %d", code)
	}
	if code, _, stderr := runGen(t, dir, env, "--os", "win10,win11", "--policy", "strict", "--out", "out", "--format", "reg,ps1", "--force"); code != ExitPass {
		t.Fatalf("--force: exit %d %s", code, stderr)
	}
	again, _ := os.ReadFile(filepath.Join(dir, "out", "win10", "apply.reg"))
	if !bytes.Equal(first, again) {
		t.Error("SOURCE_DATE_EPOCH runs differ")
	}
	// One token: the bundle is the folder itself; audit sets logging only.
	if code, _, stderr := runGen(t, dir, nil, "--policy", "audit", "--os", "win7", "--out", "audit", "--format", "reg"); code != ExitPass {
		t.Fatalf("audit: exit %d %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "audit", "apply.reg"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := regfile.Parse(data, regfile.Options{RequireUnicode: true})
	if err != nil || len(f.Keys) != 1 || f.Keys[0].Values[0].Name != "EventLogging" {
		t.Errorf("audit apply.reg: %v %+v", err, f)
	}
	if !strings.Contains(string(mustDecode(t, data)), "2026-01-02T03:04:05Z") {
		t.Error("without SOURCE_DATE_EPOCH the current time is not used")
	}
}

func mustDecode(t *testing.T, data []byte) string {
	t.Helper()
	s, _, err := regfile.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Hostile company, product and package names: every format stays
// well-formed (strict .reg parse, XML well-formedness, PowerShell parse)
// and nothing is written outside the output folder.
func TestGenHostileNames(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "work")
	os.MkdirAll(dir, 0o755)
	hostile := "Ev'il \"Co\" $(Remove-Item C:\\) `whoami` ]]> <x>&amp; \r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Pwned] ..\\..\\ \u2019\u00e9"
	code, _, stderr := runGen(t, dir, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"},
		"--policy", "tls12", "--os", "win10", "--out", "out",
		"--company", hostile, "--product", hostile, "--name", "..\\..\\"+hostile)
	if code != ExitPass {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("files appeared next to the working folder: %v", entries)
	}
	var scripts []string
	n := 0
	err := filepath.Walk(filepath.Join(dir, "out"), func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		n++
		rel, _ := filepath.Rel(filepath.Join(dir, "out"), path)
		if strings.Contains(rel, "..") || strings.Contains(rel, "Ev'il") {
			t.Errorf("hostile name reached a file name: %s", rel)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".reg":
			f, err := regfile.Parse(data, regfile.Options{RequireUnicode: true})
			if err != nil {
				t.Errorf("%s: %v", rel, err)
				return nil
			}
			for _, k := range f.Keys {
				if strings.Contains(k.Path, "Pwned") {
					t.Errorf("%s: injected key %s", rel, k.Path)
				}
			}
		case ".xml", ".admx", ".adml":
			text, _, err := regfile.Decode(data) // handles UTF-16 and UTF-8
			if err != nil {
				text = string(data)
			}
			d := xml.NewDecoder(strings.NewReader(text))
			d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
			for {
				_, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Errorf("%s: not well-formed XML: %v", rel, err)
					break
				}
			}
		case ".ps1":
			scripts = append(scripts, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 || len(scripts) != 5 {
		t.Fatalf("%d files, %d scripts", n, len(scripts))
	}
	pscheck.Check(t, scripts...)
}

// When one format fails (here a wixl that exits 1), gen still finishes the
// bundle — the other formats, README, manifest and SHA256SUMS — names the
// failure, and exits 3.
func TestGenFormatFailureKeepsTheBundle(t *testing.T) {
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "wixl"), []byte("#!/bin/sh\necho 'wixl: broken' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	dir := t.TempDir()
	code, out, stderr := runGen(t, dir, nil, "--policy", "tls12", "--os", "win10", "--out", "o", "--format", "reg,msi")
	if code != ExitInconclusive || !strings.Contains(stderr, "msi") || !strings.Contains(out, "win10:") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, stderr)
	}
	for _, f := range []string{"apply.reg", "rollback.reg", "tlsgate-tls12.wxs", "README.md", "manifest.json", "SHA256SUMS"} {
		if _, err := os.Stat(filepath.Join(dir, "o", f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	man, _ := os.ReadFile(filepath.Join(dir, "o", "manifest.json"))
	if !strings.Contains(string(man), `"reason": "failed: `) {
		t.Errorf("manifest does not record the failure:\n%s", man)
	}
}
