#!/usr/bin/env bash
# Regenerates the small test clips in fixtures/videos/test/ with the ffmpeg CLI.
# Usage: tools/make-video-fixtures.sh   (needs ffmpeg with libx264 and aac)
set -euo pipefail
out="$(dirname "$0")/../fixtures/videos/test"
mkdir -p "$out"
cd "$out"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
src="testsrc2=size=160x120:rate=25"

# Constant frame rate, B-frames, 2 s.
ff -f lavfi -i "$src:duration=2" -c:v libx264 -preset veryfast -bf 2 -g 25 -pix_fmt yuv420p cfr.mp4
# Variable frame rate: frames at uneven times (timestamps 0, 55, 110, 120, 175 ms, ...).
ff -f lavfi -i "$src:duration=2" -vf "setpts='(N*40+mod(N,3)*15)/1000/TB'" -fps_mode passthrough \
   -c:v libx264 -preset veryfast -video_track_timescale 1000 vfr.mp4
# Rotated 90 degrees by the display matrix.
# (ffmpeg 5.1 sets the matrix from the rotate tag only when stream-copying.)
ff -f lavfi -i "$src:duration=1" -c:v libx264 -preset veryfast -f mp4 unrotated.mp4.tmp
ff -i unrotated.mp4.tmp -c copy -metadata:s:v:0 rotate=90 rotated.mp4
rm unrotated.mp4.tmp
# Odd size in 4:4:4.
ff -f lavfi -i "testsrc2=size=162x122:rate=25:duration=1" -vf format=yuv444p,crop=161:121:0:0 \
   -c:v libx264 -preset veryfast odd-444.mp4
# 10-bit 4:2:0.
ff -f lavfi -i "$src:duration=1" -c:v libx264 -preset veryfast -pix_fmt yuv420p10le tenbit.mkv
# Gray, lossless FFV1.
ff -f lavfi -i "$src:duration=1" -c:v ffv1 -pix_fmt gray gray.mkv
# Video with an AAC audio track.
ff -f lavfi -i "$src:duration=2" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=2" \
   -c:v libx264 -preset veryfast -c:a aac -b:a 64k -shortest audio.mp4
# Audio only.
ff -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=1" -c:a aac audio-only.m4a
# Truncated: the first 60% of a faststart MP4, so the index is present but the data is cut.
ff -f lavfi -i "$src:duration=2" -c:v libx264 -preset veryfast -movflags +faststart -f mp4 full-faststart.mp4.tmp
head -c $(( $(stat -c %s full-faststart.mp4.tmp) * 6 / 10 )) full-faststart.mp4.tmp > truncated.mp4
rm full-faststart.mp4.tmp
# Corrupt: an MPEG-TS stream with a run of garbage bytes in the middle.
ff -f lavfi -i "$src:duration=2" -c:v libx264 -preset veryfast -f mpegts corrupt.ts
python3 - <<'PY'
import random
data = bytearray(open("corrupt.ts", "rb").read())
rng = random.Random(7)
start = len(data) // 2
for i in range(start, start + 6000):
    data[i] = rng.randrange(256)
open("corrupt.ts", "wb").write(bytes(data))
PY
# Not a video at all.
printf 'This is a text file, not a video.\n' > not-video.txt
ls -l
