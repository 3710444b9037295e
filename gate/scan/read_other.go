//go:build !unix

package scan

import (
	"errors"
	"io"
	"os"
)

// readFile reads the regular file at name into a buffer from w. size is
// the file's size; regular is false for anything else (raw is then nil);
// raw is nil too when size is over limit.
func (w *worker) readFile(name string, limit int64) (raw []byte, size int64, regular bool, err error) {
	// check before opening: opening a named pipe can block until a writer
	// appears
	// (a failing Stat is left to Open, whose error the caller reports)
	if st, err := os.Stat(name); err == nil && !st.Mode().IsRegular() {
		return nil, 0, false, nil
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, 0, false, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, 0, false, err
	}
	if !st.Mode().IsRegular() {
		return nil, 0, false, nil
	}
	if st.Size() > limit {
		return nil, st.Size(), true, nil
	}
	raw = w.readBuf(st.Size())
	n, err := io.ReadFull(fh, raw)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, st.Size(), true, err
	}
	return raw[:n], st.Size(), true, nil
}
