package verdict

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/probe"
)

// SchemaVersion is the gate JSON schema version (the scan JSON's, extended).
const SchemaVersion = 1

// Verdict is the judgment of one application × endpoint pair.
type Verdict string

// Pair verdicts.
const (
	Compatible   Verdict = "compatible"
	Incompatible Verdict = "incompatible"
	PolicyFail   Verdict = "policy"
	Inconclusive Verdict = "inconclusive"
)

// Outcome is the gate's overall result.
type Outcome string

// Outcomes. The CLI maps them to exit codes 0, 1 and 3.
const (
	Pass           Outcome = "pass"
	Fail           Outcome = "fail"
	OutcomeUnknown Outcome = "inconclusive"
)

// Offer is what an application offers in one registry state.
type Offer struct {
	Protocols    finding.ProtocolSet
	StrongCrypto bool
	Steps        []finding.Step
}

// OfferFunc is the application model: the protocols app offers on host in
// a registry state (finding.StateAsShipped or finding.StateWithPackage).
// The CLI passes the scanner's model; Evaluate calls it with the policy's
// assumed host, and with newer OS families when it looks for a host that
// would make a failing pair work.
type OfferFunc func(app *finding.Application, host policy.Host, state string) Offer

// Origin says where an endpoint came from.
type Origin struct {
	// Source is "flag" (--endpoint), "policy" (the policy's endpoints) or
	// "discovered" (a configuration file).
	Source      string            `json:"source"`
	Application string            `json:"application,omitempty"`
	Location    *finding.Location `json:"location,omitempty"`
	// Text is the value as written (a URL or connection string), truncated.
	Text string `json:"text,omitempty"`
}

// Endpoint is one probed endpoint and the applications that call it.
type Endpoint struct {
	Result probe.Result
	// Applications lists the names of the applications that call it; empty
	// means every application.
	Applications []string
	Origins      []Origin
}

// Input is everything Evaluate judges.
type Input struct {
	// Scan is the scanner's report (findings, applications, notifications).
	Scan      *finding.Report
	Endpoints []Endpoint
	Policy    *policy.Policy
	// PolicyRef is how `tlsgate gen --policy` should name the policy.
	PolicyRef string
	// FailOn is the effective --fail-on level.
	FailOn finding.Severity
	Now    time.Time
	Offer  OfferFunc
}

// Decision is the gate's result; its JSON form is the gate JSON document:
// the scan JSON (schema_version, tool, findings, applications,
// notifications, inconclusive) extended with the policy, the probed
// endpoints, the pair matrix and the verdict.
type Decision struct {
	finding.Report
	// Policy is the policy as the user named it (built-in name or path).
	Policy    string           `json:"policy"`
	FailOn    finding.Severity `json:"fail_on"`
	Host      policy.Host      `json:"host"`
	Endpoints []EndpointReport `json:"endpoints"`
	Pairs     []Pair           `json:"pairs"`
	Verdict   Outcome          `json:"verdict"`
	// Reasons explain the verdict in sentences, most important first.
	Reasons []string `json:"reasons"`
}

// EndpointReport is a probe result (the `probe --format json` entry) with
// the applications that call it and where it came from.
type EndpointReport struct {
	probe.Result
	Applications []string `json:"applications"`
	Origins      []Origin `json:"origins"`
	Conclusive   bool     `json:"conclusive"`
}

// Pair is one cell of the application × endpoint matrix.
type Pair struct {
	Application string  `json:"application"`
	Endpoint    string  `json:"endpoint"`
	Verdict     Verdict `json:"verdict"`
	// AsShipped and WithPackage are the two registry states; the verdict
	// is the as-shipped one (the package column is advice).
	AsShipped   Side `json:"as_shipped"`
	WithPackage Side `json:"with_package"`
	// Reason is one sentence for the matrix.
	Reason string `json:"reason"`
	// UserErrors are the errors the application will log, per API.
	UserErrors []UserError `json:"user_errors,omitempty"`
	// Evidence is the chain that decided the protocols offered as shipped.
	Evidence []finding.Step `json:"evidence,omitempty"`
	// Fixes are ranked: those that alone make the pair work come first.
	Fixes []Fix `json:"fixes,omitempty"`
}

