// Package discover finds the TLS endpoints applications call, from their
// configuration files: URLs in appSettings and applicationSettings,
// connection strings where TLS applies, WCF client endpoint addresses,
// appsettings*.json values and Visual Studio .settings files.
//
// Each endpoint is attributed to the application that owns the
// configuration. Values with placeholders or tokens (#{Host}#, $(Var),
// {{x}}, %VAR%, ${x}, __X__) are reported as not probeable, never guessed.
// Discovery only reads files; whether an endpoint is probed is the
// caller's decision (--discover, allow/deny lists).
package discover

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/probe"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// Endpoint is one endpoint reference found in a configuration file.
type Endpoint struct {
	// Text is the value as written (truncated to 200 characters).
	Text string `json:"text"`
	// Target is the normalised host:port to probe ("" when not probeable).
	Target string `json:"target,omitempty"`
	// Host is the host name as written.
	Host string `json:"host,omitempty"`
	// StartTLS is the plaintext protocol spoken before TLS ("" = direct).
	StartTLS string `json:"starttls,omitempty"`
	// Application owns the configuration ("" when no application does).
	Application string           `json:"application,omitempty"`
	Location    finding.Location `json:"location"`
	// Source is where the value sits: "appSettings", "applicationSettings",
	// "connectionStrings", "wcf-client", "appsettings.json", "settings".
	Source string `json:"source"`
	// Probeable is false for placeholders and for TLS a probe cannot speak
	// (SQL Server's TDS-wrapped TLS, MySQL); Reason says why.
	Probeable bool   `json:"probeable"`
	Reason    string `json:"reason,omitempty"`
}

// Files returns the endpoints referenced by the files, attributed to apps.
// Files of other kinds are ignored. The result is sorted by path and line.
func Files(files []*source.File, apps []finding.Application) []Endpoint {
	var out []Endpoint
	for _, f := range files {
		var found []Endpoint
		switch {
		case f.Kind == source.Config || f.Kind == source.Settings:
			found = fromXML(f)
		case f.Kind == source.JSON:
			found = fromJSON(f)
		default:
			continue
		}
		owner := ownerOf(f.Path, apps)
		for i := range found {
			found[i].Application = owner
		}
		out = append(out, found...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Location, out[j].Location
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return a.StartCol < b.StartCol
	})
	return out
}

// IsConfig reports whether a repository path is a file discovery reads.
func IsConfig(p string) bool {
	switch source.KindOf(p) {
	case source.Config, source.Settings, source.JSON:
		return true
	}
	return false
}

// ownerOf attributes a configuration to the application that lists it,
// else to the application whose project directory is the closest parent.
func ownerOf(p string, apps []finding.Application) string {
	for _, a := range apps {
		for _, c := range a.Configs {
			if strings.EqualFold(c, p) {
				return a.Name
			}
		}
	}
	best, bestLen := "", -1
	dir := path.Dir(p)
	for _, a := range apps {
		if a.ProjectFile == "" || a.Kind == "library" {
			continue
		}
		pd := path.Dir(a.ProjectFile)
		if pd == "." || dir == pd || strings.HasPrefix(dir+"/", pd+"/") {
			l := len(pd)
			if pd == "." {
				l = 0
			}
			if l > bestLen {
				best, bestLen = a.Name, l
			}
		}
	}
	return best
}

// placeholder matches deployment tokens that stand for a value supplied
// later: #{Host}#, $(Var), ${var}, {{x}}, %VAR%, __TOKEN__, @@X@@.
var placeholder = regexp.MustCompile(`#\{[^}]*\}#?|\$\([^)]*\)|\$\{[^}]*\}|\{\{[^}]*\}\}|%[A-Za-z_][A-Za-z0-9_]*%|__[A-Za-z0-9_]+__|@@[A-Za-z0-9_]+@@`)

var urlKey = regexp.MustCompile(`(?i)(url|uri|endpoint|baseaddress|address|host)`)

// tokenOnly reports a value that is entirely a placeholder under a key that
// names an address (ApiUrl = #{ApiUrl}#): an endpoint that cannot be probed.
func tokenOnly(key, v string) (Endpoint, bool) {
	v = strings.TrimSpace(v)
	m := placeholder.FindString(v)
	if m == "" || m != v || !urlKey.MatchString(key) {
		return Endpoint{}, false
	}
	return Endpoint{Text: clip(v), Reason: "the value of " + key + " is a placeholder (" + m + "), supplied at deployment; list the real endpoint with --endpoint or in the policy"}, true
}

