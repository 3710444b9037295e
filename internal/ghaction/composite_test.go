package ghaction

// The composite action run the way the runner runs it: action.yml's steps
// in order, expressions substituted, each `run:` script executed with
// `bash --noprofile --norc -eo pipefail` and the runner's environment
// (GITHUB_OUTPUT per step, GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH,
// GITHUB_WORKSPACE, RUNNER_TEMP, the step's env). The setup-go step is
// checked (its go.mod exists and the local Go is at least that version)
// but not executed. Network only to 127.0.0.1.

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

type actionStep struct {
	ID               string            `yaml:"id"`
	Name             string            `yaml:"name"`
	Uses             string            `yaml:"uses"`
	Shell            string            `yaml:"shell"`
	Run              string            `yaml:"run"`
	WorkingDirectory string            `yaml:"working-directory"`
	Env              map[string]string `yaml:"env"`
	With             map[string]string `yaml:"with"`
}

type actionFile struct {
	Inputs map[string]struct {
		Description string `yaml:"description"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func loadAction(t *testing.T) *actionFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &a
}

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// compositeRun is one run of the action.
type compositeRun struct {
	t         *testing.T
	action    *actionFile
	inputs    map[string]string
	ctx       map[string]string // github.*, runner.*
	steps     map[string]map[string]string
	env       map[string]string // the runner's environment for every step
	summary   string
	workspace string
	stdout    strings.Builder
}

func (c *compositeRun) eval(s string) string {
	c.t.Helper()
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		e := exprRE.FindStringSubmatch(m)[1]
		switch {
		case strings.HasPrefix(e, "inputs."):
			name := strings.TrimPrefix(e, "inputs.")
			if _, ok := c.action.Inputs[name]; !ok {
				c.t.Errorf("expression %q: no input %q", m, name)
			}
			return c.inputs[name]
		case strings.HasPrefix(e, "steps."):
			parts := strings.Split(e, ".")
			if len(parts) != 4 || parts[2] != "outputs" {
				c.t.Errorf("unsupported expression %q", m)
				return ""
			}
			return c.steps[parts[1]][parts[3]]
		}
		v, ok := c.ctx[e]
		if !ok {
			c.t.Errorf("unsupported expression %q (extend the harness or simplify action.yml)", m)
		}
		return v
	})
}

// run executes the action with the given inputs and returns the exit code
// of the step that stopped it (0 when all ran) and the outputs.
func (c *compositeRun) run() (int, map[string]string) {
	t := c.t
	for name, in := range c.action.Inputs {
		if _, ok := c.inputs[name]; !ok {
			c.inputs[name] = c.eval(in.Default)
		}
	}
	code := 0
	for i, st := range c.action.Runs.Steps {
		if st.Uses != "" {
			switch {
			case strings.HasPrefix(st.Uses, "actions/setup-go@"):
				mod := c.eval(st.With["go-version-file"])
				if _, err := os.Stat(mod); err != nil {
					t.Fatalf("setup-go go-version-file: %v", err)
				}
			case strings.HasPrefix(st.Uses, "actions/cache@"):
				// Not executed; its inputs must evaluate to something.
				for _, k := range []string{"path", "key"} {
					if strings.TrimSpace(c.eval(st.With[k])) == "" {
						t.Fatalf("actions/cache %s is empty", k)
					}
				}
			default:
				t.Fatalf("step %d uses %q: the harness knows only actions/setup-go and actions/cache", i, st.Uses)
			}
			continue
		}
		if st.Shell != "bash" {
			t.Fatalf("step %q: shell %q, want bash (the same on every runner OS)", st.Name, st.Shell)
		}
		if exprRE.MatchString(st.Run) {
			t.Fatalf("step %q: expressions inside run: are substituted into the script (injection); pass them through env", st.Name)
		}
		dir := c.workspace
		if st.WorkingDirectory != "" {
			dir = c.eval(st.WorkingDirectory)
		}
		script := filepath.Join(c.env["RUNNER_TEMP"], fmt.Sprintf("step-%d.sh", i))
		if err := os.WriteFile(script, []byte(st.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(c.env["RUNNER_TEMP"], fmt.Sprintf("output-%d", i))
		if err := os.WriteFile(out, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = dir
		env := map[string]string{}
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			if strings.HasPrefix(k, "GITHUB_") || strings.HasPrefix(k, "INPUT_") || strings.HasPrefix(k, "RUNNER_") || k == "CI" {
				continue
			}
			env[k] = v
		}
		for k, v := range c.env {
			env[k] = v
		}
		env["GITHUB_OUTPUT"] = out
		for k, v := range st.Env {
			env[k] = c.eval(v)
		}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		var buf strings.Builder
		cmd.Stdout = &buf
		cmd.Stderr = &buf
		err := cmd.Run()
		c.stdout.WriteString(buf.String())
		if st.ID != "" {
			c.steps[st.ID] = parseOutputs(t, out)
		}
		if err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("step %q: %v", st.Name, err)
			}
			code = ee.ExitCode()
			if st.ID != "gate" {
				t.Fatalf("step %q failed (%d):\n%s", st.Name, code, buf.String())
			}
			break
		}
	}
	outputs := map[string]string{}
	for name, o := range c.action.Outputs {
		outputs[name] = c.eval(o.Value)
	}
	if b, err := os.ReadFile(c.env["GITHUB_STEP_SUMMARY"]); err == nil {
		c.summary = string(b)
	}
	return code, outputs
}

func parseOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if name, delim, ok := strings.Cut(line, "<<"); ok {
			var val []string
			for sc.Scan() && sc.Text() != delim {
				val = append(val, sc.Text())
			}
			out[name] = strings.Join(val, "\n")
		} else if name, val, ok := strings.Cut(line, "="); ok {
			out[name] = val
		}
	}
	return out
}

func newCompositeRun(t *testing.T, inputs map[string]string) *compositeRun {
	t.Helper()
	root := repoRoot(t)
	tmp := t.TempDir()
	c := &compositeRun{t: t, action: loadAction(t), inputs: inputs, steps: map[string]map[string]string{}, workspace: root}
	osName := map[string]string{"linux": "Linux", "windows": "Windows", "darwin": "macOS"}[runtime.GOOS]
	c.env = map[string]string{
		"GITHUB_ACTIONS":      "true",
		"CI":                  "true",
		"GITHUB_ACTION_PATH":  root,
		"GITHUB_WORKSPACE":    root,
		"GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary.md"),
		"GITHUB_REPOSITORY":   "octo/shop",
		"GITHUB_SHA":          "0123456789abcdef0123456789abcdef01234567",
		"GITHUB_REF":          "refs/heads/main",
		"GITHUB_EVENT_NAME":   "push",
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_RUN_ID":       "1",
		"RUNNER_TEMP":         tmp,
		"RUNNER_OS":           osName,
		"RUNNER_ARCH":         map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH],
	}
	c.ctx = map[string]string{
		"github.action_path": root,
		"github.workspace":   root,
		"github.token":       "ghs_harnesstoken",
		"runner.temp":        tmp,
		"runner.os":          osName,
		"runner.arch":        map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH],
	}
	return c
}

// needExamples skips (or fails in CI) when the bundled examples or bash
// are missing.
func needExamples(t *testing.T, names ...string) {
	t.Helper()
	missing := []string{}
	if _, err := exec.LookPath("bash"); err != nil {
		missing = append(missing, "bash")
	}
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(repoRoot(t), "examples", n)); err != nil {
			missing = append(missing, "examples/"+n)
		}
	}
	if len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("missing %v", missing)
		}
		t.Skipf("missing %v", missing)
	}
}

var buildOnce sync.Mutex

func TestCompositeActionInputsDocumented(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using %q", a.Runs.Using)
	}
	want := []string{"path", "policy", "endpoints", "discover", "fail-on", "sarif-file", "comment", "check-run", "github-token"}
	for _, n := range want {
		in, ok := a.Inputs[n]
		if !ok || strings.TrimSpace(in.Description) == "" {
			t.Errorf("input %q missing or undocumented", n)
		}
	}
	if a.Inputs["github-token"].Default != "${{ github.token }}" {
		t.Errorf("github-token default %q", a.Inputs["github-token"].Default)
	}
	for _, n := range []string{"verdict", "findings", "errors", "sarif-file", "report"} {
		if _, ok := a.Outputs[n]; !ok {
			t.Errorf("output %q missing", n)
		}
	}
	// Every input the Go side reads is passed by the gate step.
	var gate *actionStep
	for i := range a.Runs.Steps {
		if a.Runs.Steps[i].ID == "gate" {
			gate = &a.Runs.Steps[i]
		}
	}
	if gate == nil {
		t.Fatal("no step with id gate")
	}
	for n := range a.Inputs {
		env := "INPUT_" + strings.ToUpper(strings.ReplaceAll(n, "-", "_"))
		if gate.Env[env] != "${{ inputs."+n+" }}" {
			t.Errorf("gate step does not pass input %q as %s", n, env)
		}
	}
}

// tls12Server starts a TLS 1.2-only HTTPS server on 127.0.0.1 and returns
// its URL and the path of its certificate (as a CA file).
func tls12Server(t *testing.T) (string, string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the probes' refused hellos
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	return srv.URL, ca
}

type apiLog struct {
	mu    sync.Mutex
	calls []string
	auth  []string
}

func TestCompositeActionOnExamples(t *testing.T) {
	needExamples(t, "legacy-webapp", "legacy-webapp-switch-fix", "net48-app")
	tlsURL, ca := tls12Server(t)

	api := &apiLog{}
	apiSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		api.mu.Lock()
		api.calls = append(api.calls, r.Method+" "+r.URL.Path)
		api.auth = append(api.auth, r.Header.Get("Authorization"))
		api.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.Method {
		case "GET":
			fmt.Fprint(w, `[]`)
		default:
			w.WriteHeader(201)
			fmt.Fprint(w, `{"id":1}`)
		}
	}))
	defer apiSrv.Close()

	cases := []struct {
		name     string
		inputs   map[string]string
		pr       bool
		code     int
		verdict  string
		apiCalls []string
		sarifID  string
	}{
		{name: "legacy web app, repository only", inputs: map[string]string{"path": "examples/legacy-webapp"},
			pr: true, code: 1, verdict: "fail",
			apiCalls: []string{"GET /repos/octo/shop/issues/7/comments", "POST /repos/octo/shop/issues/7/comments"}},
		{name: "legacy web app vs TLS 1.2-only", inputs: map[string]string{"path": "examples/legacy-webapp",
			"endpoints": "\n  # the API\n" + tlsURL + "\n", "ca-file": ca, "comment": "false"}, code: 1, verdict: "fail"},
		{name: "switch fix vs TLS 1.2-only", inputs: map[string]string{"path": "examples/legacy-webapp-switch-fix",
			"endpoints": tlsURL, "ca-file": ca, "comment": "false"}, code: 0, verdict: "pass"},
		{name: "net48 app", inputs: map[string]string{"path": "examples/net48-app", "check-run": "true"}, code: 0, verdict: "pass",
			apiCalls: []string{"POST /repos/octo/shop/check-runs"}},
		{name: "closed port is inconclusive (one shard)", inputs: map[string]string{"path": "examples/net48-app",
			"endpoints": closedPort(t), "comment": "false", "shard": "1/1"}, code: 3, verdict: "inconclusive", sarifID: "tlsgate/shard-1-of-1/"},
		{name: "bad discover input", inputs: map[string]string{"path": "examples/net48-app", "discover": "maybe"}, code: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			buildOnce.Lock()
			defer buildOnce.Unlock()
			api.mu.Lock()
			api.calls, api.auth = nil, nil
			api.mu.Unlock()
			c := newCompositeRun(t, tc.inputs)
			c.env["GITHUB_API_URL"] = apiSrv.URL
			if tc.pr {
				ev := filepath.Join(c.env["RUNNER_TEMP"], "event.json")
				os.WriteFile(ev, []byte(`{"pull_request":{"number":7,"head":{"sha":"abc","repo":{"full_name":"octo/shop"}},"base":{"repo":{"full_name":"octo/shop"}}}}`), 0o644)
				c.env["GITHUB_EVENT_PATH"] = ev
				c.env["GITHUB_EVENT_NAME"] = "pull_request"
			}
			code, out := c.run()
			log := c.stdout.String()
			if code != tc.code {
				t.Fatalf("exit code %d, want %d\n%s", code, tc.code, log)
			}
			if tc.code == 2 {
				return
			}
			if out["verdict"] != tc.verdict {
				t.Errorf("verdict output %q, want %q\n%s", out["verdict"], tc.verdict, log)
			}
			if strings.Contains(log, "ghs_harnesstoken") && !strings.HasPrefix(log, "::add-mask::ghs_harnesstoken") {
				t.Error("token printed without a mask first")
			}
			if strings.Count(log, "ghs_harnesstoken") > 1 {
				t.Error("token printed more than once (only the add-mask command may carry it)")
			}
			for _, name := range []string{"sarif-file", "report", "json"} {
				if fi, err := os.Stat(out[name]); err != nil || fi.Size() == 0 {
					t.Errorf("output %s = %q: %v", name, out[name], err)
				}
			}
			var sarif map[string]any
			if b, err := os.ReadFile(out["sarif-file"]); err != nil || json.Unmarshal(b, &sarif) != nil || sarif["version"] != "2.1.0" {
				t.Errorf("SARIF file is not SARIF 2.1.0: %v", err)
			}
			if runs, _ := sarif["runs"].([]any); tc.sarifID != "" && (len(runs) != 1 || fmt.Sprint(runs[0].(map[string]any)["automationDetails"]) != "map[id:"+tc.sarifID+"]") {
				t.Errorf("SARIF runs %v, want automationDetails.id %s", runs, tc.sarifID)
			}
			if !strings.HasPrefix(c.summary, "## tlsgate") {
				t.Errorf("job summary:\n%s", c.summary)
			}
			if tc.verdict == "fail" && !regexp.MustCompile(`(?m)^::error [^\n]*file=examples/legacy-webapp/`).MatchString(log) {
				t.Errorf("no error annotation on the example's files:\n%s", log)
			}
			api.mu.Lock()
			defer api.mu.Unlock()
			if fmt.Sprint(api.calls) != fmt.Sprint(nonNilStrings(tc.apiCalls)) {
				t.Errorf("API calls %v, want %v", api.calls, tc.apiCalls)
			}
			for _, a := range api.auth {
				if a != "Bearer ghs_harnesstoken" {
					t.Errorf("API auth %q", a)
				}
			}
		})
	}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// closedPort returns 127.0.0.1:PORT of a port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	return addr
}

// TestCompositeActionShardsAndMerge runs the action for both shards of a
// two-shard matrix, then in merge mode on their files, as the sharded
// workflow in docs/action.md does.
func TestCompositeActionShardsAndMerge(t *testing.T) {
	needExamples(t, "net48-app")
	tlsURL, ca := tls12Server(t)
	buildOnce.Lock()
	defer buildOnce.Unlock()
	shards := t.TempDir()
	endpoints := tlsURL + "\n" + closedPort(t) + "\n" + closedPort(t) + "\n"
	for _, shard := range []string{"1/2", "2/2"} {
		c := newCompositeRun(t, map[string]string{"path": "examples/net48-app", "endpoints": endpoints, "ca-file": ca,
			"shard": shard, "comment": "false"})
		code, out := c.run()
		if code != 0 && code != 3 {
			t.Fatalf("shard %s: exit %d\n%s", shard, code, c.stdout.String())
		}
		for _, k := range []string{"json", "sarif-file"} {
			b, err := os.ReadFile(out[k])
			if err != nil {
				t.Fatalf("shard %s output %s: %v", shard, k, err)
			}
			os.WriteFile(filepath.Join(shards, filepath.Base(out[k])), b, 0o644)
		}
	}
	c := newCompositeRun(t, map[string]string{"merge": "\n  " + shards + "/*.json\n" + shards + "/*.sarif\n", "comment": "false"})
	code, out := c.run()
	if code != 3 || out["verdict"] != "inconclusive" {
		t.Fatalf("merge: exit %d verdict %q, want 3 inconclusive (two closed ports)\n%s", code, out["verdict"], c.stdout.String())
	}
	var doc struct {
		Runs []struct {
			AutomationDetails struct{ ID string }
		}
	}
	b, err := os.ReadFile(out["sarif-file"])
	if err != nil || json.Unmarshal(b, &doc) != nil || len(doc.Runs) != 1 || doc.Runs[0].AutomationDetails.ID != MergedCategory {
		t.Errorf("merged SARIF %q: %v %+v", out["sarif-file"], err, doc)
	}
	var rep Report
	b, _ = os.ReadFile(out["json"])
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.Endpoints) != 3 || len(rep.Pairs) != 3 {
		t.Errorf("merged report: %v, %d endpoints, %d pairs", err, len(rep.Endpoints), len(rep.Pairs))
	}
	if !strings.Contains(c.summary, "3 endpoints") {
		t.Errorf("summary:\n%s", c.summary)
	}
	// No files matched: a usage error.
	c = newCompositeRun(t, map[string]string{"merge": shards + "/nothing-*.json"})
	if code, _ := c.run(); code != 2 {
		t.Errorf("merge of nothing: exit %d, want 2", code)
	}
}
