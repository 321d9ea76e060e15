"""segstream-ray on a local Ray cluster: the driver's own overhead, and a long file in shards against one run.

Starts a two-node Ray cluster on 127.0.0.1 whose nodes are pinned to one core each (two single-core workers; their
tasks inherit the pinning) and measures, in rounds that alternate the configurations:
  - sharded: `segstream-ray batch LONG --shard-seconds S` against `segstream segment LONG --threads 1` pinned to
    one core (same outputs: overlay, label video, JSON Lines): wall-time ratio;
  - overhead: a batch of CLIPS (one task each); from its summary.json, the slot time not spent inside segstream
    (scheduling, worker start-up, joining, idle slots) per segstream second.

    .venv-scale/bin/python tools/bench/bench_scale.py cache/clips/seed311.mp4 cache/clips/seed312.mp4 --rounds 3

Needs `make test-scale` (or tools/test-scale.sh) to have made .venv-scale with ray and segstream-ray.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "deploy", "ray", "tests"))
from cluster import SEGSTREAM, LocalCluster, driver  # noqa: E402  (keeps Ray on loopback)


def timed(command):
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="+", help="720p clips; the long file is them joined, looped")
    parser.add_argument("--loops", type=int, default=2, help="times the joined clips repeat in the long file")
    parser.add_argument("--shard-seconds", type=float, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="bench-scale-")
    everything = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {0})  # the head node and its tasks on core 0 ...
    cluster = LocalCluster(workers=0)
    os.sched_setaffinity(0, {1})  # ... the worker node and its tasks on core 1
    cluster.add_worker()
    os.sched_setaffinity(0, everything)
    try:
        listing = os.path.join(work, "list.txt")
        with open(listing, "w") as file:
            file.write("".join(f"file '{os.path.abspath(clip)}'\n" for clip in args.clips * args.loops))
        long = os.path.join(work, "long.mp4")
        subprocess.run(["ffmpeg", "-v", "error", "-f", "concat", "-safe", "0", "-i", listing, "-c", "copy", long], check=True)
        batch_inputs = []
        for i in range(6):
            batch_inputs.append(os.path.join(work, f"clip{i}.mp4"))
            shutil.copy(args.clips[i % len(args.clips)], batch_inputs[-1])
        single, sharded, overheads = [], [], []
        for round_ in range(args.rounds):
            out = os.path.join(work, f"single-{round_}")
            os.makedirs(out)
            single.append(timed(["taskset", "-c", "0", SEGSTREAM, "segment", long, "--quiet", "--threads", "1", "-o", os.path.join(out, "long.mp4"),
                                 "--labels-out", os.path.join(out, "long.labels.mkv"), "--json", os.path.join(out, "long.jsonl")]))
            started = time.monotonic()
            run = driver("batch", long, "--out", os.path.join(work, f"sharded-{round_}"), "--address", cluster.address,
                         "--segstream", SEGSTREAM, "--shard-seconds", str(args.shard_seconds))
            sharded.append(time.monotonic() - started)
            assert run.returncode == 0, run.stderr
            out = os.path.join(work, f"batch-{round_}")
            run = driver("batch", *batch_inputs, "--out", out, "--address", cluster.address, "--segstream", SEGSTREAM)
            assert run.returncode == 0, run.stderr
            with open(os.path.join(out, "summary.json")) as file:
                overheads.append(json.load(file)["overhead"])
            print(f"round {round_ + 1}: single {single[-1]:.1f} s, sharded {sharded[-1]:.1f} s, batch overhead {overheads[-1]:.3f}", flush=True)
        frames = subprocess.run(["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries",
                                 "stream=nb_read_packets", "-of", "csv=p=0", long], capture_output=True, text=True).stdout.strip()
        print(f"\nlong file: {frames} frames of 1280x720 ({len(args.clips)} clip(s) x {args.loops}), shards of {args.shard_seconds:g} s; "
              f"{args.rounds} rounds, medians")
        print("| measure | value |\n|---|---|")
        print(f"| one run, `--threads 1`, on one core | {statistics.median(single):.1f} s |")
        print(f"| `segstream-ray batch --shard-seconds {args.shard_seconds:g}`, 2 nodes of one core | {statistics.median(sharded):.1f} s |")
        print(f"| sharded ÷ one run | {statistics.median(sharded) / statistics.median(single):.2f} |")
        print(f"| driver overhead, 6 clips (slot time outside segstream ÷ segstream time) | {statistics.median(overheads):.3f} |")
        print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        cluster.close()
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
