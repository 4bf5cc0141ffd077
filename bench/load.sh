#!/usr/bin/env bash
# Side-by-side benchmark of loading all of England (issue 2): pcn-atlas's
# area loader against geopandas.
#
# What it runs, alternately, RUNS times each (default 5):
#   ours:      target/release/examples/load_england DATA/england
#              (examples/load_england.rs: `load::areas::load_areas` on the
#              32,844 LSOA polygons of lsoa11_boundaries.geojson, reprojected
#              to British National Grid, joined on the LSOA code to the
#              mid-2019 population, 2011 RUC and population-weighted
#              centroids CSVs — what `pcn-atlas validate` does for areas)
#   geopandas: python3 bench/load_geopandas.py DATA/england
#              (geopandas.read_file with pyogrio, the same three joins in
#              pandas, both reprojected to EPSG:27700)
# each under /usr/bin/time for wall time and peak RSS, then prints the
# median of each and the ratios as a table.
#
# Setup (once):
#   pip install --quiet geopandas pyogrio pyarrow pandas
#   cargo build --release --example load_england
# Run:
#   bench/load.sh [DATA_DIR] [RUNS]     # DATA_DIR defaults to $PCN_ATLAS_DATA or ../shared/data
# Set STAGES=1 to also print our per-stage breakdown once, and BEFORE=PATH
# to time another build of load_england too (e.g. one built from an older
# commit, to show a change).
#
# The machine is shared: quote figures with `lscpu` and the load average
# printed at the start and end, and prefer a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-${PCN_ATLAS_DATA:-../shared/data}}"
runs="${2:-5}"
ours=target/release/examples/load_england
[ -x "$ours" ] || { echo "build first: cargo build --release --example load_england" >&2; exit 2; }
python3 -c 'import geopandas, pyogrio' 2>/dev/null ||
  { echo "install first: pip install geopandas pyogrio pyarrow pandas" >&2; exit 2; }
[ -f "$data/england/lsoa11_boundaries.geojson" ] || { echo "no $data/england/lsoa11_boundaries.geojson" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "${STAGES:-0}" = 1 ] && PCN_ATLAS_LOAD_STAGES=1 "$ours" "$data/england" >/dev/null

measure() { # name command...: append "wall_s rss_mb" to $tmp/name
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$tmp/one" "$@" >"$tmp/out" 2>"$tmp/err" ||
    { cat "$tmp/out" "$tmp/err" >&2; exit 1; }
  awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$tmp/one" >>"$tmp/$name"
}
for i in $(seq "$runs"); do
  measure ours "$ours" "$data/england"
  [ -n "${BEFORE:-}" ] && measure before "$BEFORE" "$data/england"
  measure geopandas python3 bench/load_geopandas.py "$data/england"
  echo "run $i/$runs: ours $(tail -1 "$tmp/ours"), geopandas $(tail -1 "$tmp/geopandas") (wall s, peak RSS MB)" >&2
done

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ow=$(cut -d' ' -f1 "$tmp/ours" | median); om=$(cut -d' ' -f2 "$tmp/ours" | median)
gw=$(cut -d' ' -f1 "$tmp/geopandas" | median); gm=$(cut -d' ' -f2 "$tmp/geopandas" | median)
printf '\n| loader (median of %s runs) | wall s | peak RSS MB |\n|---|---:|---:|\n' "$runs"
if [ -n "${BEFORE:-}" ]; then
  printf '| before (%s) | %s | %s |\n' "$BEFORE" "$(cut -d' ' -f1 "$tmp/before" | median)" "$(cut -d' ' -f2 "$tmp/before" | median)"
fi
printf '| pcn-atlas load_areas | %s | %s |\n' "$ow" "$om"
printf '| geopandas + pandas joins | %s | %s |\n' "$gw" "$gm"
awk -v ow="$ow" -v gw="$gw" -v om="$om" -v gm="$gm" \
  'BEGIN { printf "| geopandas / pcn-atlas | %.1f× | %.1f× |\n", gw / ow, gm / om }'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
