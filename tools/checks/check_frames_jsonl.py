#!/usr/bin/env python3
"""Checks a `segstream segment --json --rle` file independently of segstream.

Validates every line against schemas/frames.schema.json (jsonschema), decodes each class mask with
pycocotools, checks that the masks of a frame partition it and agree with the pixel counts and
boxes, and writes the label maps rebuilt from the masks (gray8, frame after frame) to OUT.raw.

Usage: check_frames_jsonl.py FRAMES.jsonl SCHEMA.json OUT.raw
(needs numpy, jsonschema, pycocotools: tools/install-deps.sh --test makes .venv-test with them)
"""
import json
import sys

import jsonschema
import numpy as np
from pycocotools import mask as coco_mask


def main(path: str, schema_path: str, out_path: str) -> None:
    validator = jsonschema.Draft202012Validator(json.load(open(schema_path)))
    lines = open(path).read().splitlines()
    header = json.loads(lines[0])
    assert header["type"] == "header", "the first line is not the header"
    with open(out_path, "wb") as out:
        for number, line in enumerate(lines, start=1):
            record = json.loads(line)
            errors = sorted(validator.iter_errors(record), key=str)
            assert not errors, f"line {number}: {errors[0].message}"
            if record["type"] != "frame":
                continue
            h, w = record["height"], record["width"]
            labels = np.full((h, w), 255, dtype=np.uint8)
            covered = np.zeros((h, w), dtype=np.int32)
            for entry in record["classes"]:
                m = coco_mask.decode(entry["rle"])
                assert m.shape == (h, w), f"line {number}: mask size {m.shape}"
                assert int(m.sum()) == entry["pixels"], f"line {number}: class {entry['id']} pixel count"
                ys, xs = np.nonzero(m)
                box = [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]
                assert box == entry["bbox"], f"line {number}: class {entry['id']} box {box} != {entry['bbox']}"
                assert abs(entry["area"] - m.sum() / (h * w)) < 1e-9, f"line {number}: area"
                # Our counts must be exactly pycocotools' own encoding of the decoded mask.
                again = coco_mask.encode(np.asfortranarray(m))["counts"].decode()
                assert again == entry["rle"]["counts"], f"line {number}: counts differ from pycocotools.encode"
                labels[m == 1] = entry["id"]
                covered += m
            assert (covered == 1).all(), f"line {number}: the class masks do not partition the frame"
            out.write(labels.tobytes())
    print(f"ok: {len(lines) - 1} frames")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
