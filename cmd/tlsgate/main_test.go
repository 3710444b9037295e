package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tlsgate/tlsgate/internal/cli"
)

// TestMain lets testscript run "tlsgate" as a re-executed copy of the test
// binary that goes through cli.Main exactly as main does.
func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"tlsgate": func() int {
			return cli.Main(context.Background(), os.Args[1:], &cli.Env{
				Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
			})
		},
	}))
}

// TestScripts runs testdata/script/*.txtar: end-to-end checks of every
// CONTRACTS.md statement about the command line.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(e *testscript.Env) error {
			// Never inherit a developer's or CI's policy, colour or date.
			e.Setenv("NO_COLOR", "1")
			e.Setenv("SOURCE_DATE_EPOCH", "")
			e.Setenv("GITHUB_ACTIONS", "")
			// Scripts that need an external tool skip without it only
			// when CI is empty ([!exec:tool] [!env:CI] skip).
			e.Setenv("CI", os.Getenv("CI"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"jsonkeys":     cmdJSONKeys,
			"jsonget":      cmdJSONGet,
			"sarifcheck":   cmdSARIFCheck,
			"cmpdir":       cmdCmpDir,
			"exits":        cmdExits,
			"diagprefix":   cmdDiagPrefix,
			"stdoutfull":   cmdStdoutFull,
			"tlsserver":    cmdTLSServer,
			"manifest":     cmdManifest,
			"bannerserver": cmdBannerServer,
			"conns":        cmdConns,
		},
		// [env:NAME] is true when the variable NAME is set and not empty.
		Condition: func(cond string) (bool, error) {
			if name, ok := strings.CutPrefix(cond, "env:"); ok {
				return os.Getenv(name) != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		RequireUniqueNames: true,
	})
}

// readJSON decodes FILE (relative to $WORK; "stdout" means the last
// command's stdout) into a generic value, with numbers kept exact.
func readJSON(ts *testscript.TestScript, file string) any {
	var data []byte
	if file == "stdout" {
		data = []byte(ts.ReadFile("stdout"))
	} else {
		data = []byte(ts.ReadFile(file))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		ts.Fatalf("%s: not JSON: %v", file, err)
	}
	if dec.More() {
		ts.Fatalf("%s: trailing data after the JSON value", file)
	}
	return v
}

// walk follows a dotted path ("runs.0.tool.driver.name"; "." is the root;
// "len" of an array is its length), or a slash-separated one when a key
// holds dots ("endpoints/0/protocols/TLS1.2").
func walk(v any, path string) (any, error) {
	if path == "." || path == "" {
		return v, nil
	}
	sep := "."
	if strings.Contains(path, "/") { // for keys with dots: endpoints/0/protocols/TLS1.2
		sep = "/"
	}
	for _, p := range strings.Split(path, sep) {
		switch x := v.(type) {
		case map[string]any:
			c, ok := x[p]
			if !ok {
				return nil, fmt.Errorf("no key %q (at %s)", p, path)
			}
			v = c
		case []any:
			if p == "len" { // length
				return json.Number(strconv.Itoa(len(x))), nil
			}
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil, fmt.Errorf("no index %q in an array of %d (at %s)", p, len(x), path)
			}
			v = x[i]
		default:
			return nil, fmt.Errorf("cannot index %T with %q (at %s)", v, p, path)
		}
	}
	return v, nil
}

// jsonkeys FILE PATH key... — the object at PATH has exactly these keys.
func cmdJSONKeys(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: jsonkeys FILE PATH key...")
	}
	v, err := walk(readJSON(ts, args[0]), args[1])
	if err != nil {
		ts.Fatalf("%s: %v", args[0], err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		ts.Fatalf("%s: %s is %T, not an object", args[0], args[1], v)
	}
	var got []string
	for k := range m {
		got = append(got, k)
	}
	want := append([]string(nil), args[2:]...)
	sort.Strings(got)
	sort.Strings(want)
	same := strings.Join(got, " ") == strings.Join(want, " ")
	if same == neg {
		ts.Fatalf("%s: keys of %s are [%s], want %s[%s]", args[0], args[1], strings.Join(got, " "), map[bool]string{true: "not ", false: ""}[neg], strings.Join(want, " "))
	}
}

// jsonget FILE PATH WANT — the value at PATH, rendered as compact JSON (a
// string without quotes), matches the regular expression ^WANT$.
func cmdJSONGet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: jsonget FILE PATH WANT-REGEXP")
	}
	v, err := walk(readJSON(ts, args[0]), args[1])
	if err != nil {
		if neg {
			return
		}
		ts.Fatalf("%s: %v", args[0], err)
	}
	var s string
	if str, ok := v.(string); ok {
		s = str
	} else {
		b, err := json.Marshal(v)
		ts.Check(err)
		s = string(b)
	}
	re, err := regexp.Compile("^(?:" + args[2] + ")$")
	ts.Check(err)
	if re.MatchString(s) == neg {
		ts.Fatalf("%s: %s = %s; want %smatching %s", args[0], args[1], s, map[bool]string{true: "not ", false: ""}[neg], args[2])
	}
}

