package ghaction

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/verdict"
)

// runner is a fake GitHub Actions runner: the environment of a step and
// the files the runner hands it.
type runner struct {
	env       map[string]string
	out       bytes.Buffer
	workspace string
	temp      string
}

func newRunner(t *testing.T) *runner {
	t.Helper()
	dir := t.TempDir()
	r := &runner{workspace: filepath.Join(dir, "ws"), temp: filepath.Join(dir, "tmp")}
	for _, d := range []string{r.workspace, r.temp, filepath.Join(r.workspace, "app")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r.env = map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_OUTPUT":       filepath.Join(r.temp, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(r.temp, "summary"),
		"GITHUB_WORKSPACE":    r.workspace,
		"RUNNER_TEMP":         r.temp,
		"GITHUB_REPOSITORY":   "octo/shop",
		"GITHUB_SHA":          "merge-sha",
		"GITHUB_REF":          "refs/pull/7/merge",
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_RUN_ID":       "99",
		"INPUT_GITHUB_TOKEN":  "ghs_topsecret",
		"INPUT_COMMENT":       "false",
	}
	return r
}

func (r *runner) opts() Options {
	return Options{Stdout: &r.out, Getenv: func(k string) string { return r.env[k] }, Dir: r.workspace}
}

func (r *runner) file(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(r.env[name])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// outputs parses GITHUB_OUTPUT's heredoc entries.
func (r *runner) outputs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(r.file(t, "GITHUB_OUTPUT"), "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			continue
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		if _, dup := out[name]; dup {
			t.Errorf("output %q set twice", name)
		}
		out[name] = strings.Join(val, "\n")
	}
	return out
}

func report(fs ...finding.Finding) *verdict.Decision {
	d := &verdict.Decision{Policy: "tls12", Verdict: verdict.Pass}
	d.SchemaVersion = 1
	d.Tool = finding.Tool{Name: "tlsgate", Version: "test"}
	d.Findings = fs
	for _, f := range fs {
		if f.Level == finding.Error && !f.Suppressed() {
			d.Verdict = verdict.Fail
		}
	}
	return d
}

func errAt(path string, line int, rule, msg string) finding.Finding {
	return finding.Finding{RuleID: rule, Level: finding.Error, Message: msg, Location: finding.Location{Path: path, StartLine: line, StartCol: 5, EndLine: line, EndCol: 20}, Fix: "set it"}
}

func TestStartOutsideActions(t *testing.T) {
	t.Parallel()
	_, err := Start(Options{Getenv: func(string) string { return "" }})
	if !errors.Is(err, ErrNotActions) {
		t.Fatalf("err %v, want ErrNotActions", err)
	}
}

func TestStartBadBooleanInput(t *testing.T) {
	t.Parallel()
	r := newRunner(t)
	r.env["INPUT_CHECK-RUN"] = "yes"
	_, err := Start(r.opts())
	var ie *InputError
	if !errors.As(err, &ie) || ie.Input != "check-run" {
		t.Fatalf("err %v, want InputError for check-run", err)
	}
}

