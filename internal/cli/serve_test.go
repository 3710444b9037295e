package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// tlsServer starts an HTTPS server on 127.0.0.1 with the given versions
// and returns host:port and its certificate as a CA file.
func tlsServer(t *testing.T, minV, maxV uint16) (string, string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{MinVersion: minV, MaxVersion: maxV}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the probes' refused hellos
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644)
	return srv.Listener.Addr().String(), ca
}

// logPipe collects serve's JSON log lines and reports the listen address.
type logPipe struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan map[string]any
}

func (l *logPipe) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	sc := bufio.NewScanner(bytes.NewReader(p))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			l.lines <- m
		}
	}
	return len(p), nil
}

func (l *logPipe) waitFor(t *testing.T, msg string, done <-chan int) map[string]any {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d:\n%s", code, l.buf.String())
		case m := <-l.lines:
			if m["msg"] == msg {
				return m
			}
		case <-timeout:
			t.Fatalf("no log line %q:\n%s", msg, l.buf.String())
		}
	}
}

func TestServeReviewsDeployments(t *testing.T) {
	t.Parallel()
	good, ca := tlsServer(t, tls.VersionTLS12, tls.VersionTLS13)
	weak, weakCA := tlsServer(t, tls.VersionTLS10, tls.VersionTLS12)
	cas := filepath.Join(t.TempDir(), "cas.pem")
	a, _ := os.ReadFile(ca)
	b, _ := os.ReadFile(weakCA)
	os.WriteFile(cas, append(a, b...), 0o644)

	type review struct {
		Path string
		Auth string
		Body map[string]any
	}
	reviews := make(chan review, 10)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &m)
		reviews <- review{r.URL.Path, r.Header.Get("Authorization"), m}
		w.WriteHeader(204)
	}))
	defer api.Close()

	dir := t.TempDir()
	pol := fmt.Sprintf("extends: tls12\nenvironments:\n  production:\n    - https://%s\n  legacy:\n    - %s\n", good, weak)
	os.WriteFile(filepath.Join(dir, ".tlsgate.yml"), []byte(pol), 0o644)
	env := map[string]string{"TLSGATE_WEBHOOK_SECRET": "s3cret", "TLSGATE_GITHUB_TOKEN": "ghs_serve"}
	logs := &logPipe{lines: make(chan map[string]any, 100)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--policy", ".tlsgate.yml", "--api-url", api.URL,
			"--ca-file", cas, "--timeout", "5s"},
			&Env{Stdout: io.Discard, Stderr: logs, Getenv: func(k string) string { return env[k] }, Dir: dir})
	}()
	addr := logs.waitFor(t, "listening", done)["addr"].(string)

	send := func(delivery, envName, sig string) int {
		body := []byte(fmt.Sprintf(`{"action":"requested","environment":%q,"deployment_callback_url":"%s/repos/o/r/actions/runs/9/deployment_protection_rule","installation":{"id":1}}`, envName, api.URL))
		if sig == "" {
			m := hmac.New(sha256.New, []byte("s3cret"))
			m.Write(body)
			sig = "sha256=" + hex.EncodeToString(m.Sum(nil))
		}
		req, _ := http.NewRequest("POST", "http://"+addr+"/", bytes.NewReader(body))
		req.Header.Set("X-GitHub-Event", "deployment_protection_rule")
		req.Header.Set("X-GitHub-Delivery", delivery)
		req.Header.Set("X-Hub-Signature-256", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := send("1", "production", "sha256=00"); code != 401 {
		t.Errorf("tampered: %d, want 401", code)
	}
	cases := []struct{ env, state, comment string }{
		{"production", "approved", "tlsgate pass"},
		{"Production", "approved", "tlsgate pass"},
		{"legacy", "rejected", "tlsgate fail"},
		{"nowhere", "rejected", `lists no endpoints for environment "nowhere"`},
	}
	for i, c := range cases {
		if code := send(fmt.Sprint("d", i), c.env, ""); code != 202 {
			t.Fatalf("%s: %d", c.env, code)
		}
		select {
		case r := <-reviews:
			if r.Body["state"] != c.state || r.Body["environment_name"] != c.env || !strings.Contains(fmt.Sprint(r.Body["comment"]), c.comment) {
				t.Errorf("%s: review %v", c.env, r.Body)
			}
			if r.Auth != "Bearer ghs_serve" || r.Path != "/repos/o/r/actions/runs/9/deployment_protection_rule" {
				t.Errorf("%s: %s with %q", c.env, r.Path, r.Auth)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s: no review\n%s", c.env, logs.buf.String())
		}
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz: %v %v", resp, err)
	}
	cancel()
	if code := <-done; code != ExitPass {
		t.Errorf("serve exit %d after shutdown", code)
	}
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if strings.Contains(logs.buf.String(), "ghs_serve") || strings.Contains(logs.buf.String(), "s3cret") {
		t.Error("a secret is logged")
	}
	if !strings.Contains(logs.buf.String(), `"msg":"stopped"`) {
		t.Errorf("no graceful stop:\n%s", logs.buf.String())
	}
}

func TestServeUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{}, nil, "TLSGATE_WEBHOOK_SECRET is empty"},
		{map[string]string{"TLSGATE_WEBHOOK_SECRET": "x"}, nil, "no way to authenticate"},
		{map[string]string{"TLSGATE_WEBHOOK_SECRET": "x"}, []string{"--app-id", "5"}, "--app-id and --app-key-file go together"},
		{map[string]string{"TLSGATE_WEBHOOK_SECRET": "x", "TLSGATE_GITHUB_TOKEN": "t"}, []string{"--policy", "nope.yml"}, "nope.yml"},
		{map[string]string{"TLSGATE_WEBHOOK_SECRET": "x"}, []string{"--app-id", "5", "--app-key-file", "missing.pem"}, "missing.pem"},
	} {
		code, _, errOut := runAction(t, dir, func(k string) string { return tc.env[k] }, append([]string{"serve"}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}
