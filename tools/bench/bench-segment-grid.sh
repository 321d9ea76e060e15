#!/usr/bin/env bash
# Defaults grid for `segstream segment`: each argument is one set of options; every round runs
# each set once, in turn (so all sets see the same machine load), and the table gives the median
# pipeline fps (from --stats) per set, best first.
# Usage: tools/bench/bench-segment-grid.sh "--batch 1" "--batch 2 --threads 1" ...
# Environment (defaults): RUNS=3, CLIP=fixtures/videos/dashcam-sample.mp4,
#   MODEL=fixtures/models/roadseg.onnx, PRESET=veryfast.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-3}
clip=${CLIP:-fixtures/videos/dashcam-sample.mp4}
model=${MODEL:-fixtures/models/roadseg.onnx}
preset=${PRESET:-veryfast}
swift build -c release >/dev/null
bin=.build/release/segstream
work=out/bench/grid
mkdir -p "$work"
results="$work/results.txt"   # lines: set-index fps
: >"$results"
for _ in $(seq "$runs"); do
  for index in $(seq 0 $(($# - 1))); do
    set_options=${*:index+1:1}
    # shellcheck disable=SC2086  # each set is a list of options
    "$bin" segment "$clip" --model "$model" -o "$work/out.mp4" --preset "$preset" --quiet --stats $set_options 2>"$work/stats"
    awk -v i="$index" '/ frames in / { print i, $1 / $4 }' "$work/stats" >>"$results"
  done
done
echo "clip: $clip; model: $model; preset $preset; $runs rounds, sets in turn; $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| options | fps (median) | runs |"
echo "|---|---|---|"
for index in $(seq 0 $(($# - 1))); do
  fps=$(awk -v i="$index" '$1 == i {print $2}' "$results" | sort -g)
  printf '%s\t%s\t%s\n' "$(printf '%s\n' "$fps" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')" \
    "${*:index+1:1}" "$(printf '%s\n' "$fps" | awk '{printf "%s%.2f", (NR > 1 ? ", " : ""), $1}')"
done | sort -g -r | awk -F '\t' '{ printf "| `%s` | %.2f | %s |\n", ($2 == "" ? "(defaults)" : $2), $1, $3 }'
