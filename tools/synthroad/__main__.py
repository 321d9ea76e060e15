"""Command line: render a clip to ``OUT.mp4`` + ``OUT.labels.mkv`` and verify them.

    python -m tools.synthroad --seed 7 --frames 250 --size 1280x720 --fps 25 --out clip
"""

import argparse
import time

from . import clip_frames
from .video import ClipWriter, verify


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--frames", type=int, default=250)
    ap.add_argument("--size", default="1280x720", help="WxH")
    ap.add_argument("--fps", type=int, default=25)
    ap.add_argument("--crf", type=int, default=23, help="x264 constant rate factor")
    ap.add_argument("--out", required=True, help="output path prefix (without extension)")
    args = ap.parse_args()
    width, height = map(int, args.size.lower().split("x"))
    video, labels = f"{args.out}.mp4", f"{args.out}.labels.mkv"
    t0 = time.time()
    with ClipWriter(video, labels, width, height, args.fps, args.crf) as out:
        for rgb, lab in clip_frames(args.seed, args.frames, width, height, args.fps):
            out.write(rgb, lab)
        digest = out.close()
    n = verify(video, labels, digest)
    print(f"{video} + {labels}: {n} frames {width}x{height} @ {args.fps} fps, "
          f"PTS match, labels exact; {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
