#!/usr/bin/env bash
# bench/probe.sh — times `tlsgate probe` side by side with sslscan and
# testssl.sh on the loopback test profiles (internal/testsrv), each behind a
# delay proxy adding RTT (default 50 ms; bench/testbed), and compares their
# protocol verdicts with the truth and with ours. Connections are counted by
# the proxy.
#
#   bench/probe.sh                    # everything (about 6-8 minutes)
#   RTT=0 bench/probe.sh              # loopback, CPU-bound
#   SSLSCAN=0 TESTSSL=off bench/probe.sh   # tlsgate only (seconds)
#
# Environment:
#   RTT=50ms            round trip added by the proxy
#   RUNS=5              tlsgate runs per profile (median reported)
#   SSLSCAN=1           run sslscan's default run per profile (0 = skip)
#   TESTSSL=protocols   testssl.sh -p per profile; "default" = full default
#                       run per profile (about 1 minute each); "off"
#   TESTSSL_DEFAULT_ON=modern   profiles that also get one testssl.sh default run
#   HOSTILE_TIMEOUT=60  seconds before sslscan/testssl are killed on the tarpit
#   PROFILES=a,b        only these profiles in the per-profile table (default all)
#   HOSTILE=1           run the hostile-endpoint table (0 = skip)
#   MANY=1              run the 50-host measurement (0 = skip)
#   MANY_PROFILES=modern,legacy,tls13-only,rc4,cbc-only   profiles copied 10 times each
#                       for the 50-host run (RSA-2048 servers: their signatures
#                       dominate the CPU on 2 cores; modern-ecdsa is cheap)
#   MANY_FLAGS=         extra tlsgate flags for the 50-host run (e.g. --concurrency 1024)
#   TLSGATE_BIN=path    use this binary instead of building ./cmd/tlsgate
#   OUT=file            also write the report here (markdown)
set -euo pipefail
cd "$(dirname "$0")/.."

RTT=${RTT:-50ms}
RUNS=${RUNS:-5}
SSLSCAN=${SSLSCAN:-1}
TESTSSL=${TESTSSL:-protocols}
TESTSSL_DEFAULT_ON=${TESTSSL_DEFAULT_ON:-modern}
HOSTILE_TIMEOUT=${HOSTILE_TIMEOUT:-60}
PROFILES=${PROFILES:-}
HOSTILE=${HOSTILE:-1}
MANY=${MANY:-1}
MANY_FLAGS=${MANY_FLAGS:-}
MANY_PROFILES=${MANY_PROFILES:-modern,legacy,tls13-only,rc4,cbc-only}

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

BIN=${TLSGATE_BIN:-}
if [ -z "$BIN" ]; then
  go build -o "$work/tlsgate" ./cmd/tlsgate
  BIN="$work/tlsgate"
fi
go build -o "$work/testbed" ./bench/testbed

command -v sslscan >/dev/null || SSLSCAN=0
TESTSSL_BIN=$(command -v testssl.sh || command -v testssl || true)
[ -n "$TESTSSL_BIN" ] || TESTSSL=off

start_bed() { # file args...
  local f=$1; shift
  "$work/testbed" -rtt "$RTT" -addr-file "$f" -dir "$(mktemp -d -p "$work")" "$@" 2>"$f.log" &
  pids+=($!)
  for _ in $(seq 1 200); do [ -s "$f" ] && return 0; sleep 0.1; done
  echo "testbed did not start: $(cat "$f.log")" >&2
  exit 1
}

