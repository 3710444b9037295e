//go:build windows

package applier

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
	"golang.org/x/sys/windows/svc/eventlog"
)

// EventSource is the event log source name.
const EventSource = "tlsgate"

// NewSystem returns the real Windows system: the HKLM registry, the token
// membership check, the Application event log (source tlsgate) and
// %ProgramData%\tlsgate. closeLog releases the event log handle.
func NewSystem() (sys *System, closeLog func()) {
	sys = &System{
		Registry: winRegistry{},
		Rights:   tokenRights{},
		DataDir:  filepath.Join(programData(), "tlsgate"),
		Stdout:   os.Stdout,
		Stderr:   os.Stderr,
	}
	closeLog = func() {}
	// An unregistered source still logs (Event Viewer then notes that the
	// message file is missing); registering one would add registry values
	// that rollback does not own.
	if l, err := eventlog.Open(EventSource); err == nil {
		sys.Events = l
		closeLog = func() { l.Close() }
	}
	return sys, closeLog
}

func programData() string {
	if p, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0); err == nil && p != "" {
		return p
	}
	if p := os.Getenv("ProgramData"); p != "" {
		return p
	}
	return `C:\ProgramData`
}

// tokenRights reports whether the process token is a member of the
// Administrators group and that membership is enabled (an elevated token;
// under UAC a filtered admin token has the group as deny-only).
type tokenRights struct{}

func (tokenRights) IsAdmin() (bool, error) {
	sid, err := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
	if err != nil {
		return false, err
	}
	// Token 0 means the current thread's effective token (CheckTokenMembership).
	return windows.Token(0).IsMember(sid)
}

type winRegistry struct{}

func viewFlag(view string) uint32 {
	if view == "32" {
		return registry.WOW64_32KEY
	}
	return registry.WOW64_64KEY
}

func notExist(err error) bool {
	return errors.Is(err, registry.ErrNotExist) || errors.Is(err, syscall.ERROR_FILE_NOT_FOUND) || errors.Is(err, syscall.ERROR_PATH_NOT_FOUND)
}

func (winRegistry) KeyExists(view, key string) (bool, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, key, registry.QUERY_VALUE|viewFlag(view))
	if err != nil {
		if notExist(err) {
			return false, nil
		}
		return false, err
	}
	k.Close()
	return true, nil
}

func (winRegistry) Read(view, key, name string) (Value, bool, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, key, registry.QUERY_VALUE|viewFlag(view))
	if err != nil {
		if notExist(err) {
			return Value{}, false, nil
		}
		return Value{}, false, err
	}
	defer k.Close()
	buf := make([]byte, 64)
	for {
		n, typ, err := k.GetValue(name, buf)
		switch {
		case err == nil:
			return Value{Type: typ, Data: append([]byte{}, buf[:n]...)}, true, nil
		case notExist(err):
			return Value{}, false, nil
		case errors.Is(err, registry.ErrShortBuffer) || errors.Is(err, syscall.ERROR_MORE_DATA):
			if n <= len(buf) {
				n = 2 * len(buf)
			}
			buf = make([]byte, n)
		default:
			return Value{}, false, err
		}
	}
}

var procRegSetValueExW = windows.NewLazySystemDLL("advapi32.dll").NewProc("RegSetValueExW")

func (winRegistry) Write(view, key, name string, v Value) error {
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, key, registry.SET_VALUE|registry.QUERY_VALUE|viewFlag(view))
	if err != nil {
		return err
	}
	defer k.Close()
	if v.Type == RegDWORD && len(v.Data) == 4 {
		return k.SetDWordValue(name, uint32(v.Data[0])|uint32(v.Data[1])<<8|uint32(v.Data[2])<<16|uint32(v.Data[3])<<24)
	}
	// Any other type: write the raw bytes back exactly (rollback).
	p, err := syscall.UTF16PtrFromString(name)
	if err != nil {
		return err
	}
	var data *byte
	if len(v.Data) > 0 {
		data = &v.Data[0]
	}
	r, _, _ := procRegSetValueExW.Call(uintptr(k), uintptr(unsafe.Pointer(p)), 0, uintptr(v.Type), uintptr(unsafe.Pointer(data)), uintptr(len(v.Data)))
	if r != 0 {
		return syscall.Errno(r)
	}
	return nil
}

func (winRegistry) DeleteValue(view, key, name string) error {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, key, registry.SET_VALUE|viewFlag(view))
	if err != nil {
		if notExist(err) {
			return nil
		}
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(name); err != nil && !notExist(err) {
		return err
	}
	return nil
}

func (winRegistry) DeleteKeyIfEmpty(view, key string) (bool, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, key, registry.QUERY_VALUE|registry.ENUMERATE_SUB_KEYS|viewFlag(view))
	if err != nil {
		if notExist(err) {
			return false, nil
		}
		return false, err
	}
	info, err := k.Stat()
	k.Close()
	if err != nil {
		return false, err
	}
	if info.SubKeyCount > 0 || info.ValueCount > 0 {
		return false, nil
	}
	i := lastSep(key)
	if i < 0 {
		return false, nil
	}
	parent, err := registry.OpenKey(registry.LOCAL_MACHINE, key[:i], registry.QUERY_VALUE|registry.ENUMERATE_SUB_KEYS|windows.DELETE|viewFlag(view))
	if err != nil {
		return false, err
	}
	defer parent.Close()
	// The parent handle already points into the right view, so deleting its
	// child by name stays in that view.
	if err := registry.DeleteKey(parent, key[i+1:]); err != nil {
		return false, err
	}
	return true, nil
}

func lastSep(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\\' {
			return i
		}
	}
	return -1
}
