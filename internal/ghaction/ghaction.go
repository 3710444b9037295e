// Package ghaction is tlsgate's GitHub Actions side, used by
// `tlsgate gate --github` and `tlsgate merge --github`: it reads the
// action's inputs, masks the token, writes annotations (most severe first,
// within GitHub's per-step limits), the job summary, the step outputs, the
// markdown and JSON reports and the SARIF file, and — through
// internal/github — the sticky pull-request comment, the check run and the
// SARIF upload.
//
// # Hostile repositories
//
// Everything the scanned repository controls (paths, snippets, messages
// quoting config values) is escaped before it reaches the runner:
// annotation properties and messages through go-githubactions' command
// escaping, markdown through Markdown and Code, outputs as single lines.
// Start also stops workflow-command processing (`::stop-commands::` with a
// random token) until Publish, so the gate's own log lines, which quote
// repository paths, cannot issue workflow commands either.
//
// # Environment
//
// The runner's environment is read only through the injected getenv:
// GITHUB_ACTIONS, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE,
// RUNNER_TEMP, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY,
// GITHUB_SHA, GITHUB_REF, GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_RUN_ID
// and the inputs INPUT_SARIF_FILE, INPUT_COMMENT, INPUT_CHECK_RUN,
// INPUT_UPLOAD_SARIF and INPUT_GITHUB_TOKEN (the hyphenated spellings
// INPUT_SARIF-FILE … that JavaScript actions get are read first).
package ghaction

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	githubactions "github.com/sethvargo/go-githubactions"

	"github.com/tlsgate/tlsgate/gate/finding"
	ghapi "github.com/tlsgate/tlsgate/internal/github"
)

// AnnotationLimit is how many annotations of one level GitHub shows per
// step; further ones are dropped by the runner, so tlsgate sends the most
// severe first and counts the rest in the summary.
const AnnotationLimit = 10

// ErrNotActions is returned by Start outside GitHub Actions.
var ErrNotActions = errors.New("not running on GitHub Actions (GITHUB_ACTIONS is not \"true\")")

// InputError is a bad action input; callers treat it as a usage error.
type InputError struct {
	Input, Value, Want string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("input %q: bad value %q (want %s)", e.Input, e.Value, e.Want)
}

// Options are the seams of a Session.
type Options struct {
	// Stdout receives the workflow commands (the step log).
	Stdout io.Writer
	// Getenv reads the runner's environment.
	Getenv func(string) string
	// HTTPClient is used for the GitHub API (nil = http.DefaultClient).
	HTTPClient *http.Client
	// Dir is the working directory relative paths are resolved against
	// ("" = the process's).
	Dir string
}

// Inputs are the action inputs the GitHub side reads itself.
type Inputs struct {
	SARIFFile   string // where to write SARIF ("" = RUNNER_TEMP/tlsgate/…)
	Comment     bool   // sticky PR comment
	CheckRun    bool   // check run with annotations
	UploadSARIF bool   // upload SARIF to code scanning through the API
	Token       string
}

// Session is one step's GitHub Actions context.
type Session struct {
	a         *githubactions.Action
	o         Options
	in        Inputs
	stopToken string
	resumed   bool
}

// Start begins a session: it checks the runner environment and the
// inputs, masks the token and stops workflow-command processing until
// Publish. Call it before any repository-derived text is printed.
func Start(o Options) (*Session, error) {
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Getenv("GITHUB_ACTIONS") != "true" {
		return nil, ErrNotActions
	}
	for _, v := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"} {
		if o.Getenv(v) == "" {
			return nil, fmt.Errorf("%s is not set: the runner provides it to every step", v)
		}
	}
	s := &Session{a: githubactions.New(githubactions.WithWriter(o.Stdout), githubactions.WithGetenv(o.Getenv),
		githubactions.WithHTTPClient(o.HTTPClient)), o: o}
	var err error
	if s.in, err = s.readInputs(); err != nil {
		return nil, err
	}
	if s.in.Token != "" {
		s.a.AddMask(s.in.Token)
	}
	var tok [16]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return nil, fmt.Errorf("random token: %w", err)
	}
	s.stopToken = "tlsgate-" + hex.EncodeToString(tok[:])
	s.a.IssueCommand(&githubactions.Command{Name: "stop-commands", Message: s.stopToken})
	return s, nil
}

// Inputs returns the inputs Start read.
func (s *Session) Inputs() Inputs { return s.in }

