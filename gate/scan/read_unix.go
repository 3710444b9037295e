//go:build unix

package scan

import (
	"io/fs"
	"syscall"
)

// readFile reads the regular file at name into a buffer from w, with plain
// system calls: open, fstat, read, close. os.Open would add four fcntl
// calls and an epoll registration attempt per file, which on a tree of
// small sources costs as much system time as the reads themselves.
// The errors are what the os package reports (*fs.PathError).
//
// size is the file's size; regular is false for anything else (raw is
// then nil; a FIFO, socket or device is never read from); raw is nil too
// when size is over limit.
func (w *worker) readFile(name string, limit int64) (raw []byte, size int64, regular bool, err error) {
	var fd int
	for {
		// O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then
		// rejects it); reads of a regular file ignore the flag.
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, 0, false, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, 0, false, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, 0, false, nil
	}
	if st.Size > limit {
		return nil, st.Size, true, nil
	}
	raw = w.readBuf(st.Size)
	n := 0
	for n < len(raw) {
		m, err := syscall.Read(fd, raw[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, st.Size, true, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if m <= 0 {
			break // a file that shrank meanwhile: what was there
		}
		n += m
	}
	return raw[:n], st.Size, true, nil
}
