#!/usr/bin/env bash
# Regenerates the bundled sample clip and its ground truth:
#   fixtures/videos/dashcam-sample.mp4         1280x720, 25 fps, 10 s, H.264 yuv420p
#   fixtures/videos/dashcam-sample.labels.mkv  gray8 FFV1, pixel = Cityscapes trainId
# Seed 7 is never used for training (training scenes use seeds >= 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
mkdir -p fixtures/videos
"$PYTHON" -m tools.synthroad --seed 7 --frames 250 --size 1280x720 --fps 25 --crf 23 \
    --out fixtures/videos/dashcam-sample