func (s *Session) readInputs() (Inputs, error) {
	var in Inputs
	var err error
	in.SARIFFile = s.input("sarif-file")
	if in.Comment, err = s.boolInput("comment", true); err != nil {
		return in, err
	}
	if in.CheckRun, err = s.boolInput("check-run", false); err != nil {
		return in, err
	}
	if in.UploadSARIF, err = s.boolInput("upload-sarif", false); err != nil {
		return in, err
	}
	in.Token = s.input("github-token")
	if in.Token == "" {
		in.Token = s.o.Getenv("GITHUB_TOKEN")
	}
	return in, nil
}

// input reads an input: INPUT_<NAME> with the name upper-cased and
// hyphens kept (the runner's convention for JavaScript actions, what
// go-githubactions reads), else with hyphens as underscores (what a
// composite action's step sets, since every shell accepts that name).
func (s *Session) input(name string) string {
	if v := s.a.GetInput(name); v != "" {
		return v
	}
	return strings.TrimSpace(s.o.Getenv("INPUT_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))))
}

// boolInput parses a boolean input the way the Actions toolkit does (YAML
// 1.2 core schema): true/True/TRUE, false/False/FALSE; empty = def.
func (s *Session) boolInput(name string, def bool) (bool, error) {
	switch v := s.input(name); v {
	case "":
		return def, nil
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	default:
		return false, &InputError{Input: name, Value: v, Want: "true or false"}
	}
}

// Resume turns workflow-command processing back on (idempotent).
func (s *Session) Resume() {
	if s.resumed {
		return
	}
	s.resumed = true
	fmt.Fprintf(s.o.Stdout, "::%s::%s", s.stopToken, githubactions.EOF)
}

// PublishOptions describe the report being published.
type PublishOptions struct {
	// Root is the scanned PATH as given on the command line; findings'
	// paths are relative to it and are rebased onto the workspace.
	Root string
	// Policy is the policy name or file (for the fix-package command).
	Policy string
	// Shard is "K/N" for one shard of the endpoints ("" = all).
	Shard string
	// SARIF is the report rendered as SARIF (nil: no SARIF file).
	SARIF []byte
	// SARIFRebased says the SARIF's URIs are already relative to the
	// workspace (merged shard SARIF), so they are not rebased onto Root.
	SARIFRebased bool
}

// Result says what Publish wrote.
type Result struct {
	Verdict     string
	Counts      Counts
	Annotated   int
	Omitted     int
	SARIFFile   string
	ReportFile  string
	JSONFile    string
	CommentID   int64
	CheckRunID  int64
	SARIFUpload string
}

// Publish writes everything for the report: annotations, the job summary,
// the markdown/JSON/SARIF files, the outputs, and the enabled API features.
// report is the gate report (a value that marshals to the gate JSON, the
// JSON itself, or a *Report). An error means something the user asked for
// was not done; the caller maps it to exit code 3 unless the gate failed.
func (s *Session) Publish(ctx context.Context, report any, po PublishOptions) (res Result, err error) {
	s.Resume()
	defer func() {
		// go-githubactions panics when a runner file cannot be written.
		if p := recover(); p != nil {
			err = fmt.Errorf("write to the runner: %v", p)
		}
	}()
	r, err := DecodeReport(report)
	if err != nil {
		return res, err
	}
	res.Verdict = r.V()
	res.Counts = r.Count()
	prefix, perr := s.prefix(po.Root)
	if perr != nil {
		s.a.Warningf("tlsgate: %v; annotations will not point at files", perr)
	}
	var k, n int
	if po.Shard != "" {
		if k, n, err = ParseShard(po.Shard); err != nil {
			return res, err
		}
	}

	res.Annotated, res.Omitted = s.annotate(r, prefix)
	// The verdict reaches the job even if a file below cannot be written.
	s.a.AddStepSummary(Summary(r, SummaryOptions{Policy: po.Policy, Omitted: res.Omitted, Shard: po.Shard, MaxFindings: 10}))
	s.a.SetOutput("verdict", r.V())
	s.a.SetOutput("findings", strconv.Itoa(res.Counts.Findings))
	s.a.SetOutput("errors", strconv.Itoa(res.Counts.Errors))

	dir := s.tempDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, fmt.Errorf("create %q: %w", dir, err)
	}
	suffix := ""
	if po.Shard != "" {
		suffix = fmt.Sprintf("-shard-%d-of-%d", k, n)
	}
	sumOpts := SummaryOptions{Policy: po.Policy, Omitted: res.Omitted, Shard: po.Shard, RunURL: s.runURL()}
	full := Summary(r, sumOpts)
	res.ReportFile = filepath.Join(dir, "report"+suffix+".md")
	if err := os.WriteFile(res.ReportFile, []byte(full), 0o644); err != nil {
		return res, fmt.Errorf("write report: %w", err)
	}
	if po.Shard != "" {
		r.Shard = fmt.Sprintf("%d/%d", k, n)
	}
	r.Root = prefix
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return res, fmt.Errorf("encode report: %w", err)
	}
	res.JSONFile = filepath.Join(dir, "report"+suffix+".json")
	if err := os.WriteFile(res.JSONFile, append(js, '\n'), 0o644); err != nil {
		return res, fmt.Errorf("write report: %w", err)
	}
	var sarif []byte
	if po.SARIF != nil {
		sarif = po.SARIF
		if !po.SARIFRebased {
			if sarif, err = RebaseURIs(po.SARIF, prefix); err != nil {
				return res, fmt.Errorf("SARIF: %w", err)
			}
		}
		if po.Shard != "" {
			if sarif, err = SetAutomationID(sarif, ShardCategory(k, n)); err != nil {
				return res, fmt.Errorf("SARIF: %w", err)
			}
		}
		res.SARIFFile = s.in.SARIFFile
		if res.SARIFFile == "" {
			res.SARIFFile = filepath.Join(dir, "tlsgate"+suffix+".sarif")
		} else if !filepath.IsAbs(res.SARIFFile) {
			res.SARIFFile = filepath.Join(s.workspace(), res.SARIFFile)
		}
		if err := os.MkdirAll(filepath.Dir(res.SARIFFile), 0o755); err != nil {
			return res, fmt.Errorf("create %q: %w", filepath.Dir(res.SARIFFile), err)
		}
		if err := os.WriteFile(res.SARIFFile, sarif, 0o644); err != nil {
			return res, fmt.Errorf("write SARIF: %w", err)
		}
	}

	s.a.SetOutput("sarif-file", oneLine(res.SARIFFile))
	s.a.SetOutput("report", oneLine(res.ReportFile))
	s.a.SetOutput("json", oneLine(res.JSONFile))

	var errs []error
	if s.in.Comment || s.in.CheckRun || s.in.UploadSARIF {
		s.a.Group("tlsgate: GitHub API")
		errs = s.api(ctx, r, po, sarif, prefix, sumOpts, &res)
		s.a.EndGroup()
	}
	return res, errors.Join(errs...)
}

