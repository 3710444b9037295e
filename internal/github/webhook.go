package github

import (
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
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// Decision is a judge's answer for one deployment.
type Decision struct {
	Approved bool
	Comment  string
}

// Judge decides whether a deployment to environment may proceed. An
// error means no decision could be made (the deployment is left waiting
// and the delivery may be redelivered).
type Judge func(ctx context.Context, environment string) (Decision, error)

// TokenSource returns a token for the installation that sent an event.
type TokenSource interface {
	Token(ctx context.Context, installationID int64) (string, error)
}

// StaticToken is a fixed token (for tests and short-lived setups: an
// installation token expires after an hour).
type StaticToken string

// Token returns the token.
func (t StaticToken) Token(context.Context, int64) (string, error) { return string(t), nil }

// AppTokens mints installation tokens for a GitHub App: it signs a JWT
// (RS256, 9 minutes) with the App's private key and exchanges it at
// POST /app/installations/{id}/access_tokens, caching each token until five
// minutes before it expires.
type AppTokens struct {
	AppID      int64
	Key        *rsa.PrivateKey
	APIURL     string
	HTTPClient *http.Client
	Now        func() time.Time

	mu    sync.Mutex
	cache map[int64]cachedToken
}

type cachedToken struct {
	token   string
	expires time.Time
}

// ParseAppKey parses the PEM private key GitHub generates for an App
// (PKCS#1 "RSA PRIVATE KEY", or PKCS#8).
func ParseAppKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("no PEM block in the App private key")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse the App private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("the App private key is not an RSA key")
	}
	return rk, nil
}

// JWT returns the App's JSON Web Token for now.
func (a *AppTokens) JWT(now time.Time) (string, error) {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{
		"iat": now.Add(-60 * time.Second).Unix(), // clock drift allowance, as GitHub recommends
		"exp": now.Add(9 * time.Minute).Unix(),
		"iss": strconv.FormatInt(a.AppID, 10),
	})
	signing := header + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, a.Key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign the App JWT: %w", err)
	}
	return signing + "." + enc.EncodeToString(sig), nil
}

// Token returns an installation token, minting one when needed.
func (a *AppTokens) Token(ctx context.Context, installationID int64) (string, error) {
	if installationID == 0 {
		return "", errors.New("the event names no App installation")
	}
	now := time.Now()
	if a.Now != nil {
		now = a.Now()
	}
	a.mu.Lock()
	if c, ok := a.cache[installationID]; ok && now.Before(c.expires.Add(-5*time.Minute)) {
		a.mu.Unlock()
		return c.token, nil
	}
	a.mu.Unlock()
	jwt, err := a.JWT(now)
	if err != nil {
		return "", err
	}
	c, err := New(a.HTTPClient, a.APIURL, jwt)
	if err != nil {
		return "", err
	}
	it, resp, err := c.gh.Apps.CreateInstallationToken(ctx, installationID, nil)
	if err != nil {
		return "", classify(resp, err, fmt.Sprintf("installation token for installation %d", installationID))
	}
	a.mu.Lock()
	if a.cache == nil {
		a.cache = map[int64]cachedToken{}
	}
	a.cache[installationID] = cachedToken{token: it.GetToken(), expires: it.GetExpiresAt().Time}
	a.mu.Unlock()
	return it.GetToken(), nil
}

// Webhook is the HTTP handler of `tlsgate serve`: a GitHub App's webhook
// for custom deployment protection rules.
//
// A request is accepted only with a valid X-Hub-Signature-256 (HMAC-SHA256
// of the body with the webhook secret, compared in constant time); a
// missing or bad signature gets 401 and nothing runs. Bodies over MaxBody
// get 413. A delivery id (X-GitHub-Delivery) seen before is acknowledged
// and ignored. A deployment_protection_rule "requested" event is answered
// 202 at once; the judge then runs in the background and the review is
// POSTed to the event's deployment_callback_url with an installation token.
type Webhook struct {
	Secret  []byte
	MaxBody int64
	Judge   Judge
	Tokens  TokenSource
	// APIURL is the GitHub API the callback URL must belong to.
	APIURL     string
	HTTPClient *http.Client
	Log        *slog.Logger
	// Timeout bounds one judgment and review (0 = 5 minutes).
	Timeout time.Duration
	// MaxInFlight caps concurrent judgments (0 = 16); more get 503 and
	// can be redelivered.
	MaxInFlight int

	once  sync.Once
	slots chan struct{}
	ctx   context.Context
	wg    sync.WaitGroup
	seen  *deliveries
}

// Start sets the context background work runs under; cancelling it stops
// judgments in flight. Call Wait after the server has shut down.
func (w *Webhook) Start(ctx context.Context) {
	w.once.Do(func() {
		w.ctx = ctx
		w.seen = newDeliveries(10000)
		if w.Log == nil {
			w.Log = slog.New(slog.NewJSONHandler(io.Discard, nil))
		}
		if w.MaxBody <= 0 {
			w.MaxBody = 1 << 20
		}
		if w.MaxInFlight <= 0 {
			w.MaxInFlight = 16
		}
		w.slots = make(chan struct{}, w.MaxInFlight)
	})
}

// Wait blocks until background judgments have finished.
func (w *Webhook) Wait() { w.wg.Wait() }