// Side is the pair under one registry state.
type Side struct {
	Verdict      Verdict            `json:"verdict"`
	Offered      []finding.Protocol `json:"offered"`
	Accepted     []finding.Protocol `json:"accepted"`
	Common       []finding.Protocol `json:"common"`
	Negotiated   *finding.Protocol  `json:"negotiated,omitempty"`
	Suite        string             `json:"suite,omitempty"`
	StrongCrypto bool               `json:"strong_crypto"`
	Reason       string             `json:"reason"`
}

// UserError is what a failing connection reports through one API.
type UserError struct {
	API     string `json:"api"`
	Message string `json:"message"`
}

// Fix is one way to make a pair work.
type Fix struct {
	Rank int `json:"rank"`
	// Kind is "code", "switch", "retarget", "package", "endpoint" or "host".
	Kind     string            `json:"kind"`
	Title    string            `json:"title"`
	Detail   string            `json:"detail,omitempty"`
	Location *finding.Location `json:"location,omitempty"`
	Command  string            `json:"command,omitempty"`
	// Sufficient: this fix alone makes the pair work (computed by
	// re-running the application model with the fix applied).
	Sufficient bool `json:"sufficient"`
	// Result is the pair's verdict with the fix applied, and the protocol
	// it would negotiate.
	Result     Verdict           `json:"result"`
	Negotiated *finding.Protocol `json:"negotiated,omitempty"`
}

// Evaluate judges the input. It does no I/O.
func Evaluate(in Input) *Decision {
	p := in.Policy
	if p == nil {
		p, _ = policy.Builtin(policy.Default)
	}
	d := &Decision{Policy: p.Name, FailOn: in.FailOn, Host: p.Client}
	if in.PolicyRef != "" {
		d.Policy = in.PolicyRef
	}
	if d.FailOn == finding.None {
		d.FailOn = p.FailOn
	}
	if in.Scan != nil {
		d.Report = *in.Scan
		d.Findings = append([]finding.Finding(nil), in.Scan.Findings...)
		d.Notifications = append([]finding.Notification(nil), in.Scan.Notifications...)
		d.Inconclusive = append([]string(nil), in.Scan.Inconclusive...)
		d.Rules = append([]finding.Rule(nil), in.Scan.Rules...)
	}
	d.SchemaVersion = SchemaVersion
	have := map[string]bool{}
	for _, r := range d.Rules {
		have[r.ID] = true
	}
	for _, r := range Rules() {
		if !have[r.ID] {
			d.Rules = append(d.Rules, r)
		}
	}
	if d.Findings == nil {
		d.Findings = []finding.Finding{}
	}
	if d.Applications == nil {
		d.Applications = []finding.Application{}
	}
	if d.Notifications == nil {
		d.Notifications = []finding.Notification{}
	}
	d.Endpoints = []EndpointReport{}
	d.Pairs = []Pair{}

	var own []finding.Finding
	for i := range in.Endpoints {
		ep := &in.Endpoints[i]
		r := &ep.Result
		apps := append([]string{}, ep.Applications...)
		sort.Strings(apps)
		er := EndpointReport{Result: *r, Applications: apps, Origins: ep.Origins, Conclusive: r.Conclusive()}
		if er.Origins == nil {
			er.Origins = []Origin{}
		}
		d.Endpoints = append(d.Endpoints, er)
		own = append(own, endpointFindings(p, r)...)
		if !er.Conclusive {
			d.Inconclusive = append(d.Inconclusive, r.Target)
			d.Notifications = append(d.Notifications, finding.Notification{
				RuleID: NoteInconclusive, Level: finding.Warning,
				Message: fmt.Sprintf("endpoint %s: %s", r.Target, inconclusiveWhy(r)),
			})
		}
	}
	for ai := range d.Applications {
		app := &d.Applications[ai]
		if app.Kind == "library" {
			continue
		}
		for i := range in.Endpoints {
			ep := &in.Endpoints[i]
			if !calls(ep, app.Name) {
				continue
			}
			pair, fs := evaluatePair(in, p, app, &ep.Result)
			d.Pairs = append(d.Pairs, pair)
			own = append(own, fs...)
			if pair.Verdict == Inconclusive {
				d.Inconclusive = append(d.Inconclusive, app.Name+" → "+ep.Result.Target)
				d.Notifications = append(d.Notifications, finding.Notification{
					RuleID: NoteInconclusive, Level: finding.Warning,
					Message: fmt.Sprintf("pair %s → %s is inconclusive: %s", app.Name, ep.Result.Target, pair.Reason),
				})
			}
		}
	}
	own, notes := applySuppressions(p, own, in.Now)
	d.Notifications = append(d.Notifications, notes...)
	for i := range own {
		own[i].SetFingerprint()
	}
	d.Findings = finding.Sort(append(d.Findings, own...))
	d.decide()
	return d
}