func (s *Session) workspace() string {
	if ws := s.o.Getenv("GITHUB_WORKSPACE"); ws != "" {
		return ws
	}
	if s.o.Dir != "" {
		return s.o.Dir
	}
	wd, _ := os.Getwd()
	return wd
}

func (s *Session) tempDir() string {
	if t := s.o.Getenv("RUNNER_TEMP"); t != "" {
		return filepath.Join(t, "tlsgate")
	}
	return filepath.Join(s.workspace(), ".tlsgate")
}

// prefix returns the scanned root relative to the workspace, slash
// separated ("" for the workspace itself). For a single-file PATH the
// findings' paths are the file name, so the prefix is its directory.
func (s *Session) prefix(root string) (string, error) {
	if root == "" {
		root = "."
	}
	abs := root
	if !filepath.IsAbs(abs) {
		base := s.o.Dir
		if base == "" {
			base, _ = os.Getwd()
		}
		abs = filepath.Join(base, root)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		abs = filepath.Dir(abs)
	}
	ws, err := filepath.Abs(s.workspace())
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(ws, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("scanned path %q is outside the workspace %q", root, ws)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel), nil
}

func joinPrefix(prefix, p string) string {
	if prefix == "" || p == "" {
		return p
	}
	return prefix + "/" + p
}

var annotationCmd = map[finding.Severity]string{finding.Error: "error", finding.Warning: "warning", finding.Note: "notice"}

