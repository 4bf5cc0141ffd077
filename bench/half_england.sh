#!/usr/bin/env bash
# Is pcn-atlas `check` linear in its input? Issue 12: "cost linear in the input: all of England
# <= 2.2 x half of England, stage by stage".
#
# Half of England: the areas whose population-weighted centroid is south of the median centroid
# latitude of the national dataset (16,422 of 32,844 LSOAs), cut from the national files by
#   $BIN import --from DATA --bbox -10 40 5 MEDIAN_LAT --out W/half
# which keeps those areas, the practices standing in them plus every other practice of their
# PCNs (so each PCN's list size is whole), and the registrations joining a kept practice to a kept
# area. (--bbox takes four separate numbers; the comma form its help shows is rejected.)
# Latitude rather than northing because that is what --bbox filters on; over England the two
# orders differ only for areas near the cut.
#
# What it runs, RUNS times each (default 3), all and half alternately, each under
# `/usr/bin/time -v`:
#   $BIN check --dataset W/all  --out W/out-all      (maps on: the default; not --quiet, so
#   $BIN check --dataset W/half --out W/out-half      the stage timings come on stderr)
# then prints the sizes of the two datasets, the median wall time of every stage pcn-atlas
# reports (load, check, dissolve, write — write includes map.html/.svg/.png), total wall, CPU
# and max RSS, and the ratio all / half of each against the 2.2 bar.
# With PY=1 it also times bench/check_python.py check on both, stage by stage (load, check,
# adjacency inside check, dissolve, write), for comparison.
#
# Setup: a release build (`cargo build --release`, or BIN pointing at one); for PY=1 the pip
# packages listed in bench/national_check.sh.
# Run:
#   bench/half_england.sh [RUNS]
# Environment: BIN (default target/release/pcn-atlas), DATA (default $PCN_ATLAS_DATA/england,
#   else ../shared/data/england), WORK (scratch folder, default mktemp -d, removed at the end
#   unless WORK or KEEP=1 is given), PY=1, ARGS (more flags for every `check`, e.g.
#   ARGS="--threads 1" to time the algorithms apart from how two threads share the work).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs="${1:-3}"
bin="${BIN:-target/release/pcn-atlas}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
data="${DATA:-${PCN_ATLAS_DATA:-$root/../shared/data}/england}"
[ -x "$bin" ] || { echo "no pcn-atlas binary at $bin: build it or set BIN" >&2; exit 2; }
[ -f "$data/lsoa11_boundaries.geojson" ] || { echo "no national files in $data: set DATA" >&2; exit 2; }
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work/logs"
[ "${KEEP:-0}" = 1 ] || [ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Hypervisor)' | sed 's/  */ /g'
echo "pcn-atlas: $bin ($("$bin" --version 2>/dev/null || echo '?'))"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== datasets"
"$bin" import --from "$data" --out "$work/all" -q >"$work/logs/import_all.out"
med=$(grep -o '"centroid_lat":[-0-9.e]*' "$work/all/areas.geojson" | cut -d: -f2 | median)
echo "median centroid latitude: $med"
"$bin" import --from "$data" --bbox -10 40 5 "$med" --out "$work/half" -q >"$work/logs/import_half.out"

