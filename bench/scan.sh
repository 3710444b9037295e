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
# warm cache (median of WARM runs, default 5; cold: median of COLD runs,
# default 3):
#   tlsgate scan TREE --format sarif
#   rg -i -c '<the rules' anchor literals>' TREE
# with wall time, CPU time and peak RSS from /usr/bin/time.
# Goal: tlsgate <= 2x rg wall time, <= 300 MB RSS.
#
# usage: bench/scan.sh [WORKDIR] [SIZE_MB] [DENSITY]
# env:   TLSGATE_BIN=path  time that binary instead of building ./cmd/tlsgate
#        WARM=n COLD=n     number of runs per median
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-${TMPDIR:-/tmp}/tlsgate-bench}"
size_mb="${2:-200}"
density="${3:-0.002}"
tree="$work/tree"
mkdir -p "$work"
command -v rg >/dev/null || { echo "bench: ripgrep (rg) is required" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time) is required" >&2; exit 2; }

warm_runs="${WARM:-5}"
cold_runs="${COLD:-3}"
if [ -n "${TLSGATE_BIN:-}" ]; then
  cp "$TLSGATE_BIN" "$work/tlsgate"
else
  go build -trimpath -o "$work/tlsgate" ./cmd/tlsgate
fi
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

# median N CMD...: runs CMD N times (dropping the page cache before each
# run when COLDRUN=1) and prints the run with the median wall time
median() {
  local n=$1; shift
  local runs=()
  for ((k = 0; k < n; k++)); do
    if [ "${COLDRUN:-0}" = 1 ]; then drop; fi
    runs+=("$(measure "$@")")
  done
  printf "%s\n" "${runs[@]}" | sort -n -k1,1 | sed -n "$(((n + 1) / 2))p"
}

printf "%-26s %9s %9s %9s %11s\n" "run" "wall s" "user s" "sys s" "peak RSS MB"
row() { read -r w u s m <<<"$2"; printf "%-26s %9s %9s %9s %11d\n" "$1" "$w" "$u" "$s" $((m / 1024)); }
ratio() { awk -v t="${2%% *}" -v r="${3%% *}" -v what="$1" 'BEGIN{printf "%s ratio tlsgate/rg: %.2fx (goal <= 2x)\n", what, t/r}'; }
if [ $can_drop = 1 ]; then
  rgc_=$(COLDRUN=1 median "$cold_runs" "${rgc[@]}"); row "rg cold (median of $cold_runs)" "$rgc_"
  tgc_=$(COLDRUN=1 median "$cold_runs" "${tg[@]}"); row "tlsgate cold (median of $cold_runs)" "$tgc_"
  ratio cold "$tgc_" "$rgc_"
else
  echo "(cold cache skipped: /proc/sys/vm/drop_caches is not writable)"
fi
measure "${rgc[@]}" >/dev/null
measure "${tg[@]}" >/dev/null
rgw=$(median "$warm_runs" "${rgc[@]}"); row "rg warm (median of $warm_runs)" "$rgw"
tgw=$(median "$warm_runs" "${tg[@]}"); row "tlsgate warm (median of $warm_runs)" "$tgw"
ratio warm "$tgw" "$rgw"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "findings: $(grep -c '"ruleId"' "$work/out.sarif") results in $work/out.sarif"
