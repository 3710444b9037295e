package applier

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// memRegistry is an in-memory registry for the platform-neutral logic; the
// real one is tested under Wine (registry_windows_test.go, pkggen/exe).
type memRegistry struct {
	keys   map[string]bool  // view|lower(key)
	values map[string]Value // view|lower(key)|lower(name)
	failOn string           // value name whose Write fails
}

func newMem() *memRegistry {
	m := &memRegistry{keys: map[string]bool{}, values: map[string]Value{}}
	// The hive's top-level keys always exist.
	for _, v := range []string{"64", "32"} {
		m.addKey(v, "SOFTWARE")
		m.addKey(v, "SYSTEM")
	}
	return m
}

func (m *memRegistry) addKey(view, key string) {
	parts := strings.Split(key, `\`)
	for i := 1; i <= len(parts); i++ {
		m.keys[view+"|"+strings.ToLower(strings.Join(parts[:i], `\`))] = true
	}
}

func (m *memRegistry) KeyExists(view, key string) (bool, error) {
	return m.keys[view+"|"+strings.ToLower(key)], nil
}

func (m *memRegistry) Read(view, key, name string) (Value, bool, error) {
	v, ok := m.values[valueID(view, key, name)]
	return v, ok, nil
}

func (m *memRegistry) Write(view, key, name string, v Value) error {
	if name == m.failOn && m.failOn != "" {
		return errors.New("access denied")
	}
	m.addKey(view, key)
	m.values[valueID(view, key, name)] = Value{Type: v.Type, Data: append([]byte{}, v.Data...)}
	return nil
}

func (m *memRegistry) DeleteValue(view, key, name string) error {
	delete(m.values, valueID(view, key, name))
	return nil
}

func (m *memRegistry) DeleteKeyIfEmpty(view, key string) (bool, error) {
	prefix := view + "|" + strings.ToLower(key)
	if !m.keys[prefix] {
		return false, nil
	}
	for k := range m.keys {
		if strings.HasPrefix(k, prefix+`\`) {
			return false, nil
		}
	}
	for k := range m.values {
		if strings.HasPrefix(k, prefix+"|") {
			return false, nil
		}
	}
	delete(m.keys, prefix)
	return true, nil
}

func (m *memRegistry) snapshot() string {
	b, _ := json.Marshal(struct {
		K map[string]bool
		V map[string]Value
	}{m.keys, m.values})
	return string(b)
}

type rights struct {
	admin bool
	err   error
}

func (r rights) IsAdmin() (bool, error) { return r.admin, r.err }

type events struct{ got []string }

func (e *events) Info(id uint32, msg string) error    { e.add("info", id, msg); return nil }
func (e *events) Warning(id uint32, msg string) error { e.add("warning", id, msg); return nil }
func (e *events) Error(id uint32, msg string) error   { e.add("error", id, msg); return nil }
func (e *events) add(kind string, id uint32, msg string) {
	e.got = append(e.got, kind+" "+itoa(id)+" "+msg)
}

func itoa(id uint32) string { return fmt.Sprint(id) }

const net4 = `SOFTWARE\Microsoft\.NETFramework\v4.0.30319`
const tls10 = `SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client`

func testPlan(t *testing.T) []byte {
	t.Helper()
	c := Config{SchemaVersion: 1, Name: "tlsgate-test", Policy: "test", OS: "win10", Settings: []Setting{
		{Hive: "HKLM", Key: net4, View: "64", Name: "SchUseStrongCrypto", Type: "REG_DWORD", Value: 1},
		{Hive: "HKLM", Key: net4, View: "32", Name: "SchUseStrongCrypto", Type: "REG_DWORD", Value: 1},
		{Hive: "HKLM", Key: tls10, View: "64", Name: "Enabled", Type: "REG_DWORD", Value: 0, Reboot: true},
		{Hive: "HKLM", Key: tls10, View: "64", Name: "DisabledByDefault", Type: "REG_DWORD", Value: 1, Reboot: true},
	}}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

type harness struct {
	reg    *memRegistry
	ev     *events
	sys    *System
	out    *bytes.Buffer
	errb   *bytes.Buffer
	plan   []byte
	dir    string
	clock  time.Time
	rights rights
}

func newHarness(t *testing.T) *harness {
	h := &harness{reg: newMem(), ev: &events{}, out: &bytes.Buffer{}, errb: &bytes.Buffer{}, plan: testPlan(t), dir: testTempDir(t),
		clock: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), rights: rights{admin: true}}
	return h
}

func (h *harness) run(args ...string) int {
	h.out.Reset()
	h.errb.Reset()
	h.clock = h.clock.Add(time.Second)
	sys := &System{Registry: h.reg, Rights: h.rights, Events: h.ev, DataDir: h.dir, Now: func() time.Time { return h.clock }, Stdout: h.out, Stderr: h.errb}
	return Main(h.plan, args, sys)
}

func (h *harness) status(t *testing.T) Status {
	t.Helper()
	var st Status
	if err := json.Unmarshal(h.out.Bytes(), &st); err != nil {
		t.Fatalf("status JSON: %v\n%s", err, h.out)
	}
	return st
}

func TestApplyCheckRollbackRoundTrip(t *testing.T) {
	h := newHarness(t)
	// Seed: one value with a different type and data (REG_SZ), one with a
	// different DWORD; the others are absent, and the TLS 1.0 key too.
	h.reg.Write("64", net4, "SchUseStrongCrypto", Value{Type: RegSZ, Data: []byte{'0', 0, 0, 0}})
	h.reg.Write("32", net4, "SchUseStrongCrypto", DWORD(0))
	h.reg.Write("64", net4, "Unrelated", DWORD(7))
	before := h.reg.snapshot()

	if code := h.run("check"); code != ExitFailed {
		t.Fatalf("check before apply = %d, want 1\n%s", code, h.out)
	}
	if !strings.Contains(h.out.String(), `differs  HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319\SchUseStrongCrypto: found REG_DWORD 0, want REG_DWORD 1`) {
		t.Errorf("check output does not say what differs:\n%s", h.out)
	}

	if code := h.run("apply", "--whatif"); code != ExitOK {
		t.Fatalf("apply --whatif = %d\n%s%s", code, h.out, h.errb)
	}
	if h.reg.snapshot() != before {
		t.Fatal("apply --whatif changed the registry")
	}
	if _, err := os.Stat(BackupPath(h.dir, "test")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("apply --whatif wrote a backup")
	}
	if !strings.Contains(h.out.String(), `would set HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client\Enabled: absent -> REG_DWORD 0`) {
		t.Errorf("whatif output:\n%s", h.out)
	}

	if code := h.run("apply", "--json"); code != ExitRebootReq {
		t.Fatalf("apply = %d, want 3010\n%s%s", code, h.out, h.errb)
	}
	st := h.status(t)
	if st.Result != "changed" || !st.RebootRequired || st.ExitCode != 3010 || len(st.Settings) != 4 {
		t.Errorf("apply status: %+v", st)
	}
	if code := h.run("check", "--json"); code != ExitOK {
		t.Fatalf("check after apply = %d\n%s", code, h.out)
	}
	if st := h.status(t); st.Result != "compliant" {
		t.Errorf("check status %+v", st)
	}
	firstBackup, err := os.ReadFile(BackupPath(h.dir, "test"))
	if err != nil {
		t.Fatal(err)
	}
	// A second apply changes nothing and keeps the first backup.
	if code := h.run("apply"); code != ExitOK {
		t.Fatalf("second apply = %d\n%s", code, h.out)
	}
	h.reg.Write("64", tls10, "Enabled", DWORD(1)) // drift
	if code := h.run("apply"); code != ExitRebootReq {
		t.Fatalf("apply after drift = %d\n%s", code, h.out)
	}
	again, _ := os.ReadFile(BackupPath(h.dir, "test"))
	if !bytes.Equal(firstBackup, again) {
		t.Fatalf("a later apply rewrote the backup:\n%s\n---\n%s", firstBackup, again)
	}

	if code := h.run("rollback", "--whatif"); code != ExitOK {
		t.Fatalf("rollback --whatif = %d\n%s", code, h.out)
	}
	if !strings.Contains(h.out.String(), "would delete") {
		t.Errorf("rollback --whatif output:\n%s", h.out)
	}
	if code := h.run("rollback"); code != ExitRebootReq {
		t.Fatalf("rollback = %d\n%s%s", code, h.out, h.errb)
	}
	if got := h.reg.snapshot(); got != before {
		t.Fatalf("rollback did not restore the exact prior state:\n got %s\nwant %s", got, before)
	}
	if _, err := os.Stat(BackupPath(h.dir, "test")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the used backup is still in place")
	}
	matches, _ := filepath.Glob(filepath.Join(h.dir, "backup-test.restored-*.json"))
	if len(matches) != 1 {
		t.Errorf("restored backups: %v", matches)
	}
	if code := h.run("rollback"); code != ExitFailed || !strings.Contains(h.errb.String(), "no backup at") {
		t.Errorf("second rollback = %d, stderr %s", code, h.errb)
	}
	log, err := os.ReadFile(LogPath(h.dir, "test"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`set HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319\SchUseStrongCrypto = 1 (was REG_SZ "0")`, "deleted key HKLM\\SYSTEM", "restored "} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	evs := strings.Join(h.ev.got, "\n")
	for _, want := range []string{"warning 201 check test: not compliant", "info 100 apply test", "info 200 check test: compliant", "info 102 rollback test", "error 902 no backup"} {
		if !strings.Contains(evs, want) {
			t.Errorf("events lack %q:\n%s", want, evs)
		}
	}
}

func TestApplyWithoutAdminChangesNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rights rights
		want   string
	}{
		{"not admin", rights{admin: false}, "apply needs administrator rights"},
		{"check fails", rights{err: errors.New("token query failed")}, "cannot check administrator rights"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.rights = tc.rights
			before := h.reg.snapshot()
			if code := h.run("apply"); code != ExitFailed {
				t.Fatalf("apply = %d, want 1", code)
			}
			if !strings.Contains(h.errb.String(), tc.want) || !strings.Contains(h.errb.String(), "nothing was changed") {
				t.Errorf("stderr: %s", h.errb)
			}
			if h.reg.snapshot() != before {
				t.Error("registry changed")
			}
			if entries, _ := os.ReadDir(h.dir); len(entries) != 1 { // the log file only
				t.Errorf("data dir: %v", entries)
			}
			if !strings.Contains(strings.Join(h.ev.got, "\n"), "error 901") {
				t.Errorf("no event 901: %v", h.ev.got)
			}
			// check and --whatif need no rights.
			if code := h.run("check"); code != ExitFailed {
				t.Errorf("check = %d", code)
			}
			if code := h.run("apply", "--whatif"); code != ExitOK {
				t.Errorf("apply --whatif = %d", code)
			}
		})
	}
}

func TestApplyWriteFailure(t *testing.T) {
	h := newHarness(t)
	h.reg.failOn = "DisabledByDefault"
	if code := h.run("apply", "--json"); code != ExitFailed {
		t.Fatalf("apply = %d, want 1", code)
	}
	st := h.status(t)
	if st.Result != "failed" || len(st.Errors) == 0 || !strings.Contains(st.Errors[0], "access denied") {
		t.Errorf("status %+v", st)
	}
	// The backup was written first, so rollback undoes the partial apply.
	h.reg.failOn = ""
	if code := h.run("rollback"); code != ExitRebootReq {
		t.Fatalf("rollback = %d\n%s", code, h.errb)
	}
	if len(h.reg.values) != 0 || len(h.reg.keys) != 4 {
		t.Errorf("left behind: %s", h.reg.snapshot())
	}
}

func TestUnreadableBackupIsNotReplaced(t *testing.T) {
	h := newHarness(t)
	p := BackupPath(h.dir, "test")
	os.WriteFile(p, []byte("{broken"), 0o644)
	if code := h.run("apply"); code != ExitFailed {
		t.Fatalf("apply = %d", code)
	}
	if !strings.Contains(h.errb.String(), "refusing to replace it") {
		t.Errorf("stderr: %s", h.errb)
	}
	if len(h.reg.values) != 0 {
		t.Error("apply wrote values without a backup")
	}
	if data, _ := os.ReadFile(p); string(data) != "{broken" {
		t.Error("backup replaced")
	}
}

func TestCheckJSONSchema(t *testing.T) {
	h := newHarness(t)
	h.reg.Write("64", net4, "SchUseStrongCrypto", DWORD(1))
	h.reg.Write("32", net4, "SchUseStrongCrypto", Value{Type: RegQWORD, Data: []byte{1, 0, 0, 0, 0, 0, 0, 0}})
	if code := h.run("check", "--json"); code != ExitFailed {
		t.Fatalf("check = %d", code)
	}
	var doc map[string]any
	if err := json.Unmarshal(h.out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "command", "policy", "os", "result", "exit_code", "reboot_required", "settings", "errors"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("status lacks %q", k)
		}
	}
	st := h.status(t)
	want := []struct{ state, found string }{
		{"ok", `{"type":"REG_DWORD","value":1}`},
		{"differs", `{"type":"REG_QWORD","value":1}`},
		{"missing", `null`},
		{"missing", `null`},
	}
	for i, w := range want {
		s := st.Settings[i]
		f, _ := json.Marshal(s.Found)
		if s.State != w.state || string(f) != w.found {
			t.Errorf("setting %d: state %s found %s, want %s %s", i, s.State, f, w.state, w.found)
		}
		e, _ := json.Marshal(s.Expected)
		if !strings.HasPrefix(string(e), `{"type":"REG_DWORD","value":`) {
			t.Errorf("setting %d expected %s", i, e)
		}
	}
}

type errRegistry struct{ *memRegistry }

func (errRegistry) Read(view, key, name string) (Value, bool, error) {
	return Value{}, false, errors.New("access is denied")
}

func TestCheckCouldNotTell(t *testing.T) {
	h := newHarness(t)
	sys := &System{Registry: errRegistry{newMem()}, Stdout: h.out, Stderr: h.errb, DataDir: h.dir}
	if code := Main(h.plan, []string{"check"}, sys); code != ExitUnknown {
		t.Fatalf("check = %d, want 2", code)
	}
	if code := Main(h.plan, []string{"apply"}, &System{Registry: errRegistry{newMem()}, Rights: rights{admin: true}, Stdout: h.out, Stderr: h.errb, DataDir: h.dir}); code != ExitFailed {
		t.Fatalf("apply = %d, want 1", code)
	}
}

func TestArgumentsAndPlanErrors(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		args []string
		plan string
		want int
	}{
		{nil, "", ExitUnknown},
		{[]string{"--help"}, "", ExitOK},
		{[]string{"frobnicate"}, "", ExitUnknown},
		{[]string{"apply", "--bogus"}, "", ExitFailed},
		{[]string{"check", "--whatif"}, "", ExitUnknown},
		{[]string{"check"}, "{}", ExitUnknown},
		{[]string{"apply"}, "", ExitFailed},
		{[]string{"apply"}, `{"schema_version":1,"policy":"p","settings":[{"hive":"HKCU","key":"a","view":"64","name":"n","type":"REG_DWORD"}]}`, ExitFailed},
		{[]string{"check"}, `{"schema_version":1,"policy":"p","settings":[{"hive":"HKLM","key":"a","view":"64","name":"n","type":"REG_SZ"}]}`, ExitUnknown},
	} {
		plan := h.plan
		if tc.plan != "" || (len(tc.args) == 1 && tc.args[0] == "apply") {
			plan = []byte(tc.plan)
		}
		sys := &System{Registry: h.reg, Rights: rights{admin: true}, Stdout: h.out, Stderr: h.errb, DataDir: h.dir}
		if got := Main(plan, tc.args, sys); got != tc.want {
			t.Errorf("%v %q: exit %d, want %d (%s)", tc.args, tc.plan, got, tc.want, h.errb)
		}
	}
}

func TestBackupID(t *testing.T) {
	for in, want := range map[string]string{
		"tls12":                  "tls12",
		"policies/my policy.yml": "my_policy",
		`C:\p\x.yaml`:            "x",
		"":                       "policy",
	} {
		if got := BackupID(in); got != want {
			t.Errorf("BackupID(%q) = %q, want %q", in, got, want)
		}
	}
}

// testTempDir is t.TempDir without its RemoveAll check: under Wine 8,
// Go 1.26's os.RemoveAll fails with "Invalid function" (the POSIX-semantics
// delete it uses is not implemented), which would fail every test there.
func testTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "applier-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var paths []string
		filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
			if err == nil {
				paths = append(paths, p)
			}
			return nil
		})
		for i := len(paths) - 1; i >= 0; i-- {
			os.Remove(paths[i])
		}
	})
	return dir
}