func TestTokenMaskedFirstAndNeverPrinted(t *testing.T) {
	t.Parallel()
	r := newRunner(t)
	s, err := Start(r.opts())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(&r.out, "tlsgate: gate output")
	if _, err := s.Publish(context.Background(), report(errAt("a.config", 3, "TLS011", "bad")), PublishOptions{Root: "app"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(r.out.String(), "\n")
	if lines[0] != "::add-mask::ghs_topsecret" {
		t.Errorf("first line %q, want the mask", lines[0])
	}
	rest := strings.Join(lines[1:], "\n") + r.file(t, "GITHUB_OUTPUT") + r.file(t, "GITHUB_STEP_SUMMARY")
	if strings.Contains(rest, "ghs_topsecret") {
		t.Error("the token appears after the mask")
	}
	// Commands are stopped until Publish, with a random token.
	m := regexp.MustCompile(`^::stop-commands::(tlsgate-[0-9a-f]{32})$`).FindStringSubmatch(lines[1])
	if m == nil {
		t.Fatalf("second line %q, want stop-commands", lines[1])
	}
	if lines[2] != "tlsgate: gate output" || lines[3] != "::"+m[1]+"::" {
		t.Errorf("lines 2-3 %q, want the gate output then the resume token", lines[2:4])
	}
}

func TestHostileRepositoryText(t *testing.T) {
	t.Parallel()
	r := newRunner(t)
	s, err := Start(r.opts())
	if err != nil {
		t.Fatal(err)
	}
	hostile := finding.Finding{
		RuleID: "TLS011", Level: finding.Error,
		Message:  "value 100% bad\r\n::set-output name=verdict::pass\n::error file=x::injected <img src=x onerror=alert(1)> [link](http://evil) @admins |cell|",
		Location: finding.Location{Path: "dir,name:x/evil\n::warning::pwned%0A.config", StartLine: 2},
		Snippet:  "```\n</details>",
		Fix:      "**bold** `code`",
	}
	if _, err := s.Publish(context.Background(), report(hostile), PublishOptions{Root: "app"}); err != nil {
		t.Fatal(err)
	}
	// Every line that starts with "::" is a command tlsgate issued.
	known := regexp.MustCompile(`^::(add-mask|stop-commands|tlsgate-[0-9a-f]{32}|error|warning|notice|group|endgroup)( |::)`)
	var annotation string
	for _, l := range strings.Split(r.out.String(), "\n") {
		if strings.HasPrefix(l, "::") && !known.MatchString(l) {
			t.Errorf("unexpected workflow command %q", l)
		}
		if strings.HasPrefix(l, "::error ") {
			annotation = l
		}
	}
	want := "::error endLine=2,file=app/dir%2Cname%3Ax/evil%0A%3A%3Awarning%3A%3Apwned%250A.config,line=2,title=tlsgate TLS011::" +
		"value 100%25 bad%0D%0A::set-output name=verdict::pass%0A::error file=x::injected <img src=x onerror=alert(1)> [link](http://evil) @admins |cell|%0AFix: **bold** `code`"
	if annotation != want {
		t.Errorf("annotation\n%s\nwant\n%s", annotation, want)
	}
	out := r.outputs(t)
	if out["verdict"] != "fail" {
		t.Errorf("verdict output %q (injection?)", out["verdict"])
	}
	sum := r.file(t, "GITHUB_STEP_SUMMARY")
	for _, bad := range []string{"<img", "](http", "@admins", "**bold**", "|cell|", "\n::"} {
		if regexp.MustCompile(`(^|[^\\])` + regexp.QuoteMeta(bad)).MatchString(sum) {
			t.Errorf("summary contains unescaped %q:\n%s", bad, sum)
		}
	}
	if !strings.Contains(sum, `\<img src\=x onerror\=alert\(1\)\>`) {
		t.Errorf("summary lacks the escaped message:\n%s", sum)
	}
}

func TestAnnotationLimitsMostSevereFirst(t *testing.T) {
	t.Parallel()
	r := newRunner(t)
	s, err := Start(r.opts())
	if err != nil {
		t.Fatal(err)
	}
	var fs []finding.Finding
	for i := range 3 {
		fs = append(fs, finding.Finding{RuleID: "TLS900", Level: finding.Note, Message: "n", Location: finding.Location{Path: "n.config", StartLine: i + 1}})
	}
	for i := range 15 {
		fs = append(fs, finding.Finding{RuleID: "TLS002", Level: finding.Warning, Message: "w", Location: finding.Location{Path: "w.config", StartLine: i + 1}})
	}
	for i := range 25 {
		fs = append(fs, errAt("e.cs", i+1, "TLS001", "e"))
	}
	fs = append(fs, finding.Finding{RuleID: "TLS001", Level: finding.Error, Message: "suppressed", Location: finding.Location{Path: "s.cs", StartLine: 1}, Suppression: &finding.Suppression{Kind: "inline", Reason: "legacy"}})
	res, err := s.Publish(context.Background(), report(fs...), PublishOptions{Root: "app"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Annotated != 23 || res.Omitted != 20 {
		t.Errorf("annotated %d omitted %d, want 23 and 20", res.Annotated, res.Omitted)
	}
	var levels []string
	for _, l := range strings.Split(r.out.String(), "\n") {
		for _, c := range []string{"error", "warning", "notice"} {
			if strings.HasPrefix(l, "::"+c+" ") {
				levels = append(levels, c)
			}
		}
	}
	want := strings.Repeat("error ", 10) + strings.Repeat("warning ", 10) + strings.Repeat("notice ", 3)
	if strings.Join(levels, " ")+" " != want {
		t.Errorf("annotation order %v", levels)
	}
	if !strings.Contains(r.out.String(), "::error col=5,endColumn=20,endLine=1,file=app/e.cs,line=1,title=tlsgate TLS001::e%0AFix: set it") {
		t.Errorf("first error annotation missing or wrong:\n%s", r.out.String())
	}
	sum := r.file(t, "GITHUB_STEP_SUMMARY")
	if !strings.Contains(sum, "20 findings got no annotation") || !strings.Contains(sum, "### Top 10 of 43 findings") {
		t.Errorf("summary:\n%s", sum)
	}
	if !strings.Contains(sum, "25 errors, 15 warnings, 3 notes (1 suppressed)") {
		t.Errorf("summary counts:\n%s", sum)
	}
	full, _ := os.ReadFile(res.ReportFile)
	if strings.Count(string(full), "| 🔴 error |") != 25 {
		t.Errorf("the markdown report should list every error")
	}
	out := r.outputs(t)
	wantOut := map[string]string{"verdict": "fail", "findings": "43", "errors": "25", "sarif-file": "",
		"report": filepath.Join(r.temp, "tlsgate", "report.md"), "json": filepath.Join(r.temp, "tlsgate", "report.json")}
	if fmt.Sprint(out) != fmt.Sprint(wantOut) {
		t.Errorf("outputs\n%v\nwant\n%v", out, wantOut)
	}
}

func TestSARIFFileRebasedAndSharded(t *testing.T) {
	t.Parallel()
	r := newRunner(t)
	r.env["INPUT_SARIF-FILE"] = "out/tlsgate.sarif"
	s, err := Start(r.opts())
	if err != nil {
		t.Fatal(err)
	}
	sarif := []byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"tlsgate"}},"results":[
	 {"ruleId":"TLS011","locations":[{"physicalLocation":{"artifactLocation":{"uri":"Web.config","uriBaseId":"%SRCROOT%"}}}]},
	 {"ruleId":"TLS101","locations":[{"physicalLocation":{"artifactLocation":{"uri":"tls://db:443"}}}]}]}]}`)
	res, err := s.Publish(context.Background(), report(), PublishOptions{Root: "app", Shard: "2/3", SARIF: sarif})
	if err != nil {
		t.Fatal(err)
	}
	if res.SARIFFile != filepath.Join(r.workspace, "out", "tlsgate.sarif") {
		t.Errorf("sarif file %q", res.SARIFFile)
	}
	b, err := os.ReadFile(res.SARIFFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Runs []struct {
			AutomationDetails struct{ ID string }
			Results           []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation map[string]string
					}
				}
			}
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Runs[0].AutomationDetails.ID; got != "tlsgate/shard-2-of-3/" {
		t.Errorf("automation id %q", got)
	}
	if got := doc.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation; fmt.Sprint(got) != "map[uri:app/Web.config]" {
		t.Errorf("rebased location %v", got)
	}
	if got := doc.Runs[0].Results[1].Locations[0].PhysicalLocation.ArtifactLocation["uri"]; got != "tls://db:443" {
		t.Errorf("endpoint uri %q", got)
	}
	if out := r.outputs(t); out["report"] != filepath.Join(r.temp, "tlsgate", "report-shard-2-of-3.md") {
		t.Errorf("report output %q", out["report"])
	}
}

// fakeAPI is a minimal GitHub API recording requests.
type fakeAPI struct {
	mu       sync.Mutex
	calls    []string
	comments map[int64]string
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, _ := io.ReadAll(r.Body)
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	if r.Header.Get("Authorization") != "Bearer ghs_topsecret" {
		w.WriteHeader(401)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	switch {
	case r.Method == "GET" && r.URL.Path == "/repos/octo/shop/issues/7/comments":
		list := []map[string]any{}
		for id, c := range f.comments {
			list = append(list, map[string]any{"id": id, "body": c})
		}
		_ = json.NewEncoder(w).Encode(list)
	case r.Method == "POST" && r.URL.Path == "/repos/octo/shop/issues/7/comments":
		id := int64(100 + len(f.comments))
		f.comments[id] = body["body"].(string)
		w.WriteHeader(201)
		fmt.Fprintf(w, `{"id":%d}`, id)
	case r.Method == "PATCH" && strings.HasPrefix(r.URL.Path, "/repos/octo/shop/issues/comments/"):
		var id int64
		fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/repos/octo/shop/issues/comments/"), &id)
		f.comments[id] = body["body"].(string)
		fmt.Fprintf(w, `{"id":%d}`, id)
	case r.URL.Path == "/repos/octo/shop/check-runs" || strings.HasPrefix(r.URL.Path, "/repos/octo/shop/check-runs/"):
		if body["head_sha"] != nil && body["head_sha"] != "head-sha" {
			w.WriteHeader(422)
			return
		}
		fmt.Fprint(w, `{"id":5}`)
	case r.URL.Path == "/repos/octo/shop/code-scanning/sarifs":
		w.WriteHeader(202)
		fmt.Fprint(w, `{"id":"up1"}`)
	default:
		w.WriteHeader(404)
	}
}

func prEvent(t *testing.T, r *runner, headRepo string) {
	t.Helper()
	ev := fmt.Sprintf(`{"pull_request":{"number":7,"head":{"sha":"head-sha","repo":{"full_name":%q}},"base":{"repo":{"full_name":"octo/shop"}}}}`, headRepo)
	p := filepath.Join(r.temp, "event.json")
	if err := os.WriteFile(p, []byte(ev), 0o644); err != nil {
		t.Fatal(err)
	}
	r.env["GITHUB_EVENT_PATH"] = p
	r.env["GITHUB_EVENT_NAME"] = "pull_request"
}

func TestStickyCommentCheckRunAndUpload(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{comments: map[int64]string{1: "unrelated"}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	var fs []finding.Finding
	for i := range 120 {
		fs = append(fs, errAt("Web.config", i+1, "TLS011", "weak"))
	}
	publish := func() Result {
		r := newRunner(t)
		prEvent(t, r, "octo/shop")
		r.env["GITHUB_API_URL"] = srv.URL
		r.env["INPUT_COMMENT"] = "true"
		r.env["INPUT_CHECK-RUN"] = "true"
		r.env["INPUT_UPLOAD-SARIF"] = "true"
		o := r.opts()
		o.HTTPClient = srv.Client()
		s, err := Start(o)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Publish(context.Background(), report(fs...), PublishOptions{Root: "app", SARIF: []byte(`{"version":"2.1.0","runs":[]}`)})
		if err != nil {
			t.Fatalf("publish: %v\n%s", err, r.out.String())
		}
		return res
	}
	first := publish()
	second := publish()
	if first.CommentID != 101 || second.CommentID != 101 || first.CheckRunID != 5 || first.SARIFUpload != "up1" {
		t.Errorf("results %+v / %+v", first, second)
	}
	want := []string{
		"GET /repos/octo/shop/issues/7/comments", "POST /repos/octo/shop/issues/7/comments",
		"POST /repos/octo/shop/check-runs", "PATCH /repos/octo/shop/check-runs/5", "PATCH /repos/octo/shop/check-runs/5",
		"POST /repos/octo/shop/code-scanning/sarifs",
		"GET /repos/octo/shop/issues/7/comments", "PATCH /repos/octo/shop/issues/comments/101",
		"POST /repos/octo/shop/check-runs", "PATCH /repos/octo/shop/check-runs/5", "PATCH /repos/octo/shop/check-runs/5",
		"POST /repos/octo/shop/code-scanning/sarifs",
	}
	if strings.Join(api.calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests\n%s\nwant\n%s", strings.Join(api.calls, "\n"), strings.Join(want, "\n"))
	}
	if len(api.comments) != 2 || !strings.HasPrefix(api.comments[101], "<!-- tlsgate:sticky -->\n## tlsgate: ❌ **gate failed**") {
		t.Errorf("comments %v", api.comments)
	}
}

func TestForkSkipsWritesWithNotice(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{comments: map[int64]string{}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	r := newRunner(t)
	prEvent(t, r, "mallory/shop")
	r.env["GITHUB_API_URL"] = srv.URL
	r.env["INPUT_COMMENT"] = "true"
	r.env["INPUT_CHECK-RUN"] = "true"
	o := r.opts()
	o.HTTPClient = srv.Client()
	s, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(context.Background(), report(errAt("a.cs", 1, "TLS001", "x")), PublishOptions{Root: "app"}); err != nil {
		t.Fatal(err)
	}
	if len(api.calls) != 0 {
		t.Errorf("API called on a fork: %v", api.calls)
	}
	if !strings.Contains(r.out.String(), "::notice::tlsgate: no pull request comment: the pull request comes from a fork") {
		t.Errorf("no notice:\n%s", r.out.String())
	}
}

func TestAPIFailureIsReported(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer srv.Close()
	r := newRunner(t)
	prEvent(t, r, "octo/shop")
	r.env["GITHUB_API_URL"] = srv.URL
	r.env["INPUT_CHECK-RUN"] = "true"
	o := r.opts()
	o.HTTPClient = srv.Client()
	s, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Publish(context.Background(), report(), PublishOptions{Root: "app"})
	if err == nil || !strings.Contains(err.Error(), "checks: write") {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(r.out.String(), "::warning::tlsgate: create check run") {
		t.Errorf("no warning:\n%s", r.out.String())
	}
}

func TestMarkdownAndCode(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, md, code string }{
		{"plain", "Web.config", `Web\.config`, "`Web.config`"},
		{"html", "<script>&amp;", `\<script\>\&amp\;`, "`<script>&amp;`"},
		{"newline", "a\nb\r\nc", "a b  c", "`a b  c`"},
		{"pipe", "a|b", `a\|b`, "`a\\|b`"},
		{"backticks", "x``y", "x\\`\\`y", "```x``y```"},
		{"mention", "@org/team #12", `\@org\/team \#12`, "`@org/team #12`"},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Markdown(tt.in); got != tt.md {
				t.Errorf("Markdown(%q) = %q, want %q", tt.in, got, tt.md)
			}
			if got := Code(tt.in); got != tt.code {
				t.Errorf("Code(%q) = %q, want %q", tt.in, got, tt.code)
			}
		})
	}
}

