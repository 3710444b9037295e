package github

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// request is one request the fake API received.
type request struct {
	Method, Path, Query, Auth string
	Body                      map[string]any
}

// fakeAPI records every request and answers through handle.
type fakeAPI struct {
	mu     sync.Mutex
	reqs   []request
	handle func(w http.ResponseWriter, r request)
}

func (f *fakeAPI) start(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		b, _ := io.ReadAll(r.Body)
		if len(b) > 0 {
			if err := json.Unmarshal(b, &body); err != nil {
				t.Errorf("%s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
			}
		}
		req := request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), Body: body}
		f.mu.Lock()
		f.reqs = append(f.reqs, req)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		f.handle(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (f *fakeAPI) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []string{}
	for _, r := range f.reqs {
		s := r.Method + " " + r.Path
		if r.Query != "" {
			s += "?" + r.Query
		}
		out = append(out, s)
	}
	return out
}

func newClient(t *testing.T, srv *httptest.Server) *Client {
	t.Helper()
	c, err := New(srv.Client(), srv.URL, "ghs_secret")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestStickyCommentCreatesWhenAbsent(t *testing.T) {
	t.Parallel()
	f := &fakeAPI{handle: func(w http.ResponseWriter, r request) {
		switch {
		case r.Method == "GET":
			fmt.Fprint(w, `[{"id":1,"body":"LGTM"},{"id":2,"body":"another bot <!-- other -->"}]`)
		case r.Method == "POST":
			w.WriteHeader(201)
			fmt.Fprint(w, `{"id":99}`)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.Path)
		}
	}}
	srv := f.start(t)
	res, err := newClient(t, srv).UpsertStickyComment(context.Background(), "o", "r", 7, "hello")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.ID != 99 {
		t.Errorf("result %+v, want created 99", res)
	}
	want := []string{"GET /repos/o/r/issues/7/comments?per_page=100", "POST /repos/o/r/issues/7/comments"}
	if got := f.calls(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := f.reqs[1].Body["body"]; got != StickyMarker+"\nhello" {
		t.Errorf("body %q", got)
	}
	if f.reqs[0].Auth != "Bearer ghs_secret" {
		t.Errorf("authorization %q", f.reqs[0].Auth)
	}
}

func TestStickyCommentUpdatesOnSecondPage(t *testing.T) {
	t.Parallel()
	var srvURL string
	f := &fakeAPI{}
	f.handle = func(w http.ResponseWriter, r request) {
		switch {
		case r.Method == "GET" && !strings.Contains(r.Query, "page=2"):
			w.Header().Set("Link", fmt.Sprintf(`<%s/repos/o/r/issues/7/comments?page=2&per_page=100>; rel="next"`, srvURL))
			fmt.Fprint(w, `[{"id":1,"body":"LGTM"}]`)
		case r.Method == "GET":
			fmt.Fprint(w, `[{"id":41,"body":"<!-- tlsgate:sticky -->\nold"}]`)
		case r.Method == "PATCH":
			fmt.Fprint(w, `{"id":41}`)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.Path)
		}
	}
	srv := f.start(t)
	srvURL = srv.URL
	res, err := newClient(t, srv).UpsertStickyComment(context.Background(), "o", "r", 7, "new")
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || res.ID != 41 {
		t.Errorf("result %+v, want updated 41", res)
	}
	want := []string{
		"GET /repos/o/r/issues/7/comments?per_page=100",
		"GET /repos/o/r/issues/7/comments?page=2&per_page=100",
		"PATCH /repos/o/r/issues/comments/41",
	}
	if got := f.calls(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := f.reqs[2].Body["body"]; got != StickyMarker+"\nnew" {
		t.Errorf("body %q", got)
	}
}

func TestStickyCommentForbidden(t *testing.T) {
	t.Parallel()
	f := &fakeAPI{handle: func(w http.ResponseWriter, r request) {
		if r.Method == "GET" {
			fmt.Fprint(w, `[]`)
			return
		}
		w.WriteHeader(403)
		fmt.Fprint(w, `{"message":"Resource not accessible by integration"}`)
	}}
	srv := f.start(t)
	_, err := newClient(t, srv).UpsertStickyComment(context.Background(), "o", "r", 7, "x")
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("err %v, want ErrForbidden", err)
	}
	if strings.Contains(err.Error(), "ghs_secret") {
		t.Error("error leaks the token")
	}
}

