#!/usr/bin/env bash
# England-scale roads: how `pcn-atlas roads` and `analyse` scale with an OpenStreetMap extract the
# size of Geofabrik's England one (issue 18). There is no such file here, so
# examples/synth_osm.rs makes synthetic ones of the same structure (calibrated against the
# Rutland and Isle of Wight extracts: docs/performance-england-roads.md).
#
# Fraction 1/k of England: the southern 1/k of England's LSOA population-weighted centroids (by
# latitude; LAT = the latitude of the ceil(n/k)-th from the south), at full density:
#   synth_osm CENTROIDS LAT SEED | osmium cat -F opl - -o W/england-1ofK.osm.pbf
# and the national dataset cut to the same latitude (as bench/half_england.sh cuts "half"):
#   $BIN import --from DATA --bbox -10 40 5 LAT --out W/dataset-1ofK
# Both are cached in WORK and never made again (delete them to remake).
#
# For each fraction, once each, under `/usr/bin/time -v` (wall, CPU, max RSS):
#   osmium fileinfo -e F                                   (a reference reader)
#   $BIN roads --roads F
#   $BIN analyse --dataset D --roads F --out O             (no cache)
#   $BIN analyse --dataset D --roads F --out O --cache C   (twice: fills C, then reads it)
# then prints a table of the extracts and runs, and a per-stage table from the stage lines
# pcn-atlas prints on stderr (`   name: 1.23 s`, or with PCN_ATLAS_STAGE_STATS=1
# `   name: 1.23 s (cpu 2.01 s, peak 340 MB)`: CPU and peak shown when present).
# CHECK_THREADS=1 adds: on the 1/16 extract, analyse with --threads 1 and --threads 2 (same --out
# path) and compare the two output folders file by file: byte for byte, except that report.json and
# pcn-atlas.xlsx quote the command line, so they are compared with its --threads set aside.
#
# Setup: a release build (`cargo build --release --bin pcn-atlas --example synth_osm`) and
# osmium-tool (`apt-get install osmium-tool`). The 1/1 file is ~1.4 GB and takes minutes.
# Run:
#   bench/england_roads.sh [FRACTIONS...]        (default: 16 8 4 2; 1 is opt-in)
# Environment: BIN (default target/release/pcn-atlas), GEN (default
#   target/release/examples/synth_osm), DATA (default $PCN_ATLAS_DATA/england, else
#   ../shared/data/england), WORK (cache and scratch, default /tmp/pcn-atlas-england-roads),
#   SEED (default 2026), CHECK_THREADS=1, SKIP_ANALYSE=1 (extracts and roads only),
#   REPORT_ONLY=1 (measure nothing: print the tables from the logs in WORK of an earlier run).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
fractions="${*:-16 8 4 2}"
for k in $fractions; do
  case "$k" in '' | *[!0-9]* | 0) echo "fraction $k: give whole numbers k ≥ 1 (1/k of England)" >&2; exit 2 ;; esac
done
abs() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
bin=$(abs "${BIN:-target/release/pcn-atlas}")
gen=$(abs "${GEN:-target/release/examples/synth_osm}")
data="${DATA:-${PCN_ATLAS_DATA:-$root/../shared/data}/england}"
seed="${SEED:-2026}"
work="${WORK:-/tmp/pcn-atlas-england-roads}"
[ -x "$bin" ] || { echo "no pcn-atlas binary at $bin: build it or set BIN" >&2; exit 2; }
[ -x "$gen" ] || { echo "no generator at $gen: cargo build --release --example synth_osm" >&2; exit 2; }
command -v osmium >/dev/null || { echo "no osmium: apt-get install osmium-tool" >&2; exit 2; }
centroids="$data/lsoa11_population_weighted_centroids.csv"
[ -f "$centroids" ] || { echo "no $centroids: set DATA" >&2; exit 2; }
mkdir -p "$work/logs"
# Binaries that know it add CPU and peak memory to every stage line; older ones ignore it.
export PCN_ATLAS_STAGE_STATS="${PCN_ATLAS_STAGE_STATS:-1}"

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Hypervisor)' | sed 's/  */ /g'
echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
echo "pcn-atlas: $bin ($("$bin" --version 2>/dev/null || echo '?'))"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# lat_of K: the latitude of the ceil(n/K)-th England centroid from the south.
lat_of() {
  awk -F, 'NR > 1 && $4 ~ /^E/ {print $2}' "$centroids" | sort -g |
    awk -v k="$1" '{v[NR] = $1} END {i = int((NR + k - 1) / k); print v[i]}'
}

