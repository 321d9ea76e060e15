#!/usr/bin/env bash
# End-to-end benchmark: `segstream segment` vs the plain Python pipeline
# (tools/bench/bench_python_pipeline.py: PyAV + numpy + onnxruntime) on the same clip, model, preset,
# batch and thread counts. Runs alternate (segstream, Python, segstream, ...) so both see the same
# machine load; prints a markdown table of medians: fps over the whole process (startup and model
# loading included) and over the pipeline alone, their ratio, and per-stage busy ms/frame
# (segstream's stages run concurrently, so its busy times overlap; Python's run one after another).
#
# Usage: tools/bench/bench-segment.sh [extra segstream segment options ...]
# Environment (defaults): RUNS=3, CLIP=fixtures/videos/dashcam-sample.mp4,
#   MODEL=fixtures/models/roadseg.onnx, PRESET=veryfast, BATCH=2, THREADS=$(nproc),
#   PYTHON=python3 (needs av, numpy, onnxruntime: see tools/bench/bench_python_pipeline.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-3}
clip=${CLIP:-fixtures/videos/dashcam-sample.mp4}
model=${MODEL:-fixtures/models/roadseg.onnx}
preset=${PRESET:-veryfast}
batch=${BATCH:-2}
threads=${THREADS:-$(nproc)}
python=${PYTHON:-python3}
for file in "$clip" "$model"; do
  [ -f "$file" ] || { echo "missing $file (set CLIP / MODEL)" >&2; exit 1; }
done
swift build -c release >/dev/null
bin=.build/release/segstream
work=out/bench/segment
mkdir -p "$work"
results="$work/results.txt"   # lines: side metric value
: >"$results"

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
value() { awk -v side="$1" -v metric="$2" '$1 == side && $2 == metric {print $3}' "$results" | median; }

# segstream --stats: "N frames in S s (F fps)", then "stage items busy-s busy-% ms/item" rows.
run_segstream() {
  local start end
  start=$(now)
  "$bin" segment "$clip" --model "$model" -o "$work/segstream.mp4" --preset "$preset" \
    --batch "$batch" --threads "$threads" --quiet --stats "$@" 2>"$work/segstream.stats"
  end=$(now)
  awk -v s="$start" -v e="$end" '
    / frames in / { frames = $1; print "segstream pipeline_fps", $1 / $4; print "segstream wall_s", e - s;
                    print "segstream process_fps", $1 / (e - s) }
    /^(decode|preprocess|infer|overlay|encode) / && frames { print "segstream " $1 "_ms", 1000 * $3 / frames }
  ' "$work/segstream.stats" >>"$results"
}

# Python prints "frames N", "fps F" and "STAGE_s S" lines.
run_python() {
  local start end
  start=$(now)
  "$python" tools/bench/bench_python_pipeline.py "$clip" --model "$model" -o "$work/python.mp4" --preset "$preset" \
    --batch "$batch" --threads "$threads" >"$work/python.stats"
  end=$(now)
  awk -v s="$start" -v e="$end" '
    $1 == "frames" { frames = $2; print "python wall_s", e - s; print "python process_fps", $2 / (e - s) }
    $1 == "fps" { print "python pipeline_fps", $2 }
    $1 ~ /_s$/ && $1 != "wall_s" && frames { sub(/_s$/, "", $1); print "python " $1 "_ms", 1000 * $2 / frames }
  ' "$work/python.stats" >>"$results"
}

for _ in $(seq "$runs"); do
  run_segstream "$@"
  run_python
done

frames=$(awk '/ frames in / {print $1}' "$work/segstream.stats")
echo "clip: $clip ($frames frames); model: $model; preset $preset, batch $batch, $threads inference threads;"
echo "$runs runs each, alternating; $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| median of $runs | segstream segment | Python (PyAV + onnxruntime) | segstream speed-up |"
echo "|---|---|---|---|"
row() {  # label metric: speed-up is a/b for rates, b/a for times
  local a b
  a=$(value segstream "$2"); b=$(value python "$2")
  printf '| %s | %.2f | %.2f | %.2fx |\n' "$1" "$a" "$b" "$(awk -v a="$a" -v b="$b" -v m="$2" 'BEGIN { print m ~ /fps/ ? a / b : b / a }')"
}
row "fps, whole process" process_fps
row "fps, pipeline only" pipeline_fps
row "wall s, whole process" wall_s
echo
echo "Per-stage busy time, ms/frame (median; segstream's stages overlap, Python's add up):"
echo
echo "| stage | segstream segment | Python |"
echo "|---|---|---|"
for stage in decode preprocess infer postprocess overlay encode; do
  a=$(value segstream "${stage}_ms"); b=$(value python "${stage}_ms")
  printf '| %s | %s | %s |\n' "$stage" "${a:+$(printf '%.2f' "$a")}" "${b:+$(printf '%.2f' "$b")}"
done
echo
echo "(segstream's infer includes argmax and the label upsample; Python's are under postprocess.)"
