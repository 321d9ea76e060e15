#!/usr/bin/env python3
"""Benchmarks segstream's inference engine against onnxruntime on the six test
architectures at benchmark size, and measures the machine's sgemm peak, all in one run
with the same thread count. Writes the "## Inference engine" section of BENCHMARKS.md.

    swift build -c release --product segstream
    /work/main/.venv/bin/python tools/bench_models.py [--threads T] [--size HxW] [--width 4]
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["fcn", "unet", "deeplabv3plus", "pspnet", "lraspp_mobilenetv3", "segnet"]


def segstream_bench(binary, model, batch, threads, runs):
    out = subprocess.run([binary, "model", "bench", model, "--batch", str(batch), "--threads", str(threads), "--runs", str(runs)],
                         check=True, capture_output=True, text=True).stdout
    ms = float(re.search(r"([\d.]+) ms/frame", out).group(1))
    gflops = float(re.search(r"([\d.]+) GFLOP/s", out).group(1))
    per_frame = float(re.search(r"\(([\d.]+) GFLOPs per frame\)", out).group(1))
    return ms, gflops, per_frame


def ort_bench(model, batch, threads, runs, warmup=3):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    inp = session.get_inputs()[0]
    shape = [batch] + [d if isinstance(d, int) else 1 for d in inp.shape[1:]]
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    for _ in range(warmup):
        session.run(None, {inp.name: x})
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, {inp.name: x})
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times) / batch


def sgemm_model(path, n=1024):
    """A MatMul [1, 1, n, n] x [n, n] model; benchmarking it measures OpenBLAS sgemm."""
    w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((n, n)).astype(np.float32), "W")
    graph = helper.make_graph([helper.make_node("MatMul", ["input", "W"], ["output"])], "sgemm",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, n, n])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 1, n, n])], [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


def write_section(text, path):
    content = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    start = content.find("## Inference engine")
    if start >= 0:
        end = content.find("\n## ", start + 1)
        content = content[:start] + text + (content[end + 1:] if end >= 0 else "")
    else:
        content = content.rstrip("\n") + "\n\n" + text
    with open(path, "w") as f:
        f.write(content)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segstream", default=os.path.join(ROOT, ".build", "release", "segstream"))
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--size", default="256x512")
    parser.add_argument("--width", type=int, default=4)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="segstream-bench-")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "export_test_models.py"), "--out", work, "--size", args.size,
                    "--width", str(args.width), "--no-reference"], check=True, capture_output=True)
    sgemm = os.path.join(work, "sgemm.onnx")
    sgemm_model(sgemm)
    _, peak, _ = segstream_bench(args.segstream, sgemm, 1, args.threads, args.runs)
    print(f"sgemm peak (1024^3, OpenBLAS, {args.threads} threads): {peak:.1f} GFLOP/s", flush=True)

    rows = []
    for name in MODELS:
        path = os.path.join(work, f"{name}.onnx")
        row = [name]
        for batch in (1, 4):
            ms, gflops, per_frame = segstream_bench(args.segstream, path, batch, args.threads, args.runs)
            ref = ort_bench(path, batch, args.threads, args.runs)
            row += [ms, ref, gflops]
            print(f"{name} batch {batch}: segstream {ms:.2f} ms/frame ({gflops:.1f} GFLOP/s), onnxruntime {ref:.2f} ms/frame", flush=True)
        rows.append(row + [per_frame])

    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [
        "## Inference engine", "",
        f"`tools/bench_models.py` on {cpu}, {args.threads} threads for both engines, input {args.size}, "
        f"channel width x{args.width} of the test architectures, median of {args.runs} runs, onnxruntime {ort.__version__}. "
        f"sgemm peak measured in the same run (OpenBLAS, 1024x1024x1024 via `segstream model bench`): **{peak:.1f} GFLOP/s**.", "",
        "| model | GFLOPs/frame | segstream b1 ms/frame | onnxruntime b1 | ratio b1 | segstream b4 ms/frame | onnxruntime b4 | ratio b4 | segstream GFLOP/s (b4) | % of sgemm peak |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, ms1, ref1, _, ms4, ref4, g4, per_frame in rows:
        lines.append(f"| {name} | {per_frame:.2f} | {ms1:.2f} | {ref1:.2f} | {ms1 / ref1:.2f}x | {ms4:.2f} | {ref4:.2f} | "
                     f"{ms4 / ref4:.2f}x | {g4:.1f} | {100 * g4 / peak:.0f}% |")
    lines += ["", "Ratio = segstream time / onnxruntime time (below 1 means segstream is faster).", ""]
    write_section("\n".join(lines), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
