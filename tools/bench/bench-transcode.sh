#!/usr/bin/env bash
# I/O floor benchmark: `segstream transcode` vs `ffmpeg -c:v libx264 -c:a copy` on the same
# 720p clip with the same preset, alternating runs, median of N each.
# Usage: tools/bench/bench-transcode.sh [preset ...]   (default: veryfast medium; RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-5}
presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(veryfast medium)
bin=.build/release/segstream
[ -x "$bin" ] || swift build -c release >/dev/null
work=out/bench
mkdir -p "$work"
clip="$work/clip-720p.mp4"
if [ ! -f "$clip" ]; then
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=10" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=10" \
    -c:v libx264 -preset medium -crf 23 -c:a aac -shortest "$clip"
fi
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'; }
echo "clip: $clip (1280x720, 300 frames, AAC audio); $runs runs each, alternating; $(nproc) cores"
echo "| preset | segstream transcode (s, median) | ffmpeg (s, median) | ratio |"
echo "|---|---|---|---|"
for preset in "${presets[@]}"; do
  ours=(); theirs=()
  for _ in $(seq "$runs"); do
    ours+=("$(seconds "$bin" transcode "$clip" -o "$work/ours.mp4" --preset "$preset" --quiet)")
    theirs+=("$(seconds ffmpeg -y -v error -i "$clip" -c:v libx264 -preset "$preset" -c:a copy "$work/ffmpeg.mp4")")
  done
  a=$(printf '%s\n' "${ours[@]}" | median); b=$(printf '%s\n' "${theirs[@]}" | median)
  printf '| %s | %.2f | %.2f | %.3f |\n' "$preset" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print a / b }')"
done
