package applier

import "embed"

// Source is this package's own source and its vendored dependencies (the
// golang.org/x/sys packages it needs, with vendor/modules.txt), so an
// installed tlsgate can build the program offline: pkggen/exe writes them to
// a temporary module and builds it with -mod=vendor.
//
// _vendor holds the output of `go mod vendor` for that module (see
// vendor.sh); the underscore keeps the go command from treating it as part
// of this module.
//
//go:embed *.go _vendor
var Source embed.FS

// XSysVersion is the golang.org/x/sys version in _vendor.
const XSysVersion = "v0.38.0"
