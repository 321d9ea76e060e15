"""mIoU of an ONNX segmenter on a video and its gray8 trainId label video.

    python tools/train/eval_onnx.py fixtures/models/roadseg.onnx \
        fixtures/videos/dashcam-sample.mp4 fixtures/videos/dashcam-sample.labels.mkv

Each decoded frame is resized (bilinear, antialiased) to the model's
``input_size``, normalised with its ``mean``/``std`` metadata and run with
onnxruntime; the argmax map is upsampled to the video size (nearest) and
compared with the labels. Classes absent from both truth and prediction over
the whole clip are left out of the mean; label 255 is ignored.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.synthroad.video import probe, read_frames  # noqa: E402
from tools.train.metrics import NUM_CLASSES, confusion, iou  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("video")
    ap.add_argument("labels")
    ap.add_argument("--batch", type=int, default=8)
    args = ap.parse_args()
    torch.set_num_threads(2)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(args.model, opts, providers=["CPUExecutionProvider"])
    meta = sess.get_modelmeta().custom_metadata_map
    names = json.loads(meta["labels"])
    mean = np.array(json.loads(meta["mean"]), np.float32)[:, None, None]
    std = np.array(json.loads(meta["std"]), np.float32)[:, None, None]
    ih, iw = map(int, meta["input_size"].split("x"))
    _, _, w, h, _ = probe(args.video)
    rows = ((np.arange(h) + 0.5) * ih / h).astype(np.int64)
    cols = ((np.arange(w) + 0.5) * iw / w).astype(np.int64)
    conf = np.zeros((NUM_CLASSES, NUM_CLASSES), np.int64)
    frames = 0

    def run(imgs, labs):
        x = torch.from_numpy(np.stack(imgs)).permute(0, 3, 1, 2).float() / 255
        x = F.interpolate(x, size=(ih, iw), mode="bilinear", align_corners=False, antialias=True)
        x = ((x.numpy() - mean) / std).astype(np.float32)
        pred = sess.run(None, {sess.get_inputs()[0].name: x})[0].argmax(1).astype(np.uint8)
        return confusion(np.stack(labs), pred[:, rows][:, :, cols])

    imgs, labs = [], []
    video_frames = read_frames(args.video, w, h)
    for lab in read_frames(args.labels, w, h, "gray"):
        imgs.append(next(video_frames))
        labs.append(lab)
        if len(imgs) == args.batch:
            conf += run(imgs, labs)
            frames += len(imgs)
            imgs, labs = [], []
    if imgs:
        conf += run(imgs, labs)
        frames += len(imgs)
    if next(video_frames, None) is not None:
        raise SystemExit("video has more frames than the label video")
    per_class, miou = iou(conf)
    print(f"{frames} frames {w}x{h}, model input {ih}x{iw}")
    for name, v in zip(names, per_class):
        print(f"  {name:14s} {'-' if np.isnan(v) else f'{v:.4f}'}")
    print(f"mIoU {miou:.4f}")


if __name__ == "__main__":
    main()
