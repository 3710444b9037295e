#!/usr/bin/env bash
# Regenerates _vendor: the golang.org/x/sys packages the applier needs, as
# `go mod vendor` lays them out, for the offline build in pkggen/exe. Run it
# after changing the x/sys version in go.mod (and XSysVersion in embed.go).
set -euo pipefail
cd "$(dirname "$0")"
ver=$(sed -n 's/^const XSysVersion = "\(.*\)"$/\1/p' embed.go)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/go.mod" <<MOD
module tlsgate-applier

go 1.24.0

require golang.org/x/sys $ver
MOD
cat > "$tmp/main.go" <<'GO'
package main

import (
	_ "golang.org/x/sys/windows"
	_ "golang.org/x/sys/windows/registry"
	_ "golang.org/x/sys/windows/svc/eventlog"
)

func main() {}
GO
(cd "$tmp" && GOFLAGS=-mod=mod GOWORK=off go mod tidy && GOWORK=off go mod vendor)
rm -rf _vendor
cp -r "$tmp/vendor" _vendor
echo "vendored golang.org/x/sys $ver into $(pwd)/_vendor"
