#!/usr/bin/env python3
"""Benchmarks segstream's inference engine against onnxruntime on the seven test
architectures at benchmark size, and measures the machine's sgemm peak, all in one run
with the same thread count. Writes the latest-run table of the "## Inference engine" section
of BENCHMARKS.md (between its bench_models.py markers; the notes around it stay).

    swift build -c release --product segstream
    .venv/bin/python tools/bench/bench_models.py [--threads T] [--size HxW] [--width 4]
"""
import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = ["fcn", "unet", "deeplabv3plus", "pspnet", "lraspp_mobilenetv3", "segnet", "fastfcn"]


def segstream_bench(binary, model, batch, threads, runs, size=None, warmup=None):
    """Returns (median ms/frame, best ms/frame, GFLOPs per frame); `size` "HxW" for models
    with symbolic sizes, `warmup` runs when not the command's default."""
    time.sleep(1)   # onnxruntime's pool threads in this process spin for a while after a run
    extra = (["--size", size] if size else []) + (["--warmup", str(warmup)] if warmup is not None else [])
    out = subprocess.run([binary, "model", "bench", model, "--batch", str(batch), "--threads", str(threads), "--runs", str(runs)] + extra,
                         check=True, capture_output=True, text=True).stdout
    ms = float(re.search(r"([\d.]+) ms/frame", out).group(1))
    best = float(re.search(r"min ([\d.]+)\)", out).group(1)) / batch
    per_frame = float(re.search(r"\(([\d.]+) GFLOPs per frame\)", out).group(1))
    return ms, best, per_frame


def ort_session(model, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def ort_bench(session, batch, runs, warmup=2, shape=None):
    """Returns (median ms/frame, best ms/frame); `shape` for inputs with symbolic sizes (else 1)."""
    inp = session.get_inputs()[0]
    shape = shape or [batch] + [d if isinstance(d, int) else 1 for d in inp.shape[1:]]
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    for _ in range(warmup):
        session.run(None, {inp.name: x})
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, {inp.name: x})
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times) / batch, min(times) / batch


def sgemm_model(path, n=1024):
    """A MatMul [1, 1, n, n] x [n, n] model; benchmarking it measures OpenBLAS sgemm."""
    w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((n, n)).astype(np.float32), "W")
    graph = helper.make_graph([helper.make_node("MatMul", ["input", "W"], ["output"])], "sgemm",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, n, n])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 1, n, n])], [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


BEGIN, END = "<!-- bench_models.py: begin -->", "<!-- bench_models.py: end -->"


def write_section(text, path):
    """Replaces the latest-run block (between BEGIN and END) of the "## Inference engine"
    section, keeping the notes around it; adds the section when there is none."""
    content = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    block = f"{BEGIN}\n{text}\n{END}"
    start, end = content.find(BEGIN), content.find(END)
    if start >= 0 and end > start:
        content = content[:start] + block + content[end + len(END):]
    elif (section := content.find("## Inference engine")) >= 0:
        heading_end = content.index("\n", section) + 1
        content = content[:heading_end] + "\n" + block + "\n" + content[heading_end:]
    else:
        content = content.rstrip("\n") + "\n\n## Inference engine\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(content)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segstream", default=os.path.join(ROOT, ".build", "release", "segstream"))
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--size", default="256x512")
    parser.add_argument("--width", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of both engines")
    parser.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="segstream-bench-")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "fixtures", "export_test_models.py"), "--out", work, "--size", args.size,
                    "--width", str(args.width), "--no-reference", "--only", *MODELS], check=True, capture_output=True)
    sgemm = os.path.join(work, "sgemm.onnx")
    sgemm_model(sgemm)
    peak = 2 * 1024 ** 3 / 1e6 / min(segstream_bench(args.segstream, sgemm, 1, args.threads, args.runs)[1] for _ in range(args.rounds))
    print(f"sgemm peak (1024^3, OpenBLAS, {args.threads} threads): {peak:.1f} GFLOP/s", flush=True)

    # The engines alternate in rounds so load from other processes hits both alike.
    rows = []
    for name in MODELS:
        path = os.path.join(work, f"{name}.onnx")
        session = ort_session(path, args.threads)
        for batch in (1, 4):
            ours, theirs, per_frame = [], [], 0.0
            for _ in range(args.rounds):
                median, best, per_frame = segstream_bench(args.segstream, path, batch, args.threads, args.runs)
                ours.append((median, best))
                theirs.append(ort_bench(session, batch, args.runs))
            row = dict(name=name, batch=batch, gflops=per_frame,
                       ours=statistics.median(m for m, _ in ours), ours_best=min(b for _, b in ours),
                       ort=statistics.median(m for m, _ in theirs), ort_best=min(b for _, b in theirs))
            rows.append(row)
            print(f"{name} batch {batch}: segstream {row['ours']:.2f} (best {row['ours_best']:.2f}) ms/frame, "
                  f"onnxruntime {row['ort']:.2f} (best {row['ort_best']:.2f}) ms/frame", flush=True)

    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0]
    lines = [
        f"`tools/bench/bench_models.py` on {cpu}, {args.threads} threads for both engines (onnxruntime {ort.__version__}, "
        f"intra-op threads = {args.threads}), input {args.size}, the {len(MODELS)} test architectures at channel width x{args.width}. "
        f"Each engine ran {args.rounds} alternating rounds of {args.runs} timed runs; *median* is the median of the round "
        f"medians, *best* the fastest run. sgemm peak, measured in the same run (OpenBLAS 1024x1024x1024 through "
        f"`segstream model bench`): **{peak:.1f} GFLOP/s**. Load average at the end: {load:.1f} "
        f"(above about 2, other work shared the machine: best-of figures are then the steadier comparison).", "",
        "| model | batch | GFLOPs/frame | segstream ms/frame median | onnxruntime median | ratio | segstream best | onnxruntime best | ratio (best) | segstream GFLOP/s (best) | % of sgemm peak |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        gflops = r["gflops"] / r["ours_best"] * 1000
        lines.append(f"| {r['name']} | {r['batch']} | {r['gflops']:.2f} | {r['ours']:.2f} | {r['ort']:.2f} | {r['ours'] / r['ort']:.2f}x | "
                     f"{r['ours_best']:.2f} | {r['ort_best']:.2f} | {r['ours_best'] / r['ort_best']:.2f}x | {gflops:.1f} | {100 * gflops / peak:.0f}% |")
    lines += ["", "Ratio = segstream time / onnxruntime time (below 1 means segstream is faster). On a shared machine "
              "whole runs differ by up to about 30%; compare the two engines within one run."]
    write_section("\n".join(lines), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
