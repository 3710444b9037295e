package project

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// project is a parsed MSBuild file.
type project struct {
	file    *source.File
	doc     *xmlDoc
	dir     string
	name    string // file name without extension
	sdk     string // <Project Sdk="…">
	props   map[string]prop
	items   map[string][]item // item type (lower-case) → items
	isProps bool              // Directory.Build.props / .targets
	imports []string          // repository paths of imported files found in the scan
	opaque  bool              // imports a non-standard file that is not in the scan
}

type prop struct {
	Value string
	Node  *node
}

type item struct {
	Include string
	Node    *node
}

// Web project type GUIDs (Web Application, Web Site, MVC 1–5, WCF service).
var webGUIDs = []string{
	"349c5851-65df-11da-9384-00065b846f21",
	"e24c65dc-7377-472b-9aba-bc803b73c61a",
	"603c0e0b-db56-11dc-be95-000d561079b0",
	"f85e285d-a4e0-4152-9332-ab1d724d3325",
	"e53f8fea-eae0-44a6-8774-ffd645390401",
	"e3e379df-f4c6-4180-9b81-6769533abe47",
	"349c5853-65df-11da-9384-00065b846f21",
	"3d9ad99f-2412-4246-b90b-4eaa41c64699", // WCF Service Application (IIS-hosted)
}

func (a *analysis) msbuildFile(f *source.File) {
	if !hasXMLShape(f.Text) {
		return
	}
	d := a.doc(f)
	if d.Root == nil || !strings.EqualFold(d.Root.Name, "Project") {
		return
	}
	base := path.Base(f.Path)
	ext := strings.ToLower(path.Ext(base))
	p := &project{
		file: f, doc: d, dir: dirOf(f.Path), name: strings.TrimSuffix(base, path.Ext(base)),
		sdk: d.Root.attrValue("Sdk"), props: map[string]prop{}, items: map[string][]item{},
		isProps: ext == ".props" || ext == ".targets",
	}
	for _, c := range d.Root.children("Sdk") {
		if p.sdk == "" {
			p.sdk = c.attrValue("Name")
		}
	}
	for _, pg := range d.Root.children("PropertyGroup") {
		gcond := pg.attrValue("Condition") != ""
		for _, el := range pg.Children {
			key := strings.ToLower(el.Name)
			cond := gcond || el.attrValue("Condition") != ""
			if old, ok := p.props[key]; ok && cond && old.Node != nil {
				continue // keep the first / unconditional value
			}
			if _, ok := p.props[key]; ok && cond {
				continue
			}
			p.props[key] = prop{Value: strings.TrimSpace(el.Text), Node: el}
		}
	}
	for _, im := range d.Root.children("Import") {
		proj := strings.ReplaceAll(im.attrValue("Project"), "\\", "/")
		low := strings.ToLower(proj)
		switch {
		case proj == "", im.attrValue("Sdk") != "":
			continue
		case strings.HasPrefix(low, "$(msbuildthisfiledirectory)"), strings.HasPrefix(low, "$(msbuildprojectdirectory)"):
			proj = strings.TrimLeft(proj[strings.IndexByte(proj, ')')+1:], "/")
		case strings.HasPrefix(low, "$(msbuild"), strings.HasPrefix(low, "$(vstoolspath)"), strings.Contains(low, "packages/"), strings.Contains(low, "nuget"):
			continue // the SDK's and NuGet's own targets
		}
		if strings.Contains(proj, "$(") || strings.ContainsAny(proj, "*?") {
			p.opaque = true
			continue
		}
		p.imports = append(p.imports, path.Clean(path.Join(p.dir, proj)))
	}
	for _, ig := range d.Root.children("ItemGroup") {
		for _, el := range ig.Children {
			inc := el.attrValue("Include")
			if inc == "" {
				continue
			}
			k := strings.ToLower(el.Name)
			p.items[k] = append(p.items[k], item{Include: inc, Node: el})
		}
	}
	a.projects = append(a.projects, p)
}

var propRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)`)

// get returns a property's value (after expanding $(X) references to
// properties of the same project or its Directory.Build.props) and its node.
func (a *analysis) get(p *project, name string) (string, *node) {
	return a.getDepth(p, strings.ToLower(name), 0)
}

func (a *analysis) getDepth(p *project, name string, depth int) (string, *node) {
	pr, ok := p.props[name]
	if !ok && depth < 4 {
		for _, ip := range p.imports {
			q := a.projectAt(ip)
			if q == nil || q == p {
				continue
			}
			if v, n := a.getDepth(q, name, depth+1); n != nil {
				return v, n
			}
		}
	}
	if !ok {
		if dp := a.dirProps(p); dp != nil {
			pr, ok = dp.props[name]
			if ok {
				p = dp
			}
		}
	}
	if !ok {
		return "", nil
	}
	v := pr.Value
	if depth < 4 && strings.Contains(v, "$(") {
		v = propRef.ReplaceAllStringFunc(v, func(m string) string {
			r, _ := a.getDepth(p, strings.ToLower(m[2:len(m)-1]), depth+1)
			return r
		})
	}
	return strings.TrimSpace(v), pr.Node
}

// dirProps returns the nearest Directory.Build.props above p.
func (a *analysis) dirProps(p *project) *project {
	if p.isProps {
		return nil
	}
	best := (*project)(nil)
	for _, q := range a.projects {
		if !q.isProps || !strings.EqualFold(path.Base(q.file.Path), "Directory.Build.props") {
			continue
		}
		if q.dir == "." || q.dir == p.dir || strings.HasPrefix(p.dir, q.dir+"/") {
			if best == nil || dirDepth(q.dir) > dirDepth(best.dir) {
				best = q
			}
		}
	}
	return best
}

// tfm is one parsed target framework.
type tfm struct {
	Runtime string // netfx, clr2, netcore, netstandard
	Version int    // 40502 for netfx/clr2
	Label   string // "4.5.2", "net8.0", "netstandard2.0"
}

var tfmNetfx = regexp.MustCompile(`^net(\d)(\d)(\d?)$`)

// parseTFM parses an SDK-style moniker (net45, net462, net8.0,
// netcoreapp3.1, netstandard2.0, net48-windows) or "v4.5.2".
func parseTFM(s string) (tfm, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return tfm{}, false
	}
	if strings.HasPrefix(s, "v") {
		v := version(s)
		if v == 0 {
			return tfm{}, false
		}
		switch {
		case v < 20000:
			return tfm{}, false // .NET 1.x, or another framework's version scheme
		case v < 40000:
			return tfm{Runtime: "clr2", Version: v, Label: versionString(v)}, true
		case v >= 50000:
			return tfm{}, false // v5.0+ in TargetFrameworkVersion is not .NET Framework (Xamarin, MonoAndroid)
		}
		return tfm{Runtime: "netfx", Version: v, Label: versionString(v)}, true
	}
	if i := strings.IndexByte(s, '-'); i > 0 {
		s = s[:i]
	}
	if m := tfmNetfx.FindStringSubmatch(s); m != nil {
		v := int(m[1][0]-'0')*10000 + int(m[2][0]-'0')*100
		if m[3] != "" {
			v += int(m[3][0] - '0')
		}
		if v < 40000 {
			return tfm{Runtime: "clr2", Version: v, Label: versionString(v)}, true
		}
		return tfm{Runtime: "netfx", Version: v, Label: versionString(v)}, true
	}
	switch {
	case strings.HasPrefix(s, "netstandard"):
		return tfm{Runtime: "netstandard", Label: s}, true
	case strings.HasPrefix(s, "netcoreapp"), strings.HasPrefix(s, "net") && strings.Contains(s, "."):
		return tfm{Runtime: "netcore", Label: s}, true
	}
	return tfm{}, false
}

// compileRule builds the hostRule for a project: SDK-style globbing, or the
// explicit Compile/Content items of an old-style project.
func (a *analysis) compileRule(p *project, app int) hostRule {
	h := hostRule{app: app, dir: p.dir, items: map[string]bool{}, excl: map[string]struct{}{}}
	for _, q := range a.projects {
		if q != p && !q.isProps && q.dir != p.dir && (p.dir == "." || strings.HasPrefix(q.dir, p.dir+"/")) {
			h.excl[q.dir] = struct{}{}
		}
	}
	if p.sdk != "" {
		h.glob = true
		return h
	}
	n := 0
	for _, kind := range []string{"compile", "content"} {
		for _, it := range p.items[kind] {
			for _, inc := range strings.Split(it.Include, ";") {
				inc = strings.TrimSpace(strings.ReplaceAll(inc, "\\", "/"))
				if inc == "" || strings.Contains(inc, "$(") {
					continue
				}
				full := strings.ToLower(path.Join(p.dir, inc))
				if kind == "compile" {
					n++
				}
				if strings.ContainsAny(inc, "*?") {
					h.pats = append(h.pats, full)
				} else {
					h.items[full] = true
				}
			}
		}
	}
	if n == 0 {
		// No Compile items at all: the project compiles what is next to it.
		h.glob = true
	}
	return h
}

func globMatch(pat, p string) bool {
	ok, err := doublestar.Match(pat, p)
	return err == nil && ok
}

// projectRefs returns the projects p references (<ProjectReference>).
func (a *analysis) projectRefs(p *project) []*project {
	var out []*project
	for _, it := range p.items["projectreference"] {
		ref := path.Clean(path.Join(p.dir, strings.ReplaceAll(it.Include, "\\", "/")))
		for _, q := range a.projects {
			if strings.EqualFold(q.file.Path, ref) {
				out = append(out, q)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].file.Path < out[j].file.Path })
	return out
}

func dirDepth(d string) int {
	if d == "." {
		return 0
	}
	return strings.Count(d, "/") + 1
}

// projectAt returns the parsed MSBuild file at a repository path.
func (a *analysis) projectAt(p string) *project {
	for _, q := range a.projects {
		if strings.EqualFold(q.file.Path, p) {
			return q
		}
	}
	return nil
}

// opaqueTarget reports whether p (or a file it imports) imports something
// the scan cannot see, so a missing TargetFrameworkVersion is not known to
// be MSBuild's default.
func (a *analysis) opaqueTarget(p *project) bool {
	if p.opaque {
		return true
	}
	for _, ip := range p.imports {
		q := a.projectAt(ip)
		if q == nil || q.opaque {
			return true
		}
	}
	return false
}
