# Shared by the bench scripts (source it after setting $work, a scratch folder).

# measure LOG BIN ARGS...: one timed run; "wall cpu rss_mb" appended to LOG.
measure() {
  local log=$1 bin=$2; shift 2
  local out="$work/out-$RANDOM$RANDOM"
  # shellcheck disable=SC2046 # the job's words
  /usr/bin/time -v -o "$work/t" "$bin" $(echo "$@" | sed "s#OUT#$out#") >/dev/null 2>"$work/err" ||
    { echo "failed: $bin $*" >&2; cat "$work/err" >&2; exit 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { printf "%.3f %.3f %.1f\n", w, u + s, m / 1024 }' "$work/t" >>"$log"
  rm -rf "$out"
}

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { awk -v c="$2" '{print $c}' "$1" | median; }

