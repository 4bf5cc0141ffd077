#!/usr/bin/env bash
# What branch sites cost (issue 16): `analyse` with and without a sites file, same binary,
# alternately, RUNS times each (default 5), under `/usr/bin/time -v`; prints the median wall time,
# CPU time and peak RSS of each and with / without.
#   demo     analyse --dataset data/demo [--sites tests' three demo branches]
#   rutland  analyse Rutland (import --lad E06000017 [--branches ebranchs 2017]) on its OSM extract
#   england  check on the national dataset [with all England's branches] (loading sites.csv)
# With sites each network is analysed twice (with branches and on main sites only), so the
# per-network drive stage roughly doubles; reading roads and preparing the graph do not change.
#
# Run: cargo build --release && bench/sites.sh [RUNS]
# Environment: BIN (default target/release/pcn-atlas), DATA (default $PCN_ATLAS_DATA, else
#   ../shared/data), WORK (scratch, default mktemp -d, removed unless given).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs="${1:-5}"
bin="${BIN:-$root/target/release/pcn-atlas}"
data="${DATA:-${PCN_ATLAS_DATA:-$root/../shared/data}}"
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 2; }
work="${WORK:-$(mktemp -d)}"
[ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/logs"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Hypervisor)' | sed 's/  */ /g'
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $bin"

branches=(--branches "$data/england/ebranchs-2017-05.csv"
  --branch-postcodes "$data/current/codepoint-open-2025-practices")
"$bin" import --from "$data/england" --lad E06000017 --out "$work/rutland" -q >/dev/null
"$bin" import --from "$data/england" --lad E06000017 "${branches[@]}" --out "$work/rutland-b" -q >/dev/null
"$bin" import --from "$data/england" --out "$work/england" -q >/dev/null
"$bin" import --from "$data/england" "${branches[@]}" --out "$work/england-b" -q >/dev/null
# The demo's branches: the ones tests/sites_analyse.rs uses.
sed -n '/^const SITES: &str = "/,/";$/p' tests/sites_analyse.rs |
  sed -e 's/^const SITES: &str = "//' -e 's/\\n\\$//' -e 's/\\n";$//' -e 's/^ *//' >"$work/demo-sites.csv"

pbf="$data/rutland/rutland-2022-07.osm.pbf"
# args JOB SITES(0|1): the command line.
args() {
  case "$1.$2" in
    demo.0) echo "analyse --dataset $root/data/demo --out OUT -q" ;;
    demo.1) echo "analyse --dataset $root/data/demo --sites $work/demo-sites.csv --out OUT -q" ;;
    rutland.0) echo "analyse --dataset $work/rutland --roads $pbf --out OUT -q" ;;
    rutland.1) echo "analyse --dataset $work/rutland-b --roads $pbf --out OUT -q" ;;
    england.0) echo "check --dataset $work/england --out OUT -q" ;;
    england.1) echo "check --dataset $work/england-b --out OUT -q" ;;
  esac
}

printf '\n| job | without sites wall s | with sites wall s | with / without | without CPU s | with CPU s | without MB | with MB |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
for j in demo rutland england; do
  : >"$work/logs/$j.0"; : >"$work/logs/$j.1"
  for _ in $(seq "$runs"); do
    measure "$work/logs/$j.0" "$bin" "$(args "$j" 0)"
    measure "$work/logs/$j.1" "$bin" "$(args "$j" 1)"
  done
  a=$(col "$work/logs/$j.0" 1); b=$(col "$work/logs/$j.1" 1)
  printf '| %s | %s | %s | %.2f | %s | %s | %s | %s |\n' "$j" "$a" "$b" \
    "$(awk -v a="$b" -v b="$a" 'BEGIN {print (b > 0) ? a / b : 0}')" \
    "$(col "$work/logs/$j.0" 2)" "$(col "$work/logs/$j.1" 2)" \
    "$(col "$work/logs/$j.0" 3)" "$(col "$work/logs/$j.1" 3)"
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
