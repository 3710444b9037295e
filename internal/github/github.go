// Package github talks to the GitHub REST API for tlsgate through
// go-github v60: the sticky pull-request comment, the check run with its
// annotations sent in batches of 50, the SARIF upload to code scanning, and
// the review call of a custom deployment protection rule.
//
// Every call takes the caller's context; the client is built from an
// injected *http.Client and base URL, so tests run against an httptest fake
// of the API.
package github

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// StickyMarker is the hidden HTML comment that identifies tlsgate's pull
// request comment, so a later run edits it instead of adding another.
const StickyMarker = "<!-- tlsgate:sticky -->"

// MaxAnnotationsPerRequest is GitHub's limit of check-run annotations per
// create or update request.
const MaxAnnotationsPerRequest = 50

// Client is a GitHub API client authenticated with one token.
type Client struct {
	gh *gh.Client
}

// New returns a client for the API at baseURL ("" = https://api.github.com/;
// on GitHub Actions pass GITHUB_API_URL) using token, which is sent as a
// bearer token and never logged. httpClient nil means http.DefaultClient.
func New(httpClient *http.Client, baseURL, token string) (*Client, error) {
	c := gh.NewClient(httpClient)
	if token != "" {
		c = c.WithAuthToken(token)
	}
	if baseURL != "" && strings.TrimRight(baseURL, "/") != "https://api.github.com" {
		u, err := url.Parse(strings.TrimRight(baseURL, "/") + "/")
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("bad GitHub API URL %q", baseURL)
		}
		c.BaseURL = u
		// Uploads (none used today) go to the same host on GHES.
		c.UploadURL = u
	}
	return &Client{gh: c}, nil
}

// ErrForbidden reports a 403/404 answer to a write: the token lacks the
// permission (a pull request from a fork gets a read-only token).
var ErrForbidden = errors.New("the token may not do this")

