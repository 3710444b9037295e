package project

import (
	"context"
	"fmt"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/rules"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// analysis is one run of Analyze.
type analysis struct {
	in        Input
	byPath    map[string]*source.File
	byDir     map[string][]*source.File
	docs      map[string]*xmlDoc       // parsed XML files by path
	parsed    map[*source.File]*xmlDoc // parsed ahead, in parallel (preparse)
	projects  []*project
	regWrites []regWrite
	regOwner  []string // per regWrite: the project directory it belongs to
	regScoped []bool   // per regWrite: regOwner is an ancestor scope, not a project directory
	hostCache map[string][]int
	apps      []finding.Application
	appMeta   []*appMeta
	hostRules []hostRule
	findings  []finding.Finding
	notes     []finding.Notification
}

func newAnalysis(in Input) *analysis {
	in.Host = normHost(in.Host)
	a := &analysis{in: in, byPath: map[string]*source.File{}, byDir: map[string][]*source.File{}, docs: map[string]*xmlDoc{}}
	for _, f := range in.Files {
		if f != nil {
			a.byPath[f.Path] = f
			d := dirOf(f.Path)
			a.byDir[d] = append(a.byDir[d], f)
		}
	}
	return a
}

func (a *analysis) run(ctx context.Context) {
	files := append([]*source.File(nil), a.in.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	a.preparse(files)
	for _, f := range files {
		if f == nil {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		switch f.Kind {
		case source.Config:
			a.configFile(f)
		case source.MSBuild:
			a.msbuildFile(f)
		case source.PackagesConfig:
			a.doc(f)
		case source.Native:
			a.nativeFile(f)
		case source.Reg:
			a.regFile(f)
		case source.Batch:
			a.regAddLines(f, batchLines(f))
		case source.Shell:
			a.regAddLines(f, shellLines(f))
			a.opensslScript(f, shellLines(f))
		case source.Dockerfile:
			lines := dockerRunLines(f)
			a.regAddLines(f, lines)
			a.opensslScript(f, lines)
		case source.OpenSSLConf:
			a.opensslConf(f)
		case source.WiX:
			a.wixFile(f)
		}
	}
	for _, fact := range a.in.Facts {
		if fact.Kind == source.RegistryWrite {
			w := regWrite{Key: fact.RegKey, Name: fact.RegName, Value: fact.RegValue, Delete: fact.RegDelete, Loc: fact.Location, Source: "script"}
			switch {
			case fact.RegDelete:
			case fact.RegType == "string":
				w.IsStr, w.Str = true, fact.RegString
			case fact.RegType == "dword" || fact.RegType == "qword" || fact.RegType == "":
				w.DWord = true
			default:
				continue
			}
			if f := a.byPath[fact.Location.Path]; f != nil && fact.Location.StartLine > 0 {
				w.Snippet = strings.TrimSpace(f.Line(fact.Location.StartLine))
			}
			a.regWrites = append(a.regWrites, w)
		}
	}
	a.judgeRegistry()
	if ctx.Err() != nil {
		return
	}
	a.buildApps()
}

// preparse parses the XML files the per-file rules read (run's switch) on
// all CPUs ahead of the serial rules: parseXML is a pure function of the
// file, and doc still decides when a document is used and reports its
// syntax errors, so the result is the same.
func (a *analysis) preparse(files []*source.File) {
	var todo []*source.File
	for _, f := range files {
		if f == nil {
			continue
		}
		switch f.Kind {
		case source.Config, source.MSBuild, source.WiX:
			if hasXMLShape(f.Text) {
				todo = append(todo, f)
			}
		case source.PackagesConfig:
			todo = append(todo, f)
		}
	}
	n := min(runtime.GOMAXPROCS(0), len(todo))
	if n < 2 {
		return
	}
	docs := make([]*xmlDoc, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(todo); i = int(next.Add(1) - 1) {
				docs[i] = parseXML(todo[i])
			}
		}()
	}
	wg.Wait()
	a.parsed = make(map[*source.File]*xmlDoc, len(todo))
	for i, f := range todo {
		a.parsed[f] = docs[i]
	}
}

// doc parses an XML file once; a syntax error becomes a TLS908 notification.
func (a *analysis) doc(f *source.File) *xmlDoc {
	if d, ok := a.docs[f.Path]; ok {
		return d
	}
	d, ok := a.parsed[f]
	if !ok {
		d = parseXML(f)
	}
	a.docs[f.Path] = d
	if d.Err != nil {
		msg := d.Err.Error()
		if i := strings.Index(msg, "XML syntax error on line "); i >= 0 {
			if j := strings.Index(msg[i:], ": "); j >= 0 {
				msg = msg[i+j+2:]
			}
		}
		a.notes = append(a.notes, finding.Notification{
			RuleID: rules.ParseFailure, Level: finding.Note,
			Message:  fmt.Sprintf("malformed XML: %s; rules that need the rest of the file did not see it", msg),
			Location: finding.Location{Path: f.Path, StartLine: d.Line},
		})
	}
	return d
}

// report records a finding at loc.
func (a *analysis) report(id string, lvl finding.Severity, f *source.File, loc finding.Location, snippet, msg string) *finding.Finding {
	a.findings = append(a.findings, finding.Finding{
		RuleID: id, Level: lvl, Message: msg, Location: loc, Snippet: snippet, Fix: rules.Fix(id),
	})
	return &a.findings[len(a.findings)-1]
}

func (a *analysis) reportNode(id string, lvl finding.Severity, n *node, msg string) *finding.Finding {
	return a.report(id, lvl, n.File, n.loc(), n.snippet(), msg)
}

func (a *analysis) reportAttr(id string, lvl finding.Severity, n *node, at attr, msg string) *finding.Finding {
	return a.report(id, lvl, at.File, at.loc(nil), at.File.Snippet(at.Start, at.End), msg)
}

// dirOf returns the slash directory of p ("." for the root).
func dirOf(p string) string { return path.Dir(p) }
