#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian 12 machine: Wine (with
# the Go 1.26 shim built by the tests), mingw, wixl/msitools, osslsigncode,
# openssl and nginx (legacy TLS test servers), and pinned Node/Go tools.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

pkgs=(wine wine64 gcc-mingw-w64-x86-64-win32 wixl msitools osslsigncode openssl nginx-light icoutils)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node tools (pinned), installed into .cache/node (git-ignored).
NODE_DIR=.cache/node
if command -v npm >/dev/null 2>&1; then
  if [ ! -f "$NODE_DIR/.installed-v1" ]; then
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && [ -f package.json ] || echo '{"private":true}' > package.json)
    (cd "$NODE_DIR" && npm install --silent --no-audit --no-fund --ignore-scripts \
      @action-validator/cli@0.6.0 @action-validator/core@0.6.0 \
      tree-sitter-powershell@0.26.4 web-tree-sitter@0.27.1)
    touch "$NODE_DIR/.installed-v1"
  fi
fi

# Go tools (pinned).
if ! [ -x .cache/bin/actionlint ]; then
  GOBIN="$PWD/.cache/bin" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
fi
echo "setup: ok"
