#!/usr/bin/env bash
# Benchmark: tlsgate scan vs ripgrep on the same generated tree.
#
# Generates (fixed seed 1) a tree of realistic .NET sources, PowerShell
# scripts and App.config files with a Visual Studio .gitignore at the root,
# SIZE_MB large (default 200), in which a
# fraction DENSITY (default 0.002, i.e. 2 lines per 1000) of the lines carry a
# rule anchor — half real findings, half tricky negatives (HasFlag reads,
# removal idioms, comments). Then times, side by side, cold cache (page cache
# dropped before each run, when /proc/sys/vm/drop_caches is writable) and
# warm cache (best of 3):
#   tlsgate scan TREE --format sarif
#   rg -i -c '<the rules' anchor literals>' TREE
# with wall time, CPU time and peak RSS from /usr/bin/time.
# Goal: tlsgate <= 2x rg wall time, <= 300 MB RSS.
#
# usage: bench/scan.sh [WORKDIR] [SIZE_MB] [DENSITY]
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-${TMPDIR:-/tmp}/tlsgate-bench}"
size_mb="${2:-200}"
density="${3:-0.002}"
tree="$work/tree"
mkdir -p "$work"
command -v rg >/dev/null || { echo "bench: ripgrep (rg) is required" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time) is required" >&2; exit 2; }

go build -trimpath -o "$work/tlsgate" ./cmd/tlsgate
if [ ! -f "$tree/.generated-v2-$size_mb-$density" ]; then
  rm -rf "$tree"
  go run ./bench/gen -out "$tree" -size $((size_mb * 1024 * 1024)) -seed 1 -density "$density"
  touch "$tree/.generated-v2-$size_mb-$density"
fi
echo "tree: $tree ($(du -sh "$tree" | cut -f1), $(find "$tree" -type f | wc -l) files)"

anchors='SecurityProtocol|SslProtocols|CertificateValidationCallback|ServerCertificateCustomValidationCallback|CertificatePolicy|SkipCertificateCheck|DangerousAcceptAny|SetSwitch|WinHttpSetOption|AuthenticateAs|AppContextSwitchOverrides|httpRuntime|TargetFramework|SchUseStrongCrypto|grbitEnabledProtocols|MinProtocol'

can_drop=0
if [ -w /proc/sys/vm/drop_caches ]; then can_drop=1; fi

# measure NAME CMD...: prints "wall user sys maxrss_kb"
measure() {
  local out="$work/time.out"
  /usr/bin/time -o "$out" -f "%e %U %S %M" "$@" >/dev/null 2>"$work/stderr.out" || true
  tail -n 1 "$out"
}

drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }

tg=("$work/tlsgate" scan "$tree" --format sarif --output "$work/out.sarif")
rgc=(rg -i -c "$anchors" "$tree")

printf "%-22s %9s %9s %9s %11s\n" "run" "wall s" "user s" "sys s" "peak RSS MB"
row() { read -r w u s m <<<"$2"; printf "%-22s %9s %9s %9s %11d\n" "$1" "$w" "$u" "$s" $((m / 1024)); }
if [ $can_drop = 1 ]; then
  drop; row "rg cold" "$(measure "${rgc[@]}")"
  drop; row "tlsgate cold" "$(measure "${tg[@]}")"
else
  echo "(cold cache skipped: /proc/sys/vm/drop_caches is not writable)"
fi
measure "${rgc[@]}" >/dev/null
best() { # best wall of 3
  local b="" r
  for _ in 1 2 3; do
    r=$(measure "$@")
    if [ -z "$b" ] || awk -v a="${r%% *}" -v c="${b%% *}" 'BEGIN{exit !(a<c)}'; then b="$r"; fi
  done
  echo "$b"
}
rgw=$(best "${rgc[@]}"); row "rg warm (best of 3)" "$rgw"
tgw=$(best "${tg[@]}"); row "tlsgate warm (best of 3)" "$tgw"
awk -v t="${tgw%% *}" -v r="${rgw%% *}" 'BEGIN{printf "warm ratio tlsgate/rg: %.2fx (goal <= 2x)\n", t/r}'
echo "findings: $(grep -c '"ruleId"' "$work/out.sarif") results in $work/out.sarif"
