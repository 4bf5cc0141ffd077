#!/usr/bin/env bash
# Re-measure the headline rows of docs/performance.md that no other script pairs, old beside new
# (issue 12: "every figure in docs/performance.md re-measured after the change, old beside new").
#
# For each job it runs the OLD and the NEW binary alternately, RUNS times each (default 3), under
# `/usr/bin/time -v`, and prints the median wall time, CPU time (user + system) and peak RSS of
# each, and new / old. The jobs (the commands the detailed pages document):
#   demo       pcn-atlas demo --out W/demo                  (generate the demo county and its README)
#   demo-an    pcn-atlas analyse --dataset data/demo --out W/a   (roads from the dataset)
#   rutland    pcn-atlas analyse --dataset W/rutland --roads RUTLAND_PBF --out W/r
#   propose    pcn-atlas propose --dataset data/demo --rural-waiver --out W/p
#   whatif     pcn-atlas what-if --dataset W/england --move-practice A81001=U07032 --out W/w
#   check      pcn-atlas check --dataset W/england --out W/c  (national, maps on)
# The Rutland and England datasets are imported once with the NEW binary
# (`import --from DATA/england [--lad E06000017]`).
#
# Setup: two release builds, e.g.
#   git worktree add ../old <old commit> && (cd ../old && cargo build --release)
#   cargo build --release
# Run:
#   OLD=../old/target/release/pcn-atlas bench/remeasure.sh [RUNS]
# Environment: OLD (required), NEW (default target/release/pcn-atlas), DATA (default
#   $PCN_ATLAS_DATA, else ../shared/data), WORK (scratch, default mktemp -d, removed unless given),
#   JOBS (default "demo demo-an rutland propose whatif check").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs="${1:-3}"
abs() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
old=$(abs "${OLD:?set OLD to the old pcn-atlas binary}")
new=$(abs "${NEW:-target/release/pcn-atlas}")
data="${DATA:-${PCN_ATLAS_DATA:-$root/../shared/data}}"
jobs="${JOBS:-demo demo-an rutland propose whatif check}"
for b in "$old" "$new"; do [ -x "$b" ] || { echo "no binary at $b" >&2; exit 2; }; done
work="${WORK:-$(mktemp -d)}"
[ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/logs"

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Hypervisor)' | sed 's/  */ /g'
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "old: $old"
echo "new: $new"

"$new" import --from "$data/england" --out "$work/england" -q >/dev/null
"$new" import --from "$data/england" --lad E06000017 --out "$work/rutland" -q >/dev/null

# args TAG: the command line of job TAG, output folder last-but-one argument set per run.
args() {
  case "$1" in
    demo) echo "demo --out OUT" ;;
    demo-an) echo "analyse --dataset $root/data/demo --out OUT -q" ;;
    rutland) echo "analyse --dataset $work/rutland --roads $data/rutland/rutland-2022-07.osm.pbf --out OUT -q" ;;
    propose) echo "propose --dataset $root/data/demo --rural-waiver --out OUT -q" ;;
    whatif) echo "what-if --dataset $work/england --move-practice A81001=U07032 --out OUT -q" ;;
    check) echo "check --dataset $work/england --out OUT -q" ;;
    *) echo "unknown job $1" >&2; exit 2 ;;
  esac
}

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

printf '\n| job | old wall s | new wall s | new / old | old CPU s | new CPU s | old MB | new MB |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
for j in $jobs; do
  a=$(args "$j")
  : >"$work/logs/$j.old"; : >"$work/logs/$j.new"
  for _ in $(seq "$runs"); do
    measure "$work/logs/$j.old" "$old" "$a"
    measure "$work/logs/$j.new" "$new" "$a"
  done
  ow=$(col "$work/logs/$j.old" 1); nw=$(col "$work/logs/$j.new" 1)
  printf '| %s | %s | %s | %.2f | %s | %s | %s | %s |\n' "$j" "$ow" "$nw" \
    "$(awk -v a="$nw" -v b="$ow" 'BEGIN {print (b > 0) ? a / b : 0}')" \
    "$(col "$work/logs/$j.old" 2)" "$(col "$work/logs/$j.new" 2)" \
    "$(col "$work/logs/$j.old" 3)" "$(col "$work/logs/$j.new" 3)"
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
