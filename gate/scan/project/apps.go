package project

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/scan/rules"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// appMeta is what the model keeps about an application besides the public
// finding.Application.
type appMeta struct {
	proj      *project
	dir       string // the application's directory (project or web site root)
	script    string
	declared  tfm
	hasTarget bool
	web       bool
	test      bool
	// decidedBy is "httpRuntime", "project", "gtfa" (GenerateTargetFrameworkAttribute=false) or "default".
	decidedBy  string
	decideLoc  finding.Location
	decideSnip string
	decideFile *source.File
	httpTarget string // httpRuntime@targetFramework ("" when absent)
	// httpLoc/httpSnip locate a live httpRuntime@targetFramework (httpState "ok")
	httpLoc   finding.Location
	httpSnip  string
	httpFile  *source.File
	httpState string // "missing", "no-attribute", "lower", "ok"
	cfgRoot   *node  // the effective root config (after the Release transform)
}

func isTestProject(p *project, a *analysis) bool {
	if v, _ := a.get(p, "IsTestProject"); strings.EqualFold(v, "true") {
		return true
	}
	for _, it := range p.items["packagereference"] {
		switch strings.ToLower(it.Include) {
		case "microsoft.net.test.sdk", "xunit", "nunit", "mstest.testframework":
			return true
		}
	}
	n := strings.ToLower(p.name)
	return strings.HasSuffix(n, ".tests") || strings.HasSuffix(n, ".test") || strings.HasSuffix(n, ".unittests")
}

