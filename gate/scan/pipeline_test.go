package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlsgate/tlsgate/gate/finding"
	"github.com/tlsgate/tlsgate/gate/scan/rules"
)

// TestProcessFileNotes covers the read errors and limits of the pipeline's
// own file reader.
func TestProcessFileNotes(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Big.cs", strings.Repeat("// filler\n", 20))
	write(t, dir, "Empty.cs", "")
	var w worker
	cases := []struct {
		rel   string
		limit int64
		id    string
		msg   string
	}{
		{"Missing.cs", DefaultMaxFileSize, rules.Unreadable, "cannot read file: no such file or directory"},
		{"Big.cs", 100, rules.SkippedLarge, "file skipped: 200 bytes is over the 100-byte size limit"},
		{"Empty.cs", DefaultMaxFileSize, "", ""},
	}
	for _, c := range cases {
		out := w.processFile(entry{rel: c.rel, abs: filepath.Join(dir, c.rel)}, c.limit)
		var id, msg string
		if out.note != nil {
			id, msg = out.note.RuleID, out.note.Message
		}
		if id != c.id || msg != c.msg {
			t.Errorf("%s: note %q %q, want %q %q", c.rel, id, msg, c.id, c.msg)
		}
		if c.id == "" && (out.file == nil || out.file.Path != c.rel) {
			t.Errorf("%s: the file is not handed on: %+v", c.rel, out.file)
		}
	}
}

// TestWorkerBufferReuse checks that a worker reusing its read buffer never
// changes what an earlier file's results say: findings keep their snippets
// and messages, and files kept for the application model keep their text.
func TestWorkerBufferReuse(t *testing.T) {
	dir := t.TempDir()
	hit := "class A {\n void M() {\n  ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls;\n }\n}\n"
	write(t, dir, "A.cs", hit)
	write(t, dir, "App.config", "<configuration><startup><supportedRuntime version=\"v4.0\" sku=\".NETFramework,Version=v4.6.1\" /></startup></configuration>\n")
	for i := 0; i < 6; i++ {
		// same-size and smaller files without anchors overwrite the buffer
		write(t, dir, fmt.Sprintf("F%d.cs", i), strings.Repeat("x", len(hit)-i*7-1)+"\n")
	}
	var w worker
	a := w.processFile(entry{rel: "A.cs", abs: filepath.Join(dir, "A.cs")}, DefaultMaxFileSize)
	c := w.processFile(entry{rel: "App.config", abs: filepath.Join(dir, "App.config")}, DefaultMaxFileSize)
	if a.res == nil || len(a.res.hits) == 0 {
		t.Fatalf("A.cs: no finding")
	}
	snap := func() string {
		var b strings.Builder
		for _, h := range a.res.hits {
			fmt.Fprintf(&b, "%s|%s|%s\n", h.Finding.RuleID, h.Finding.Message, h.Finding.Snippet)
		}
		return b.String() + c.file.Text
	}
	before := snap()
	if !strings.Contains(before, "SecurityProtocolType.Tls") || !strings.Contains(before, "v4.6.1") {
		t.Fatalf("unexpected results:\n%s", before)
	}
	for i := 0; i < 6; i++ {
		rel := fmt.Sprintf("F%d.cs", i)
		w.processFile(entry{rel: rel, abs: filepath.Join(dir, rel)}, DefaultMaxFileSize)
	}
	if after := snap(); after != before {
		t.Fatalf("results changed after the buffer was reused:\n%s\nwas:\n%s", after, before)
	}
}

// TestScanWorkerCountInvariant checks that the streaming pipeline's output
// does not depend on the number of workers or the order they finish in.
func TestScanWorkerCountInvariant(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".gitignore", "gen/\n*.g.cs\n")
	for i := 0; i < 40; i++ {
		body := "class C { void M() { var x = 1; } }\n"
		if i%3 == 0 {
			body = "class C { void M() { ServicePointManager.SecurityProtocol = SecurityProtocolType.Ssl3; } }\n"
		}
		write(t, dir, fmt.Sprintf("p%d/sub.%d/C%02d.cs", i%4, i%2, i), body)
		write(t, dir, fmt.Sprintf("p%d/C%02d.g.cs", i%4, i), body)
		write(t, dir, fmt.Sprintf("gen/C%02d.cs", i), body)
	}
	write(t, dir, "p1/App.config", "<configuration><runtime><AppContextSwitchOverrides value=\"Switch.System.Net.DontEnableSchUseStrongCrypto=true\" /></runtime></configuration>\n")
	var want string
	for _, n := range []int{1, 2, 5} {
		r := scanDir(t, dir, Options{Workers: n})
		b, err := json.Marshal(struct {
			F []finding.Finding
			N []finding.Notification
			A []finding.Application
		}{r.Findings, r.Notifications, r.Applications})
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			want = string(b)
			if got := len(r.Findings); got < 14 {
				t.Fatalf("%d findings, want at least 14: %v", got, ids(r))
			}
			for _, f := range r.Findings {
				if strings.HasPrefix(f.Location.Path, "gen/") || strings.HasSuffix(f.Location.Path, ".g.cs") {
					t.Fatalf("ignored file scanned: %s", f.Location.Path)
				}
			}
			continue
		}
		if string(b) != want {
			t.Fatalf("workers=%d: report differs from workers=1", n)
		}
	}
}

// TestScanCancelled checks that a cancelled scan ends with the context's
// error (the streaming pipeline neither hangs nor returns a partial report).
func TestScanCancelled(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 50; i++ {
		write(t, dir, fmt.Sprintf("d%d/C%d.cs", i%5, i), "class C { void M() { ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls; } }\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := Scan(ctx, dir, Options{})
	if !errors.Is(err, context.Canceled) || r != nil {
		t.Fatalf("Scan = %v, %v; want nil, context.Canceled", r, err)
	}
}