sizes() { # dir: areas practices pcns registration_rows registered_patients areas.geojson_MB
  local d=$1
  printf '%s %s %s %s %s %s\n' \
    "$(grep -c '"type":"Feature"' "$d/areas.geojson")" \
    "$(($(wc -l <"$d/practices.csv") - 1))" \
    "$(tail -n +2 "$d/practices.csv" | python3 -c 'import csv, sys; print(len({r[2] for r in csv.reader(sys.stdin) if r[2]}))')" \
    "$(($(wc -l <"$d/registrations.csv") - 1))" \
    "$(tail -n +2 "$d/registrations.csv" | awk -F, '{s += $3} END {print s}')" \
    "$(du -m "$d/areas.geojson" | cut -f1)"
}
read -r a_areas a_pr a_pcn a_reg a_pat a_mb < <(sizes "$work/all")
read -r h_areas h_pr h_pcn h_reg h_pat h_mb < <(sizes "$work/half")
printf '| dataset | areas | practices | PCNs | registration rows | registered patients | areas.geojson MB |\n|---|---:|---:|---:|---:|---:|---:|\n'
printf '| all | %s | %s | %s | %s | %s | %s |\n' "$a_areas" "$a_pr" "$a_pcn" "$a_reg" "$a_pat" "$a_mb"
printf '| half | %s | %s | %s | %s | %s | %s |\n' "$h_areas" "$h_pr" "$h_pcn" "$h_reg" "$h_pat" "$h_mb"
awk -v a="$a_areas $a_pr $a_pcn $a_reg $a_pat $a_mb" -v h="$h_areas $h_pr $h_pcn $h_reg $h_pat $h_mb" \
  'BEGIN { split(a, x, " "); split(h, y, " "); printf "| all / half |"; for (i = 1; i <= 6; i++) printf " %.2f |", x[i] / y[i]; print "" }'

# measure TAG command...: run under /usr/bin/time -v, keep stderr (stages) and "wall cpu rss".
measure() {
  local tag=$1; shift
  /usr/bin/time -v -o "$work/logs/$tag.time" "$@" >"$work/logs/$tag.out" 2>"$work/logs/$tag.err" ||
    { echo "failed: $*" >&2; cat "$work/logs/$tag.err" >&2; exit 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { printf "wall: %.2f s\ncpu: %.2f s\nmax_rss_mb: %.0f\n", w, u + s, m / 1024 }' \
    "$work/logs/$tag.time" >>"$work/logs/$tag.err"
}
for i in $(seq "$runs"); do
  # shellcheck disable=SC2086 # ARGS is a list of flags
  measure "rust_all_$i" "$bin" check --dataset "$work/all" --out "$work/out-all" ${ARGS:-}
  # shellcheck disable=SC2086
  measure "rust_half_$i" "$bin" check --dataset "$work/half" --out "$work/out-half" ${ARGS:-}
  if [ "${PY:-0}" = 1 ]; then
    measure "py_all_$i" python3 bench/check_python.py check --dataset "$work/all" --out "$work/py-all"
    measure "py_half_$i" python3 bench/check_python.py check --dataset "$work/half" --out "$work/py-half"
  fi
  echo "run $i/$runs done; load $(cut -d' ' -f1 /proc/loadavg)" >&2
done

# table TOOL: per stage (then wall, CPU, max RSS in MB) the median over runs for all and half, the ratio.
table() {
  local tool=$1 re='^ *[a-z_]+: [0-9.]+( s|$)'
  printf '| %s stage | all s | half s | all / half | ≤ 2.2 |\n|---|---:|---:|---:|---|\n' "$tool"
  awk -v re="$re" '$0 ~ re {sub(":", "", $1); print $1}' "$work/logs/${tool}_all_1.err" | while read -r st; do
    get() { cat "$work"/logs/"${tool}_$1"_*.err | awk -v re="$re" -v n="$st" '$0 ~ re {sub(":", "", $1); if ($1 == n) print $2}' | median; }
    local a h
    a=$(get all); h=$(get half)
    awk -v s="$st" -v a="$a" -v h="$h" 'BEGIN {
      r = (h > 0) ? a / h : 0
      printf "| %s | %s | %s | %.2f | %s |\n", s, a, h, r, (r <= 2.2) ? "yes" : "**no**" }'
  done
}
echo
echo "== pcn-atlas check ${ARGS:-}, all of England against half, median of $runs (stage wall times from stderr)"
table rust
if [ "${PY:-0}" = 1 ]; then
  echo
  echo "== Python pipeline (bench/check_python.py), same datasets"
  table py
fi
echo
grep -E '^(population band|contiguous)' "$work/logs/rust_all_1.out" | sed 's/^/all:  /'
grep -E '^(population band|contiguous)' "$work/logs/rust_half_1.out" | sed 's/^/half: /'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