var urlRe = regexp.MustCompile(`(?i)\b(https|wss|ldaps|smtps|imaps|pop3s|ftps)://[^\s"'<>;,]+`)

// fromURL classifies a URL value; ok is false when the value is no TLS URL.
func fromURL(text string) (Endpoint, bool) {
	m := urlRe.FindString(text)
	if m == "" {
		// A placeholder standing for the whole URL, with a TLS scheme.
		return Endpoint{}, false
	}
	e := Endpoint{Text: clip(text)}
	scheme := strings.ToLower(m[:strings.Index(m, ":")])
	rest := m[len(scheme)+3:]
	hostport := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		hostport = rest[:i]
	}
	if i := strings.LastIndex(hostport, "@"); i >= 0 {
		hostport = hostport[i+1:]
	}
	e.Host = hostport
	if h, _, ok := cutPort(hostport); ok {
		e.Host = h
	}
	if placeholder.MatchString(hostport) {
		e.Reason = "the host is a placeholder (" + placeholder.FindString(hostport) + "), supplied at deployment; list the real endpoint with --endpoint or in the policy"
		return e, true
	}
	t, err := probe.ParseTarget(scheme + "://" + hostport)
	if err != nil {
		e.Reason = "not a valid host: " + err.Error()
		return e, true
	}
	e.Target, e.StartTLS, e.Probeable = t.String(), t.StartTLS, true
	return e, true
}

func cutPort(hp string) (string, string, bool) {
	if strings.HasPrefix(hp, "[") {
		if i := strings.Index(hp, "]"); i > 0 {
			return hp[1:i], strings.TrimPrefix(hp[i+1:], ":"), true
		}
	}
	if i := strings.LastIndex(hp, ":"); i >= 0 && strings.Count(hp, ":") == 1 {
		return hp[:i], hp[i+1:], true
	}
	return hp, "", false
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		return string(r[:197]) + "..."
	}
	return s
}

// fromConnectionString decides whether TLS applies to a connection string
// and where it points. ok is false when TLS does not apply.
func fromConnectionString(cs, provider string) (Endpoint, bool) {
	if e, ok := fromURL(cs); ok && strings.Contains(strings.ToLower(cs), "://") {
		return e, true
	}
	kv := map[string]string{}
	for _, part := range strings.Split(cs, ";") {
		k, v, found := strings.Cut(part, "=")
		if !found {
			continue
		}
		kv[strings.ToLower(strings.Join(strings.Fields(k), " "))] = strings.TrimSpace(strings.Trim(strings.TrimSpace(v), `"'`))
	}
	get := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := kv[k]; ok {
				return v
			}
		}
		return ""
	}
	e := Endpoint{Text: clip(cs)}
	lp := strings.ToLower(provider)
	sslmode := strings.ToLower(get("sslmode", "ssl mode", "ssl-mode"))
	encrypt := strings.ToLower(get("encrypt"))
	switch {
	case get("host", "hostname") != "" && (strings.Contains(lp, "npgsql") || strings.Contains(lp, "postgres") || sslmode != "" && get("data source", "server") == ""):
		// PostgreSQL (Npgsql): TLS when SslMode is Require / VerifyCA / VerifyFull.
		if !(sslmode == "require" || sslmode == "verifyca" || sslmode == "verify-ca" || sslmode == "verifyfull" || sslmode == "verify-full") {
			return Endpoint{}, false
		}
		host, port := get("host", "hostname"), get("port")
		if port == "" {
			port = "5432"
		}
		return withTarget(e, host, port, "postgres"), true
	case sslmode == "required" || sslmode == "verifyca" || sslmode == "verifyfull" || strings.Contains(lp, "mysql"):
		if sslmode == "" || sslmode == "none" || sslmode == "disabled" || sslmode == "preferred" {
			return Endpoint{}, false
		}
		e.Host = get("server", "host", "data source")
		e.Reason = "MySQL negotiates TLS inside its own protocol, which tlsgate cannot probe; list a TLS port with --endpoint if there is one"
		return e, true
	case encrypt == "strict":
		// SQL Server TDS 8.0: the connection starts with TLS, like HTTPS.
		host, port := sqlServer(get("server", "data source", "address", "addr", "network address"))
		return withTarget(e, host, port, ""), true
	case encrypt == "true" || encrypt == "yes" || encrypt == "mandatory":
		host, _ := sqlServer(get("server", "data source", "address", "addr", "network address"))
		e.Host = host
		if placeholder.MatchString(host) {
			e.Reason = "the host is a placeholder (" + placeholder.FindString(host) + "), supplied at deployment"
			return e, true
		}
		e.Reason = "SQL Server wraps TLS in TDS pre-login packets (Encrypt=True), which tlsgate cannot probe; with Encrypt=Strict (TDS 8.0) it can"
		return e, true
	}
	return Endpoint{}, false
}

