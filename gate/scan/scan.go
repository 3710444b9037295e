// Package scan is tlsgate's repository scanner: it walks a tree, decodes
// every file of a known kind, runs the code analyzers (C#, VB.NET, F#,
// Razor/ASPX code blocks, PowerShell and the PowerShell inline in pipeline
// YAML and .cmd files), hands every file and the code facts to the
// application model (gate/scan/project), applies suppressions and the
// baseline, and returns a finding.Report.
//
// The rule metadata lives in gate/scan/rules; docs/rules.md documents every
// rule and docs/scan.md the scanner.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/bits"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/policy"
	"github.com/tlsgate/tlsgate/gate/scan/project"
	"github.com/tlsgate/tlsgate/gate/scan/rules"
	"github.com/tlsgate/tlsgate/gate/scan/source"
)

// DefaultMaxFileSize is the size above which a file is skipped with a note.
const DefaultMaxFileSize = 16 << 20

// Options configure a scan.
type Options struct {
	// Policy supplies suppressions and the assumed client host; nil means
	// the built-in default policy.
	Policy *policy.Policy
	// Baseline marks findings recorded earlier as suppressed ("baseline").
	Baseline *Baseline
	// MaxFileSize overrides DefaultMaxFileSize when > 0.
	MaxFileSize int64
	// Workers bounds parallelism (0 = twice GOMAXPROCS, so that a worker
	// waiting for a cold read leaves its CPU to another).
	Workers int
	// Now is the time expiries are judged against (zero = time.Now()).
	Now time.Time
	// ToolVersion is reported in the report's tool section.
	ToolVersion string
}

// ErrRoot wraps failures to read the scanned PATH itself (exit code 2).
var ErrRoot = errors.New("cannot read scan root")

// skipDirs are directory names never descended into.
var skipDirs = map[string]bool{".git": true, "bin": true, "obj": true, "packages": true, "node_modules": true}

type entry struct {
	rel string // slash-separated, relative to the root
	abs string
}

// fileOut is what a worker produced for one file.
type fileOut struct {
	file  *source.File
	res   *fileResult
	note  *finding.Notification
	supps []inlineSupp
	ca    []caRegion
}

// Scan scans root (a directory or a single file) and returns the report.
func Scan(ctx context.Context, root string, opts Options) (*finding.Report, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.Workers <= 0 {
		opts.Workers = 2 * runtime.GOMAXPROCS(0)
	}
	// the scan allocates much short-lived memory (file buffers, token
	// streams) next to a small live heap: collect less often, under a soft
	// memory limit, unless the user tuned the collector
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(256 << 20))
	}
	if opts.Policy == nil {
		p, _ := policy.Builtin("tls12")
		opts.Policy = p
	}
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrRoot, root, err)
	}
	var notes []finding.Notification
	var editorconfigs []entry
	var outs []fileOut
	if st.IsDir() {
		if _, err := os.ReadDir(root); err != nil {
			return nil, fmt.Errorf("%w %q: %v", ErrRoot, root, err)
		}
		outs, notes, editorconfigs = walkAndProcess(ctx, root, opts)
	} else {
		var w worker
		outs = []fileOut{w.processFile(entry{rel: filepath.Base(root), abs: root}, opts.MaxFileSize)}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	var files []*source.File
	var facts []source.Fact
	for i := range outs {
		o := &outs[i]
		if o.note != nil {
			notes = append(notes, *o.note)
		}
		if o.file == nil {
			continue
		}
		files = append(files, o.file)
		if o.res != nil {
			facts = append(facts, o.res.facts...)
			notes = append(notes, o.res.notes...)
		}
	}
	model := project.Analyze(ctx, project.Input{Files: files, Facts: facts, Host: opts.Policy.Client})

	var fs []finding.Finding
	for i := range outs {
		o := &outs[i]
		if o.res == nil {
			continue
		}
		for _, h := range o.res.hits {
			fs = append(fs, levelFor(h, o.res, model))
		}
	}
	var apps []finding.Application
	if model != nil {
		fs = append(fs, model.Findings...)
		notes = append(notes, model.Notifications...)
		apps = model.Applications
	}
	for i := range fs {
		fs[i].SetFingerprint()
	}
	ec := loadEditorConfigs(editorconfigs)
	fs, sn := suppress(fs, outs, ec, opts, root)
	notes = append(notes, sn...)
	fs = finding.Sort(fs)
	sortNotes(notes)
	if apps == nil {
		apps = []finding.Application{}
	}
	if notes == nil {
		notes = []finding.Notification{}
	}
	if fs == nil {
		fs = []finding.Finding{}
	}
	return &finding.Report{
		SchemaVersion: 1,
		Tool:          finding.Tool{Name: "tlsgate", Version: opts.ToolVersion},
		Findings:      fs,
		Applications:  apps,
		Notifications: notes,
		Rules:         rules.All(),
	}, nil
}