# measure TAG command...: run under /usr/bin/time -v; stderr (stage lines) to logs/TAG.err,
# followed by "wall: S", "cpu: S", "max_rss_mb: M".
measure() {
  local tag=$1; shift
  /usr/bin/time -v -o "$work/logs/$tag.time" "$@" >"$work/logs/$tag.out" 2>"$work/logs/$tag.err" ||
    { echo "failed: $*" >&2; tail -20 "$work/logs/$tag.err" >&2; exit 1; }
  # With PCN_ATLAS_STAGE_STATS=1 the kernel's high-water mark is reset at every stage, and
  # time's "Maximum resident set size" is that mark: only the last stages' peak. The run's
  # peak is then the largest stage peak.
  local stage_peak
  stage_peak=$({ grep -o 'peak[a-z ]* [0-9]* MB' "$work/logs/$tag.err" || true; } |
    awk '{ if ($(NF - 1) + 0 > p) p = $(NF - 1) + 0 } END { print p + 0 }')
  awk -F': ' -v sp="$stage_peak" '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { m = m / 1024; if (sp > m) m = sp
          printf "wall: %.2f s\ncpu: %.2f s\nmax_rss_mb: %.0f\n", w, u + s, m }' \
    "$work/logs/$tag.time" >>"$work/logs/$tag.err"
  echo "  $tag: $(grep -E '^(wall|max_rss_mb):' "$work/logs/$tag.err" | tr '\n' ' ')load $(cut -d' ' -f1 /proc/loadavg)" >&2
}
# val TAG KEY: the number after "KEY: " in logs/TAG.err (wall, cpu, max_rss_mb).
val() { awk -v k="$2:" '$1 == k {print $2}' "$work/logs/$1.err"; }

# prepare_fraction K LAT: the cached extract and dataset for fraction 1/K.
prepare_fraction() {
  local k=$1 lat=$2 pbf="$work/england-1of$1-s$seed.osm.pbf"
  if [ ! -s "$pbf" ]; then
    echo "  generating $pbf (south of $lat)" >&2
    nice -n 19 "$gen" "$centroids" "$lat" "$seed" 2>"$pbf.gen.log" |
      nice -n 19 osmium cat -F opl - -o "$pbf.part.osm.pbf" -O \
        --output-header="osmosis_replication_timestamp=2024-06-01T20:21:45Z" \
        --output-header="sorting=Type_then_ID"
    mv "$pbf.part.osm.pbf" "$pbf"
  fi
  local ds="$work/dataset-1of$k"
  [ -s "$ds/practices.csv" ] || "$bin" import --from "$data" --bbox -10 40 5 "$lat" --out "$ds" -q
}

for k in $fractions; do
  [ "${REPORT_ONLY:-0}" = 1 ] && break
  lat=$(lat_of "$k")
  echo "== 1/$k of England: centroids south of $lat" >&2
  prepare_fraction "$k" "$lat"
  pbf="$work/england-1of$k-s$seed.osm.pbf" ds="$work/dataset-1of$k"
  measure "osmium_$k" osmium fileinfo -e "$pbf"
  measure "roads_$k" "$bin" roads --roads "$pbf"
  if [ "${SKIP_ANALYSE:-0}" != 1 ]; then
    measure "analyse_$k" "$bin" analyse --dataset "$ds" --roads "$pbf" --out "$work/out-$k"
    rm -rf "$work/cache-$k"
    measure "fill_$k" "$bin" analyse --dataset "$ds" --roads "$pbf" --out "$work/out-$k" --cache "$work/cache-$k"
    measure "cached_$k" "$bin" analyse --dataset "$ds" --roads "$pbf" --out "$work/out-$k" --cache "$work/cache-$k"
  fi
done