// sqlServer splits "tcp:host,1433", "host\instance" and "host,port".
func sqlServer(s string) (string, string) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "tcp:"), "TCP:")
	port := "1433"
	if i := strings.LastIndex(s, ","); i >= 0 {
		port = strings.TrimSpace(s[i+1:])
		s = s[:i]
	}
	if i := strings.Index(s, `\`); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s), port
}

func withTarget(e Endpoint, host, port, starttls string) Endpoint {
	e.Host = host
	if host == "" {
		e.Reason = "no host in the connection string"
		return e
	}
	if placeholder.MatchString(host) || placeholder.MatchString(port) {
		e.Reason = "the host is a placeholder (" + placeholder.FindString(host+port) + "), supplied at deployment; list the real endpoint with --endpoint or in the policy"
		return e
	}
	hp := host + ":" + port
	if strings.Contains(host, ":") {
		hp = "[" + host + "]:" + port
	}
	t, err := probe.ParseTarget(hp)
	if err != nil {
		e.Reason = "not a valid host: " + err.Error()
		return e
	}
	e.Target, e.StartTLS, e.Probeable = t.String(), starttls, true
	return e
}

// fromXML reads .config and .settings files.
func fromXML(f *source.File) []Endpoint {
	var out []Endpoint
	dec := xml.NewDecoder(strings.NewReader(f.Text))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var stack []string
	var textStart int
	var text bytes.Buffer
	inSection := func(name string) bool {
		for _, s := range stack {
			if strings.EqualFold(s, name) {
				return true
			}
		}
		return false
	}
	for {
		start := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			break
		}
		end := int(dec.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			stack = append(stack, name)
			text.Reset()
			textStart = end
			attr := func(n string) (string, finding.Location, bool) {
				for _, a := range t.Attr {
					if strings.EqualFold(a.Name.Local, n) {
						return a.Value, attrLoc(f, start, end, a.Name.Local), true
					}
				}
				return "", finding.Location{}, false
			}
			switch {
			case strings.EqualFold(name, "add") && inSection("appSettings"):
				if v, l, ok := attr("value"); ok {
					k, _, _ := attr("key")
					if e, ok := fromURL(v); ok {
						e.Location, e.Source = l, "appSettings"
						out = append(out, e)
					} else if e, ok := tokenOnly(k, v); ok {
						e.Location, e.Source = l, "appSettings"
						out = append(out, e)
					}
				}
			case strings.EqualFold(name, "add") && inSection("connectionStrings"):
				if v, l, ok := attr("connectionString"); ok {
					prov, _, _ := attr("providerName")
					if e, ok := fromConnectionString(v, prov); ok {
						e.Location, e.Source = l, "connectionStrings"
						out = append(out, e)
					}
				}
			case strings.EqualFold(name, "endpoint") && inSection("client") && inSection("system.serviceModel"):
				if v, l, ok := attr("address"); ok {
					if e, ok := fromURL(v); ok {
						e.Location, e.Source = l, "wcf-client"
						out = append(out, e)
					} else if strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "net.tcp://") {
						out = append(out, Endpoint{Text: clip(v), Location: l, Source: "wcf-client",
							Reason: "WCF net.tcp runs TLS inside the .NET message framing protocol, which tlsgate cannot probe"})
					}
				}
			case strings.EqualFold(name, "network") && inSection("smtp") && inSection("mailSettings"):
				// System.Net.Mail.SmtpClient: EnableSsl means STARTTLS (it
				// has no implicit TLS), default port 25.
				ssl, _, _ := attr("enableSsl")
				if !strings.EqualFold(strings.TrimSpace(ssl), "true") {
					break
				}
				host, l, ok := attr("host")
				if !ok {
					break
				}
				port, _, _ := attr("port")
				if strings.TrimSpace(port) == "" {
					port = "25"
				}
				e := withTarget(Endpoint{Text: clip(host + ":" + port)}, strings.TrimSpace(host), strings.TrimSpace(port), "smtp")
				e.Location, e.Source = l, "mailSettings"
				out = append(out, e)
			}
		case xml.CharData:
			if text.Len() == 0 {
				textStart = start
			}
			text.Write(t)
		case xml.EndElement:
			if len(stack) > 0 {
				name := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				v := strings.TrimSpace(text.String())
				if strings.EqualFold(name, "value") && v != "" && (inSection("applicationSettings") || inSection("Settings") || f.Kind == source.Settings) {
					if e, ok := fromURL(v); ok {
						off := textStart + strings.Index(f.Text[textStart:start], strings.TrimSpace(v)[:1])
						e.Location = f.Range(off, off+len(v))
						e.Source = "applicationSettings"
						if f.Kind == source.Settings {
							e.Source = "settings"
						}
						out = append(out, e)
					}
				}
			}
			text.Reset()
		}
	}
	return out
}

// attrLoc locates attribute name within the start tag [start, end).
func attrLoc(f *source.File, start, end int, name string) finding.Location {
	if end > len(f.Text) {
		end = len(f.Text)
	}
	tag := f.Text[start:end]
	low := strings.ToLower(tag)
	for from := 0; ; {
		i := strings.Index(low[from:], strings.ToLower(name))
		if i < 0 {
			break
		}
		i += from
		j := i + len(name)
		before := i > 0 && (low[i-1] == ' ' || low[i-1] == '\t' || low[i-1] == '\n' || low[i-1] == '\r')
		rest := strings.TrimLeft(low[j:], " \t\r\n")
		if before && strings.HasPrefix(rest, "=") {
			vEnd := j
			if q := strings.IndexAny(tag[j:], `"'`); q >= 0 {
				quote := tag[j+q]
				if k := strings.IndexByte(tag[j+q+1:], quote); k >= 0 {
					vEnd = j + q + 1 + k + 1
				}
			}
			return f.Range(start+i, start+vEnd)
		}
		from = j
	}
	return f.Range(start, end)
}