// annotate issues the workflow-command annotations: most severe first, at
// most AnnotationLimit per level. It returns how many were issued and how
// many findings were left out.
func (s *Session) annotate(r *Report, prefix string) (issued, omitted int) {
	perLevel := map[finding.Severity]int{}
	for _, f := range r.Ranked() {
		cmd := annotationCmd[f.Level]
		if cmd == "" {
			continue
		}
		if perLevel[f.Level] >= AnnotationLimit {
			omitted++
			continue
		}
		perLevel[f.Level]++
		issued++
		props := githubactions.CommandProperties{"title": "tlsgate " + f.RuleID}
		if f.Location.Path != "" {
			props["file"] = joinPrefix(prefix, f.Location.Path)
			if f.Location.StartLine > 0 {
				props["line"] = strconv.Itoa(f.Location.StartLine)
				end := max(f.Location.EndLine, f.Location.StartLine)
				props["endLine"] = strconv.Itoa(end)
				if f.Location.StartCol > 0 && end == f.Location.StartLine {
					props["col"] = strconv.Itoa(f.Location.StartCol)
					if f.Location.EndCol > f.Location.StartCol {
						props["endColumn"] = strconv.Itoa(f.Location.EndCol)
					}
				}
			}
		}
		s.a.IssueCommand(&githubactions.Command{Name: cmd, Message: annotationText(f), Properties: props})
	}
	return issued, omitted
}

// annotationText is the annotation body: the message, the endpoint or
// application it concerns, and the fix. Line breaks are escaped by the
// command encoding, so they stay inside the annotation.
func annotationText(f finding.Finding) string {
	var b strings.Builder
	b.WriteString(f.Message)
	if f.Endpoint != nil && f.Endpoint.Target != "" {
		b.WriteString("\nEndpoint: " + f.Endpoint.Target)
	}
	if f.Application != "" {
		b.WriteString("\nApplication: " + f.Application)
	}
	if f.Fix != "" {
		b.WriteString("\nFix: " + f.Fix)
	}
	return b.String()
}

func (s *Session) runURL() string {
	server, repo, run := s.o.Getenv("GITHUB_SERVER_URL"), s.o.Getenv("GITHUB_REPOSITORY"), s.o.Getenv("GITHUB_RUN_ID")
	if server == "" || repo == "" || run == "" {
		return ""
	}
	return strings.TrimRight(server, "/") + "/" + repo + "/actions/runs/" + run
}

// event is the part of the triggering event's payload tlsgate needs.
type event struct {
	PullRequest *struct {
		Number int `json:"number"`
		Head   struct {
			SHA  string `json:"sha"`
			Repo *struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"head"`
		Base struct {
			Repo struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"base"`
	} `json:"pull_request"`
}

func (s *Session) event() (*event, error) {
	p := s.o.Getenv("GITHUB_EVENT_PATH")
	if p == "" {
		return &event{}, nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read the event payload: %w", err)
	}
	var e event
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("decode the event payload %q: %w", p, err)
	}
	return &e, nil
}

