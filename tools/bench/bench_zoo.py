#!/usr/bin/env python3
"""Times the model zoo (tools/zoo/export_zoo.py, random weights) on segstream's engine and on
onnxruntime at batch 1 and 4 with the same thread count, alternating the engines, and checks
parity on one frame. Writes the table of the "## Model zoo" section of BENCHMARKS.md (between
its bench_zoo.py markers).

    swift build -c release --product segstream
    .venv-zoo/bin/python tools/zoo/export_zoo.py
    .venv-zoo/bin/python tools/bench/bench_zoo.py [--threads 2] [--only NAME...]
"""
import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "zoo"))
from bench_models import ROOT, ort_bench, ort_session, segstream_bench  # noqa: E402
import export_zoo  # noqa: E402

BEGIN, END = "<!-- bench_zoo.py: begin -->", "<!-- bench_zoo.py: end -->"


def input_shape(session, batch):
    """NCHW at the declared size, symbolic sizes at 256x512."""
    dims = session.get_inputs()[0].shape
    return [batch, 3] + [d if isinstance(d, int) else default for d, default in zip(dims[2:], (256, 512))]


def parity(binary, model, session, shape, threads, work):
    """Max |segstream - onnxruntime| over the output's range, on one random frame."""
    x = np.random.default_rng(1).standard_normal([1] + shape[1:]).astype(np.float32)
    np.save(os.path.join(work, "x.npy"), x)
    subprocess.run([binary, "model", "run", model, "--input", os.path.join(work, "x.npy"), "--output", os.path.join(work, "y.npy"),
                    "--threads", str(threads)], check=True, capture_output=True)
    ours = np.load(os.path.join(work, "y.npy"))
    theirs = session.run(None, {session.get_inputs()[0].name: x})[0]
    return float(np.abs(ours - theirs).max() / max(float(theirs.max() - theirs.min()), 1e-12))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segstream", default=os.path.join(ROOT, ".build", "release", "segstream"))
    parser.add_argument("--zoo", default=os.path.join(ROOT, "cache", "zoo"))
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of both engines")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="segstream-zoo-")
    rows = []
    for name in args.only or export_zoo.ZOO:
        path = os.path.join(args.zoo, name + ".onnx")
        session = ort_session(path, args.threads)
        shape = input_shape(session, 1)
        row = dict(name=name, exporter=export_zoo.ZOO[name][1].split("-")[0], opset=export_zoo.ZOO[name][2], size=shape[2:],
                   parity=parity(args.segstream, path, session, shape, args.threads, work))
        fixed_batch = isinstance(session.get_inputs()[0].shape[0], int)
        for batch in (1, 4):
            if batch > 1 and fixed_batch:   # a static export takes its traced batch only
                continue
            shape[0] = batch
            runs = 3 if batch == 4 else 10
            ours, theirs = [], []
            for _ in range(args.rounds):
                # At batch 1, a slow first run or two must not set the median of a 4 ms model.
                ours.append(segstream_bench(args.segstream, path, batch, args.threads, runs, size=f"{shape[2]}x{shape[3]}", warmup=2)[0])
                theirs.append(ort_bench(session, batch, runs, warmup=1, shape=shape)[0])
            row[batch] = (statistics.median(ours), statistics.median(theirs))
        rows.append(row)
        print(f"{name}: parity {row['parity']:.1e}; " + "; ".join(f"batch {b} {row[b][0]:.1f} vs {row[b][1]:.1f} ms/frame"
                                                                   for b in (1, 4) if b in row), flush=True)

    def geomean(values):
        return math.exp(sum(math.log(v) for v in values) / len(values))
    load = os.getloadavg()
    lines = [
        f"`tools/bench/bench_zoo.py`, {args.threads} threads for both engines (onnxruntime {ort.__version__}), random weights, "
        f"{args.rounds} alternating rounds per engine and batch, medians. Load average at the end: "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min).", "",
        "| model | exporter, opset | input | max diff / output range | batch 1 segstream ms/frame | onnxruntime | ratio | batch 4 segstream | onnxruntime | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [f"{r[b][0]:.1f} | {r[b][1]:.1f} | {r[b][0] / r[b][1]:.2f}x" if b in r else "— | — | static batch" for b in (1, 4)]
        lines.append(f"| {r['name']} | {r['exporter']} {r['opset']} | {r['size'][0]}x{r['size'][1]} | {r['parity']:.1e} | "
                     f"{cells[0]} | {cells[1]} |")
    g1, g4 = (geomean([r[b][0] / r[b][1] for r in rows if b in r]) for b in (1, 4))
    lines += [f"| **geo-mean** | | | | | | **{g1:.2f}x** | | | **{g4:.2f}x** |", "",
              "Ratio = segstream time / onnxruntime time (below 1: segstream is faster)."]
    print(f"geo-mean: batch 1 {g1:.2f}x, batch 4 {g4:.2f}x")
    if not args.only:
        content = open(args.out).read()
        start, end = content.find(BEGIN), content.find(END)
        block = f"{BEGIN}\n" + "\n".join(lines) + f"\n{END}"
        if start >= 0 and end > start:
            content = content[:start] + block + content[end + len(END):]
        else:
            content = content.rstrip("\n") + "\n\n## Model zoo\n\n" + block + "\n"
        open(args.out, "w").write(content)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
