#!/usr/bin/env bash
# Side-by-side benchmark of issue 12: pcn-atlas against the same pipeline written in Python
# (bench/check_python.py: pandas, geopandas + pyogrio, libpysal, scipy), on all of England.
#
# Bars (issue 12): national `check` (import done, maps on) >= 10x the Python pipeline;
# national `import` + `check` >= 5x the Python pipeline.
#
# What it runs, RUNS pairs each (default 5), pcn-atlas and Python alternately, every process
# under `/usr/bin/time -v` (wall, user + system CPU, max RSS):
#   check:          $BIN check --dataset W/england --out W/out-rust          (maps on: the default)
#                   python3 bench/check_python.py check --dataset W/england --out W/out-py
#                   (the same dataset, written once by `$BIN import` before the first pair)
#   import + check: $BIN import --from DATA --out W/imp-rust -q, then $BIN check on it
#                   python3 bench/check_python.py import --from DATA --out W/imp-py, then its check
#                   (wall and CPU are the sums of the two processes, RSS the larger)
# then prints the medians, the ratios Python / pcn-atlas, per-stage medians from each tool's
# stderr, and compares the headline numbers of the last runs (check_python.py compare: the
# Python import + check against pcn-atlas's import + check).
#
# Setup (once; Python 3.11):
#   pip install geopandas==1.2.0 pyogrio==0.13.0 pyarrow shapely==2.2.0 pyproj pandas \
#       libpysal==4.14.1 scipy numpy
#   cargo build --release          # or point BIN at an existing build
# Run (from anywhere):
#   bench/national_check.sh [RUNS]
# Environment: BIN (default target/release/pcn-atlas, relative to the repository root),
#   DATA (default $PCN_ATLAS_DATA/england, else ../shared/data/england beside the repository),
#   WORK (scratch folder, default a new mktemp -d, removed at the end unless KEEP=1),
#   ONLY=check or ONLY=import to run one half.
#
# The machine: `lscpu` and the load average are printed at the start and the end; on a shared
# machine quote the CPU times and the ratios beside the wall times.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs="${1:-5}"
bin="${BIN:-target/release/pcn-atlas}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
data="${DATA:-${PCN_ATLAS_DATA:-$root/../shared/data}/england}"
only="${ONLY:-both}"
[ -x "$bin" ] || { echo "no pcn-atlas binary at $bin: build it or set BIN" >&2; exit 2; }
[ -f "$data/lsoa11_boundaries.geojson" ] || { echo "no national files in $data: set DATA" >&2; exit 2; }
python3 -c 'import geopandas, pyogrio, libpysal, scipy' 2>/dev/null ||
  { echo "install first: pip install geopandas pyogrio pyarrow shapely pyproj pandas libpysal scipy numpy" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }

work="${WORK:-$(mktemp -d)}"
mkdir -p "$work/logs"
[ "${KEEP:-0}" = 1 ] || [ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
py="python3 $root/bench/check_python.py"

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|Hypervisor)' | sed 's/  */ /g'
echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
echo "pcn-atlas: $bin ($("$bin" --version 2>/dev/null || echo '?'))"
python3 -c 'import sys, geopandas, pyogrio, libpysal, scipy, shapely, pandas, numpy
print("python", sys.version.split()[0], "geopandas", geopandas.__version__, "pyogrio", pyogrio.__version__,
      "shapely", shapely.__version__, "libpysal", libpysal.__version__, "scipy", scipy.__version__,
      "pandas", pandas.__version__, "numpy", numpy.__version__)'
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# measure NAME LOGTAG command...: run under /usr/bin/time -v; appends "wall cpu rss_mb" to
# $work/NAME and keeps the command's stderr (stage timings) in logs/LOGTAG.err.
measure() {
  local name=$1 tag=$2; shift 2
  /usr/bin/time -v -o "$work/logs/$tag.time" "$@" >"$work/logs/$tag.out" 2>"$work/logs/$tag.err" ||
    { echo "failed: $*" >&2; cat "$work/logs/$tag.err" >&2; exit 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { printf "%.2f %.2f %.0f\n", w, u + s, m / 1024 }' "$work/logs/$tag.time" >>"$work/$name"
}
# sum2 A B OUT: per line, wall and CPU summed, RSS the larger (import + check of one pair).
sum2() { paste -d' ' "$work/$1" "$work/$2" | awk '{printf "%.2f %.2f %d\n", $1 + $4, $2 + $5, ($3 > $6 ? $3 : $6)}' >"$work/$3"; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { cut -d' ' -f"$2" "$work/$1" | median; }
# stages FILEGLOB: median of each "   name: 1.23 s" stage line over the logs, in the order the
# tool prints them.
stages() {
  local files=($1) re='^ *[a-z_]+: [0-9.]+ s'
  awk -v re="$re" '$0 ~ re {sub(":", "", $1); print $1}' "${files[0]}" | while read -r name; do
    printf '%s %s\n' "$name" "$(cat "${files[@]}" |
      awk -v re="$re" -v n="$name" '$0 ~ re {sub(":", "", $1); if ($1 == n) print $2}' | median)"
  done
}
row() { # label file: | label | wall | cpu | rss |
  printf '| %s | %s | %s | %s |\n' "$1" "$(col "$2" 1)" "$(col "$2" 2)" "$(col "$2" 3)"
}
ratio() { # label rustfile pyfile
  awk -v a="$(col "$2" 1)" -v b="$(col "$3" 1)" -v c="$(col "$2" 2)" -v d="$(col "$3" 2)" \
      -v e="$(col "$2" 3)" -v f="$(col "$3" 3)" -v l="$1" \
      'BEGIN { printf "| %s | %.1f× | %.1f× | %.1f× less |\n", l, b / a, d / c, f / e }'
}

if [ "$only" != import ]; then
  echo "== dataset: $bin import --from $data --out $work/england"
  "$bin" import --from "$data" --out "$work/england" -q >"$work/logs/import_england.out"
  for i in $(seq "$runs"); do
    measure rust_check "rust_check_$i" "$bin" check --dataset "$work/england" --out "$work/out-rust"
    measure py_check "py_check_$i" $py check --dataset "$work/england" --out "$work/out-py"
    echo "check pair $i/$runs: pcn-atlas $(tail -1 "$work/rust_check"), Python $(tail -1 "$work/py_check") (wall s, CPU s, max RSS MB); load $(cut -d' ' -f1 /proc/loadavg)" >&2
  done
fi
if [ "$only" != check ]; then
  for i in $(seq "$runs"); do
    measure rust_imp "rust_imp_$i" "$bin" import --from "$data" --out "$work/imp-rust" -q
    measure rust_ic "rust_ic_$i" "$bin" check --dataset "$work/imp-rust" --out "$work/out-imp-rust"
    measure py_imp "py_imp_$i" $py import --from "$data" --out "$work/imp-py"
    measure py_ic "py_ic_$i" $py check --dataset "$work/imp-py" --out "$work/out-imp-py"
    echo "import+check pair $i/$runs: pcn-atlas $(tail -1 "$work/rust_imp") + $(tail -1 "$work/rust_ic"), Python $(tail -1 "$work/py_imp") + $(tail -1 "$work/py_ic"); load $(cut -d' ' -f1 /proc/loadavg)" >&2
  done
  sum2 rust_imp rust_ic rust_both
  sum2 py_imp py_ic py_both
fi

echo
echo "== results, median of $runs (wall s, CPU s = user + system, max RSS MB)"
printf '| job | wall s | CPU s | max RSS MB |\n|---|---:|---:|---:|\n'
if [ "$only" != import ]; then
  row "pcn-atlas check (maps on)" rust_check
  row "Python check" py_check
fi
if [ "$only" != check ]; then
  row "pcn-atlas import" rust_imp
  row "Python import" py_imp
  row "pcn-atlas import + check" rust_both
  row "Python import + check" py_both
fi
printf '\n| Python / pcn-atlas | wall | CPU | RSS |\n|---|---:|---:|---:|\n'
[ "$only" != import ] && ratio "check (bar ≥ 10×)" rust_check py_check
[ "$only" != check ] && ratio "import + check (bar ≥ 5×)" rust_both py_both

echo
echo "== stages, median wall s (from each tool's stderr)"
if [ "$only" != import ]; then
  echo "pcn-atlas check:"; stages "$work/logs/rust_check_*.err" | sed 's/^/  /'
  echo "Python check:";    stages "$work/logs/py_check_*.err" | sed 's/^/  /'
fi
if [ "$only" != check ]; then
  echo "Python import:";   stages "$work/logs/py_imp_*.err" | sed 's/^/  /'
fi

echo
echo "== headline numbers"
if [ "$only" != check ]; then
  echo "(Python import + check against pcn-atlas import + check)"
  $py compare "$work/out-imp-py" "$work/out-imp-rust" || echo "HEADLINE NUMBERS DIFFER"
else
  echo "(both checks on the dataset pcn-atlas imported)"
  $py compare "$work/out-py" "$work/out-rust" || echo "HEADLINE NUMBERS DIFFER"
fi
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "${WORK:-}" ] || [ "${KEEP:-0}" != 1 ] || echo "logs kept in $work/logs"
