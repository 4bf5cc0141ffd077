#!/usr/bin/env bash
# `propose` on all of England (issue 17, item 5): the minimal change (default), the minimal change
# with --move-practices, the per-network --repair, and the least-driving search
# (--objective driving --move-practices), each once under `/usr/bin/time -v`, with what each
# proposal did (from its proposal.json): networks valid, area and practice moves, networks
# reported as new, objective (driving part) today and proposed.
#
# There is no England road file in ../shared/data, so times are the straight line at 30 km/h
# (`--no-roads`): the search and the check of the proposal are measured, not the drive-time
# analysis (docs/performance.md has analyse at England scale).
#
# Setup: cargo build --release (or BIN=...). Run: bench/propose_england.sh
# Environment: BIN (default target/release/pcn-atlas), DATA (default $PCN_ATLAS_DATA/england, else
#   ../shared/data/england), WORK (scratch, default mktemp -d, removed unless KEEP=1),
#   ONLY (a space-separated subset of: minimal move repair driving).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin="${BIN:-target/release/pcn-atlas}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
data="${DATA:-${PCN_ATLAS_DATA:-$root/../shared/data}/england}"
work="${WORK:-$(mktemp -d)}"
only="${ONLY:-minimal move repair driving}"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
echo "machine: $(lscpu | awk -F': *' '/Model name/ {print $2; exit}'), $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -f "$work/england/practices.csv" ]; then
  "$bin" import --from "$data" --out "$work/england" -q >/dev/null
fi
run() {
  local name=$1; shift
  local out="$work/p-$name" code=0
  /usr/bin/time -v -o "$work/t" "$bin" propose --dataset "$work/england" --no-roads --rural-waiver \
    --out "$out" -q "$@" >"$work/$name.stdout" 2>"$work/err" || code=$?
  [ "$code" -le 1 ] || { echo "failed: $name"; cat "$work/err"; exit 1; }
  awk -F': ' -v n="$name" '
    /Elapsed \(wall clock\)/ { k = split($2, t, ":"); w = 0; for (i = 1; i <= k; i++) w = w * 60 + t[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { printf "%-8s wall %8.1f s  cpu %8.1f s  peak %6.0f MB\n", n, w, u + s, m / 1024 }' "$work/t"
  python3 - "$out/proposal.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"         networks valid {r['networks_valid']}/{r['networks']}, areas moved {r['area_moves']}, "
      f"practices moved {r['practice_moves']}, new networks {len(r['networks_new'])}, iterations {r['iterations']},\n         "
      f"driving today {r['driving_today']:.0f} proposed {r['driving_proposed']:.0f} (resident-minutes + λ × tour minutes)")
PY
  grep -E "^(repair|network|[A-Z0-9-]+: .*outside the band)" "$work/$name.stdout" | awk '
    /^repair/ { r++; if (/NOT fixed/) nf++; if (/heuristic/) h++ }
    /outside the band/ { b++ }
    END { printf "         repairs %d (heuristic %d, not fixed %d); networks only practice moves could bring into the band: %d\n", r, h, nf, b }'
}
for mode in $only; do
  case "$mode" in
    minimal) run minimal ;;
    move) run move --move-practices ;;
    repair) run repair --repair ;;
    driving) run driving --objective driving --move-practices --allow-worse ;;
  esac
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
