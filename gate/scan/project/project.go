// Package project is the scanner's application model and the analyzers for
// the non-code file kinds: XML configuration (app.config, web.config and its
// xdt transforms), MSBuild project files, packages.config, C/C++ (WinHTTP,
// SChannel, WinINet), registry artifacts (.reg, reg.exe in batch, shell and
// Dockerfiles, WiX RegistryValue), Dockerfiles and openssl.cnf.
//
// Analyze finds the application hosts of a repository (projects that build an
// exe, a service or a web app, and Windows PowerShell scripts), computes the
// effective target framework each one runs with, the AppContext switches,
// code facts and repository registry artifacts that affect it, and from that
// the protocols it will offer, with the evidence chain (detection-rules.md §5).
// It reports rules TLS008–TLS018.
package project

import (
	"context"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// Input is what the scan pipeline hands to the application model: every
// decoded file, the facts its code analyzers extracted, and the assumed host.
type Input struct {
	Files []*source.File
	Facts []source.Fact
	// Host is the assumed client host; the zero value means the default
	// (Windows Server 2019 with .NET Framework 4.8).
	Host policy.Host
}

// Result is the application model and the findings of this package's rules.
type Result struct {
	Applications  []finding.Application
	Findings      []finding.Finding // TLS008–TLS018 and the app-level TLS009/TLS010/TLS011
	Notifications []finding.Notification

	hosts   []hostRule
	mu      sync.Mutex // guards scripts
	scripts map[string]*finding.Application
	host    policy.Host
}

// hostRule maps code files to the application whose build includes them.
type hostRule struct {
	app   int // index into Applications
	dir   string
	glob  bool                // SDK-style: every code file under dir
	items map[string]bool     // old-style: explicit Compile/Content items (lower-case paths)
	pats  []string            // old-style wildcard items
	excl  map[string]struct{} // nested project directories excluded from glob
}

// DefaultHost is the host assumed when none is given (CONTRACTS.md `gate`).
func DefaultHost() policy.Host {
	return policy.Host{OS: "win10", OSName: "Windows Server 2019", DotNet: "4.8"}
}

func normHost(h policy.Host) policy.Host {
	d := DefaultHost()
	if h.OS == "" {
		h.OS = d.OS
		if h.OSName == "" {
			h.OSName = d.OSName
		}
	}
	if h.OSName == "" {
		h.OSName = osName(h.OS)
	}
	if h.DotNet == "" {
		h.DotNet = d.DotNet
	}
	return h
}

// Analyze runs the analyzers of this package over the files and builds the
// application model. It never fails: unreadable or malformed files become
// notifications. A cancelled ctx stops early with what was found so far.
func Analyze(ctx context.Context, in Input) *Result {
	a := newAnalysis(in)
	a.run(ctx)
	r := &Result{
		Applications:  a.apps,
		Findings:      a.findings,
		Notifications: a.notes,
		hosts:         a.hostRules,
		scripts:       map[string]*finding.Application{},
		host:          a.in.Host,
	}
	for i := range r.Findings {
		r.Findings[i].SetFingerprint()
	}
	r.Findings = finding.Sort(r.Findings)
	sort.SliceStable(r.Notifications, func(i, j int) bool {
		return r.Notifications[i].Location.String() < r.Notifications[j].Location.String()
	})
	return r
}

// HostOf returns the applications whose build includes path (a code file:
// SDK-style globbing or old-style <Compile Include>), or that run the script
// at path; empty when none is known. path is slash-separated and relative to
// the scanned root. A PowerShell script is hosted by Windows PowerShell 5.1
// (an application of kind "script"; one not listed in Applications is made
// up on demand). Safe for concurrent use.
func (r *Result) HostOf(p string) []*finding.Application {
	if r == nil {
		return nil
	}
	p = path.Clean(strings.ReplaceAll(p, "\\", "/"))
	var out []*finding.Application
	seen := map[int]bool{}
	ps := source.KindOf(p) == source.PowerShell
	lp := strings.ToLower(p)
	for _, h := range r.hosts {
		if seen[h.app] || !h.includes(p, lp) || ps != (r.Applications[h.app].Kind == "script") {
			continue
		}
		seen[h.app] = true
		out = append(out, &r.Applications[h.app])
	}
	if len(out) > 0 {
		return out
	}
	if source.KindOf(p) == source.PowerShell {
		for i := range r.Applications {
			if r.Applications[i].Kind == "script" && r.Applications[i].ProjectFile == p {
				return []*finding.Application{&r.Applications[i]}
			}
		}
		if ext := strings.ToLower(path.Ext(p)); ext == ".ps1" || ext == ".psm1" {
			r.mu.Lock()
			defer r.mu.Unlock()
			if r.scripts == nil {
				r.scripts = map[string]*finding.Application{}
			}
			app, ok := r.scripts[p]
			if !ok {
				a := scriptApp(p, false, true, normHost(r.host))
				app = &a
				r.scripts[p] = app
			}
			return []*finding.Application{app}
		}
	}
	return nil
}

// includes reports whether the rule covers p (lp is strings.ToLower(p)).
func (h hostRule) includes(p, lp string) bool {
	if h.items[lp] {
		return true // also linked files outside the project directory
	}
	for _, pat := range h.pats {
		if globMatch(pat, lp) {
			return true
		}
	}
	if !h.glob || (h.dir != "." && !strings.HasPrefix(p, h.dir+"/")) {
		return false
	}
	rel := p
	if h.dir != "." {
		rel = p[len(h.dir)+1:]
	}
	parts := strings.Split(rel, "/")
	for i := range parts[:len(parts)-1] {
		seg := strings.ToLower(parts[i])
		if i == 0 && (seg == "bin" || seg == "obj") {
			return false
		}
		sub := path.Join(h.dir, strings.Join(parts[:i+1], "/"))
		if _, ok := h.excl[sub]; ok {
			return false
		}
	}
	return true
}