func TestSummaryCapsLongMatrices(t *testing.T) {
	t.Parallel()
	d := report()
	d.Verdict = verdict.Fail
	d.Reasons = []string{"r1", "r2", "r3", "r4", "r5"}
	for i := range 40 {
		v := verdict.Compatible
		if i%8 == 7 {
			v = verdict.Incompatible
		}
		d.Pairs = append(d.Pairs, verdict.Pair{Application: fmt.Sprint("app", i), Endpoint: "e:443", Verdict: v})
	}
	r, err := DecodeReport(d)
	if err != nil {
		t.Fatal(err)
	}
	short := Summary(r, SummaryOptions{MaxFindings: 10})
	if strings.Count(short, "❌ incompatible") != 5 || strings.Count(short, "| e:443 |")+strings.Count(short, "`e:443`") != 30 {
		t.Errorf("short summary should list the 5 failing pairs first, 30 rows in all:\n%s", short)
	}
	if !strings.Contains(short, "10 more pairs") || !strings.Contains(short, "- … and 2 more (see the findings)") {
		t.Errorf("short summary lacks the overflow notes:\n%s", short)
	}
	full := Summary(r, SummaryOptions{})
	if strings.Count(full, "`e:443`") != 40 || !strings.Contains(full, "- r5") {
		t.Errorf("full report should list every pair and reason")
	}
}

