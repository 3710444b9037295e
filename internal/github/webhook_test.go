package github

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const secret = "It's a Secret to Everybody"

func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func TestValidSignatureGitHubExample(t *testing.T) {
	t.Parallel()
	// The example from GitHub's "Validating webhook deliveries" page.
	body := []byte("Hello, World!")
	want := "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if !ValidSignature([]byte(secret), body, want) {
		t.Error("GitHub's documented signature does not validate")
	}
	for _, bad := range []string{"", "sha256=", "sha1=757107ea", want[:len(want)-1] + "8", "sha256=zz", strings.ToUpper(want)} {
		if ValidSignature([]byte(secret), body, bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	if ValidSignature(nil, body, want) {
		t.Error("empty secret accepts")
	}
}

// callbackAPI is a fake GitHub API receiving reviews and token requests.
type callbackAPI struct {
	mu      sync.Mutex
	reviews []map[string]any
	auths   []string
	paths   []string
	got     chan struct{}
}

func (c *callbackAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paths = append(c.paths, r.Method+" "+r.URL.Path)
	c.auths = append(c.auths, r.Header.Get("Authorization"))
	if strings.HasPrefix(r.URL.Path, "/app/installations/") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		fmt.Fprintf(w, `{"token":"ghs_installation","expires_at":%q}`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		return
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	c.reviews = append(c.reviews, m)
	w.WriteHeader(204)
	c.got <- struct{}{}
}

type hookEnv struct {
	api     *callbackAPI
	apiSrv  *httptest.Server
	hook    *Webhook
	srv     *httptest.Server
	logs    *bytes.Buffer
	judged  chan string
	approve bool
}

func newHook(t *testing.T, tokens func(api string) TokenSource) *hookEnv {
	t.Helper()
	e := &hookEnv{api: &callbackAPI{got: make(chan struct{}, 10)}, logs: &bytes.Buffer{}, judged: make(chan string, 10), approve: true}
	e.apiSrv = httptest.NewServer(e.api)
	t.Cleanup(e.apiSrv.Close)
	var logMu sync.Mutex
	e.hook = &Webhook{
		Secret: []byte(secret), MaxBody: 4096, APIURL: e.apiSrv.URL, HTTPClient: e.apiSrv.Client(),
		Log: slog.New(slog.NewJSONHandler(lockedWriter{&logMu, e.logs}, nil)),
		Judge: func(ctx context.Context, env string) (Decision, error) {
			e.judged <- env
			return Decision{Approved: e.approve, Comment: "tlsgate: " + env}, nil
		},
		Tokens: tokens(e.apiSrv.URL),
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.hook.Start(ctx)
	e.srv = httptest.NewServer(e.hook.Handler())
	t.Cleanup(func() { e.srv.Close(); cancel(); e.hook.Wait() })
	return e
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (e *hookEnv) payload(action string) []byte {
	return []byte(fmt.Sprintf(`{"action":%q,"environment":"production","event":"deployment",
	 "deployment_callback_url":"%s/repos/octo/shop/actions/runs/42/deployment_protection_rule",
	 "repository":{"full_name":"octo/shop"},"installation":{"id":77}}`, action, e.apiSrv.URL))
}

func (e *hookEnv) post(t *testing.T, event, delivery string, body []byte, sig string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/", bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", event)
	if delivery != "" {
		req.Header.Set("X-GitHub-Delivery", delivery)
	}
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func static(string) TokenSource { return StaticToken("ghs_static") }

func TestWebhookApprovesSignedEvent(t *testing.T) {
	t.Parallel()
	e := newHook(t, static)
	body := e.payload("requested")
	code, msg := e.post(t, "deployment_protection_rule", "d-1", body, sign(body))
	if code != 202 || msg != `{"status":"accepted"}` {
		t.Fatalf("%d %s", code, msg)
	}
	<-e.api.got
	e.hook.Wait()
	if got := <-e.judged; got != "production" {
		t.Errorf("judged %q", got)
	}
	want := `[map[comment:tlsgate: production environment_name:production state:approved]]`
	if fmt.Sprint(e.api.reviews) != want {
		t.Errorf("reviews %v, want %s", e.api.reviews, want)
	}
	if e.api.paths[0] != "POST /repos/octo/shop/actions/runs/42/deployment_protection_rule" || e.api.auths[0] != "Bearer ghs_static" {
		t.Errorf("request %s with %q", e.api.paths[0], e.api.auths[0])
	}
	// The same delivery again runs nothing.
	code, msg = e.post(t, "deployment_protection_rule", "d-1", body, sign(body))
	if code != 200 || msg != `{"status":"duplicate"}` {
		t.Errorf("duplicate: %d %s", code, msg)
	}
	e.hook.Wait()
	if len(e.api.reviews) != 1 || len(e.judged) != 0 {
		t.Errorf("duplicate delivery ran again")
	}
	if strings.Contains(e.logs.String(), "ghs_static") {
		t.Error("the token is logged")
	}
	if !strings.Contains(e.logs.String(), `"msg":"deployment reviewed","delivery":"d-1"`) {
		t.Errorf("logs:\n%s", e.logs.String())
	}
}

func TestWebhookRejectsBadSignatures(t *testing.T) {
	t.Parallel()
	e := newHook(t, static)
	body := e.payload("requested")
	tampered := bytes.Replace(body, []byte("production"), []byte("staging"), 1)
	cases := []struct {
		name string
		body []byte
		sig  string
	}{
		{"missing", body, ""},
		{"tampered body", tampered, sign(body)},
		{"wrong secret", body, "sha256=" + strings.Repeat("00", 32)},
		{"sha1 only", body, "sha1=0123"},
	}
	for i, c := range cases {
		code, msg := e.post(t, "deployment_protection_rule", fmt.Sprint("bad-", i), c.body, c.sig)
		if code != 401 || msg != `{"status":"bad signature"}` {
			t.Errorf("%s: %d %s, want 401", c.name, code, msg)
		}
	}
	e.hook.Wait()
	if len(e.judged) != 0 || len(e.api.paths) != 0 {
		t.Errorf("something ran after a bad signature: judged %d, API %v", len(e.judged), e.api.paths)
	}
	// A delivery first sent with a bad signature is still processed when
	// it arrives correctly signed (the bad one was not recorded).
	code, _ := e.post(t, "deployment_protection_rule", "bad-0", body, sign(body))
	if code != 202 {
		t.Errorf("good delivery after bad one: %d", code)
	}
	<-e.api.got
}

func TestWebhookRejectsWithJudgeDecision(t *testing.T) {
	t.Parallel()
	e := newHook(t, static)
	e.approve = false
	body := e.payload("requested")
	if code, _ := e.post(t, "deployment_protection_rule", "d-2", body, sign(body)); code != 202 {
		t.Fatal(code)
	}
	<-e.api.got
	if e.api.reviews[0]["state"] != "rejected" {
		t.Errorf("review %v", e.api.reviews[0])
	}
}

func TestWebhookOtherRequests(t *testing.T) {
	t.Parallel()
	e := newHook(t, static)
	ping := []byte(`{"zen":"Keep it logically awesome."}`)
	if code, msg := e.post(t, "ping", "p-1", ping, sign(ping)); code != 200 || msg != `{"status":"pong"}` {
		t.Errorf("ping: %d %s", code, msg)
	}
	push := []byte(`{"ref":"refs/heads/main"}`)
	if code, msg := e.post(t, "push", "p-2", push, sign(push)); code != 202 || msg != `{"status":"ignored"}` {
		t.Errorf("push: %d %s", code, msg)
	}
	done := e.payload("completed")
	if code, msg := e.post(t, "deployment_protection_rule", "p-3", done, sign(done)); code != 202 || msg != `{"status":"ignored"}` {
		t.Errorf("other action: %d %s", code, msg)
	}
	big := bytes.Repeat([]byte("x"), 5000)
	if code, _ := e.post(t, "deployment_protection_rule", "p-4", big, sign(big)); code != 413 {
		t.Errorf("oversized body: %d, want 413", code)
	}
	evil := []byte(`{"action":"requested","environment":"production","deployment_callback_url":"https://evil.example/cb","installation":{"id":1}}`)
	if code, msg := e.post(t, "deployment_protection_rule", "p-5", evil, sign(evil)); code != 400 || !strings.Contains(msg, "callback") {
		t.Errorf("foreign callback: %d %s", code, msg)
	}
	if code, _ := e.post(t, "deployment_protection_rule", "", ping, sign(ping)); code != 400 {
		t.Errorf("no delivery id: %d", code)
	}
	garbage := []byte(`{"action":`)
	if code, _ := e.post(t, "deployment_protection_rule", "p-6", garbage, sign(garbage)); code != 400 {
		t.Errorf("bad JSON: %d", code)
	}
	resp, err := e.srv.Client().Get(e.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok\n" {
		t.Errorf("healthz: %d %q", resp.StatusCode, b)
	}
	resp, err = e.srv.Client().Get(e.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET /: %d, want 405", resp.StatusCode)
	}
	e.hook.Wait()
	if len(e.judged) != 0 {
		t.Errorf("judged %d times", len(e.judged))
	}
}

func TestWebhookWithAppTokens(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	parsed, err := ParseAppKey(pemKey)
	if err != nil {
		t.Fatal(err)
	}
	var apiClient *http.Client
	e := newHook(t, func(api string) TokenSource {
		return &AppTokens{AppID: 1234, Key: parsed, APIURL: api, HTTPClient: apiClient}
	})
	e.hook.Tokens.(*AppTokens).HTTPClient = e.apiSrv.Client()
	for i := range 2 {
		body := e.payload("requested")
		if code, _ := e.post(t, "deployment_protection_rule", fmt.Sprint("a-", i), body, sign(body)); code != 202 {
			t.Fatal(code)
		}
		<-e.api.got
		e.hook.Wait()
	}
	want := []string{"POST /app/installations/77/access_tokens", "POST /repos/octo/shop/actions/runs/42/deployment_protection_rule",
		"POST /repos/octo/shop/actions/runs/42/deployment_protection_rule"}
	if fmt.Sprint(e.api.paths) != fmt.Sprint(want) {
		t.Errorf("requests %v (the token should be cached)", e.api.paths)
	}
	if e.api.auths[1] != "Bearer ghs_installation" {
		t.Errorf("review auth %q", e.api.auths[1])
	}
	// The JWT is RS256-signed by the App key with iss = app id.
	jwt := strings.TrimPrefix(e.api.auths[0], "Bearer ")
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("jwt %q", jwt)
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		t.Errorf("JWT signature: %v", err)
	}
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		Iat, Exp int64
		Iss      string
	}
	_ = json.Unmarshal(claims, &c)
	if c.Iss != "1234" || c.Exp-c.Iat != 600 || c.Exp > time.Now().Add(10*time.Minute).Unix() {
		t.Errorf("claims %s", claims)
	}
	if _, err := ParseAppKey([]byte("not pem")); err == nil {
		t.Error("bad key accepted")
	}
}

func TestDeliveriesBounded(t *testing.T) {
	t.Parallel()
	d := newDeliveries(2)
	if !d.add("a") || !d.add("b") || d.add("a") || !d.add("c") || !d.add("a") {
		t.Error("eviction order wrong")
	}
}

func TestWebhookBusy(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	e := newHook(t, static)
	e.hook.Judge = func(ctx context.Context, env string) (Decision, error) {
		<-release
		return Decision{Approved: true}, nil
	}
	e.hook.MaxInFlight = 1
	e.hook.slots = make(chan struct{}, 1)
	body := e.payload("requested")
	if code, _ := e.post(t, "deployment_protection_rule", "b-1", body, sign(body)); code != 202 {
		t.Fatal(code)
	}
	if code, msg := e.post(t, "deployment_protection_rule", "b-2", body, sign(body)); code != 503 {
		t.Errorf("second judgment: %d %s, want 503", code, msg)
	}
	close(release)
	<-e.api.got
	e.hook.Wait()
	// The refused delivery can be redelivered.
	if code, _ := e.post(t, "deployment_protection_rule", "b-2", body, sign(body)); code != 202 {
		t.Errorf("redelivery after busy: %d", code)
	}
	<-e.api.got
}