func sortNotes(ns []finding.Notification) {
	sort.SliceStable(ns, func(i, j int) bool {
		a, b := ns[i], ns[j]
		if a.Location.Path != b.Location.Path {
			return a.Location.Path < b.Location.Path
		}
		if a.Location.StartLine != b.Location.StartLine {
			return a.Location.StartLine < b.Location.StartLine
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Message < b.Message
	})
}

// walkAndProcess walks root and analyzes its files as the walk finds them:
// one goroutine walks (so the directory reads overlap the analysis) and
// opts.Workers goroutines read and analyze. The results are sorted by path,
// the order the serial walk-then-analyze pipeline produced.
func walkAndProcess(ctx context.Context, root string, opts Options) ([]fileOut, []finding.Notification, []entry) {
	type done struct {
		rel string
		out fileOut
	}
	// entries travel in small batches: one channel operation (and at
	// most one goroutine wake-up) per batch instead of per file
	const batch = 8
	jobs := make(chan []entry, 64)
	results := make([][]done, opts.Workers)
	var wg sync.WaitGroup
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var wk worker
			var mine []done
			for es := range jobs {
				for _, e := range es {
					if ctx.Err() != nil {
						break // drain: the walk stops soon
					}
					mine = append(mine, done{e.rel, wk.processFile(e, opts.MaxFileSize)})
				}
			}
			results[w] = mine
		}(w)
	}
	var pending []entry
	notes, editorconfigs := walk(ctx, root, func(e entry) {
		pending = append(pending, e)
		if len(pending) == batch {
			jobs <- pending
			pending = make([]entry, 0, batch)
		}
	})
	if len(pending) > 0 {
		jobs <- pending
	}
	close(jobs)
	wg.Wait()
	n := 0
	for _, r := range results {
		n += len(r)
	}
	all := make([]done, 0, n)
	for _, r := range results {
		all = append(all, r...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].rel < all[j].rel })
	outs := make([]fileOut, len(all))
	for i := range all {
		outs[i] = all[i].out
	}
	return outs, notes, editorconfigs
}

// worker is the per-goroutine state of the file pipeline.
type worker struct {
	buf []byte // analyzer scratch space
	// raws are reusable read buffers by size class (4 KiB, 8 KiB, …
	// 4 MiB): a buffer the results end up referring to (the decoded text
	// aliases it) is given up, and wastes at most half its size
	raws [11][]byte
	last int // class of the buffer readBuf returned last, -1 for none
}

// readBuf returns a buffer of n bytes, reused from the worker's size class
// when there is one (no clearing: the read overwrites it).
func (w *worker) readBuf(n int64) []byte {
	w.last = -1
	if n > 4<<20 {
		return make([]byte, n) // do not keep huge buffers alive
	}
	c := max(bits.Len64(uint64(max(n, 1)-1)), 12) - 12
	if w.raws[c] == nil {
		w.raws[c] = make([]byte, 4096<<c)
	}
	w.last = c
	return w.raws[c][:n]
}

// keepBuf gives up the buffer readBuf returned last: the results refer to it.
func (w *worker) keepBuf() {
	if w.last >= 0 {
		w.raws[w.last] = nil
		w.last = -1
	}
}

