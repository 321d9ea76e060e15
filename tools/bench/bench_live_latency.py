#!/usr/bin/env python3
"""Latency of a live camera: a loopback RTSP camera (tools/fixtures/rtsp-test-server.py) plays H.264 clips
at their own pace; `segstream segment` runs on it with the options given (default: none, the
bundled model) and `--metrics`; at the end the frame-latency histogram is read from /metrics.

Latency counts from a frame leaving the decoder to leaving the last stage. p50 and p95 are
interpolated within the histogram's buckets. Use clips that tuning did not use:

    python3 tools/bench/bench_live_latency.py cache/clips/seed311.mp4 cache/clips/seed312.mp4 [--seconds 60] [-- OPTIONS]
"""
import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

BINARY = ".build/release/segstream"


def looped(clips: list, seconds: float, folder: str) -> str:
    """The clips repeated to at least `seconds`, as one MP4 (stream copy)."""
    durations = [float(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", c],
                                      capture_output=True, text=True, check=True).stdout) for c in clips]
    listing, total = [], 0.0
    while total < seconds + 10:
        for clip, duration in zip(clips, durations):
            listing.append(f"file '{os.path.abspath(clip)}'")
            total += duration
    list_path, out = os.path.join(folder, "list.txt"), os.path.join(folder, "camera.mp4")
    with open(list_path, "w") as f:
        f.write("\n".join(listing) + "\n")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", list_path, "-c", "copy", out], check=True)
    return out


def metrics(port: int) -> dict:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\S+) (\S+)$", text, re.M)}


def quantile(samples: dict, q: float) -> float:
    """The q-quantile of the latency histogram, interpolated linearly within its bucket."""
    buckets = sorted((float(m.group(1)), v) for k, v in samples.items()
                     if (m := re.match(r'segstream_frame_latency_seconds_bucket\{le="([0-9.]+)"\}', k)))
    total, target = samples["segstream_frame_latency_seconds_count"], q * samples["segstream_frame_latency_seconds_count"]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= target:
            return lower_bound + (bound - lower_bound) * (target - lower_count) / max(count - lower_count, 1e-9)
        lower_bound, lower_count = bound, count
    return float("inf") if total else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="+")
    parser.add_argument("--seconds", type=float, default=60)
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args, options = parser.parse_args(argv[:split]), argv[split + 1:]
    with tempfile.TemporaryDirectory() as folder:
        clip = looped(args.clips, args.seconds, folder)
        camera_port, metrics_port = random.randrange(20000, 30000), random.randrange(40000, 50000)
        camera = subprocess.Popen(["/usr/bin/python3", "tools/fixtures/rtsp-test-server.py", "--port", str(camera_port), "--file", clip,
                                   "--seconds", str(args.seconds + 30)], stdout=subprocess.DEVNULL)
        time.sleep(1.5)
        run = subprocess.Popen([BINARY, "segment", f"rtsp://127.0.0.1:{camera_port}/cam", "--metrics", f"127.0.0.1:{metrics_port}",
                                "-o", os.path.join(folder, "out.mp4"), "--quiet"] + options, stderr=subprocess.PIPE, text=True)
        time.sleep(args.seconds)
        if run.poll() is not None:
            camera.terminate()
            raise SystemExit(f"segment ended early (exit {run.returncode}): {run.stderr.read()}")
        samples = metrics(metrics_port)
        load = os.getloadavg()[0]
        run.send_signal(signal.SIGTERM)
        run.wait()
        camera.terminate()
        camera.wait()
    decoded, processed = samples["segstream_frames_decoded_total"], samples["segstream_frames_processed_total"]
    mean = samples["segstream_frame_latency_seconds_sum"] / max(samples["segstream_frame_latency_seconds_count"], 1)
    print(f"options: {' '.join(options) or '(defaults)'}; {args.seconds:.0f} s; load average {load:.2f}")
    print("| p50 latency s | p95 latency s | mean s | fps processed | frames decoded | dropped |")
    print("|---|---|---|---|---|---|")
    print(f"| {quantile(samples, 0.5):.2f} | {quantile(samples, 0.95):.2f} | {mean:.2f} | {processed / args.seconds:.1f} "
          f"| {decoded:.0f} | {samples['segstream_frames_dropped_total']:.0f} ({samples['segstream_frames_dropped_total'] / max(decoded, 1):.0%}) |")


if __name__ == "__main__":
    main()