echo
echo "== extracts and runs (wall s / peak MB; once each; load average in the log lines above)"
printf '| fraction | nodes | ways | car graph nodes | PBF MiB | osmium fileinfo -e s | roads s / MB | analyse s / CPU s / MB | analyse filling cache s / MB | analyse from cache s / MB |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for k in $fractions; do
  pbf="$work/england-1of$k-s$seed.osm.pbf"
  nodes=$(awk '/Number of nodes:/ {print $4}' "$work/logs/osmium_$k.out")
  ways=$(awk '/Number of ways:/ {print $4}' "$work/logs/osmium_$k.out")
  graph=$(grep -oE '^graph: [0-9]+ nodes' "$work/logs/roads_$k.out" "$work/logs/roads_$k.err" | head -1 | awk '{print $2}')
  an='-' fill='-' cached='-'
  if [ -f "$work/logs/cached_$k.err" ] && [ "${SKIP_ANALYSE:-0}" != 1 ]; then
    an="$(val "analyse_$k" wall) / $(val "analyse_$k" cpu) / $(val "analyse_$k" max_rss_mb)"
    fill="$(val "fill_$k" wall) / $(val "fill_$k" max_rss_mb)"
    cached="$(val "cached_$k" wall) / $(val "cached_$k" max_rss_mb)"
  fi
  printf '| 1/%s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s |\n' "$k" "$nodes" "$ways" "$graph" \
    "$(du -m "$pbf" | cut -f1)" "$(val "osmium_$k" wall)" "$(val "roads_$k" wall)" \
    "$(val "roads_$k" max_rss_mb)" "$an" "$fill" "$cached"
done

# Per stage: wall (and CPU, peak when printed) of each stage line, per run kind and fraction.
stage_re='^ *[a-z][a-z_ -]*: [0-9.]+ s'
echo
echo "== stages (wall s; cpu s and peak MB when pcn-atlas prints them)"
printf '| run | stage |'; for k in $fractions; do printf ' 1/%s |' "$k"; done; echo
printf '|---|---|'; for _ in $fractions; do printf -- '---:|'; done; echo
for kind in roads analyse fill cached; do
  first=$(echo "$fractions" | awk '{print $1}')
  [ -f "$work/logs/${kind}_$first.err" ] || continue
  grep -E "$stage_re" "$work/logs/${kind}_$first.err" | sed -E 's/^ *([^:]+):.*/\1/' |
    awk '$0 != "wall" && $0 != "cpu" && !seen[$0]++' |
    while read -r st; do
      printf '| %s | %s |' "$kind" "$st"
      for k in $fractions; do
        cell=$(grep -E "$stage_re" "$work/logs/${kind}_$k.err" 2>/dev/null | sed -E 's/^ *//' |
          awk -v n="$st" 'index($0, n ": ") == 1 {
            s = substr($0, length(n) + 3); sub(/ s.*/, "", s); out = s
            if (match($0, /cpu [0-9.]+ s, peak [0-9.]+ MB/)) {
              split(substr($0, RSTART, RLENGTH), f, " "); out = out " / " f[2] " / " f[5] }
            print out; exit }')
        printf ' %s |' "${cell:--}"
      done
      echo
    done
done

# same A B: the two files are equal, byte for byte or (report.json, pcn-atlas.xlsx) apart from the
# command line they quote, whose --threads differs (the xlsx compared member by member, unzipped).
same() {
  cmp -s "$1" "$2" && { echo exact; return; }
  local norm='s/--threads [0-9]+/--threads N/g'
  case "$1" in
    *.xlsx) cmp -s <(unzip -p "$1" | sed -E "$norm") <(unzip -p "$2" | sed -E "$norm") ;;
    *) cmp -s <(sed -E "$norm" "$1") <(sed -E "$norm" "$2") ;;
  esac && echo "apart from the quoted command" || echo "**differs**"
}

if [ "${CHECK_THREADS:-0}" = 1 ]; then
  echo
  echo "== threads: 1/16 extract, analyse --threads 1 against --threads 2 (same --out path, then moved)"
  lat=$(lat_of 16)
  prepare_fraction 16 "$lat"
  pbf="$work/england-1of16-s$seed.osm.pbf" ds="$work/dataset-1of16"
  for t in 1 2; do
    rm -rf "$work/threads/out" "$work/threads-$t"
    mkdir -p "$work/threads"
    measure "threads_$t" "$bin" analyse --dataset "$ds" --roads "$pbf" --out "$work/threads/out" --threads "$t"
    mv "$work/threads/out" "$work/threads-$t"
  done
  diff -rq "$work/threads-1" "$work/threads-2" >"$work/logs/threads.diff" || true
  (cd "$work/threads-1" && find . -type f | sort) | while read -r f; do
    echo "$f: $(same "$work/threads-1/$f" "$work/threads-2/$f")"
  done | tee "$work/logs/threads.files" | grep -v ': exact$' || true
  if grep -q 'differs' "$work/logs/threads.files"; then
    echo "byte-identical: **no** (see $work/logs/threads.diff)"
  else
    echo "byte-identical: yes ($(wc -l <"$work/logs/threads.files") files; those listed above differ only in the quoted --threads)"
  fi
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