// api runs the enabled GitHub API features; failures are returned and
// also shown as warnings, except the documented skip on forks (a notice).
func (s *Session) api(ctx context.Context, r *Report, po PublishOptions, sarif []byte, prefix string, so SummaryOptions, res *Result) []error {
	var errs []error
	fail := func(err error) {
		s.a.Warningf("tlsgate: %s", err.Error())
		errs = append(errs, err)
	}
	ev, err := s.event()
	if err != nil {
		fail(err)
		return errs
	}
	eventName := s.o.Getenv("GITHUB_EVENT_NAME")
	isPR := ev.PullRequest != nil && ev.PullRequest.Number > 0
	fork := isPR && eventName == "pull_request" && ev.PullRequest.Head.Repo != nil &&
		!strings.EqualFold(ev.PullRequest.Head.Repo.FullName, ev.PullRequest.Base.Repo.FullName)
	headSHA := s.o.Getenv("GITHUB_SHA")
	if isPR && ev.PullRequest.Head.SHA != "" {
		headSHA = ev.PullRequest.Head.SHA
	}
	// Nothing to send (e.g. comment on a push event): no token needed.
	if !(s.in.Comment && isPR) && !s.in.CheckRun && !(s.in.UploadSARIF && sarif != nil) {
		return nil
	}
	repoFull := s.o.Getenv("GITHUB_REPOSITORY")
	owner, repo, ok := strings.Cut(repoFull, "/")
	if !ok || owner == "" || repo == "" {
		fail(fmt.Errorf("GITHUB_REPOSITORY %q is not owner/name", repoFull))
		return errs
	}
	if s.in.Token == "" {
		fail(errors.New("no GitHub token: set the github-token input"))
		return errs
	}
	client, err := ghapi.New(s.o.HTTPClient, s.o.Getenv("GITHUB_API_URL"), s.in.Token)
	if err != nil {
		fail(err)
		return errs
	}

	if s.in.Comment && isPR {
		so.MaxFindings = 10
		body := Summary(r, so)
		switch {
		case fork:
			s.a.Noticef("tlsgate: no pull request comment: the pull request comes from a fork, whose token cannot write to this repository; see the job summary")
		default:
			c, err := client.UpsertStickyComment(ctx, owner, repo, ev.PullRequest.Number, body)
			switch {
			case errors.Is(err, ghapi.ErrForbidden) && eventName == "pull_request" &&
				(ev.PullRequest.Head.Repo == nil || !strings.EqualFold(ev.PullRequest.Head.Repo.FullName, repoFull)):
				// A deleted fork has no head repository.
				s.a.Noticef("tlsgate: no pull request comment: the token cannot write to this repository (pull request from a fork)")
			case err != nil:
				fail(fmt.Errorf("%w (the comment needs permissions: pull-requests: write)", err))
			default:
				res.CommentID = c.ID
				verb := "updated"
				if c.Created {
					verb = "created"
				}
				s.a.Infof("tlsgate: %s the pull request comment %d", verb, c.ID)
			}
		}
	}
	if s.in.CheckRun {
		if fork {
			s.a.Noticef("tlsgate: no check run: the pull request comes from a fork, whose token cannot create check runs")
		} else {
			id, reqs, err := client.CreateCheckRun(ctx, owner, repo, s.checkRun(r, po, so, headSHA), checkAnnotations(r, prefix))
			if err != nil {
				fail(fmt.Errorf("%w (the check run needs permissions: checks: write)", err))
			} else {
				res.CheckRunID = id
				s.a.Infof("tlsgate: created check run %d (%d requests)", id, reqs)
			}
		}
	}
	if s.in.UploadSARIF && sarif != nil {
		if fork {
			s.a.Noticef("tlsgate: no SARIF upload: the pull request comes from a fork, whose token cannot upload to code scanning")
		} else {
			id, err := client.UploadSARIF(ctx, owner, repo, s.o.Getenv("GITHUB_REF"), s.o.Getenv("GITHUB_SHA"), sarif)
			if err != nil {
				fail(fmt.Errorf("%w (the upload needs permissions: security-events: write)", err))
			} else {
				res.SARIFUpload = id
				s.a.Infof("tlsgate: uploaded SARIF to code scanning (id %s)", oneLine(id))
			}
		}
	}
	return errs
}

func (s *Session) checkRun(r *Report, po PublishOptions, so SummaryOptions, sha string) ghapi.CheckRun {
	name := "tlsgate"
	if po.Shard != "" {
		name += " (shard " + po.Shard + ")"
	}
	c := r.Count()
	conclusion, title := "success", "tlsgate: pass"
	switch r.V() {
	case VerdictFail:
		conclusion, title = "failure", "tlsgate: gate failed"
	case VerdictInconclusive:
		// Never a pass: action_required blocks a required check.
		conclusion, title = "action_required", "tlsgate: inconclusive"
	}
	title += fmt.Sprintf(" (%s, %s)", plural(c.Errors, "error"), plural(c.Warnings, "warning"))
	so.MaxFindings = 0
	so.Omitted = 0
	return ghapi.CheckRun{Name: name, HeadSHA: sha, Conclusion: conclusion, Title: title,
		Summary: Summary(r, so), DetailsURL: s.runURL()}
}

var checkLevel = map[finding.Severity]string{finding.Error: "failure", finding.Warning: "warning", finding.Note: "notice"}

// checkAnnotations are every unsuppressed finding with a file, most severe
// first (a check run has no per-step display limit).
func checkAnnotations(r *Report, prefix string) []ghapi.Annotation {
	var out []ghapi.Annotation
	for _, f := range r.Ranked() {
		if f.Location.Path == "" || checkLevel[f.Level] == "" {
			continue
		}
		out = append(out, ghapi.Annotation{
			Path: joinPrefix(prefix, f.Location.Path), StartLine: f.Location.StartLine, EndLine: f.Location.EndLine,
			StartCol: f.Location.StartCol, EndCol: f.Location.EndCol, Level: checkLevel[f.Level],
			Title: f.RuleID, Message: annotationText(f), Details: f.Snippet,
		})
	}
	return out
}