func classify(resp *gh.Response, err error, what string) error {
	if err == nil {
		return nil
	}
	if resp != nil && (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound) {
		return fmt.Errorf("%s: %w (HTTP %d)", what, ErrForbidden, resp.StatusCode)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// StickyResult says what UpsertStickyComment did.
type StickyResult struct {
	ID      int64
	Created bool // false: an existing comment was edited
}

// UpsertStickyComment creates or updates tlsgate's comment on pull request
// number. The comment is found by StickyMarker among the issue comments
// (all pages); body gets the marker prepended. Exactly one comment exists
// afterwards, edited in place on later runs.
func (c *Client) UpsertStickyComment(ctx context.Context, owner, repo string, number int, body string) (StickyResult, error) {
	body = clipComment(StickyMarker + "\n" + body)
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		comments, resp, err := c.gh.Issues.ListComments(ctx, owner, repo, number, opts)
		if err != nil {
			return StickyResult{}, classify(resp, err, fmt.Sprintf("list comments of pull request #%d", number))
		}
		for _, cm := range comments {
			if strings.Contains(cm.GetBody(), StickyMarker) {
				_, resp, err := c.gh.Issues.EditComment(ctx, owner, repo, cm.GetID(), &gh.IssueComment{Body: gh.String(body)})
				if err != nil {
					return StickyResult{}, classify(resp, err, fmt.Sprintf("edit comment %d", cm.GetID()))
				}
				return StickyResult{ID: cm.GetID()}, nil
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	cm, resp, err := c.gh.Issues.CreateComment(ctx, owner, repo, number, &gh.IssueComment{Body: gh.String(body)})
	if err != nil {
		return StickyResult{}, classify(resp, err, fmt.Sprintf("comment on pull request #%d", number))
	}
	return StickyResult{ID: cm.GetID(), Created: true}, nil
}

// Annotation is one check-run annotation.
type Annotation struct {
	Path      string
	StartLine int
	EndLine   int
	StartCol  int // 0 = unknown; columns are sent only within one line
	EndCol    int
	Level     string // "notice", "warning" or "failure"
	Title     string
	Message   string
	Details   string
}

// CheckRun describes the check run to create.
type CheckRun struct {
	Name       string
	HeadSHA    string
	Conclusion string // success, failure, neutral, action_required …
	Title      string
	Summary    string // markdown, at most 65535 characters (cut with a note)
	Text       string
	DetailsURL string
}

// maxOutputText is GitHub's limit for check run output summary and text.
const maxOutputText = 65535

func clip(s string) string {
	if len(s) <= maxOutputText {
		return s
	}
	const note = "\n\n… (cut: GitHub limits this text to 65535 characters)"
	cut := maxOutputText - len(note)
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + note
}

// maxCommentBody is GitHub's limit for an issue comment body.
const maxCommentBody = 65536

func clipComment(s string) string {
	if len(s) <= maxCommentBody {
		return s
	}
	const note = "\n\n… (cut: GitHub limits a comment to 65536 characters; the job summary and the report have everything)"
	cut := maxCommentBody - len(note)
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + note
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// CreateCheckRun creates a completed check run carrying every annotation:
// the first 50 with the create request, the rest appended 50 at a time with
// update requests (the last one repeats the conclusion). It returns the
// check run id and the number of requests made.
func (c *Client) CreateCheckRun(ctx context.Context, owner, repo string, run CheckRun, anns []Annotation) (int64, int, error) {
	batches := [][]*gh.CheckRunAnnotation{}
	for i := 0; i < len(anns); i += MaxAnnotationsPerRequest {
		end := min(i+MaxAnnotationsPerRequest, len(anns))
		b := make([]*gh.CheckRunAnnotation, 0, end-i)
		for _, a := range anns[i:end] {
			b = append(b, toAnnotation(a))
		}
		batches = append(batches, b)
	}
	output := func(b []*gh.CheckRunAnnotation) *gh.CheckRunOutput {
		return &gh.CheckRunOutput{
			Title:       gh.String(run.Title),
			Summary:     gh.String(clip(run.Summary)),
			Text:        optional(clip(run.Text)),
			Annotations: b,
		}
	}
	first := []*gh.CheckRunAnnotation(nil)
	if len(batches) > 0 {
		first = batches[0]
	}
	opts := gh.CreateCheckRunOptions{
		Name:       run.Name,
		HeadSHA:    run.HeadSHA,
		DetailsURL: optional(run.DetailsURL),
		Status:     gh.String("completed"),
		Conclusion: gh.String(run.Conclusion),
		Output:     output(first),
	}
	cr, resp, err := c.gh.Checks.CreateCheckRun(ctx, owner, repo, opts)
	if err != nil {
		return 0, 1, classify(resp, err, "create check run")
	}
	requests := 1
	for i := 1; i < len(batches); i++ {
		_, resp, err := c.gh.Checks.UpdateCheckRun(ctx, owner, repo, cr.GetID(), gh.UpdateCheckRunOptions{
			Name:       run.Name,
			Status:     gh.String("completed"),
			Conclusion: gh.String(run.Conclusion),
			Output:     output(batches[i]),
		})
		requests++
		if err != nil {
			return cr.GetID(), requests, classify(resp, err, fmt.Sprintf("add annotations to check run %d", cr.GetID()))
		}
	}
	return cr.GetID(), requests, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return gh.String(s)
}

func toAnnotation(a Annotation) *gh.CheckRunAnnotation {
	start := max(a.StartLine, 1)
	end := max(a.EndLine, start)
	out := &gh.CheckRunAnnotation{
		Path:            gh.String(a.Path),
		StartLine:       gh.Int(start),
		EndLine:         gh.Int(end),
		AnnotationLevel: gh.String(a.Level),
		Message:         gh.String(a.Message),
		Title:           optional(a.Title),
		RawDetails:      optional(a.Details),
	}
	// GitHub accepts columns only when the annotation is on one line.
	if start == end && a.StartCol > 0 {
		out.StartColumn = gh.Int(a.StartCol)
		out.EndColumn = gh.Int(max(a.EndCol, a.StartCol))
	}
	return out
}

// EncodeSARIF gzips and base64-encodes a SARIF document, the encoding the
// code-scanning upload endpoint expects.
func EncodeSARIF(sarif []byte) (string, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(sarif); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// UploadSARIF uploads a SARIF document to code scanning for commit sha on
// ref (e.g. refs/heads/main or refs/pull/7/merge) and returns the upload id.
func (c *Client) UploadSARIF(ctx context.Context, owner, repo, ref, sha string, sarif []byte) (string, error) {
	enc, err := EncodeSARIF(sarif)
	if err != nil {
		return "", fmt.Errorf("encode SARIF: %w", err)
	}
	id, resp, err := c.gh.CodeScanning.UploadSarif(ctx, owner, repo, &gh.SarifAnalysis{
		CommitSHA: gh.String(sha),
		Ref:       gh.String(ref),
		Sarif:     gh.String(enc),
		ToolName:  gh.String("tlsgate"),
	})
	if err != nil {
		return "", classify(resp, err, "upload SARIF")
	}
	return id.GetID(), nil
}

// Review is the body of a custom deployment protection rule review.
type Review struct {
	EnvironmentName string `json:"environment_name"`
	State           string `json:"state"` // "approved" or "rejected"
	Comment         string `json:"comment,omitempty"`
}

// MaxReviewComment is the length GitHub accepts for a review comment.
const MaxReviewComment = 1024

// ReviewDeployment approves or rejects a deployment waiting on a custom
// protection rule by POSTing the review to the event's
// deployment_callback_url. go-github v60 has no helper for this call (it
// appears as Actions.ReviewCustomDeploymentProtectionRule in v66), so the
// request is built with the client. The token must be an installation token
// of the GitHub App that owns the rule.
func (c *Client) ReviewDeployment(ctx context.Context, callbackURL string, r Review) error {
	if r.State != "approved" && r.State != "rejected" {
		return fmt.Errorf("review state %q (want approved or rejected)", r.State)
	}
	u, err := url.Parse(callbackURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("bad deployment callback URL %q", callbackURL)
	}
	if len(r.Comment) > MaxReviewComment {
		cut := MaxReviewComment - len("…")
		for cut > 0 && !utf8Start(r.Comment[cut]) {
			cut--
		}
		r.Comment = r.Comment[:cut] + "…"
	}
	req, err := c.gh.NewRequest(http.MethodPost, u.String(), r)
	if err != nil {
		return fmt.Errorf("build review request: %w", err)
	}
	resp, err := c.gh.Do(ctx, req, nil)
	if err != nil {
		return classify(resp, err, fmt.Sprintf("%s deployment to %q", strings.TrimSuffix(r.State, "d"), r.EnvironmentName))
	}
	return nil
}

// SameOrigin reports whether rawURL points at the same scheme and host as
// the client's API base URL; serve refuses callback URLs elsewhere so a
// forged event cannot make it send the token to another host.
func (c *Client) SameOrigin(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, c.gh.BaseURL.Scheme) && strings.EqualFold(u.Host, c.gh.BaseURL.Host)
}
