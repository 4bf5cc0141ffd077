#!/usr/bin/env bash
# What public-transport journeys cost (issue 19).
#   1. examples/pt_bench on the Chester BODS feed (county size, straight-line walking): load,
#      walk links, RAPTOR layout and journeys for N origins × 40 destinations × 13 departures,
#      one row per N (default 250 500 1000 2000 4000), and a fit of journeys time on N.
#   2. The Isle of Wight end to end: import LAD E06000046, then `analyse` on its OSM extract
#      and the Southern Vectis 2018 feed with PCN_ATLAS_STAGE_STATS=1 (stage lines gtfs, walk,
#      transit with CPU and peak memory) under /usr/bin/time -v.
#      A second pt_bench run on one thread (N = 1000) checks the checksum.
#   3. The same analyse with --threads 1 and --threads 2: every output file compared byte for
#      byte; the lines of the files that differ are printed.
#
# Run: bench/transit.sh [N ...]   (builds release first, under nice -n 19)
# Environment: DATA (default $PCN_ATLAS_DATA, else ../shared/data), WORK (scratch, default
#   mktemp -d, removed unless given).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="${DATA:-${PCN_ATLAS_DATA:-$root/../shared/data}}"
work="${WORK:-$(mktemp -d)}"
[ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

nice -n 19 cargo build --release --bin pcn-atlas --example pt_bench >&2
bin="$root/target/release/pcn-atlas"

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Hypervisor)' | sed 's/  */ /g'
grep MemTotal /proc/meminfo
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "== Chester: examples/pt_bench $*"
PCN_ATLAS_DATA="$data" nice -n 19 "$root/target/release/examples/pt_bench" "$@"
echo
echo "== Chester on one thread (the checksum must match the row above with the same N)"
RAYON_NUM_THREADS=1 PCN_ATLAS_DATA="$data" nice -n 19 "$root/target/release/examples/pt_bench" 1000 |
  grep -E '^(threads|\|)'

echo
echo "== Isle of Wight end to end (load average $(cut -d' ' -f1-3 /proc/loadavg))"
nice -n 19 "$bin" import --from "$data/england" --lad E06000046 --out "$work/iow" -q >/dev/null
iow=(analyse --dataset "$work/iow" --roads "$data/iow/isle-of-wight-2015-01.osm.pbf"
  --gtfs "$data/iow/gtfs-southern-vectis-2018")
# run NAME ARGS...: analyse into $work/iow-out, then moved to $work/NAME (the maps and the
# report name the output folder, so every run writes to the same one); stage lines in NAME.log.
run() {
  local name=$1; shift
  rm -rf "$work/iow-out" "$work/$name"
  PCN_ATLAS_STAGE_STATS=1 /usr/bin/time -v -o "$work/$name.time" \
    nice -n 19 "$bin" "${iow[@]}" --out "$work/iow-out" "$@" >"$work/$name.log" 2>&1 ||
    { echo "failed: analyse $name" >&2; cat "$work/$name.log" >&2; exit 1; }
  mv "$work/iow-out" "$work/$name"
}
run default
grep -E '^ *(load|roads|gtfs|walk|transit|write):' "$work/default.log" || cat "$work/default.log"
awk -F': ' '
  /Elapsed \(wall clock\)/ { w = $2 } /User time/ { u = $2 } /System time/ { s = $2 }
  /Maximum resident set size/ { m = $2 }
  END { printf "whole run: wall %s, cpu %.2f s, max RSS (last stage peak) %.0f MB\n", w, u + s, m / 1024 }' \
  "$work/default.time"

echo
echo "== --threads 1 vs --threads 2"
run t1 --threads 1
run t2 --threads 2
same=0; differ=()
while IFS= read -r f; do
  if cmp -s "$work/t1/$f" "$work/t2/$f"; then same=$((same + 1)); else differ+=("$f"); fi
done < <(cd "$work/t1" && find . -type f | sort)
diff <(cd "$work/t1" && find . -type f | sort) <(cd "$work/t2" && find . -type f | sort) ||
  echo "(the two runs wrote different files)"
echo "$same files identical, ${#differ[@]} differ: ${differ[*]:-none}"
echo "transit stage: --threads 1 $(grep -E '^ *transit:' "$work/t1.log"), --threads 2 $(grep -E '^ *transit:' "$work/t2.log")"
for f in "${differ[@]}"; do
  case "$f" in
    *.json) diff "$work/t1/$f" "$work/t2/$f" | head -20 || true ;;
    *.xlsx) # which parts of the workbook differ, and their differing strings
      for t in t1 t2; do mkdir -p "$work/$t.x" && unzip -oq "$work/$t/$f" -d "$work/$t.x"; done
      diff -rq "$work/t1.x" "$work/t2.x" || true
      diff <(tr '<' '\n' <"$work/t1.x/xl/sharedStrings.xml") \
        <(tr '<' '\n' <"$work/t2.x/xl/sharedStrings.xml") | head -20 || true ;;
  esac
done
