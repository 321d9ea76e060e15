#!/usr/bin/env python3
"""The real-time chain against plain `segment`: time, mIoU, flicker and peak RSS ratios.

For each clip (a video with a `.labels.mkv` ground truth beside it), every configuration runs
once per round, in turn, so all see the same machine load; times and RSS are medians over the
rounds, mIoU and flicker come from `segstream eval` (deterministic). Render clips with
tools/synthroad from seeds that neither training (100000-100159) nor tuning (211, 212) uses:

    python -m tools.synthroad --seed 311 --frames 150 --size 1280x720 --fps 25 --out cache/clips/seed311
    python3 tools/bench/bench_chain.py cache/clips/seed311.mp4 cache/clips/seed312.mp4 [--rounds 3]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

CONFIGS = [
    ("plain", []),
    ("--refine", ["--refine"]),
    ("--smooth --refine", ["--smooth", "--refine"]),
    ("--keyframe-interval 3", ["--keyframe-interval", "3"]),
    ("--keyframe-interval 3 --smooth --refine", ["--keyframe-interval", "3", "--smooth", "--refine"]),
]
BINARY = ".build/release/segstream"


def run(clip: str, options: list, out: str) -> tuple:
    """One `segment` run: (seconds, peak RSS in MB)."""
    result = subprocess.run(["/usr/bin/time", "-f", "rss %M", BINARY, "segment", clip, "--labels-out", out, "--quiet", "--stats"]
                            + options, capture_output=True, text=True, check=True)
    seconds = float(re.search(r"frames in ([0-9.]+) s", result.stderr).group(1))
    rss = int(re.search(r"rss (\d+)", result.stderr).group(1)) / 1024
    return seconds, rss


def evaluate(truth: str, pred: str) -> tuple:
    text = subprocess.run([BINARY, "eval", "--truth", truth, "--pred", pred], capture_output=True, text=True, check=True).stdout
    miou = float(re.search(r"mIoU\s+([0-9.]+)", text).group(1))
    flicker = float(re.search(r"temporal flicker\s+([0-9.]+)", text).group(1))
    return miou, flicker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clips", nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release"], check=True, capture_output=True)
    os.makedirs("out/bench/chain", exist_ok=True)
    print(f"{os.cpu_count()} cores; {args.rounds} rounds, configurations in turn; medians\n")
    print("| clip | configuration | time ÷ plain | fps | mIoU | Δ mIoU | flicker ÷ plain | RSS ÷ plain |")
    print("|---|---|---|---|---|---|---|---|")
    for clip in args.clips:
        truth = clip.rsplit(".", 1)[0] + ".labels.mkv"
        times = {name: [] for name, _ in CONFIGS}
        rss = {name: [] for name, _ in CONFIGS}
        quality = {}
        for _ in range(args.rounds):
            for index, (name, options) in enumerate(CONFIGS):
                out = f"out/bench/chain/{index}.mkv"
                seconds, peak = run(clip, options, out)
                times[name].append(seconds)
                rss[name].append(peak)
                quality[name] = evaluate(truth, out)
        frames = int(subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                                     "stream=nb_read_frames", "-of", "csv=p=0", clip], capture_output=True, text=True).stdout)
        base_time, base_rss = statistics.median(times["plain"]), statistics.median(rss["plain"])
        base_miou, base_flicker = quality["plain"]
        for name, _ in CONFIGS:
            t, m = statistics.median(times[name]), statistics.median(rss[name])
            miou, flicker = quality[name]
            print(f"| {os.path.basename(clip)} | `{name}` | {t / base_time:.2f} | {frames / t:.1f} | {miou:.3f} | "
                  f"{miou - base_miou:+.3f} | {flicker / base_flicker:.2f} | {m / base_rss:.2f} |")
    print(f"\nload average at the end: {' '.join(open('/proc/loadavg').read().split()[:3])}")


if __name__ == "__main__":
    sys.exit(main())
