//go:build !windows

package applier

// NewSystem is only available on Windows; elsewhere the program's logic
// runs with a System built by the caller (tests).
func NewSystem() (sys *System, closeLog func()) {
	return nil, func() {}
}