// processFile reads, decodes and analyzes one file.
func (w *worker) processFile(e entry, limit int64) fileOut {
	kind := source.KindOf(e.rel)
	note := func(id, msg string) fileOut {
		return fileOut{note: &finding.Notification{RuleID: id, Level: finding.Note, Message: msg, Location: finding.Location{Path: e.rel}}}
	}
	raw, size, regular, err := w.readFile(e.abs, limit)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Op == "open" {
			return note(rules.Unreadable, fmt.Sprintf("cannot read file: %v", errors.Unwrap(err)))
		}
		return note(rules.Unreadable, fmt.Sprintf("cannot read file: %v", err))
	}
	if !regular {
		return note(rules.Unreadable, "file skipped: not a regular file")
	}
	if size > limit {
		return note(rules.SkippedLarge, fmt.Sprintf("file skipped: %d bytes is over the %d-byte size limit", size, limit))
	}
	text, enc, err := source.DecodeOwned(raw)
	if errors.Is(err, source.ErrBinary) {
		return note(rules.SkippedBinary, "file skipped: binary content")
	}
	if err != nil {
		return note(rules.Unreadable, fmt.Sprintf("cannot decode file: %v", err))
	}
	f := source.New(e.rel, kind, text, enc)
	res, perr := safeAnalyze(f, &w.buf)
	if perr != nil {
		// an analyzer bug must not end the scan: the file is still handed to
		// the application model, and the failure is reported
		w.keepBuf() // f.Text may alias it
		return fileOut{file: f, res: &fileResult{}, note: &finding.Notification{RuleID: rules.ParseFailure, Level: finding.Warning,
			Message: fmt.Sprintf("code analysis failed (%v); the code rules did not run on this file", perr), Location: finding.Location{Path: e.rel}}}
	}
	out := fileOut{file: f, res: res}
	out.supps, out.ca = fileSuppressions(f, res, &w.buf)
	// nothing reads the comments and directives after fileSuppressions;
	// they would keep the file's text alive
	res.comments, res.directives = nil, nil
	dropped := dropText(kind) && !hasRegFacts(res)
	if dropped {
		// the application model does not read code text: keep memory bounded
		out.file = source.New(e.rel, kind, "", enc)
	}
	// the text aliases raw (UTF-8 is not copied); unless nothing that was
	// kept can refer to it, raw now belongs to the results
	aliased := len(raw) > 0 && len(text) > 0 && unsafe.StringData(text) == &raw[0]
	if aliased && !(dropped && len(res.hits) == 0 && len(res.facts) == 0 && len(res.notes) == 0 && len(out.supps) == 0 && len(out.ca) == 0) {
		w.keepBuf()
	}
	return out
}

// processFile reads, decodes and analyzes one file with scratch space buf
// (a one-off worker).
func processFile(e entry, limit int64, buf *[]byte) fileOut {
	w := worker{buf: *buf}
	out := w.processFile(e, limit)
	*buf = w.buf
	return out
}

// safeAnalyze runs the code analyzers, turning a panic into an error.
func safeAnalyze(f *source.File, buf *[]byte) (res *fileResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("internal error: %v", r)
		}
	}()
	return analyzeFile(f, buf), nil
}

// dropText reports whether the application model never reads a file kind's
// text (so it can be released after the code analyzers ran).
func dropText(k source.Kind) bool {
	switch k {
	case source.CSharp, source.VB, source.FSharp, source.Razor, source.PowerShell, source.YAML:
		return true
	}
	return false
}

func hasRegFacts(r *fileResult) bool {
	for _, f := range r.facts {
		if f.Kind == source.RegistryWrite {
			return true
		}
	}
	return false
}

// walk hands every file of a known kind under root to emit, in walk order,
// and returns the notes and the .editorconfig files it met.
func walk(ctx context.Context, root string, emit func(entry)) ([]finding.Notification, []entry) {
	var editorconfigs []entry
	var notes []finding.Notification
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		realRoot = root
	}
	realRoot, _ = filepath.Abs(realRoot)
	var igns ignoreStack
	ignored := igns.ignored
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return fs.SkipAll
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			rel = ""
		}
		if err != nil {
			if rel != "" {
				notes = append(notes, finding.Notification{RuleID: rules.Unreadable, Level: finding.Note, Message: fmt.Sprintf("cannot read: %v", errors.Unwrap(err)), Location: finding.Location{Path: rel}})
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel != "" && (skipDirs[strings.ToLower(d.Name())] || ignored(rel, true)) {
				return fs.SkipDir
			}
			igns = igns.enter(rel)
			ignored = igns.ignored
			if gi := loadGitIgnore(filepath.Join(p, ".gitignore"), rel); gi != nil {
				igns = append(igns, gi)
				ignored = igns.ignored
			}
			return nil
		}
		if d.Name() == ".editorconfig" && d.Type().IsRegular() {
			editorconfigs = append(editorconfigs, entry{rel: rel, abs: p})
			return nil
		}
		if source.KindOf(rel) == source.Unknown || ignored(rel, false) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(p)
			if err != nil {
				notes = append(notes, finding.Notification{RuleID: rules.SkippedSymlink, Level: finding.Note, Message: "symlink not followed: it dangles or loops", Location: finding.Location{Path: rel}})
				return nil
			}
			abs, _ := filepath.Abs(target)
			if abs != realRoot && !strings.HasPrefix(abs, realRoot+string(filepath.Separator)) {
				notes = append(notes, finding.Notification{RuleID: rules.SkippedSymlink, Level: finding.Note, Message: "symlink not followed: it points outside the scanned tree", Location: finding.Location{Path: rel}})
				return nil
			}
			st, err := os.Stat(abs)
			if err != nil || !st.Mode().IsRegular() {
				return nil // a link to a directory inside the tree: walked at its real place
			}
		} else if !d.Type().IsRegular() {
			// never opened: a FIFO would block, a device could act
			notes = append(notes, finding.Notification{RuleID: rules.Unreadable, Level: finding.Note, Message: fmt.Sprintf("file skipped: not a regular file (%s)", d.Type()), Location: finding.Location{Path: rel}})
			return nil
		}
		emit(entry{rel: rel, abs: p})
		return nil
	})
	return notes, editorconfigs
}