func TestCheckRunBatches(t *testing.T) {
	t.Parallel()
	f := &fakeAPI{handle: func(w http.ResponseWriter, r request) {
		out, _ := r.Body["output"].(map[string]any)
		anns, _ := out["annotations"].([]any)
		if len(anns) > MaxAnnotationsPerRequest {
			w.WriteHeader(422)
			fmt.Fprint(w, `{"message":"too many annotations"}`)
			return
		}
		if r.Method == "POST" {
			w.WriteHeader(201)
		}
		fmt.Fprint(w, `{"id":5}`)
	}}
	srv := f.start(t)
	var anns []Annotation
	for i := range 120 {
		anns = append(anns, Annotation{Path: "a.config", StartLine: i + 1, StartCol: 3, EndCol: 9, Level: "failure", Title: "TLS011", Message: fmt.Sprint("m", i)})
	}
	id, n, err := newClient(t, srv).CreateCheckRun(context.Background(), "o", "r",
		CheckRun{Name: "tlsgate", HeadSHA: "abc", Conclusion: "failure", Title: "gate failed", Summary: "s"}, anns)
	if err != nil {
		t.Fatal(err)
	}
	if id != 5 || n != 3 {
		t.Errorf("id %d requests %d, want 5 and 3", id, n)
	}
	want := []string{"POST /repos/o/r/check-runs", "PATCH /repos/o/r/check-runs/5", "PATCH /repos/o/r/check-runs/5"}
	if got := f.calls(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	counts := []int{}
	next := 0
	for _, r := range f.reqs {
		out := r.Body["output"].(map[string]any)
		for _, a := range out["annotations"].([]any) {
			m := a.(map[string]any)
			if m["message"] != fmt.Sprint("m", next) {
				t.Errorf("annotation %d has message %v", next, m["message"])
			}
			next++
		}
		counts = append(counts, len(out["annotations"].([]any)))
		if r.Body["name"] != "tlsgate" || r.Body["conclusion"] != "failure" || r.Body["status"] != "completed" {
			t.Errorf("%s: name/status/conclusion = %v/%v/%v", r.Method, r.Body["name"], r.Body["status"], r.Body["conclusion"])
		}
	}
	if fmt.Sprint(counts) != "[50 50 20]" {
		t.Errorf("annotation batches %v, want [50 50 20]", counts)
	}
	first := f.reqs[0].Body["output"].(map[string]any)["annotations"].([]any)[0].(map[string]any)
	wantAnn := map[string]any{"path": "a.config", "start_line": 1.0, "end_line": 1.0, "start_column": 3.0, "end_column": 9.0,
		"annotation_level": "failure", "title": "TLS011", "message": "m0"}
	if fmt.Sprint(first) != fmt.Sprint(wantAnn) {
		t.Errorf("annotation\n%v\nwant\n%v", first, wantAnn)
	}
	if f.reqs[0].Body["head_sha"] != "abc" {
		t.Errorf("head_sha %v", f.reqs[0].Body["head_sha"])
	}
}

func TestCheckRunWithoutAnnotations(t *testing.T) {
	t.Parallel()
	f := &fakeAPI{handle: func(w http.ResponseWriter, r request) { fmt.Fprint(w, `{"id":8}`) }}
	srv := f.start(t)
	_, n, err := newClient(t, srv).CreateCheckRun(context.Background(), "o", "r", CheckRun{Name: "tlsgate", HeadSHA: "abc", Conclusion: "success", Title: "ok", Summary: strings.Repeat("x", 70000)}, nil)
	if err != nil || n != 1 {
		t.Fatalf("n %d err %v", n, err)
	}
	out := f.reqs[0].Body["output"].(map[string]any)
	if s := out["summary"].(string); len(s) > 65535 || !strings.HasSuffix(s, "65535 characters)") {
		t.Errorf("summary not clipped: %d bytes", len(s))
	}
	if _, ok := out["annotations"]; ok {
		t.Error("annotations sent without any")
	}
}

func TestUploadSARIFEncoding(t *testing.T) {
	t.Parallel()
	sarif := []byte(`{"version":"2.1.0","runs":[]}`)
	f := &fakeAPI{handle: func(w http.ResponseWriter, r request) {
		w.WriteHeader(202)
		fmt.Fprint(w, `{"id":"47177e22","url":"https://api/x"}`)
	}}
	srv := f.start(t)
	id, err := newClient(t, srv).UploadSARIF(context.Background(), "o", "r", "refs/pull/7/merge", "abc", sarif)
	if err != nil {
		t.Fatal(err)
	}
	if id != "47177e22" {
		t.Errorf("id %q", id)
	}
	if got := f.calls(); len(got) != 1 || got[0] != "POST /repos/o/r/code-scanning/sarifs" {
		t.Fatalf("requests %v", got)
	}
	b := f.reqs[0].Body
	if b["commit_sha"] != "abc" || b["ref"] != "refs/pull/7/merge" || b["tool_name"] != "tlsgate" {
		t.Errorf("body %v", b)
	}
	raw, err := base64.StdEncoding.DecodeString(b["sarif"].(string))
	if err != nil {
		t.Fatalf("sarif is not base64: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("sarif is not gzip: %v", err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, sarif) {
		t.Errorf("decoded %q, want %q", plain, sarif)
	}
}

func TestReviewDeploymentBody(t *testing.T) {
	t.Parallel()
	f := &fakeAPI{handle: func(w http.ResponseWriter, r request) { w.WriteHeader(204) }}
	srv := f.start(t)
	c := newClient(t, srv)
	cb := srv.URL + "/repos/o/r/actions/runs/42/deployment_protection_rule"
	if !c.SameOrigin(cb) || c.SameOrigin("https://evil.example/x") {
		t.Error("SameOrigin wrong")
	}
	long := strings.Repeat("é", 600)
	if err := c.ReviewDeployment(context.Background(), cb, Review{EnvironmentName: "production", State: "rejected", Comment: long}); err != nil {
		t.Fatal(err)
	}
	if got := f.calls(); len(got) != 1 || got[0] != "POST /repos/o/r/actions/runs/42/deployment_protection_rule" {
		t.Fatalf("requests %v", got)
	}
	b := f.reqs[0].Body
	if b["environment_name"] != "production" || b["state"] != "rejected" {
		t.Errorf("body %v", b)
	}
	if c := b["comment"].(string); len(c) > MaxReviewComment || !strings.HasSuffix(c, "…") {
		t.Errorf("comment not cut: %d bytes", len(c))
	}
	if f.reqs[0].Auth != "Bearer ghs_secret" {
		t.Errorf("auth %q", f.reqs[0].Auth)
	}
	if err := c.ReviewDeployment(context.Background(), cb, Review{State: "maybe"}); err == nil {
		t.Error("bad state accepted")
	}
}

func TestReviewDeploymentError(t *testing.T) {
	t.Parallel()
	f := &fakeAPI{handle: func(w http.ResponseWriter, r request) {
		w.WriteHeader(422)
		fmt.Fprint(w, `{"message":"No pending deployment"}`)
	}}
	srv := f.start(t)
	err := newClient(t, srv).ReviewDeployment(context.Background(), srv.URL+"/cb", Review{EnvironmentName: "prod", State: "approved"})
	if err == nil || !strings.Contains(err.Error(), "No pending deployment") {
		t.Fatalf("err %v", err)
	}
}

func TestStickyCommentClipped(t *testing.T) {
	t.Parallel()
	f := &fakeAPI{handle: func(w http.ResponseWriter, r request) {
		if r.Method == "GET" {
			fmt.Fprint(w, `[]`)
			return
		}
		w.WriteHeader(201)
		fmt.Fprint(w, `{"id":1}`)
	}}
	srv := f.start(t)
	if _, err := newClient(t, srv).UpsertStickyComment(context.Background(), "o", "r", 1, strings.Repeat("é", 40000)); err != nil {
		t.Fatal(err)
	}
	body := f.reqs[1].Body["body"].(string)
	if len(body) > 65536 || !strings.HasPrefix(body, StickyMarker) || !strings.Contains(body, "(cut: GitHub limits") {
		t.Errorf("body of %d bytes not clipped correctly", len(body))
	}
}