// Handler returns the server's routes: POST / (the webhook) and GET
// /healthz.
func (w *Webhook) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(rw, "ok")
	})
	mux.HandleFunc("POST /", w.serveWebhook)
	return mux
}

func reply(rw http.ResponseWriter, code int, status string) {
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(code)
	_ = json.NewEncoder(rw).Encode(map[string]string{"status": status})
}

// ValidSignature reports whether header ("sha256=<hex>") is the
// HMAC-SHA256 of body with secret, compared in constant time.
func ValidSignature(secret, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok || len(secret) == 0 {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

func (w *Webhook) serveWebhook(rw http.ResponseWriter, r *http.Request) {
	if w.ctx == nil {
		w.Start(context.Background())
	}
	delivery := r.Header.Get("X-GitHub-Delivery")
	event := r.Header.Get("X-GitHub-Event")
	log := w.Log.With("delivery", delivery, "event", event, "remote", r.RemoteAddr)
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, w.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			log.Warn("body too large", "limit", w.MaxBody)
			reply(rw, http.StatusRequestEntityTooLarge, "body too large")
			return
		}
		log.Warn("read body", "err", err.Error())
		reply(rw, http.StatusBadRequest, "unreadable body")
		return
	}
	if !ValidSignature(w.Secret, body, r.Header.Get("X-Hub-Signature-256")) {
		log.Warn("rejected: missing or bad X-Hub-Signature-256")
		reply(rw, http.StatusUnauthorized, "bad signature")
		return
	}
	if delivery == "" {
		log.Warn("rejected: no X-GitHub-Delivery")
		reply(rw, http.StatusBadRequest, "no delivery id")
		return
	}
	if !w.seen.add(delivery) {
		log.Info("duplicate delivery ignored")
		reply(rw, http.StatusOK, "duplicate")
		return
	}
	switch event {
	case "ping":
		log.Info("ping")
		reply(rw, http.StatusOK, "pong")
		return
	case "deployment_protection_rule":
	default:
		log.Info("event ignored")
		reply(rw, http.StatusAccepted, "ignored")
		return
	}
	var ev gh.DeploymentProtectionRuleEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		w.seen.remove(delivery)
		log.Warn("bad payload", "err", err.Error())
		reply(rw, http.StatusBadRequest, "bad payload")
		return
	}
	envName, callback := ev.GetEnvironment(), ev.GetDeploymentCallbackURL()
	log = log.With("environment", envName, "repository", ev.GetRepo().GetFullName(), "action", ev.GetAction())
	if ev.GetAction() != "requested" {
		log.Info("action ignored")
		reply(rw, http.StatusAccepted, "ignored")
		return
	}
	if envName == "" || callback == "" {
		w.seen.remove(delivery)
		log.Warn("payload lacks environment or deployment_callback_url")
		reply(rw, http.StatusBadRequest, "incomplete payload")
		return
	}
	api, err := New(w.HTTPClient, w.APIURL, "")
	if err != nil || !api.SameOrigin(callback) {
		w.seen.remove(delivery)
		log.Warn("callback URL is not on the GitHub API host", "callback", callback)
		reply(rw, http.StatusBadRequest, "callback URL not on the API host")
		return
	}
	installation := ev.GetInstallation().GetID()
	select {
	case w.slots <- struct{}{}:
	default:
		w.seen.remove(delivery)
		log.Warn("busy: too many judgments in flight", "limit", w.MaxInFlight)
		reply(rw, http.StatusServiceUnavailable, "busy")
		return
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() { <-w.slots }()
		if err := w.handle(installation, envName, callback, log); err != nil {
			// Let a redelivery retry.
			w.seen.remove(delivery)
			log.Error("no review sent", "err", err.Error())
		}
	}()
	log.Info("deployment review requested")
	reply(rw, http.StatusAccepted, "accepted")
}

func (w *Webhook) handle(installation int64, envName, callback string, log *slog.Logger) error {
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(w.ctx, timeout)
	defer cancel()
	start := time.Now()
	d, err := w.Judge(ctx, envName)
	if err != nil {
		return fmt.Errorf("judge: %w", err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("judge: %w", ctx.Err())
	}
	token, err := w.Tokens.Token(ctx, installation)
	if err != nil {
		return err
	}
	c, err := New(w.HTTPClient, w.APIURL, token)
	if err != nil {
		return err
	}
	state := "rejected"
	if d.Approved {
		state = "approved"
	}
	if err := c.ReviewDeployment(ctx, callback, Review{EnvironmentName: envName, State: state, Comment: d.Comment}); err != nil {
		return err
	}
	log.Info("deployment reviewed", "state", state, "elapsed_ms", time.Since(start).Milliseconds())
	return nil
}

// deliveries is a bounded set of delivery ids (oldest evicted first).
type deliveries struct {
	mu    sync.Mutex
	max   int
	ids   map[string]bool
	order []string
}

func newDeliveries(max int) *deliveries {
	return &deliveries{max: max, ids: map[string]bool{}}
}

// add records id and reports whether it was new.
func (d *deliveries) add(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ids[id] {
		return false
	}
	d.ids[id] = true
	d.order = append(d.order, id)
	for len(d.order) > d.max {
		delete(d.ids, d.order[0])
		d.order = d.order[1:]
	}
	return true
}

func (d *deliveries) remove(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.ids, id)
}