// sarifcheck [-gate] FILE — FILE is SARIF 2.1.0 as CONTRACTS.md requires:
// one run, tool.driver with name, version and metadata for every rule used;
// every result with ruleId, level, message.text and one location with a
// relative forward-slash uri and a 1-based region. With -gate, endpoint and
// pair results (TLS1nn, TLS2nn), which have no file, may instead name the
// endpoint as a tls://host:port uri without a region.
func cmdSARIFCheck(ts *testscript.TestScript, neg bool, args []string) {
	gate := len(args) > 0 && args[0] == "-gate"
	if gate {
		args = args[1:]
	}
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sarifcheck [-gate] FILE")
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name    string `json:"name"`
					Version string `json:"version"`
					Rules   []struct {
						ID               string `json:"id"`
						ShortDescription struct {
							Text string `json:"text"`
						} `json:"shortDescription"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID  *string `json:"ruleId"`
				Level   *string `json:"level"`
				Message struct {
					Text *string `json:"text"`
				} `json:"message"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI *string `json:"uri"`
						} `json:"artifactLocation"`
						Region *struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
							EndLine     int `json:"endLine"`
							EndColumn   int `json:"endColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	data := ts.ReadFile(args[0])
	if err := json.Unmarshal([]byte(data), &log); err != nil {
		ts.Fatalf("%s: %v", args[0], err)
	}
	sch, err := sarifSchema()
	ts.Check(err)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(data))
	ts.Check(err)
	if err := sch.Validate(doc); err != nil {
		ts.Fatalf("%s: not valid against the SARIF 2.1.0 schema: %v", args[0], err)
	}
	if log.Version != "2.1.0" {
		ts.Fatalf("%s: version %q, want 2.1.0", args[0], log.Version)
	}
	if len(log.Runs) != 1 {
		ts.Fatalf("%s: %d runs, want 1", args[0], len(log.Runs))
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "tlsgate" || d.Version == "" {
		ts.Fatalf("%s: tool.driver name %q version %q", args[0], d.Name, d.Version)
	}
	rules := map[string]bool{}
	for _, r := range d.Rules {
		if r.ID == "" || r.ShortDescription.Text == "" {
			ts.Fatalf("%s: rule %q without id or shortDescription", args[0], r.ID)
		}
		rules[r.ID] = true
	}
	// Every repository rule of the catalogue has metadata.
	for i := 1; i <= 19; i++ {
		if id := fmt.Sprintf("TLS%03d", i); !rules[id] {
			ts.Fatalf("%s: tool.driver.rules lacks %s", args[0], id)
		}
	}
	levels := map[string]bool{"error": true, "warning": true, "note": true}
	for i, r := range run.Results {
		where := fmt.Sprintf("%s: results[%d]", args[0], i)
		switch {
		case r.RuleID == nil || !rules[*r.RuleID]:
			ts.Fatalf("%s: ruleId missing or not in tool.driver.rules", where)
		case r.Level == nil || !levels[*r.Level]:
			ts.Fatalf("%s: level missing or not error|warning|note", where)
		case r.Message.Text == nil || *r.Message.Text == "":
			ts.Fatalf("%s: message.text missing", where)
		case len(r.Locations) != 1:
			ts.Fatalf("%s: %d locations, want 1", where, len(r.Locations))
		}
		pl := r.Locations[0].Physical
		uri := pl.Artifact.URI
		if gate && uri != nil && endpointRule.MatchString(*r.RuleID) && strings.HasPrefix(*uri, "tls://") && pl.Region == nil {
			continue
		}
		if uri == nil || *uri == "" || strings.HasPrefix(*uri, "/") || strings.Contains(*uri, `\`) || strings.Contains(*uri, "://") || strings.HasPrefix(*uri, "./") {
			ts.Fatalf("%s: artifactLocation.uri %s is not a relative forward-slash path", where, strOrNil(uri))
		}
		rg := pl.Region
		if rg == nil || rg.StartLine < 1 || rg.StartColumn < 1 || rg.EndLine < rg.StartLine || rg.EndColumn < 1 ||
			(rg.EndLine == rg.StartLine && rg.EndColumn < rg.StartColumn) {
			ts.Fatalf("%s: region %+v is not a 1-based startLine/startColumn/endLine/endColumn", where, rg)
		}
	}
}

// sarifSchema compiles the official SARIF 2.1.0 schema vendored in gate/report.
var sarifSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	fh, err := os.Open(filepath.Join("..", "..", "gate", "report", "testdata", "sarif-2.1.0-rtm.5.json"))
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	doc, err := jsonschema.UnmarshalJSON(fh)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("sarif.json")
})

var endpointRule = regexp.MustCompile(`^TLS[12]\d\d$`)

func strOrNil(p *string) string {
	if p == nil {
		return "(missing)"
	}
	return strconv.Quote(*p)
}

// cmpdir [-x GLOB]... DIR1 DIR2 — the two trees hold the same files with the
// same bytes; files whose base name matches an -x glob only need to exist
// in both.
func cmdCmpDir(ts *testscript.TestScript, neg bool, args []string) {
	var exclude []string
	for len(args) >= 2 && args[0] == "-x" {
		exclude = append(exclude, args[1])
		args = args[2:]
	}
	if len(args) != 2 {
		ts.Fatalf("usage: cmpdir [-x GLOB]... DIR1 DIR2")
	}
	excluded := func(name string) bool {
		for _, g := range exclude {
			if ok, _ := filepath.Match(g, filepath.Base(name)); ok {
				return true
			}
		}
		return false
	}
	list := func(dir string) map[string][]byte {
		root := ts.MkAbs(dir)
		files := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if de.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			files[filepath.ToSlash(rel)] = b
			return nil
		})
		ts.Check(err)
		if len(files) == 0 {
			ts.Fatalf("cmpdir: %s holds no files", dir)
		}
		return files
	}
	a, b := list(args[0]), list(args[1])
	var diffs []string
	for name, da := range a {
		db, ok := b[name]
		switch {
		case !ok:
			diffs = append(diffs, "only in "+args[0]+": "+name)
		case !excluded(name) && !bytes.Equal(da, db):
			diffs = append(diffs, "differs: "+name)
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			diffs = append(diffs, "only in "+args[1]+": "+name)
		}
	}
	sort.Strings(diffs)
	if neg {
		if len(diffs) == 0 {
			ts.Fatalf("cmpdir: %s and %s are identical", args[0], args[1])
		}
		return
	}
	if len(diffs) > 0 {
		ts.Fatalf("cmpdir: %d differences:\n%s", len(diffs), strings.Join(diffs, "\n"))
	}
	ts.Logf("cmpdir: %d identical files", len(a))
}

// exits CODE PROG ARGS... — runs PROG like exec and checks its exact exit
// code (exec and ! exec only tell zero from non-zero).
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// diagprefix — the last command's stderr is not empty and every line of it
// is a diagnostic behind the "tlsgate:" prefix.
func cmdDiagPrefix(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: diagprefix")
	}
	stderr := ts.ReadFile("stderr")
	if strings.TrimSpace(stderr) == "" {
		ts.Fatalf("stderr is empty; want tlsgate: diagnostics")
	}
	for i, line := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
		if !strings.HasPrefix(line, "tlsgate: ") {
			ts.Fatalf("stderr line %d %q lacks the \"tlsgate: \" prefix", i+1, line)
		}
	}
}

// stdoutfull CODE PROG ARGS... — runs PROG (found in the script's $PATH)
// with stdout on /dev/full, so every write to stdout fails, and checks the
// exact exit code and that stderr says why behind the "tlsgate:" prefix.
// Output that cannot be written must never pass silently.
func cmdStdoutFull(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: stdoutfull CODE PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		ts.Fatalf("stdoutfull needs /dev/full: %v", err)
	}
	defer full.Close()
	var prog string
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		if p := filepath.Join(dir, args[1]); fileExists(p) {
			prog = p
			break
		}
	}
	if prog == "" {
		ts.Fatalf("%s not found in $PATH", args[1])
	}
	cmd := exec.Command(prog, args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "WORK", "NO_COLOR", "SOURCE_DATE_EPOCH"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = full, &stderr
	got := 0
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	ts.Logf("[stderr]\n%s", stderr.String())
	if got != want {
		ts.Fatalf("%s with stdout on /dev/full exited with %d, want %d", args[1], got, want)
	}
	if want != 0 && !regexp.MustCompile(`(?m)^tlsgate: .*(write|no space)`).Match(stderr.Bytes()) {
		ts.Fatalf("%s with stdout on /dev/full: no tlsgate: diagnostic about the failed write on stderr", args[1])
	}
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// tlsserver NAME [tls10|tls12] [expired] — starts a real crypto/tls server
// on 127.0.0.1 (an ephemeral port) for the rest of the script: $NAME is its
// host:port and $NAME.pem (in $WORK) its self-signed certificate, for
// --ca-file. tls12 (default) accepts TLS 1.2 and 1.3; tls10 also 1.0/1.1;
// expired presents a certificate that expired 35 days ago.
// It answers every handshake and closes; it is stopped when the script ends.
func cmdTLSServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: tlsserver NAME [tls10|tls12] [expired]")
	}
	minVersion := uint16(tls.VersionTLS12)
	now := time.Now()
	notBefore, notAfter := now.Add(-time.Hour), now.Add(365*24*time.Hour)
	for _, a := range args[1:] {
		switch a {
		case "tls10":
			minVersion = tls.VersionTLS10
		case "tls12":
		case "expired":
			notBefore, notAfter = now.Add(-400*24*time.Hour), now.Add(-35*24*time.Hour)
		default:
			ts.Fatalf("tlsserver: unknown option %q", a)
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ts.Check(err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "tlsgate test server"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	ts.Check(err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	ts.Check(os.WriteFile(ts.MkAbs(args[0]+".pem"), certPEM, 0o644))
	cfg := &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		MinVersion:   minVersion,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				tc := tls.Server(c, cfg)
				if tc.Handshake() == nil {
					_, _ = io.Copy(io.Discard, io.LimitReader(tc, 1))
				}
			}(c)
		}
	}()
	ts.Defer(func() {
		ln.Close()
		<-done
	})
	ts.Setenv(args[0], ln.Addr().String())
}

// manifest DIR — DIR/manifest.json lists every file of the bundle (all but
// manifest.json and SHA256SUMS) with its true sha256, and SHA256SUMS agrees.
func cmdManifest(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: manifest DIR")
	}
	dir := ts.MkAbs(args[0])
	var m struct {
		Artifacts []struct{ Kind, Path, SHA256 string } `json:"artifacts"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	ts.Check(err)
	ts.Check(json.Unmarshal(data, &m))
	listed := map[string]string{}
	for _, a := range m.Artifacts {
		if a.Kind == "" || a.Path == "" || strings.Contains(a.Path, `\`) || filepath.IsAbs(a.Path) {
			ts.Fatalf("manifest: bad artifact %+v", a)
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(a.Path)))
		if err != nil {
			ts.Fatalf("manifest lists %s: %v", a.Path, err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != a.SHA256 {
			ts.Fatalf("manifest: %s has sha256 %s, manifest says %s", a.Path, got, a.SHA256)
		}
		listed[a.Path] = a.SHA256
	}
	ts.Check(filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if _, ok := listed[rel]; !ok && rel != "manifest.json" && rel != "SHA256SUMS" {
			ts.Fatalf("manifest: %s is in the bundle but not in manifest.json", rel)
		}
		return nil
	}))
	sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	ts.Check(err)
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		sum, name, ok := strings.Cut(strings.TrimRight(line, "\r"), "  ")
		if !ok {
			ts.Fatalf("SHA256SUMS: bad line %q", line)
		}
		name = strings.TrimPrefix(name, "*")
		if want, ok := listed[name]; ok {
			if want != sum {
				ts.Fatalf("SHA256SUMS: %s %s, manifest says %s", name, sum, want)
			}
			seen++
		}
	}
	if seen != len(listed) {
		ts.Fatalf("SHA256SUMS covers %d of the %d artifacts", seen, len(listed))
	}
}

// bannerserver NAME — starts a TCP server on 127.0.0.1 that answers every
// connection with an SSH banner (non-TLS bytes) and closes; $NAME is its
// address; "conns NAME N" checks how many connections it accepted.
func cmdBannerServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: bannerserver NAME")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	count := new(atomic.Int64)
	connCounts.Store(serverKey{ts, args[0]}, count)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			count.Add(1)
			go func(c net.Conn) {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				_, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n")
				_, _ = io.Copy(io.Discard, io.LimitReader(c, 4096))
			}(c)
		}
	}()
	ts.Defer(func() {
		ln.Close()
		<-done
	})
	ts.Setenv(args[0], ln.Addr().String())
}

type serverKey struct {
	ts   *testscript.TestScript
	name string
}

// connCounts maps a script's bannerserver to its accepted-connection count.
var connCounts sync.Map

// conns NAME N — the bannerserver NAME has accepted exactly N connections.
func cmdConns(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: conns NAME N")
	}
	want, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	v, ok := connCounts.Load(serverKey{ts, args[0]})
	if !ok {
		ts.Fatalf("conns: no bannerserver %s", args[0])
	}
	if got := v.(*atomic.Int64).Load(); got != want {
		ts.Fatalf("bannerserver %s accepted %d connections, want %d", args[0], got, want)
	}
}
