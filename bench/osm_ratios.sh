#!/usr/bin/env bash
# The structure ratios examples/synth_osm.rs is calibrated on, for any .osm.pbf files: how much of
# the file is car road, how long car ways are, how many of their nodes are junctions and how many
# survive the routing graph's pass-through contraction, and the km shares by road class.
# Used for the calibration table in docs/performance-england-roads.md:
#   bench/osm_ratios.sh ../shared/data/rutland/rutland-2022-07.osm.pbf \
#     ../shared/data/iow/isle-of-wight-2015-01.osm.pbf /tmp/pcn-atlas-england-roads/england-1of16-s2026.osm.pbf
# Needs osmium-tool and a pcn-atlas binary (BIN, default target/release/pcn-atlas).
# Prints one markdown table, a column per file.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${BIN:-target/release/pcn-atlas}"
[ -x "$bin" ] || { echo "no pcn-atlas binary at $bin: build it or set BIN" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: bench/osm_ratios.sh FILE.osm.pbf..." >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ratios FILE: "name value" lines.
ratios() {
  osmium fileinfo -e "$1" >"$tmp/info"
  "$bin" roads --roads "$1" >"$tmp/roads" 2>&1
  awk '
    FILENAME ~ /info$/ && /Number of nodes:/ { nodes = $4 }
    FILENAME ~ /info$/ && /Number of ways:/ { ways = $4 }
    FILENAME ~ /info$/ && /Number of relations:/ { rels = $4 }
    FILENAME ~ /roads$/ && /ways read,/ {
      for (i = 1; i <= NF; i++) {
        if ($(i + 1) == "ways" && $(i + 2) == "read,") read = $i
        if ($(i + 1) == "kept;") kept = $i
        if ($(i + 1) == "nodes" && $(i + 2) ~ /^\(/) { car = $i; j = $(i + 2); gsub(/\(/, "", j); junc = j }
        if ($(i + 1) == "km" && km == "") km = $i
      }
    }
    FILENAME ~ /roads$/ && /^graph: / { gn = $2; ge = $4 }
    FILENAME ~ /roads$/ && /strongly connected/ { largest = $(NF - 2) }
    FILENAME ~ /roads$/ && /^  [a-z_]+ +[0-9.]+ km +[0-9]+ ways$/ {
      c = $1; sub(/_link$/, "", c)
      g = (c ~ /^(motorway|trunk|primary)$/) ? "motorway+trunk+primary" : (c ~ /^(secondary|tertiary)$/) ? "secondary+tertiary" : (c ~ /^(unclassified|residential|service)$/) ? c : "other"
      cls[g] += $2
    }
    END {
      printf "nodes %d\nways %d\nrelations %d\nnodes per way %.2f\n", nodes, ways, rels, nodes / ways
      printf "car ways kept / highway ways read %.3f\ncar nodes / all nodes %.3f\ncar ways / all ways %.3f\n", kept / read, car / nodes, kept / ways
      printf "nodes per car way %.2f\njunctions / car nodes %.3f\ngraph nodes / car nodes %.3f\n", car / kept, junc / car, gn / car
      printf "graph edges / graph nodes %.2f\ncar nodes per km %.1f\nlargest component / car nodes %.3f\n", ge / gn, car / km, largest / car
      n = split("motorway+trunk+primary secondary+tertiary unclassified residential service other", order, " ")
      for (i = 1; i <= n; i++) printf "km share %s %.3f\n", order[i], cls[order[i]] / km
    }' "$tmp/info" "$tmp/roads"
}

i=0
for f in "$@"; do
  ratios "$f" >"$tmp/col$i"
  i=$((i + 1))
done
printf '| ratio |'; for f in "$@"; do printf ' %s |' "$(basename "$f" .osm.pbf)"; done; echo
printf '|---|'; for _ in "$@"; do printf -- '---:|'; done; echo
n=$(wc -l <"$tmp/col0")
for r in $(seq "$n"); do
  printf '| %s |' "$(sed -n "${r}p" "$tmp/col0" | sed -E 's/ [^ ]+$//')"
  for j in $(seq 0 $((i - 1))); do printf ' %s |' "$(sed -n "${r}p" "$tmp/col$j" | awk '{print $NF}')"; done
  echo
done