// fromJSON reads appsettings*.json: every string value that is a TLS URL,
// and connection strings under "ConnectionStrings".
func fromJSON(f *source.File) []Endpoint {
	var out []Endpoint
	dec := json.NewDecoder(strings.NewReader(f.Text))
	type frame struct {
		obj bool
		key string
	}
	var stack []frame
	expectKey := false
	var lastKey string
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			break
		}
		after := int(dec.InputOffset())
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{obj: true, key: lastKey})
				expectKey = true
			case '[':
				stack = append(stack, frame{key: lastKey})
				expectKey = false
			default:
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
				expectKey = len(stack) > 0 && stack[len(stack)-1].obj
			}
			continue
		case string:
			if expectKey {
				lastKey = t
				expectKey = false
				continue
			}
			// Locate the string literal: the first quote after before.
			q := strings.IndexByte(f.Text[before:after], '"')
			off := before
			if q >= 0 {
				off += q
			}
			inCS := false
			for _, fr := range stack {
				if strings.EqualFold(fr.key, "ConnectionStrings") {
					inCS = true
				}
			}
			var e Endpoint
			var ok bool
			if inCS {
				e, ok = fromConnectionString(t, "")
				e.Source = "connectionStrings"
			} else {
				e, ok = fromURL(t)
				if !ok {
					e, ok = tokenOnly(lastKey, t)
				}
				e.Source = "appsettings.json"
			}
			if ok {
				e.Location = f.Range(off, after)
				out = append(out, e)
			}
		}
		expectKey = len(stack) > 0 && stack[len(stack)-1].obj
	}
	return out
}

// Filter splits endpoints by the allow and deny host globs (deny wins; an
// empty allow list allows every host). Patterns are matched against the
// host, case-insensitively, with path.Match syntax ("*.example.com").
func Filter(eps []Endpoint, allow, deny []string) (keep, dropped []Endpoint) {
	match := func(pats []string, host string) bool {
		host = strings.ToLower(host)
		for _, p := range pats {
			if ok, _ := path.Match(strings.ToLower(p), host); ok {
				return true
			}
		}
		return false
	}
	for _, e := range eps {
		host := e.Host
		if e.Target != "" {
			if t, err := probe.ParseTarget(e.Target); err == nil {
				host = t.Host
			}
		}
		switch {
		case match(deny, host):
			e.Reason = "host " + host + " is in discover_deny"
			dropped = append(dropped, e)
		case len(allow) > 0 && !match(allow, host):
			e.Reason = "host " + host + " is not in discover_allow"
			dropped = append(dropped, e)
		default:
			keep = append(keep, e)
		}
	}
	return keep, dropped
}