func TestCommentOnPushNeedsNoToken(t *testing.T) {
	t.Parallel()
	r := newRunner(t)
	delete(r.env, "INPUT_GITHUB_TOKEN")
	r.env["INPUT_COMMENT"] = "true"
	r.env["GITHUB_EVENT_NAME"] = "push"
	s, err := Start(r.opts())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(context.Background(), report(), PublishOptions{Root: "app"}); err != nil {
		t.Fatalf("publish on push without a token: %v", err)
	}
	// With a pull request, the missing token is reported.
	prEvent(t, r, "octo/shop")
	s, _ = Start(r.opts())
	if _, err := s.Publish(context.Background(), report(), PublishOptions{Root: "app"}); err == nil || !strings.Contains(err.Error(), "no GitHub token") {
		t.Errorf("err %v", err)
	}
}

func TestUnwritableSARIFStillSetsVerdict(t *testing.T) {
	t.Parallel()
	r := newRunner(t)
	blocker := filepath.Join(r.workspace, "blocker")
	os.WriteFile(blocker, []byte("x"), 0o644)
	r.env["INPUT_SARIF_FILE"] = "blocker/out.sarif" // a file where a folder should be
	s, err := Start(r.opts())
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Publish(context.Background(), report(errAt("a.cs", 1, "TLS001", "x")), PublishOptions{Root: "app", SARIF: []byte(`{"runs":[]}`)})
	if err == nil {
		t.Fatal("no error for an unwritable SARIF path")
	}
	if out := r.outputs(t); out["verdict"] != "fail" || out["errors"] != "1" {
		t.Errorf("outputs %v", out)
	}
}
