"""Train the compact road-scene segmenter on synthroad frames and export it to ONNX.

    python tools/train/train.py --out fixtures/models/roadseg.onnx

Steps: render (or reuse) a cache of training frames from scene seeds disjoint
from the sample clip's, train LR-ASPP/MobileNetV3-style ``RoadSeg`` with
cross-entropy + Dice on augmented crops, report mIoU on held-out validation
scenes at the model's input size, then export to ONNX (opset 17) with metadata.
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.synthroad import NAMES, PALETTE  # noqa: E402
from tools.train.data import Batches, build_cache, render_scene  # noqa: E402
from tools.train.export import export  # noqa: E402
from tools.train.metrics import NUM_CLASSES, confusion, iou  # noqa: E402
from tools.train.model import RoadSeg  # noqa: E402

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
VAL_SEEDS = range(900, 904)  # held out: neither training (>= 100000) nor the sample clip


def normalise(x: torch.Tensor) -> torch.Tensor:
    """0..1 RGB -> model input."""
    return (x - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None]


def class_weights(lab_path: str) -> torch.Tensor:
    """Cross-entropy weights ~ (median frequency / frequency)^0.5, clipped to [0.5, 4]."""
    labs = np.load(lab_path, mmap_mode="r")
    counts = np.bincount(np.asarray(labs[::7]).ravel(), minlength=256)[:NUM_CLASSES].astype(np.float64)
    freq = counts / counts.sum()
    present = freq > 0
    w = np.zeros(NUM_CLASSES)
    w[present] = np.clip(np.sqrt(np.median(freq[present]) / freq[present]), 0.5, 4.0)
    return torch.tensor(w, dtype=torch.float32)


def dice_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Soft Dice loss averaged over the classes present in ``target`` (255 ignored)."""
    valid = (target != 255)[:, None].float()
    prob = logits.softmax(1) * valid
    onehot = F.one_hot(target.clamp(max=NUM_CLASSES - 1), NUM_CLASSES).permute(0, 3, 1, 2) * valid
    inter = (prob * onehot).sum((0, 2, 3))
    total = onehot.sum((0, 2, 3))
    dice = (2 * inter + 1) / (prob.sum((0, 2, 3)) + total + 1)
    return (1 - dice[total > 0]).mean()


def validate(model, input_hw, cache_size):
    """mIoU on held-out scenes rendered at ``cache_size``, resized to the model input size (labels compared there)."""
    model.eval()
    conf = np.zeros((NUM_CLASSES, NUM_CLASSES), np.int64)
    with torch.no_grad():
        for seed in VAL_SEEDS:
            imgs, labs = render_scene(seed, cache_size)
            x = torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 255
            x = F.interpolate(x, size=input_hw, mode="bilinear", align_corners=False, antialias=True)
            y = F.interpolate(torch.from_numpy(labs)[:, None].float(), size=input_hw, mode="nearest")
            pred = model(normalise(x)).argmax(1).numpy()
            conf += confusion(y[:, 0].numpy().astype(np.uint8), pred)
    model.train()
    return iou(conf)


def model_metadata(params: int, input_size: str) -> dict:
    """The exported model's metadata_props: labels, palette, mean/std, input size, description."""
    return {
        "labels": NAMES, "palette": PALETTE, "mean": MEAN, "std": STD, "input_size": input_size,
        "description": (f"RoadSeg: LR-ASPP on a MobileNetV3-style backbone ({params} params), "
                        f"trained on synthroad synthetic dashcam scenes; input NCHW float32 RGB "
                        f"(x/255 - mean)/std at {input_size}; output logits N x {NUM_CLASSES} x H x W "
                        f"over Cityscapes trainIds (argmax = class id)."),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="fixtures/models/roadseg.onnx")
    ap.add_argument("--cache", default="cache/train", help="directory for the rendered training frames")
    ap.add_argument("--scenes", type=int, default=160, help="training scenes (20 frames each)")
    ap.add_argument("--cache-size", default="1280x720", help="WxH the training frames are rendered at")
    ap.add_argument("--steps", type=int, default=4500)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=4e-3)
    ap.add_argument("--crop", default="224x384", help="training crop HxW")
    ap.add_argument("--input-size", default="544x960", help="inference input HxW (divisible by 16)")
    ap.add_argument("--rare-share", type=float, default=0.5,
                    help="share of crops placed around a small-object pixel (pole, light, sign, person, ...)")
    ap.add_argument("--width", type=float, default=1.0, help="channel width multiplier")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--resume", action="store_true", help="continue from the cache's checkpoint.pt")
    ap.add_argument("--init", help="start from this checkpoint's weights (matching layers; new optimizer)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    crop = tuple(map(int, args.crop.split("x")))
    input_hw = tuple(map(int, args.input_size.split("x")))
    cache_size = tuple(map(int, args.cache_size.split("x")))

    t0 = time.time()
    img_path, lab_path = build_cache(args.cache, args.scenes, cache_size, workers=args.threads)
    t_data = time.time() - t0
    print(f"cache: {args.scenes * 20} frames in {t_data:.0f} s", flush=True)

    batches = Batches(img_path, lab_path, crop, eval_scale=input_hw[1] / cache_size[0],
                      rare_share=args.rare_share, seed=args.seed)
    weights = class_weights(lab_path)
    model = RoadSeg(NUM_CLASSES, args.width)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    warmup = 150
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) * (
        0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / args.steps)))))
    ckpt = Path(args.cache) / "checkpoint.pt"
    start = 0
    if args.init:
        missing, _ = model.load_state_dict(torch.load(args.init, weights_only=False)["model"], strict=False)
        print(f"initialised from {args.init}; new layers: {sorted({k.split('.')[0] for k in missing})}", flush=True)
    if args.resume and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        batches.rng = state["rng"]
        start = state["step"]
        print(f"resumed at step {start}", flush=True)
    t1 = time.time()
    running = 0.0
    for step in range(start + 1, args.steps + 1):
        x, y = batches(args.batch)
        logits = model(normalise(x))  # loss at full resolution: 1/2-resolution labels would be offset by 1/2 px
        loss = F.cross_entropy(logits, y, weight=weights, ignore_index=255) + dice_loss(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        running += loss.item()
        if step % 100 == 0:
            print(f"step {step}/{args.steps} loss {running / 100:.4f} lr {sched.get_last_lr()[0]:.2e} "
                  f"{time.time() - t1:.0f} s", flush=True)
            running = 0.0
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "rng": batches.rng, "step": step}, ckpt)
    t_train = time.time() - t1

    per_class, miou = validate(model, input_hw, cache_size)
    print(f"validation mIoU {miou:.4f} at {args.input_size}")
    for name, v in zip(NAMES, per_class):
        if not np.isnan(v):
            print(f"  {name:14s} {v:.4f}")

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    info = export(model, args.out, input_hw, model_metadata(params, args.input_size))
    print(json.dumps({"params": params, "data_seconds": round(t_data), "train_seconds": round(t_train),
                      "val_miou": round(miou, 4), **info, "bytes": Path(args.out).stat().st_size}))


if __name__ == "__main__":
    main()
