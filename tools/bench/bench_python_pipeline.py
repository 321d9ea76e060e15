#!/usr/bin/env python3
"""Baseline for `segstream segment`: the same job as a plain Python pipeline, written the way a
user would write it with PyAV, numpy and onnxruntime, one frame batch after another.

    decode (PyAV) → resize to the model input size (PyAV/swscale, bilinear, rgb24) + normalise
    (numpy) → onnxruntime (batch of --batch frames) → argmax (numpy) → nearest upsample to the
    frame size (numpy, pixel centres as segstream) → alpha blend of the class palette over the
    frame's RGB (numpy, float) → H.264 encode (PyAV, libx264, yuv420p, same preset and CRF as
    segstream), audio packets copied when the input has audio.

The resize uses PyAV's `to_ndarray(width=, height=, format="rgb24")` (swscale) rather than cv2:
it is what a PyAV user reaches for and needs no other package. Normalisation, labels and palette
come from the model's metadata_props (`mean`, `std`, `palette`), with the same ImageNet and
Cityscapes fallbacks as segstream.

Prints `frames`, `fps` (frames over the pipeline's wall time, from the first decode to the
closed output; model loading excluded, as in segstream's `--stats`) and per-stage seconds.

Install (into the project venv, which already has numpy and onnxruntime):

    .venv/bin/pip install av onnxruntime numpy    # PyAV wheels bundle FFmpeg + libx264

Usage:

    python tools/bench/bench_python_pipeline.py CLIP --model M.onnx -o out.mp4 \
        [--preset veryfast] [--crf 23] [--batch 2] [--threads N] [--decode-threads N] \
        [--encode-threads 0] [--alpha 0.5] [--frames N]

x264 runs as in segstream: frame threads (PyAV would pick sliced threads), `--encode-threads 0`
lets x264 choose the count.
"""

import argparse
import json
import os
import time
from fractions import Fraction

import av
import numpy as np
import onnxruntime as ort

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
CITYSCAPES_PALETTE = [
    [128, 64, 128], [244, 35, 232], [70, 70, 70], [102, 102, 156], [190, 153, 153], [153, 153, 153],
    [250, 170, 30], [220, 220, 0], [107, 142, 35], [152, 251, 152], [70, 130, 180], [220, 20, 60],
    [255, 0, 0], [0, 0, 142], [0, 0, 70], [0, 60, 100], [0, 80, 100], [0, 0, 230], [119, 11, 32],
]
STAGES = ["decode", "preprocess", "infer", "postprocess", "overlay", "encode"]


class Timer:
    """Accumulates wall seconds per stage name."""

    def __init__(self):
        self.seconds = dict.fromkeys(STAGES, 0.0)

    def add(self, stage, started):
        self.seconds[stage] += time.perf_counter() - started


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input")
    ap.add_argument("--model", required=True)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--preset", default="medium")
    ap.add_argument("--crf", type=int, default=23)
    ap.add_argument("--batch", type=int, default=2, help="frames per inference call")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="onnxruntime intra-op threads")
    ap.add_argument("--decode-threads", type=int, default=os.cpu_count())
    ap.add_argument("--encode-threads", type=int, default=0, help="x264 threads (0: x264 decides)")
    ap.add_argument("--alpha", type=float, default=0.5)
    ap.add_argument("--frames", type=int, help="stop after this many frames")
    return ap.parse_args()


def load_model(path, threads):
    """onnxruntime session with `threads` intra-op threads, plus size, mean, std and palette."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    _, _, height, width = session.get_inputs()[0].shape
    if not isinstance(height, int):
        height, width = map(int, meta["input_size"].split("x"))
    mean = np.array(json.loads(meta.get("mean", "null")) or IMAGENET_MEAN, np.float32)
    std = np.array(json.loads(meta.get("std", "null")) or IMAGENET_STD, np.float32)
    palette = np.array(json.loads(meta.get("palette", "null")) or CITYSCAPES_PALETTE, np.float32)
    return session, (height, width), mean, std, palette


def nearest_indices(source, target):
    """Source index of each target index by nearest neighbour at pixel centres (as segstream)."""
    return np.minimum(source - 1, (np.arange(target) * 2 + 1) * source // (2 * target))


def main():
    args = parse_args()
    session, (height, width), mean, std, palette = load_model(args.model, args.threads)
    input_name = session.get_inputs()[0].name
    timer = Timer()
    started = time.perf_counter()

    source = av.open(args.input)
    video_in = source.streams.video[0]
    video_in.thread_type = "AUTO"
    video_in.codec_context.thread_count = args.decode_threads
    audio_in = source.streams.audio[0] if source.streams.audio else None

    sink = av.open(args.output, "w")
    video_out = sink.add_stream("libx264", rate=video_in.average_rate or Fraction(25))
    video_out.width, video_out.height = video_in.codec_context.width, video_in.codec_context.height
    video_out.pix_fmt = "yuv420p"
    video_out.time_base = video_in.time_base
    video_out.codec_context.thread_type = "FRAME"  # as segstream (PyAV's default is sliced threads)
    video_out.codec_context.thread_count = args.encode_threads
    video_out.options = {"preset": args.preset, "crf": str(args.crf)}
    audio_out = sink.add_stream_from_template(audio_in) if audio_in else None
    rows = nearest_indices(height, video_out.height)[:, None]
    columns = nearest_indices(width, video_out.width)[None, :]

    frames, pending = 0, []

    def run_batch():
        t = time.perf_counter()
        scores = session.run(None, {input_name: np.stack([x for _, x in pending])})[0]
        timer.add("infer", t)
        for (frame, _), logits in zip(pending, scores):
            t = time.perf_counter()
            labels = logits.argmax(axis=0).astype(np.uint8)[rows, columns]
            timer.add("postprocess", t)
            t = time.perf_counter()
            rgb = frame.to_ndarray(format="rgb24").astype(np.float32)
            blended = ((1 - args.alpha) * rgb + args.alpha * palette[labels]).astype(np.uint8)
            out = av.VideoFrame.from_ndarray(blended, format="rgb24")
            out.pts, out.time_base = frame.pts, frame.time_base
            timer.add("overlay", t)
            t = time.perf_counter()
            for packet in video_out.encode(out):
                sink.mux(packet)
            timer.add("encode", t)
        pending.clear()

    streams = [video_in] + ([audio_in] if audio_in else [])
    packets = source.demux(streams)
    while args.frames is None or frames < args.frames:
        t = time.perf_counter()
        packet = next(packets, None)
        if packet is None:
            break
        if packet.stream is audio_in:
            if packet.dts is not None:
                packet.stream = audio_out
                sink.mux(packet)
            continue
        decoded = packet.decode()
        timer.add("decode", t)
        for frame in decoded:
            if args.frames is not None and frames >= args.frames:
                break
            t = time.perf_counter()
            rgb = frame.to_ndarray(width=width, height=height, format="rgb24")
            x = ((rgb.astype(np.float32) / 255 - mean) / std).transpose(2, 0, 1)
            pending.append((frame, x))
            timer.add("preprocess", t)
            frames += 1
            if len(pending) == args.batch:
                run_batch()
    if pending:
        run_batch()
    t = time.perf_counter()
    for packet in video_out.encode():
        sink.mux(packet)
    sink.close()
    source.close()
    timer.add("encode", t)

    wall = time.perf_counter() - started
    print(f"frames {frames}")
    print(f"wall_s {wall:.3f}")
    print(f"fps {frames / wall:.2f}")
    for stage in STAGES:
        print(f"{stage}_s {timer.seconds[stage]:.3f}")


if __name__ == "__main__":
    main()