func calls(ep *Endpoint, app string) bool {
	if len(ep.Applications) == 0 {
		return true
	}
	for _, a := range ep.Applications {
		if strings.EqualFold(a, app) {
			return true
		}
	}
	return false
}

func inconclusiveWhy(r *probe.Result) string {
	var order []string
	by := map[string][]string{}
	for _, p := range finding.Protocols {
		st := r.Protocols[p.Key()]
		if st == probe.Accepted || st == probe.Rejected {
			continue
		}
		why := r.ProtocolDetails[p.Key()].Reason
		if why == "" {
			why = "no answer"
		}
		if _, ok := by[why]; !ok {
			order = append(order, why)
		}
		by[why] = append(by[why], p.String())
	}
	parts := make([]string, 0, len(order))
	for _, why := range order {
		parts = append(parts, strings.Join(by[why], ", ")+": "+why)
	}
	msg := "inconclusive (" + strings.Join(parts, "; ") + ")"
	if len(order) == 0 && len(r.Errors) > 0 {
		msg = "inconclusive: " + r.Errors[0]
	}
	return msg
}

// decide sets Verdict and Reasons.
func (d *Decision) decide() {
	var failing, inconclusive []string
	var pairs, endpoints, repo int
	for _, f := range d.Findings {
		if f.Suppressed() || f.Level < d.FailOn || f.Level == finding.None {
			continue
		}
		failing = append(failing, f.String())
		switch {
		case strings.HasPrefix(f.RuleID, "TLS2"):
			pairs++
		case strings.HasPrefix(f.RuleID, "TLS1"):
			endpoints++
		default:
			repo++
		}
	}
	// Incompatible and policy pairs fail through their TLS2nn findings (level
	// error, so at or above every --fail-on); a policy suppression of such a
	// finding is the only way to accept a failing pair.
	inconclusive = append(inconclusive, d.Inconclusive...)
	switch {
	case len(failing) > 0:
		d.Verdict = Fail
		var parts []string
		if pairs > 0 {
			parts = append(parts, plural(pairs, "application × endpoint pair fails", "application × endpoint pairs fail"))
		}
		if endpoints > 0 {
			parts = append(parts, plural(endpoints, "endpoint finding", "endpoint findings"))
		}
		if repo > 0 {
			parts = append(parts, plural(repo, "repository finding", "repository findings"))
		}
		d.Reasons = append(d.Reasons, fmt.Sprintf("%s (at or above %s)", strings.Join(parts, ", "), d.FailOn))
		d.Reasons = append(d.Reasons, dedupe(failing)...)
		if len(inconclusive) > 0 {
			d.Reasons = append(d.Reasons, "also inconclusive: "+strings.Join(dedupe(inconclusive), ", "))
		}
	case len(inconclusive) > 0:
		d.Verdict = OutcomeUnknown
		d.Reasons = append(d.Reasons, "nothing failed, but these could not be judged: "+strings.Join(dedupe(inconclusive), ", "))
	default:
		d.Verdict = Pass
		msg := fmt.Sprintf("no finding at or above %s", d.FailOn)
		if len(d.Pairs) > 0 {
			msg += ", " + plural(len(d.Pairs), "pair compatible", "pairs compatible")
		}
		d.Reasons = append(d.Reasons, msg)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// evaluatePair judges one application × endpoint pair.
func evaluatePair(in Input, p *policy.Policy, app *finding.Application, r *probe.Result) (Pair, []finding.Finding) {
	offer := func(a *finding.Application, host policy.Host, state string) Offer {
		if in.Offer == nil {
			return offerFromFacts(a, state)
		}
		return in.Offer(a, host, state)
	}
	shipped := offer(app, p.Client, finding.StateAsShipped)
	pkg := offer(app, p.Client, finding.StateWithPackage)
	pr := Pair{Application: app.Name, Endpoint: r.Target}
	pr.AsShipped = side(p, p.Client.OS, shipped, r)
	pr.WithPackage = side(p, p.Client.OS, pkg, r)
	pr.Verdict = pr.AsShipped.Verdict
	pr.Reason = pr.AsShipped.Reason
	pr.Evidence = append(targetSteps(app), shipped.Steps...)
	var fs []finding.Finding
	where := decisiveLocation(app, shipped.Steps)
	ep := &finding.Endpoint{Target: r.Target, Address: r.Address, SNI: r.SNI}
	switch pr.Verdict {
	case Incompatible, PolicyFail:
		pr.Fixes = fixes(in, p, app, r, offer)
		rule := RuleNoCommonProtocol
		switch {
		case pr.Verdict == PolicyFail:
			rule = RuleForbiddenOnly
		case len(pr.AsShipped.Common) > 0:
			rule = RuleNoCommonSuite
		}
		if pr.Verdict == Incompatible {
			pr.UserErrors = userErrors(app, rule == RuleNoCommonSuite)
		}
		f := finding.Finding{
			RuleID: rule, Level: finding.Error, Application: app.Name, Endpoint: ep, Location: where,
			Message:  fmt.Sprintf("%s → %s: %s", app.Name, r.Target, pr.Reason),
			Snippet:  app.Name + " " + r.Target,
			Evidence: pr.Evidence,
		}
		if len(pr.UserErrors) > 0 {
			f.Message += fmt.Sprintf("; the application will fail with %q", pr.UserErrors[0].Message)
		}
		f.Fix = fixSummary(pr.Fixes, endpointAdvice(p, shipped, r, pr.AsShipped))
		fs = append(fs, f)
	case Compatible:
		if pr.WithPackage.Verdict == Incompatible {
			fs = append(fs, finding.Finding{
				RuleID: RulePackageBreaks, Level: finding.Note, Application: app.Name, Endpoint: ep, Location: where,
				Message: fmt.Sprintf("%s → %s works as shipped, but with the %s package applied: %s", app.Name, r.Target, p.Name, pr.WithPackage.Reason),
				Snippet: app.Name + " " + r.Target,
				Fix:     "upgrade the endpoint before rolling out the package",
			})
		}
	}
	return pr, fs
}

// side judges one registry state of a client on OS family os.
func side(p *policy.Policy, os string, o Offer, r *probe.Result) Side {
	s := Side{StrongCrypto: o.StrongCrypto, Offered: o.Protocols.List()}
	accepted := r.Accepts()
	var unsure finding.ProtocolSet
	for _, q := range finding.Protocols {
		st := r.Protocols[q.Key()]
		if st != probe.Accepted && st != probe.Rejected {
			unsure = unsure.With(q)
		}
	}
	s.Accepted = accepted.List()
	common := o.Protocols & accepted
	s.Common = common.List()
	maybe := o.Protocols & unsure
	switch {
	case o.Protocols == 0:
		s.Verdict = Incompatible
		s.Reason = "the application offers no protocol that SChannel allows in this registry state"
		for i := len(o.Steps) - 1; i >= 0; i-- {
			if t := o.Steps[i].Text; strings.Contains(t, "⇒") || strings.Contains(t, "SChannel") {
				s.Reason += " (" + t + ")"
				break
			}
		}
		return s
	case common == 0 && maybe != 0:
		s.Verdict = Inconclusive
		s.Reason = fmt.Sprintf("the application offers %s; the probe could not tell whether the endpoint accepts %s", names(o.Protocols), names(maybe))
		return s
	case common == 0:
		s.Verdict = Incompatible
		s.Reason = fmt.Sprintf("no protocol in common: the application offers %s, the endpoint accepts %s", names(o.Protocols), names(accepted))
		return s
	}
	neg := highest(common)
	if hi := highest(maybe); maybe != 0 && hi > neg {
		s.Verdict = Inconclusive
		s.Reason = fmt.Sprintf("the application and the endpoint share %s, but the probe could not tell whether the endpoint accepts %s, which would be negotiated instead", names(common), hi)
		return s
	}
	s.Negotiated = &neg
	ok, suite, why := suiteOverlap(os, o.StrongCrypto, neg, r)
	s.Suite = suite
	switch ok {
	case no:
		s.Verdict = Incompatible
		s.Reason = fmt.Sprintf("%s is negotiated but no cipher suite is in common: %s", neg, why)
	case unknown:
		s.Verdict = Inconclusive
		s.Reason = fmt.Sprintf("%s is negotiated; %s", neg, why)
	default:
		if neg < p.MinVersion {
			s.Verdict = PolicyFail
			s.Reason = fmt.Sprintf("connects only over %s, below the policy minimum %s (the application offers %s, the endpoint accepts %s)", neg, p.MinVersion, names(o.Protocols), names(accepted))
		} else {
			s.Verdict = Compatible
			s.Reason = fmt.Sprintf("negotiates %s", neg)
			if suite != "" {
				s.Reason += " with " + suite
			}
			// The handshake works, but a validating client still rejects
			// the certificate: say so next to the ✓ (the endpoint finding
			// fails the gate).
			if c := r.Certificate; c != nil {
				switch {
				case c.Expired || c.NotYetValid:
					s.Reason += "; but the certificate is not valid now, so the application rejects it (TLS104)"
				case !c.ChainValid:
					s.Reason += "; but the certificate chain does not verify, so the application rejects it (TLS103)"
				}
			}
		}
	}
	return s
}

func highest(s finding.ProtocolSet) finding.Protocol {
	l := s.List()
	if len(l) == 0 {
		return finding.SSL20
	}
	return l[len(l)-1]
}

func names(s finding.ProtocolSet) string {
	l := s.List()
	if len(l) == 0 {
		return "nothing"
	}
	parts := make([]string, len(l))
	for i, p := range l {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

// userErrors returns the errors the application will see.
func userErrors(app *finding.Application, cipher bool) []UserError {
	inner := "The client and server cannot communicate, because they do not possess a common algorithm."
	if app.Runtime == "powershell" {
		return []UserError{{API: "Invoke-WebRequest / Invoke-RestMethod", Message: "The underlying connection was closed: An unexpected error occurred on a send."}}
	}
	if app.Runtime == "native" {
		return []UserError{{API: "WinHTTP", Message: "ERROR_WINHTTP_SECURE_FAILURE (12175): A security error occurred"}}
	}
	if app.Runtime == "netcore" {
		return []UserError{{API: "HttpClient", Message: "The SSL connection could not be established, see inner exception."}}
	}
	out := []UserError{
		{API: "HttpWebRequest / WebClient / WCF over HTTPS", Message: "The underlying connection was closed: An unexpected error occurred on a send."},
		{API: "SslStream", Message: "Authentication failed because the remote party has closed the transport stream."},
	}
	if cipher {
		out[1].Message = "A call to SSPI failed, see inner exception. (" + inner + ")"
	}
	return out
}

// targetSteps returns the scanner's steps that decided the application's
// effective target: its evidence chain up to the model's own steps (which
// start with the assumed host and are recomputed for the policy's host).
func targetSteps(app *finding.Application) []finding.Step {
	var out []finding.Step
	for _, s := range app.Evidence {
		if strings.HasPrefix(s.Text, "assumed host") {
			break
		}
		out = append(out, s)
	}
	return out
}

// decisiveLocation is where a pair finding is reported: the code that sets
// the protocols, else the last located step of the model (a switch or a
// registry write), else the step that decided the effective target, else
// the project file.
func decisiveLocation(app *finding.Application, steps []finding.Step) finding.Location {
	if app.CodeProtocols != nil && app.CodeProtocols.Location.Path != "" {
		return app.CodeProtocols.Location
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Location.Path != "" {
			return steps[i].Location
		}
	}
	ts := targetSteps(app)
	for _, s := range ts {
		if s.Location.Path != "" && strings.Contains(s.Text, "⇒") {
			return s.Location
		}
	}
	for _, s := range ts {
		if s.Location.Path != "" {
			return s.Location
		}
	}
	return finding.Location{Path: app.ProjectFile}
}

// offerFromFacts is used when no model is given: the scanner's
// OfferedProtocols for the default host.
func offerFromFacts(app *finding.Application, state string) Offer {
	o := Offer{Protocols: finding.SetOf(app.OfferedProtocols[state]...), StrongCrypto: app.StrongCrypto[state]}
	o.Steps = app.Evidence
	return o
}

// applySuppressions marks findings suppressed by the policy (rule id plus
// an endpoint or path glob), and reports expired suppressions and endpoint
// or pair suppressions (TLS1nn, TLS2nn) that matched nothing; the scanner
// reports its own (TLS0nn).
func applySuppressions(p *policy.Policy, fs []finding.Finding, now time.Time) ([]finding.Finding, []finding.Notification) {
	var notes []finding.Notification
	used := make([]bool, len(p.Suppressions))
	at := func(s policy.Suppression) finding.Location {
		return finding.Location{Path: p.Name, StartLine: s.Line, StartCol: s.Column}
	}
	for i := range fs {
		f := &fs[i]
		for si, s := range p.Suppressions {
			if s.Rule != f.RuleID || !suppressionMatches(s, f) {
				continue
			}
			used[si] = true
			if s.Expired(now) {
				f.Note = fmt.Sprintf("its policy suppression expired on %s", s.Expires)
				notes = append(notes, finding.Notification{RuleID: NoteSuppressionExpired, Level: finding.Warning,
					Message:  fmt.Sprintf("suppression of %s expired on %s; the finding is reported again", s.Rule, s.Expires),
					Location: at(s)})
				continue
			}
			f.Suppression = &finding.Suppression{Kind: "policy", Reason: s.Reason, Expires: s.Expires, Source: fmt.Sprintf("%s:%d", p.Name, s.Line)}
			break
		}
	}
	for si, s := range p.Suppressions {
		if used[si] || !(strings.HasPrefix(s.Rule, "TLS1") || strings.HasPrefix(s.Rule, "TLS2")) {
			continue
		}
		target := s.Endpoint
		if target == "" {
			target = s.Path
		}
		notes = append(notes, finding.Notification{RuleID: NoteSuppressionUnused, Level: finding.Note,
			Message: fmt.Sprintf("unused policy suppression: %s for %q matched no finding", s.Rule, target), Location: at(s)})
	}
	return fs, notes
}

func suppressionMatches(s policy.Suppression, f *finding.Finding) bool {
	if s.Endpoint != "" {
		if f.Endpoint == nil {
			return false
		}
		ok, _ := path.Match(s.Endpoint, f.Endpoint.Target)
		if !ok {
			return false
		}
	}
	if s.Path != "" {
		ok, _ := path.Match(s.Path, f.Location.Path)
		if !ok && !strings.HasSuffix(s.Path, "**") {
			return false
		}
		if !ok && !strings.HasPrefix(f.Location.Path, strings.TrimSuffix(s.Path, "**")) {
			return false
		}
	}
	return true
}
