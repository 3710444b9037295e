//go:build windows

package applier

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests run on Windows, and on Linux under Wine through
// TestUnderWine (wine_test.go): the real registry, the real rights check
// and event log, and the log file.

const testKey = `SOFTWARE\tlsgate-test\applier`

func TestWinRegistryRoundTrip(t *testing.T) {
	r := winRegistry{}
	t.Cleanup(func() {
		for _, v := range []string{"64", "32"} {
			r.DeleteValue(v, testKey, "dw")
			r.DeleteValue(v, testKey, "raw")
			r.DeleteKeyIfEmpty(v, testKey)
			r.DeleteKeyIfEmpty(v, `SOFTWARE\tlsgate-test`)
		}
	})
	for _, v := range []string{"64", "32"} {
		if ok, err := r.KeyExists(v, testKey); err != nil || ok {
			t.Fatalf("view %s: key exists before the test (%v, %v)", v, ok, err)
		}
		if _, ok, err := r.Read(v, testKey, "dw"); err != nil || ok {
			t.Fatalf("view %s: read absent = %v, %v", v, ok, err)
		}
	}
	if err := r.Write("64", testKey, "dw", DWORD(0xffffffff)); err != nil {
		t.Fatal(err)
	}
	// The 32-bit view is a separate copy (Wow6432Node) outside Policies.
	if _, ok, _ := r.Read("32", testKey, "dw"); ok {
		t.Fatal("a 64-bit write shows in the 32-bit view")
	}
	if err := r.Write("32", testKey, "dw", DWORD(2)); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := r.Read("64", testKey, "dw"); err != nil || !ok || string(v.Data) != string(DWORD(0xffffffff).Data) || v.Type != RegDWORD {
		t.Fatalf("64-bit read back %v %v %v", v, ok, err)
	}
	if v, ok, err := r.Read("32", testKey, "dw"); err != nil || !ok || string(v.Data) != string(DWORD(2).Data) {
		t.Fatalf("32-bit read back %v %v %v", v, ok, err)
	}
	// Raw values of every kind round-trip exactly (rollback relies on it).
	long := bytes.Repeat([]byte{0xAB}, 300)
	for _, want := range []Value{
		{Type: RegSZ, Data: []byte{'x', 0, 0xe9, 0, 0, 0}},
		{Type: RegMultiSZ, Data: []byte{'a', 0, 0, 0, 'b', 0, 0, 0, 0, 0}},
		{Type: RegQWORD, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}},
		{Type: RegBinary, Data: long},
		{Type: RegNone, Data: nil},
		{Type: RegDWORD, Data: []byte{1, 0, 0, 0}},
	} {
		if err := r.Write("32", testKey, "raw", want); err != nil {
			t.Fatalf("write %s: %v", TypeName(want.Type), err)
		}
		got, ok, err := r.Read("32", testKey, "raw")
		if err != nil || !ok || got.Type != want.Type || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("%s: read back %v %x (%v %v)", TypeName(want.Type), TypeName(got.Type), got.Data, ok, err)
		}
	}
	if deleted, err := r.DeleteKeyIfEmpty("32", testKey); err != nil || deleted {
		t.Fatalf("deleted a key with values: %v %v", deleted, err)
	}
	for _, v := range []string{"64", "32"} {
		for _, n := range []string{"dw", "raw", "never-there"} {
			if err := r.DeleteValue(v, testKey, n); err != nil {
				t.Fatalf("delete %s %s: %v", v, n, err)
			}
		}
		if deleted, err := r.DeleteKeyIfEmpty(v, testKey); err != nil || !deleted {
			t.Fatalf("view %s: delete empty key: %v %v", v, deleted, err)
		}
		if ok, _ := r.KeyExists(v, testKey); ok {
			t.Fatalf("view %s: key still there", v)
		}
	}
}

func TestRightsAndEventLogSeams(t *testing.T) {
	sys, closeLog := NewSystem()
	defer closeLog()
	if _, err := sys.Rights.IsAdmin(); err != nil {
		t.Errorf("IsAdmin: %v", err)
	}
	if sys.Events != nil {
		if err := sys.Events.Info(EventCompliant, "tlsgate applier test event"); err != nil {
			t.Errorf("event log: %v", err)
		}
	}
	if !strings.HasSuffix(sys.DataDir, `\tlsgate`) || !filepath.IsAbs(sys.DataDir) {
		t.Errorf("data dir %q", sys.DataDir)
	}
}

func TestMainOnTheRealRegistry(t *testing.T) {
	sys, closeLog := NewSystem()
	defer closeLog()
	sys.DataDir = testTempDir(t)
	sys.Rights = rights{admin: true} // Wine cannot show a non-admin token
	plan, _ := json.Marshal(Config{SchemaVersion: 1, Name: "t", Policy: "wine-test", OS: "win10", Settings: []Setting{
		{Hive: "HKLM", Key: testKey, View: "64", Name: "A", Type: "REG_DWORD", Value: 1},
		{Hive: "HKLM", Key: testKey, View: "32", Name: "A", Type: "REG_DWORD", Value: 1, Reboot: true},
	}})
	r := winRegistry{}
	if err := r.Write("64", testKey, "A", Value{Type: RegSZ, Data: []byte{'0', 0, 0, 0}}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		r.DeleteValue("64", testKey, "A")
		r.DeleteKeyIfEmpty("64", testKey)
		r.DeleteKeyIfEmpty("64", `SOFTWARE\tlsgate-test`)
	}()
	var out bytes.Buffer
	sys.Stdout, sys.Stderr = &out, &out
	if code := Main(plan, []string{"apply"}, sys); code != ExitRebootReq {
		t.Fatalf("apply = %d\n%s", code, out.String())
	}
	if code := Main(plan, []string{"check"}, sys); code != ExitOK {
		t.Fatalf("check = %d\n%s", code, out.String())
	}
	if code := Main(plan, []string{"rollback"}, sys); code != ExitRebootReq {
		t.Fatalf("rollback = %d\n%s", code, out.String())
	}
	if v, ok, _ := r.Read("64", testKey, "A"); !ok || v.Type != RegSZ || string(v.Data) != "0\x00\x00\x00" {
		t.Errorf("64-bit value not restored: %v %v", v, ok)
	}
	if ok, _ := r.KeyExists("32", testKey); ok {
		t.Error("rollback left the 32-bit key apply created")
	}
	log, err := os.ReadFile(LogPath(sys.DataDir, "wine-test"))
	if err != nil || !strings.Contains(string(log), "restored HKLM") {
		t.Errorf("log file: %v\n%s", err, log)
	}
}