start_bed "$work/bed.txt"
STATUS=$(awk 'NR==1{print $3}' "$work/bed.txt")
reset_counts() { curl -s "$STATUS/reset" >/dev/null; }
count_of() { curl -s "$STATUS/counts" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', 0))"; }

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
median() { python3 -c "import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f'{statistics.median(v):.3f}')" "$@"; }

# Verdict parsers: six letters a/r/i, SSL 2.0 first.
ours() { python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))["endpoints"][0]["protocols"]
print("".join(d[k][0] for k in ["SSL2.0","SSL3.0","TLS1.0","TLS1.1","TLS1.2","TLS1.3"]))' "$1"; }
sslscan_verdict() { python3 -c '
import re,sys
t=open(sys.argv[1],errors="replace").read()
out=""
for k in ["SSLv2","SSLv3","TLSv1.0","TLSv1.1","TLSv1.2","TLSv1.3"]:
    m=re.search(r"^"+re.escape(k)+r"\s+(enabled|disabled)",t,re.M)
    out+= "i" if not m else ("a" if m.group(1)=="enabled" else "r")
print(out)' "$1"; }
testssl_verdict() { python3 -c '
import json,sys
try: items=json.load(open(sys.argv[1]))
except Exception: print("iiiiii"); sys.exit()
if isinstance(items,dict): items=items.get("scanResult",[{}])[0].get("protocols",[])
f={i.get("id"):i.get("finding","") for i in items}
out=""
for k in ["SSLv2","SSLv3","TLS1","TLS1_1","TLS1_2","TLS1_3"]:
    v=f.get(k,"").lower()
    out+= "r" if "not offered" in v else ("a" if ("offered" in v or "vulnerable" in v) else "i")
print(out)' "$1"; }

report=()
row() { report+=("$*"); echo "$*" >&2; }

row "| profile | truth | tlsgate | s (median of $RUNS) | conns | sslscan default | s | conns | testssl ($TESTSSL) | s | conns |"
row "|---|---|---|---|---|---|---|---|---|---|---|"
tls_profiles=$(awk 'NR>1 && $1!~/^(tarpit|garbage|drip|oversized|closer|unreachable)$/{print $1}' "$work/bed.txt")
if [ -n "$PROFILES" ]; then tls_profiles=${PROFILES//,/ }; fi
ok_ours=0; ok_sslscan=0; ok_testssl=0; n=0; tot_ours=0; tot_sslscan=0; tot_testssl=0
for p in $tls_profiles; do
  addr=$(awk -v p="$p" '$1==p{print $2}' "$work/bed.txt")
  truth=$(awk -v p="$p" '$1==p{print $4}' "$work/bed.txt")
  n=$((n+1))
  times=()
  for i in $(seq 1 "$RUNS"); do
    reset_counts
    t0=$(now); "$BIN" probe "$addr" --format json -o "$work/ours.json" || true; t1=$(now)
    times+=("$(elapsed "$t0" "$t1")")
  done
  c_ours=$(count_of "$p"); v_ours=$(ours "$work/ours.json"); t_ours=$(median "${times[@]}")
  [ "$v_ours" = "$truth" ] && ok_ours=$((ok_ours+1))
  tot_ours=$(python3 -c "print(round($tot_ours+$t_ours, 3))")
  v_s=-; t_s=-; c_s=-
  if [ "$SSLSCAN" = 1 ]; then
    reset_counts
    t0=$(now); sslscan --no-colour "$addr" >"$work/sslscan.txt" 2>&1 || true; t1=$(now)
    t_s=$(elapsed "$t0" "$t1"); c_s=$(count_of "$p"); v_s=$(sslscan_verdict "$work/sslscan.txt")
    [ "$v_s" = "$truth" ] && ok_sslscan=$((ok_sslscan+1))
    tot_sslscan=$(python3 -c "print(round($tot_sslscan+$t_s, 3))")
  fi
  v_t=-; t_t=-; c_t=-
  if [ "$TESTSSL" != off ]; then
    mode=-p; [ "$TESTSSL" = default ] && mode=""
    rm -f "$work/testssl.json"; reset_counts
    t0=$(now); "$TESTSSL_BIN" --quiet --color 0 --warnings off $mode --jsonfile "$work/testssl.json" "$addr" >"$work/testssl.txt" 2>&1 || true; t1=$(now)
    t_t=$(elapsed "$t0" "$t1"); c_t=$(count_of "$p"); v_t=$(testssl_verdict "$work/testssl.json")
    [ "$v_t" = "$truth" ] && ok_testssl=$((ok_testssl+1))
    tot_testssl=$(python3 -c "print(round($tot_testssl+$t_t, 3))")
  fi
  row "| $p | $truth | $v_ours | $t_ours | $c_ours | $v_s | $t_s | $c_s | $v_t | $t_t | $c_t |"
done
row ""
row "Protocol verdicts matching the truth: tlsgate $ok_ours/$n, sslscan $ok_sslscan/$n, testssl.sh $ok_testssl/$n."
row "Summed time over the $n profiles: tlsgate ${tot_ours}s, sslscan default ${tot_sslscan}s, testssl.sh ($TESTSSL) ${tot_testssl}s."

if [ "$TESTSSL" != off ] && [ -n "$TESTSSL_DEFAULT_ON" ]; then
  for p in ${TESTSSL_DEFAULT_ON//,/ }; do
    addr=$(awk -v p="$p" '$1==p{print $2}' "$work/bed.txt")
    [ -n "$addr" ] || continue
    rm -f "$work/testssl.json"; reset_counts
    t0=$(now); "$TESTSSL_BIN" --quiet --color 0 --warnings off --jsonfile "$work/testssl.json" "$addr" >/dev/null 2>&1 || true; t1=$(now)
    row "testssl.sh default run on $p: $(elapsed "$t0" "$t1") s, $(count_of "$p") connections, verdict $(testssl_verdict "$work/testssl.json")."
  done
fi

# Hostile endpoints: tlsgate must say inconclusive within its deadline.
if [ "$HOSTILE" = 1 ]; then
row ""
row "| hostile | tlsgate verdict | exit | s | sslscan (versions only) | s | testssl.sh -p | s |"
row "|---|---|---|---|---|---|---|---|"
for p in tarpit garbage drip oversized closer unreachable; do
  addr=$(awk -v p="$p" '$1==p{print $2}' "$work/bed.txt")
  t0=$(now); rc=0; "$BIN" probe "$addr" --timeout 3s --format json -o "$work/ours.json" 2>/dev/null || rc=$?; t1=$(now)
  v_ours=$(ours "$work/ours.json"); t_ours=$(elapsed "$t0" "$t1")
  v_s=-; t_s=-; v_t=-; t_t=-
  if [ "$p" = tarpit ] || [ "$p" = garbage ]; then
    if [ "$SSLSCAN" = 1 ]; then
      t0=$(now); timeout "$HOSTILE_TIMEOUT" sslscan --no-colour --no-ciphersuites --no-renegotiation --no-compression --no-heartbleed --no-groups --no-fallback --no-check-certificate "$addr" >"$work/sslscan.txt" 2>&1 || true; t1=$(now)
      v_s=$(sslscan_verdict "$work/sslscan.txt"); t_s=$(elapsed "$t0" "$t1")
    fi
    if [ "$TESTSSL" != off ]; then
      rm -f "$work/testssl.json"
      t0=$(now); timeout "$HOSTILE_TIMEOUT" "$TESTSSL_BIN" --quiet --color 0 --warnings off -p --jsonfile "$work/testssl.json" "$addr" >/dev/null 2>&1 || true; t1=$(now)
      v_t=$(testssl_verdict "$work/testssl.json"); t_t=$(elapsed "$t0" "$t1")
    fi
  fi
  row "| $p | $v_ours | $rc | $t_ours | $v_s | $t_s | $v_t | $t_t |"
done
fi

# 50 hosts in one run.
if [ "$MANY" = 1 ]; then
IFS=, read -r -a mp <<<"$MANY_PROFILES"
start_bed "$work/bed50.txt" -profiles "$MANY_PROFILES" -copies $(( (50 + ${#mp[@]} - 1) / ${#mp[@]} ))
mapfile -t many < <(awk 'NR>1{print $2}' "$work/bed50.txt")
times=()
for i in $(seq 1 "$RUNS"); do
  # shellcheck disable=SC2086
  t0=$(now); "$BIN" probe "${many[@]}" $MANY_FLAGS --format json -o "$work/many.json" || true; t1=$(now)
  times+=("$(elapsed "$t0" "$t1")")
done
conns=$(python3 -c "import json; print(sum(e['connections'] for e in json.load(open('$work/many.json'))['endpoints']))")
row ""
row "50 hosts (${#many[@]} endpoints of $MANY_PROFILES) in one tlsgate run ${MANY_FLAGS}: median $(median "${times[@]}") s over $RUNS runs, $conns connections."
fi

printf '%s\n' "${report[@]}" >"$work/report.md"
if [ -n "${OUT:-}" ]; then cp "$work/report.md" "$OUT"; fi
echo
cat "$work/report.md"