// filesIn returns the files of the given kind directly in dir.
func (a *analysis) filesIn(dir string, kind source.Kind) []*source.File {
	var out []*source.File
	for _, f := range a.byDir[dir] {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func (a *analysis) fileNamed(dir, name string) *source.File {
	for _, f := range a.byDir[dir] {
		if strings.EqualFold(path.Base(f.Path), name) {
			return f
		}
	}
	return nil
}

func (a *analysis) hasFileExt(dir string, exts ...string) bool {
	for _, f := range a.byDir[dir] {
		e := strings.ToLower(path.Ext(f.Path))
		for _, x := range exts {
			if e == x {
				return true
			}
		}
	}
	return false
}

// buildApps finds the application hosts and judges TLS009/TLS010/TLS011.
func (a *analysis) buildApps() {
	sort.Slice(a.projects, func(i, j int) bool { return a.projects[i].file.Path < a.projects[j].file.Path })
	libs := map[*project]bool{}
	for _, p := range a.projects {
		if p.isProps {
			continue
		}
		a.projectApp(p, libs)
	}
	// Library code is hosted by the applications that reference it.
	for i, m := range a.appMeta {
		if m.proj == nil {
			continue
		}
		seen := map[*project]bool{m.proj: true}
		queue := a.projectRefs(m.proj)
		for len(queue) > 0 {
			q := queue[0]
			queue = queue[1:]
			if seen[q] {
				continue
			}
			seen[q] = true
			a.hostRules = append(a.hostRules, a.compileRule(q, i))
			queue = append(queue, a.projectRefs(q)...)
		}
	}
	a.websiteApps()
	a.scriptApps()
	a.hostCache = nil // script host rules were added
	a.attachFacts()
	for i := range a.apps {
		a.finishApp(i)
	}
	a.libraryNotes(libs)
}

// projectApp adds the application a project builds, or records a library.
func (a *analysis) projectApp(p *project, libs map[*project]bool) {
	m := &appMeta{proj: p, dir: p.dir, test: isTestProject(p, a)}
	app := finding.Application{Name: p.name, ProjectFile: p.file.Path}
	if an, _ := a.get(p, "AssemblyName"); an != "" && !strings.Contains(an, "$(") {
		app.Name = an
	}
	var steps []finding.Step
	step := func(l finding.Location, format string, args ...any) {
		steps = append(steps, finding.Step{Location: l, Text: fmt.Sprintf(format, args...)})
	}
	// Target framework(s). Xamarin, Silverlight, portable and UWP projects
	// name another framework identifier: not .NET Framework hosts.
	if id, _ := a.get(p, "TargetFrameworkIdentifier"); id != "" && !strings.EqualFold(id, ".NETFramework") {
		return
	}
	if id, _ := a.get(p, "TargetPlatformIdentifier"); strings.EqualFold(id, "UAP") {
		return
	}
	var tfms []tfm
	var tnode *node
	if v, n := a.get(p, "TargetFrameworkVersion"); v != "" {
		t, ok := parseTFM(v)
		if !ok {
			return // v1.0 (Xamarin.iOS), v9.0 (MonoAndroid): not a .NET Framework target
		}
		tfms = append(tfms, t)
		tnode = n
	}
	if len(tfms) == 0 {
		for _, name := range []string{"TargetFramework", "TargetFrameworks"} {
			v, n := a.get(p, name)
			for _, s := range strings.Split(v, ";") {
				if t, ok := parseTFM(s); ok {
					tfms = append(tfms, t)
					tnode = n
				}
			}
			if len(tfms) > 0 {
				break
			}
		}
	}
	var chosen tfm
	for _, t := range tfms {
		switch {
		case chosen.Runtime == "":
			chosen = t
		case (t.Runtime == "netfx" || t.Runtime == "clr2") && (chosen.Runtime != "netfx" && chosen.Runtime != "clr2" || t.Version < chosen.Version):
			chosen = t // the oldest .NET Framework target decides the worst case
		case chosen.Runtime == "netstandard" && t.Runtime == "netcore":
			chosen = t
		}
	}
	if chosen.Runtime == "" && p.sdk != "" {
		return // an SDK-style project without a target builds nothing we can judge
	}
	unknown := false
	if chosen.Runtime == "" {
		// Old-style projects default to v4.0 when TargetFrameworkVersion is
		// absent — unless an import the scan cannot see may set it.
		chosen = tfm{Runtime: "netfx", Version: 40000, Label: "4.0"}
		m.hasTarget = false
		unknown = a.opaqueTarget(p)
	} else {
		m.hasTarget = true
	}
	m.declared = chosen
	out, _ := a.get(p, "OutputType")
	outL := strings.ToLower(out)
	guids, _ := a.get(p, "ProjectTypeGuids")
	guids = strings.ToLower(guids)
	for _, g := range webGUIDs {
		if strings.Contains(guids, g) {
			m.web = true
		}
	}
	aspnetCore := false
	if strings.Contains(strings.ToLower(p.sdk), ".web") {
		// ASP.NET Core (also on .NET Framework): a Kestrel process whose
		// entry assembly carries the target; <httpRuntime> plays no part.
		m.web, aspnetCore = true, true
	}
	if !m.web && (outL == "" || outL == "library") && a.fileNamed(p.dir, "web.config") != nil && a.hasFileExt(p.dir, ".asax", ".aspx", ".svc", ".asmx", ".ashx") {
		m.web = true
	}
	switch {
	case m.web:
		app.Kind = "web"
	case outL == "exe" || outL == "winexe" || outL == "appcontainerexe":
		app.Kind = "exe"
		for _, it := range p.items["reference"] {
			if strings.HasPrefix(strings.ToLower(it.Include), "system.serviceprocess") {
				app.Kind = "service"
			}
		}
	case p.sdk != "" && chosen.Runtime == "netcore" && outL == "" && strings.Contains(strings.ToLower(p.sdk), "worker"):
		app.Kind = "service"
	default:
		if chosen.Runtime == "netfx" || chosen.Runtime == "clr2" {
			libs[p] = true
		}
		return
	}
	if m.test {
		if chosen.Runtime == "netfx" || chosen.Runtime == "clr2" {
			libs[p] = true
		}
		return
	}
	switch chosen.Runtime {
	case "netfx":
		app.Runtime = "netfx"
	case "clr2":
		app.Runtime = "clr2"
	default:
		app.Runtime = "netcore"
	}
	app.DeclaredTarget = chosen.Label
	if tnode != nil {
		step(tnode.loc(), "project targets %s", describeTFMs(tfms, chosen))
		m.decideLoc, m.decideSnip, m.decideFile = tnode.loc(), tnode.snippet(), tnode.File
	} else if unknown {
		step(p.doc.Root.loc(), "project has no TargetFrameworkVersion and imports a file outside the scan that may set it: target unknown")
		m.decideLoc, m.decideSnip, m.decideFile = p.doc.Root.loc(), p.doc.Root.snippet(), p.file
		chosen.Label = ""
	} else {
		step(p.doc.Root.loc(), "project has no TargetFrameworkVersion: MSBuild's default v4.0")
		m.decideLoc, m.decideSnip, m.decideFile = p.doc.Root.loc(), p.doc.Root.snippet(), p.file
	}
	m.decidedBy = "project"
	if !m.hasTarget {
		m.decidedBy = "default"
	}
	if unknown {
		m.decidedBy = "unknown"
	}
	eff := chosen.Label
	// Configuration files.
	var cfgBase *source.File
	if m.web {
		cfgBase = a.fileNamed(p.dir, "web.config")
	} else {
		cfgBase = a.fileNamed(p.dir, "app.config")
		if cfgBase == nil {
			cfgBase = a.fileNamed(p.dir, app.Name+".exe.config")
		}
	}
	if cfgBase != nil {
		app.Configs = append(app.Configs, cfgBase.Path)
		d := a.doc(cfgBase)
		m.cfgRoot = d.Root
		prefix := strings.TrimSuffix(strings.ToLower(path.Base(cfgBase.Path)), ".config") + "."
		for _, f := range a.filesIn(p.dir, source.Config) {
			b := strings.ToLower(path.Base(f.Path))
			if f != cfgBase && strings.HasPrefix(b, prefix) && strings.HasSuffix(b, ".config") && b != prefix+"exe.config" {
				app.Configs = append(app.Configs, f.Path)
				if b == prefix+"release.config" && d.Root != nil {
					if td := a.doc(f); td.Root != nil {
						m.cfgRoot = applyTransform(d.Root, td.Root)
						step(td.Root.loc(), "the deployed configuration is %s with %s applied", path.Base(cfgBase.Path), path.Base(f.Path))
					}
				}
			}
		}
	}
	if chosen.Runtime == "netfx" {
		// GenerateTargetFrameworkAttribute=false: no attribute ⇒ 4.0 quirks.
		if v, n := a.get(p, "GenerateTargetFrameworkAttribute"); strings.EqualFold(v, "false") && n != nil && (!m.web || aspnetCore) {
			eff = "4.0"
			m.decidedBy = "gtfa"
			m.decideLoc, m.decideSnip, m.decideFile = n.loc(), n.snippet(), n.File
			step(n.loc(), "GenerateTargetFrameworkAttribute=false: the entry assembly has no TargetFrameworkAttribute ⇒ the runtime assumes 4.0")
		}
		if m.web && !aspnetCore && (chosen.Version >= 40500 || unknown) {
			eff = a.httpRuntime(m, cfgBase, chosen, step)
		}
		if m.cfgRoot != nil {
			a.corroborate(m, chosen, step)
		}
	}
	if pc := a.fileNamed(p.dir, "packages.config"); pc != nil {
		if d := a.doc(pc); d.Root != nil {
			for _, pk := range d.Root.children("package") {
				if at, ok := pk.attr("targetFramework"); ok {
					if t, ok := parseTFM(at.Value); ok && t.Runtime == chosen.Runtime && t.Version != chosen.Version {
						step(at.loc(pk.File), "hint only: packages.config records targetFramework=%q (stale once the project is retargeted)", at.Value)
					}
					break
				}
			}
		}
	}
	app.EffectiveTarget = eff
	if app.Runtime == "netcore" {
		app.EffectiveTarget = chosen.Label
	}
	app.Evidence = steps
	a.apps = append(a.apps, app)
	a.appMeta = append(a.appMeta, m)
	a.hostRules = append(a.hostRules, a.compileRule(p, len(a.apps)-1))
}

func describeTFMs(all []tfm, chosen tfm) string {
	if len(all) <= 1 {
		return chosen.Label
	}
	var s []string
	for _, t := range all {
		s = append(s, t.Label)
	}
	return fmt.Sprintf("%s (multi-targeting %s; the oldest .NET Framework target is judged)", chosen.Label, strings.Join(s, ", "))
}

// httpRuntime decides an ASP.NET app's effective target (§5.1): only
// <system.web><httpRuntime targetFramework> counts; absent ⇒ 4.0 quirks.
func (a *analysis) httpRuntime(m *appMeta, cfg *source.File, declared tfm, step func(finding.Location, string, ...any)) string {
	if m.cfgRoot == nil {
		if cfg == nil {
			m.httpState = "missing"
			m.decidedBy = "httpRuntime"
			step(finding.Location{Path: path.Join(m.dir, "Web.config")}, "no Web.config: ASP.NET runs with 4.0 quirks")
			return "4.0"
		}
		return declared.Label
	}
	root := m.cfgRoot
	sw := root.child("system.web")
	var hr *node
	if sw != nil {
		hr = sw.child("httpRuntime")
	}
	if hr == nil {
		// <location path="." inheritInChildApplications="false"><system.web>…
		for _, l := range root.children("location") {
			if p := strings.Trim(l.attrValue("path"), " ./"); p != "" {
				continue
			}
			if h := l.path("system.web", "httpRuntime"); h != nil {
				hr, sw = h, h.Parent
				break
			}
		}
	}
	m.decidedBy = "httpRuntime"
	switch {
	case hr == nil:
		m.httpState = "missing"
		parent := root
		if sw != nil {
			parent = sw
		}
		m.decideLoc, m.decideSnip, m.decideFile = parent.loc(), parent.snippet(), parent.File
		step(parent.loc(), "no <httpRuntime> in <system.web>: ASP.NET sets no TargetFrameworkName ⇒ 4.0 quirks, whatever the project says")
		return "4.0"
	}
	at, ok := hr.attr("targetFramework")
	if !ok || strings.TrimSpace(at.Value) == "" {
		m.httpState = "no-attribute"
		m.decideLoc, m.decideSnip, m.decideFile = hr.loc(), hr.snippet(), hr.File
		step(hr.loc(), "<httpRuntime> without targetFramework: ASP.NET sets no TargetFrameworkName ⇒ 4.0 quirks, whatever the project says")
		return "4.0"
	}
	v := version(at.Value)
	if v == 0 {
		m.httpState = "no-attribute"
		m.decideLoc, m.decideSnip, m.decideFile = at.loc(hr.File), hr.snippet(), hr.File
		step(at.loc(hr.File), "<httpRuntime targetFramework=%q> is not a version ⇒ 4.0 quirks", at.Value)
		return "4.0"
	}
	m.httpTarget = versionString(v)
	if v < declared.Version {
		m.httpState = "lower"
		m.decideLoc, m.decideSnip, m.decideFile = at.loc(hr.File), hr.snippet(), hr.File
		step(at.loc(hr.File), "<httpRuntime targetFramework=%q> is lower than the project's %s and decides the runtime's quirks", at.Value, declared.Label)
		return versionString(v)
	}
	m.httpState = "ok"
	m.decidedBy = "project"
	m.httpLoc, m.httpSnip, m.httpFile = at.loc(hr.File), hr.snippet(), hr.File
	step(at.loc(hr.File), "<httpRuntime targetFramework=%q> sets the runtime's target", at.Value)
	return versionString(v)
}

// corroborate adds <supportedRuntime sku> and <compilation targetFramework>
// evidence (never decisive).
func (a *analysis) corroborate(m *appMeta, declared tfm, step func(finding.Location, string, ...any)) {
	root := m.cfgRoot
	for _, sr := range root.path("startup").children("supportedRuntime") {
		at, ok := sr.attr("sku")
		if !ok {
			continue
		}
		i := strings.Index(strings.ToLower(at.Value), "version=")
		if i < 0 {
			continue
		}
		v := version(at.Value[i+len("version="):])
		if v == 0 {
			continue
		}
		if v == declared.Version {
			step(at.loc(sr.File), "corroboration: <supportedRuntime sku=%q> matches the project target", at.Value)
		} else {
			step(at.loc(sr.File), "disagreement: <supportedRuntime sku=%q> names %s but the project targets %s (the attribute from the project decides)", at.Value, versionString(v), declared.Label)
		}
	}
	if c := root.path("system.web", "compilation"); c != nil && m.web {
		if at, ok := c.attr("targetFramework"); ok {
			step(at.loc(c.File), "<compilation targetFramework=%q> only selects the compiler; it does not set runtime quirks", at.Value)
		}
	}
}

// scriptApps adds Windows PowerShell scripts that set the protocols (or an
// AppContext switch) as script hosts.
func (a *analysis) scriptApps() {
	pwsh := map[string]bool{}
	wants := map[string]bool{}
	var order []string
	for _, f := range a.in.Facts {
		p := f.Location.Path
		if source.KindOf(p) != source.PowerShell {
			continue
		}
		switch f.Kind {
		case source.PowerShellCoreHost:
			pwsh[p] = true
		case source.ProtocolAssign, source.SwitchSet:
			if !wants[p] && len(a.hostsOf(p)) == 0 {
				wants[p] = true
				order = append(order, p)
			}
		}
	}
	sort.Strings(order)
	for _, p := range order {
		a.apps = append(a.apps, scriptApp(p, pwsh[p], false, a.in.Host))
		a.appMeta = append(a.appMeta, &appMeta{script: p, decidedBy: "script"})
		a.hostRules = append(a.hostRules, hostRule{app: len(a.apps) - 1, dir: dirOf(p), items: map[string]bool{strings.ToLower(p): true}})
	}
}

// scriptApp describes a PowerShell script host: Windows PowerShell 5.1 is
// a native host without an entry assembly ⇒ 4.0 defaults; pwsh is .NET.
func scriptApp(p string, pwsh bool, fill bool, host policy.Host) finding.Application {
	app := finding.Application{Name: path.Base(p), ProjectFile: p, Kind: "script"}
	if pwsh {
		app.Runtime = "netcore"
		app.EffectiveTarget = "pwsh"
		app.Evidence = []finding.Step{{Location: finding.Location{Path: p}, Text: "the script declares PowerShell 7 (#Requires -PSEdition Core / pwsh): .NET, the OS decides"}}
	} else {
		app.Runtime = "powershell"
		app.EffectiveTarget = "4.0"
		app.Evidence = []finding.Step{{Location: finding.Location{Path: p}, Text: "Windows PowerShell 5.1 (powershell.exe) is a native host without an entry assembly ⇒ .NET Framework 4.0 defaults"}}
	}
	if fill {
		fillOffered(&app, host, RegistryState{})
	}
	return app
}

func (a *analysis) hostsOf(p string) []int {
	if a.hostCache == nil {
		a.hostCache = map[string][]int{}
	}
	if v, ok := a.hostCache[p]; ok {
		return v
	}
	var out []int
	ps := source.KindOf(p) == source.PowerShell
	lp := strings.ToLower(p)
	for _, h := range a.hostRules {
		if h.includes(p, lp) && ps == (a.apps[h.app].Kind == "script") {
			out = append(out, h.app)
		}
	}
	a.hostCache[p] = out
	return out
}

// attachFacts gives each application the code facts of the files it builds.
func (a *analysis) attachFacts() {
	type acc struct {
		plain    *source.Fact
		additive finding.ProtocolSet
		addLoc   *finding.Location
	}
	accs := make([]acc, len(a.apps))
	for i := range a.appMeta {
		if m := a.appMeta[i]; m.cfgRoot != nil {
			for _, s := range configSwitches(m.cfgRoot) {
				if !s.Valid {
					continue
				}
				loc := s.Attr.loc(s.Node.File)
				if s.Form == "appSettings" {
					loc = s.Node.loc()
				}
				a.apps[i].Switches = append(a.apps[i].Switches, finding.Switch{Name: s.Name, Value: s.Value, Location: loc})
			}
		}
	}
	facts := append([]source.Fact(nil), a.in.Facts...)
	sort.SliceStable(facts, func(i, j int) bool {
		if facts[i].Location.Path != facts[j].Location.Path {
			return facts[i].Location.Path < facts[j].Location.Path
		}
		return facts[i].Location.StartLine < facts[j].Location.StartLine
	})
	for fi := range facts {
		f := &facts[fi]
		if f.Kind != source.ProtocolAssign && f.Kind != source.SwitchSet {
			continue
		}
		for _, i := range uniq(a.hostsOf(f.Location.Path)) {
			switch f.Kind {
			case source.SwitchSet:
				a.apps[i].Switches = append(a.apps[i].Switches, finding.Switch{Name: canonicalSwitch(f.Switch), Value: f.SwitchValue, Location: f.Location})
			case source.ProtocolAssign:
				if f.Unresolved || f.Removal {
					continue
				}
				if f.Additive {
					accs[i].additive |= f.Protocols
					if accs[i].addLoc == nil {
						l := f.Location
						accs[i].addLoc = &l
					}
				} else if accs[i].plain == nil {
					accs[i].plain = f
				}
			}
		}
	}
	for i := range a.apps {
		switch {
		case accs[i].plain != nil:
			f := accs[i].plain
			a.apps[i].CodeProtocols = &finding.CodeProtocols{Protocols: f.Protocols.List(), SystemDefault: f.SystemDefault, Location: f.Location}
		case accs[i].addLoc != nil:
			a.apps[i].CodeProtocols = &finding.CodeProtocols{Protocols: accs[i].additive.List(), Additive: true, Location: *accs[i].addLoc}
		}
	}
}

func uniq(xs []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// registryFor returns the registry writes that apply to app i. An artifact
// inside an application's project directory belongs to the applications of
// that directory alone. One outside every project directory applies to the
// applications under its nearest ancestor directory that holds any (the
// registry is machine-wide, and a deploy/ folder serves the applications
// beside it); the scanned root counts as that ancestor only for artifacts at
// the root or in a deployment folder directly below it, so a scan of many
// unrelated projects does not let one project's .reg compensate another's.
func (a *analysis) registryFor(i int) []regWrite {
	if a.regOwner == nil {
		a.regOwner = make([]string, len(a.regWrites))
		a.regScoped = make([]bool, len(a.regWrites))
		var appDirs []string
		dirs := map[string]bool{}
		for j := range a.apps {
			if m := a.appMeta[j]; m.dir != "" {
				dirs[m.dir] = true
				appDirs = append(appDirs, m.dir)
			}
		}
		for w, rw := range a.regWrites {
			a.regOwner[w], a.regScoped[w] = regScope(dirOf(rw.Loc.Path), dirs, appDirs)
		}
	}
	mine := a.appMeta[i].dir
	var out []regWrite
	for w, rw := range a.regWrites {
		o := a.regOwner[w]
		switch {
		case o == "":
			continue
		case !a.regScoped[w] && o == mine:
			out = append(out, rw)
		case a.regScoped[w] && mine != "" && dirUnder(mine, o):
			out = append(out, rw)
		}
	}
	return out
}

// regScope finds the owner of a registry artifact in directory d: the
// project directory it sits in (scoped=false), or the ancestor whose
// applications it serves (scoped=true); "" when it serves none.
func regScope(d string, dirs map[string]bool, appDirs []string) (owner string, scoped bool) {
	for x := d; ; x = dirOf(x) {
		if dirs[x] {
			return x, false
		}
		if x == "." || x == "/" || x == "" {
			break
		}
	}
	for x := d; x != "." && x != "/" && x != ""; x = dirOf(x) {
		for _, ad := range appDirs {
			if dirUnder(ad, x) {
				return x, true
			}
		}
	}
	if d == "." || (dirOf(d) == "." && deployDirs[strings.ToLower(d)]) {
		return ".", true
	}
	return "", false
}

// deployDirs are folder names that hold a repository's deployment artifacts.
var deployDirs = map[string]bool{
	"deploy": true, "deployment": true, "deployments": true, "scripts": true, "build": true,
	"tools": true, "infra": true, "infrastructure": true, "ci": true, "setup": true,
	"installer": true, "install": true, "registry": true, "ops": true, "provisioning": true,
	"pipelines": true, "eng": true, ".github": true, ".azure-pipelines": true, "docker": true,
}

// dirUnder reports whether directory d is scope or below it.
func dirUnder(d, scope string) bool {
	return scope == "." || d == scope || strings.HasPrefix(d, scope+"/")
}

// finishApp computes registry, offered protocols, and the app-level findings.
func (a *analysis) finishApp(i int) {
	app := &a.apps[i]
	m := a.appMeta[i]
	st, used := repoState(a.registryFor(i))
	app.Registry = used
	fillOffered(app, a.in.Host, st)
	if m.script != "" || (app.Runtime != "netfx" && app.Runtime != "clr2") {
		return
	}
	a.judgeTarget(i, st)
	a.wcfMessageSecurity(i)
}

// wcfMessageSecurity is the TLS010 WCF case: message security with
// certificate credentials on a target ≤ 4.6.2, where
// DisableUsingServicePointManagerSecurityProtocols defaults to true and the
// handshake is limited to SSL 3.0 / TLS 1.0.
func (a *analysis) wcfMessageSecurity(i int) {
	app := &a.apps[i]
	m := a.appMeta[i]
	if m.cfgRoot == nil || app.Runtime != "netfx" {
		return
	}
	tv := version(app.EffectiveTarget)
	if tv == 0 || tv > 40602 {
		return
	}
	for _, s := range app.Switches {
		if strings.EqualFold(s.Name, swWCFSPM) && !s.Value {
			return
		}
	}
	bindings := m.cfgRoot.path("system.serviceModel", "bindings")
	if bindings == nil {
		return
	}
	bindings.walk(func(n *node) {
		if !strings.EqualFold(n.Name, "security") || removed(n) {
			return
		}
		mode := strings.ToLower(n.attrValue("mode"))
		if mode != "message" && mode != "transportwithmessagecredential" {
			return
		}
		msg := n.child("message")
		if msg == nil || !strings.EqualFold(msg.attrValue("clientCredentialType"), "Certificate") {
			return
		}
		a.findings = append(a.findings, finding.Finding{
			RuleID: "TLS010", Level: finding.Error, Application: app.Name, Fix: rules.Fix("TLS010"),
			Location: msg.loc(), Snippet: msg.snippet(),
			Message: fmt.Sprintf("%s: WCF message security with certificate credentials on effective target %s: DisableUsingServicePointManagerSecurityProtocols defaults to true, so the handshake is limited to SSL 3.0 / TLS 1.0", app.Name, app.EffectiveTarget),
		})
	})
}

// fillOffered computes OfferedProtocols and StrongCrypto for the registry as
// shipped and with the tls12 package applied, and appends the as-shipped
// evidence chain.
func fillOffered(app *finding.Application, host policy.Host, st RegistryState) {
	host = normHost(host)
	app.OfferedProtocols = map[string][]finding.Protocol{}
	app.StrongCrypto = map[string]bool{}
	set, strong, steps := Offered(app, host, st)
	app.OfferedProtocols[finding.StateAsShipped] = set.List()
	app.StrongCrypto[finding.StateAsShipped] = strong
	pol, _ := policy.Builtin("tls12")
	withPkg := overlay(st, PackageState(pol, host))
	set2, strong2, _ := Offered(app, host, withPkg)
	app.OfferedProtocols[finding.StateWithPackage] = set2.List()
	app.StrongCrypto[finding.StateWithPackage] = strong2
	if len(st.ClientEnabled) == 0 && st.SchUseStrongCrypto == nil && st.SystemDefaultTlsVersions == nil && st.SchUseStrongCrypto2 == nil && st.SystemDefaultTlsVersions2 == nil {
		steps = append(steps, finding.Step{Text: "assumption: the host's TLS registry values are unset (no repository artifact sets them)"})
	}
	steps = append(steps, finding.Step{Text: "offered as shipped: " + listOf(set) + strongText(strong)})
	app.Evidence = append(app.Evidence, steps...)
}

func strongText(b bool) string {
	if b {
		return " (strong crypto on)"
	}
	return " (strong crypto off: weak ciphers allowed)"
}

// judgeTarget is TLS009 / TLS010 / TLS011 for one application: one headline
// per cause (§5.5).
func (a *analysis) judgeTarget(i int, st RegistryState) {
	app := &a.apps[i]
	m := a.appMeta[i]
	if m.decidedBy == "unknown" {
		return // no finding on a guess; the evidence says the target is unknown
	}
	host := a.in.Host
	tv, rt := targetAndRuntime(app, host)
	var strong, sys bool
	if app.Runtime == "clr2" {
		sys = isOne(st.SystemDefaultTlsVersions2)
	} else {
		strong, sys = netfxSwitches(app, tv, rt, st, quiet, quietAt)
	}
	legacy := app.Runtime == "clr2" || tv <= 40502
	fixed := !legacy && tv <= 40602
	if sys || (!legacy && !fixed) {
		return
	}
	offered, _, _ := Offered(app, host, st)
	id := "TLS009"
	if m.decidedBy == "httpRuntime" {
		id = "TLS011"
	}
	why := ""
	switch {
	case app.Runtime == "clr2":
		why = fmt.Sprintf("targets .NET Framework %s (CLR 2)", app.DeclaredTarget)
	case m.decidedBy == "httpRuntime" && m.httpState == "lower":
		why = fmt.Sprintf("<httpRuntime targetFramework=%q> is lower than the project's %s, so ASP.NET runs with %s defaults", m.httpTarget, app.DeclaredTarget, app.EffectiveTarget)
	case m.decidedBy == "httpRuntime" && m.httpState == "missing":
		why = fmt.Sprintf("ASP.NET without <httpRuntime targetFramework> runs with 4.0 quirks (project targets %s)", app.DeclaredTarget)
	case m.decidedBy == "httpRuntime":
		why = fmt.Sprintf("<httpRuntime> without targetFramework: ASP.NET runs with 4.0 quirks (project targets %s)", app.DeclaredTarget)
	case m.decidedBy == "gtfa":
		why = fmt.Sprintf("GenerateTargetFrameworkAttribute=false: no TargetFrameworkAttribute, so the runtime assumes 4.0 (project targets %s)", app.DeclaredTarget)
	case m.decidedBy == "default":
		why = "no target framework in the project: 4.0 defaults"
	default:
		why = fmt.Sprintf("effective target %s", app.EffectiveTarget)
	}
	regNote := "registry assumed unset"
	if len(app.Registry) > 0 {
		regNote = "with the registry values the repository ships"
	}
	hostName := normHost(host).OSName
	var lvl finding.Severity
	var msg string
	switch {
	case fixed:
		lvl = finding.Warning
		msg = fmt.Sprintf("%s: %s ⇒ a fixed protocol list without the OS default; on %s it offers %s and OS-level deprecation of TLS 1.0/1.1 does not apply (%s)", app.Name, why, hostName, listOf(offered), regNote)
		if id == "TLS009" {
			id = "TLS010"
		}
	case strong:
		// Partial compensation: strong crypto on (switch or registry) but
		// the OS default still off ⇒ the fixed 4.6-style list.
		lvl = finding.Warning
		msg = fmt.Sprintf("%s: %s, compensated only by strong crypto (the OS default stays off) ⇒ a fixed protocol list; on %s it offers %s and OS-level deprecation of TLS 1.0/1.1 does not apply (%s)", app.Name, why, hostName, listOf(offered), regNote)
	default:
		cp := app.CodeProtocols
		partial := cp != nil && (cp.SystemDefault || finding.SetOf(cp.Protocols...)&finding.SetOf(finding.TLS12, finding.TLS13) != 0)
		if partial {
			lvl = finding.Warning
			msg = fmt.Sprintf("%s: %s ⇒ strong crypto off; only code that sets protocols explicitly (%s) gets TLS 1.2 — every other connection and SslStream default offers %s on %s (%s)", app.Name, why, cp.Location, listOf(spmWeakDefault&osFor(normHost(host).OS).Usable), hostName, regNote)
		} else {
			lvl = finding.Error
			msg = fmt.Sprintf("%s: %s ⇒ default Ssl3, Tls with strong crypto off: on %s the application offers %s only (%s)", app.Name, why, hostName, listOf(offered), regNote)
		}
	}
	f := finding.Finding{RuleID: id, Level: lvl, Message: msg, Location: m.decideLoc, Snippet: m.decideSnip, Fix: rules.Fix(id), Application: app.Name, Evidence: app.Evidence}
	a.findings = append(a.findings, f)
}

// libraryNotes is TLS009 at note level for class libraries and test projects
// with a legacy target: the host decides.
func (a *analysis) libraryNotes(libs map[*project]bool) {
	var ps []*project
	for p := range libs {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].file.Path < ps[j].file.Path })
	for _, p := range ps {
		var t tfm
		var n *node
		for _, name := range []string{"TargetFrameworkVersion", "TargetFramework", "TargetFrameworks"} {
			v, nn := a.get(p, name)
			for _, part := range strings.Split(v, ";") {
				if x, ok := parseTFM(part); ok && (x.Runtime == "netfx" || x.Runtime == "clr2") && (t.Runtime == "" || x.Version < t.Version) {
					t, n = x, nn
				}
			}
			if n != nil {
				break
			}
		}
		if n == nil || (t.Runtime == "netfx" && t.Version > 40502) {
			continue
		}
		kind := "class library"
		if isTestProject(p, a) {
			kind = "test project"
		}
		a.report("TLS009", finding.Note, n.File, n.loc(), n.snippet(), fmt.Sprintf("%s %s targets .NET Framework %s: the hosting application's effective target decides its TLS defaults", kind, p.name, t.Label))
	}
}

// websiteApps adds ASP.NET Web Site projects: a Web.config with
// <system.web><compilation targetFramework> in a directory that no project
// file covers (the web site has no .csproj; the folder is the application).
func (a *analysis) websiteApps() {
	projDirs := map[string]bool{}
	for _, p := range a.projects {
		projDirs[p.dir] = true
	}
	covered := func(d string) bool {
		for ; ; d = dirOf(d) {
			if projDirs[d] {
				return true
			}
			if d == "." || d == "/" || d == "" {
				return false
			}
		}
	}
	var cfgs []*source.File
	for _, f := range a.in.Files {
		if f != nil && f.Kind == source.Config && strings.EqualFold(path.Base(f.Path), "web.config") && !covered(dirOf(f.Path)) {
			cfgs = append(cfgs, f)
		}
	}
	sort.Slice(cfgs, func(i, j int) bool {
		di, dj := dirDepth(dirOf(cfgs[i].Path)), dirDepth(dirOf(cfgs[j].Path))
		if di != dj {
			return di < dj // the site root before its Views/Web.config
		}
		return cfgs[i].Path < cfgs[j].Path
	})
	roots := map[string]bool{}
	for _, f := range cfgs {
		d := a.doc(f)
		if d.Root == nil || !strings.EqualFold(d.Root.Name, "configuration") {
			continue
		}
		comp := d.Root.path("system.web", "compilation")
		at, ok := comp.attr("targetFramework")
		declaredBy := "compilation"
		if !ok {
			// No <compilation targetFramework>: a live <httpRuntime targetFramework> still
			// marks the folder as an ASP.NET application and names its target (§5.1).
			comp = d.Root.path("system.web", "httpRuntime")
			if at, ok = comp.attr("targetFramework"); !ok {
				continue
			}
			declaredBy = "httpRuntime"
		}
		t, ok := parseTFM("v" + strings.TrimPrefix(strings.TrimSpace(at.Value), "v"))
		if !ok || t.Runtime != "netfx" {
			continue
		}
		dir := dirOf(f.Path)
		nested := false
		for r := range roots {
			if r == "." || strings.HasPrefix(dir, r+"/") {
				nested = true // Views/Web.config of a site found above
			}
		}
		if nested {
			continue
		}
		roots[dir] = true
		name := path.Base(dir)
		if dir == "." {
			name = "WebSite"
		}
		m := &appMeta{dir: dir, web: true, hasTarget: true, declared: t, cfgRoot: d.Root}
		app := finding.Application{Name: name, ProjectFile: f.Path, Kind: "web", Runtime: "netfx", DeclaredTarget: t.Label, Configs: []string{f.Path}}
		var steps []finding.Step
		step := func(l finding.Location, format string, args ...any) {
			steps = append(steps, finding.Step{Location: l, Text: fmt.Sprintf(format, args...)})
		}
		step(at.loc(nil), "ASP.NET web site (no project file): <%s targetFramework=%q> is the declared target", declaredBy, at.Value)
		if strings.EqualFold(path.Base(dir), "Views") || strings.Contains("/"+dir+"/", "/Areas/") {
			continue // MVC view folders are never application roots
		}
		m.decidedBy = "project"
		m.decideLoc, m.decideSnip, m.decideFile = at.loc(nil), comp.snippet(), f
		eff := t.Label
		if t.Version >= 40500 {
			eff = a.httpRuntime(m, f, t, step)
		}
		if m.httpState == "ok" {
			// Without a project file nothing but <httpRuntime targetFramework> sets
			// the runtime's target (<compilation> only selects the compiler), so it
			// is the line that decides (CONTRACTS: the element that decides).
			m.decideLoc, m.decideSnip, m.decideFile = m.httpLoc, m.httpSnip, m.httpFile
		}
		app.EffectiveTarget = eff
		app.Evidence = steps
		a.apps = append(a.apps, app)
		a.appMeta = append(a.appMeta, m)
		a.hostRules = append(a.hostRules, hostRule{app: len(a.apps) - 1, dir: dir, glob: true, items: map[string]bool{}, excl: map[string]struct{}{}})
	}
}