// lowerIdent returns s lower-cased as strings.ToLower does, in buf when s
// is ASCII and fits (no allocation; the result is only valid until buf is
// reused), else in a new string.
func lowerIdent(buf *[64]byte, s string) string {
	if len(s) == 0 || len(s) > len(buf) {
		return strings.ToLower(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return strings.ToLower(s)
		}
		buf[i] = lowerTab[c]
	}
	return unsafe.String(&buf[0], len(s))
}

// levelFor decides the level of a host-dependent code finding
// (TLS003/TLS004/TLS005) from the hosting applications' effective targets.
func levelFor(h hit, res *fileResult, model *project.Result) finding.Finding {
	f := h.Finding
	if h.kind == hitFixed {
		return f
	}
	old, modern, tls13 := false, false, false
	var hostNames []string
	if model != nil {
		for _, app := range model.HostOf(f.Location.Path) {
			hostNames = append(hostNames, app.Name)
			switch class, v := targetClass(app); class {
			case "old":
				old = true
			case "new":
				modern = true
				if v >= 40800 || app.Runtime == "netcore" {
					tls13 = true
				}
			}
		}
	}
	if h.ps && len(hostNames) == 0 && !res.psCore {
		old = true // Windows PowerShell 5.1 runs with 4.0 defaults
	}
	if h.ps && res.psCore {
		modern, old = true, false
	}
	switch {
	case modern || !old:
		f.Level = finding.Warning
	default:
		f.Level = finding.Note
	}
	if len(hostNames) == 1 {
		f.Application = hostNames[0]
	}
	additive := h.kind == hitAdditive
	switch {
	case f.Level == finding.Note && additive && h.ps && !res.psCore:
		f.Message += "; under Windows PowerShell 5.1 (4.0 defaults) the OR keeps SSL 3.0 / TLS 1.0 enabled next to it"
	case f.Level == finding.Note && additive:
		f.Message += "; on the 4.6.2-or-earlier target the weak defaults stay enabled next to it"
	case f.Level == finding.Note && h.ps && !res.psCore:
		f.Message += "; the script host is Windows PowerShell 5.1 (4.0 defaults), where pinning is the documented workaround"
	case f.Level == finding.Note:
		f.Message += "; the effective target is 4.6.2 or earlier, where this is the documented workaround"
	case h.exactTls12 && tls13:
		f.Message += "; the target runs TLS 1.3 when the OS offers it, which this value excludes"
	case len(hostNames) == 0 && !h.ps:
		f.Message += " (no hosting application found: judged as a 4.7+ target)"
	}
	return f
}

// targetClass returns "old" (≤ 4.6.2, CLR 2, Windows PowerShell), "new"
// (≥ 4.7, .NET Core / 5+) or "" with the parsed version.
func targetClass(app *finding.Application) (string, int) {
	switch app.Runtime {
	case "netcore":
		return "new", 90000
	case "clr2", "powershell":
		return "old", 0
	}
	v := versionNumber(app.EffectiveTarget)
	switch {
	case v == 0:
		return "", 0
	case v <= 40602:
		return "old", v
	}
	return "new", v
}

// versionNumber parses "4.6.2" as 40602.
func versionNumber(s string) int {
	s = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "v")
	parts := strings.Split(s, ".")
	n := 0
	mult := []int{10000, 100, 1}
	for i := 0; i < len(parts) && i < 3; i++ {
		x := 0
		for _, c := range parts[i] {
			if c < '0' || c > '9' {
				return n
			}
			x = x*10 + int(c-'0')
		}
		n += x * mult[i]
	}
	return n
}

var _ = path.Base
