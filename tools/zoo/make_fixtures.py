#!/usr/bin/env python3
"""Turns the zoo (tools/zoo/export_zoo.py) into small parity fixtures under fixtures/zoo/:

* NAME.onnx: the exported graph with every large float initializer's data left out. Such a
  tensor keeps its name, type and dims and is marked as external data at location
  "segstream-zoo-weights" with its "lo" and "hi"; the test fills it with `zoo_weights` values
  (a counter hash of the tensor's name and the element index, spread uniformly over [lo, hi],
  the range of the exported random weights), so the repository holds graphs, not 100 MB of
  random numbers.
* NAME.in0.npy, NAME.out0.npy: a small input and onnxruntime's output for the filled model.

    .venv-zoo/bin/python tools/zoo/make_fixtures.py [--zoo cache/zoo] [--out fixtures/zoo] [--only NAME...]
"""
import argparse
import os
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_zoo  # noqa: E402

ROOT = export_zoo.ROOT
MARKER = "segstream-zoo-weights"
SMALLEST_KEPT = 256
# Input size per model: the smallest each architecture takes (PAN pools its /32 map three more
# times; PSPNet's bins must divide its /8 map).
SIZES = {"smp_pan_mobilenetv3small": (256, 256), "smp_pspnet_regnety002": (48, 48)}
# Exports that run only at the size they were traced at (static ones, and the dynamo UPerNet,
# whose adaptive pooling is specialised to the traced size): traced again at the fixture's.
TRACED_SIZE_ONLY = {"smp_upernet_convnext"}


def fnv1a(text):
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def zoo_weights(name, count, lo, hi):
    """The fill the tests recompute: lowbias32(seed ^ (i * 0x9E3779B9)) >> 8 as a 24-bit
    fraction u, and lo + (hi - lo) * u in float32."""
    i = np.arange(count, dtype=np.uint64)
    x = (np.uint64(fnv1a(name)) ^ ((i * np.uint64(0x9E3779B9)) & np.uint64(0xFFFFFFFF))).astype(np.uint32)
    x ^= x >> np.uint32(16)
    x = (x.astype(np.uint64) * np.uint64(0x7FEB352D) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    x ^= x >> np.uint32(15)
    x = (x.astype(np.uint64) * np.uint64(0x846CA68B) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    x ^= x >> np.uint32(16)
    u = (x >> np.uint32(8)).astype(np.float32) * np.float32(1 / 16777216)
    return np.float32(lo) + (np.float32(hi) - np.float32(lo)) * u


def strip(model):
    """Fills large float initializers with zoo_weights in place; returns the stripped copy."""
    stripped = onnx.ModelProto()
    stripped.CopyFrom(model)
    for full, bare in zip(model.graph.initializer, stripped.graph.initializer):
        if full.data_type not in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16):
            continue
        values = numpy_helper.to_array(full)
        if values.size < SMALLEST_KEPT:
            continue
        lo, hi = float(values.min().astype(np.float32)), float(values.max().astype(np.float32))
        filled = zoo_weights(full.name, values.size, lo, hi).reshape(values.shape).astype(values.dtype)
        full.CopyFrom(numpy_helper.from_array(filled, full.name))
        bare.ClearField("raw_data")
        bare.ClearField("float_data")
        bare.ClearField("int32_data")
        bare.data_location = onnx.TensorProto.EXTERNAL
        for key, value in [("location", MARKER), ("lo", repr(lo)), ("hi", repr(hi))]:
            entry = bare.external_data.add()
            entry.key, entry.value = key, value
    for node in stripped.graph.node:
        node.doc_string = ""
        del node.metadata_props[:]
    stripped.graph.ClearField("value_info")
    return stripped


def make(name, zoo, out):
    _, exporter, _ = export_zoo.ZOO[name]
    size = SIZES.get(name, (64, 64))
    with tempfile.TemporaryDirectory() as tmp:
        retrace = exporter == "legacy-static" or name in TRACED_SIZE_ONLY
        source = export_zoo.export(name, tmp, size) if retrace else os.path.join(zoo, name + ".onnx")
        model = onnx.load(source)
        stripped = strip(model)
        filled = os.path.join(tmp, "filled.onnx")
        onnx.save(model, filled)
        session = ort.InferenceSession(filled, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(fnv1a(name)).standard_normal((1, 3, *size)).astype(np.float32)
    y = session.run(None, {session.get_inputs()[0].name: x})[0]
    onnx.save(stripped, os.path.join(out, name + ".onnx"))
    np.save(os.path.join(out, name + ".in0.npy"), x)
    np.save(os.path.join(out, name + ".out0.npy"), y)
    return os.path.getsize(os.path.join(out, name + ".onnx"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zoo", default=os.path.join(ROOT, "cache", "zoo"))
    parser.add_argument("--out", default=os.path.join(ROOT, "fixtures", "zoo"))
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in args.only or export_zoo.ZOO:
        print(f"{name}: {make(name, args.zoo, args.out) / 1e3:.0f} kB graph", flush=True)


if __name__ == "__main__":
    main()
