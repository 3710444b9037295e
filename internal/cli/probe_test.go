package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/internal/testsrv"
)

func runCLI(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Dir: dir, Getenv: func(string) string { return "" }}
	code = Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

func probeSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(probe.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("probe.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("probe.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestProbeCommand(t *testing.T) {
	pki := testsrv.NewPKI(t)
	modern := testsrv.Start(t, pki, "modern")
	sslv3 := testsrv.Start(t, pki, "sslv3")
	tarpit := testsrv.Start(t, pki, "tarpit")
	dir := t.TempDir()
	schema := probeSchema(t)

	t.Run("json conclusive exit 0", func(t *testing.T) {
		// Flags after and between positionals.
		code, out, errs := runCLI(t, dir, "probe", modern.Addr, "--format", "json", sslv3.Addr, "--ca-file", pki.CAFile, "--full")
		if code != ExitPass {
			t.Fatalf("exit %d, stderr %s", code, errs)
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("output does not match the documented schema: %v\n%s", err, out)
		}
		var rep probe.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		if len(rep.Endpoints) != 2 || rep.Endpoints[0].Target != modern.Addr || rep.Endpoints[1].Target != sslv3.Addr {
			t.Fatalf("endpoints out of order: %+v", rep.Endpoints)
		}
		if len(rep.Endpoints[1].Suites["SSL3.0"]) != 4 || len(rep.Endpoints[0].Suites["TLS1.3"]) == 0 {
			t.Errorf("--full suites %v / %v", rep.Endpoints[0].Suites, rep.Endpoints[1].Suites)
		}
		if rep.Endpoints[1].Protocols["SSL3.0"] != probe.Accepted || rep.Endpoints[0].Protocols["TLS1.3"] != probe.Accepted {
			t.Errorf("protocols %v / %v", rep.Endpoints[0].Protocols, rep.Endpoints[1].Protocols)
		}
	})
	t.Run("tarpit exit 3", func(t *testing.T) {
		code, out, errs := runCLI(t, dir, "probe", "--timeout", "200ms", tarpit.Addr, "--format", "json")
		if code != ExitInconclusive {
			t.Fatalf("exit %d, want 3; stderr %s", code, errs)
		}
		if !strings.Contains(errs, tarpit.Addr+": inconclusive") {
			t.Errorf("stderr %q does not name the inconclusive target", errs)
		}
		doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err := schema.Validate(doc); err != nil {
			t.Errorf("schema: %v", err)
		}
	})
	t.Run("text output file", func(t *testing.T) {
		code, out, errs := runCLI(t, dir, "probe", modern.Addr, "-o", "out.txt")
		if code != ExitPass || out != "" {
			t.Fatalf("exit %d stdout %q stderr %s", code, out, errs)
		}
		b, err := os.ReadFile(filepath.Join(dir, "out.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{modern.Addr, "TLS 1.3  accepted", "SSL 2.0  rejected", "weak ciphers: none", "14 connections"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("text output lacks %q:\n%s", want, b)
			}
		}
	})
	t.Run("targets file and shard", func(t *testing.T) {
		list := "# endpoints\n" + modern.Addr + "  # modern\n\n" + sslv3.Addr + "\n"
		os.WriteFile(filepath.Join(dir, "targets.txt"), []byte(list), 0o644)
		seen := map[string]int{}
		for _, sh := range []string{"1/2", "2/2"} {
			code, out, errs := runCLI(t, dir, "probe", "--targets-file", "targets.txt", "--shard", sh, "--format", "json")
			if code != ExitPass {
				t.Fatalf("shard %s: exit %d %s", sh, code, errs)
			}
			var rep probe.Report
			json.Unmarshal([]byte(out), &rep)
			for _, e := range rep.Endpoints {
				seen[e.Target]++
			}
		}
		if len(seen) != 2 || seen[modern.Addr] != 1 || seen[sslv3.Addr] != 1 {
			t.Errorf("shards 1/2 + 2/2 covered %v", seen)
		}
	})
	os.WriteFile(filepath.Join(dir, "bad.txt"), []byte("ok.example\n# comment\nbad.example:99999\n"), 0o644)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"bad target", []string{"probe", "example.com:99999"}, `target "example.com:99999": invalid port`},
		{"bad targets file line", []string{"probe", "--targets-file", "bad.txt"}, `bad.txt:3: target "bad.example:99999"`},
		{"missing targets file", []string{"probe", "--targets-file", "nope.txt"}, "nope.txt"},
		{"no targets", []string{"probe"}, "no targets"},
		{"bad starttls", []string{"probe", "--starttls", "gopher", "x.example"}, `unknown --starttls "gopher"`},
		{"bad format", []string{"probe", "--format", "xml", "x.example"}, `unknown format "xml"`},
		{"bad shard", []string{"probe", "--shard", "3/2", "x.example"}, "invalid shard"},
		{"bad ca file", []string{"probe", "--ca-file", "nope.pem", "x.example"}, "nope.pem"},
		{"ca file without PEM", []string{"probe", "--ca-file", "bad.txt", "x.example"}, `CA file "` + filepath.Join(dir, "bad.txt") + `": no PEM certificates`},
		{"bad per-host", []string{"probe", "--per-host", "0", "x.example"}, "--per-host"},
		{"unknown flag", []string{"probe", "--bogus", "x.example"}, "unknown flag"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, dir, tt.args...)
			if code != ExitUsage || out != "" || !strings.Contains(errs, tt.want) || !strings.HasPrefix(errs, "tlsgate: ") {
				t.Errorf("exit %d stdout %q stderr %q; want exit 2 and %q", code, out, errs, tt.want)
			}
		})
	}
}

func TestProbeHelp(t *testing.T) {
	code, out, _ := runCLI(t, "", "probe", "--help")
	if code != ExitPass || !strings.Contains(out, "--per-host") || !strings.Contains(out, "--starttls") {
		t.Errorf("help exit %d:\n%s", code, out)
	}
}
