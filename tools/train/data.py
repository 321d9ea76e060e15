"""Training data: a cache of rendered synthroad frames and augmented batches drawn from it.

Frames are rendered at the cache size (``--cache-size``, 1280x720 like the
sample clip by default) and sent through an H.264 encode/decode round trip
(random CRF), like the sample clip the model is evaluated on, then stored as
uint8 ``.npy`` arrays (memory-mapped when training).
"""

import os
import subprocess
import tempfile
from functools import partial
from multiprocessing import Pool

import numpy as np
import torch
import torch.nn.functional as F

from tools.synthroad import Scene
from tools.synthroad.video import read_frames

FRAMES_PER_SCENE = 20
SCENE_SECONDS = 12.0
TRAIN_SEED_BASE = 100_000  # training scene seeds are TRAIN_SEED_BASE + i; sample/eval seeds are < 1000
RARE_CLASSES = (5, 6, 7, 11, 12, 17, 18)  # pole, traffic light, traffic sign, person, rider, motorcycle, bicycle
IS_RARE = np.isin(np.arange(256), RARE_CLASSES)  # label value -> small-object class?


def h264_roundtrip(frames: np.ndarray, crf: int) -> np.ndarray:
    """Encode ``frames`` (N,H,W,3 uint8) to H.264 yuv420p at ``crf`` and decode them back."""
    n, h, w, _ = frames.shape
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "clip.mp4")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                        "-s", f"{w}x{h}", "-r", "25", "-i", "-", "-c:v", "libx264", "-preset", "fast",
                        "-crf", str(crf), "-pix_fmt", "yuv420p", path],
                       input=frames.tobytes(), check=True)
        out = np.stack(list(read_frames(path, w, h)))
    assert out.shape == frames.shape, out.shape
    return out


def render_scene(seed: int, size=(1280, 720)):
    """``FRAMES_PER_SCENE`` frames (``size`` = (W, H)) spread over one scene, after an H.264 round trip."""
    scene = Scene(seed, *size, duration=SCENE_SECONDS)
    rng = np.random.default_rng(seed)
    times = np.sort(rng.uniform(0, SCENE_SECONDS, FRAMES_PER_SCENE))
    pairs = [scene.render(float(t), frame_seed=i) for i, t in enumerate(times)]
    imgs = np.stack([p[0] for p in pairs])
    labs = np.stack([p[1] for p in pairs])
    return h264_roundtrip(imgs, int(rng.integers(18, 30))), labs


def build_cache(directory: str, scenes: int, size=(1280, 720), seed_base: int = TRAIN_SEED_BASE, workers: int = 2):
    """Render ``scenes`` scenes at ``size`` (W, H) into ``directory``/{images,labels}.npy unless already there."""
    img_path, lab_path = os.path.join(directory, "images.npy"), os.path.join(directory, "labels.npy")
    n, (w, h) = scenes * FRAMES_PER_SCENE, size
    if os.path.exists(lab_path) and np.load(lab_path, mmap_mode="r").shape == (n, h, w):
        return img_path, lab_path
    os.makedirs(directory, exist_ok=True)
    imgs = np.lib.format.open_memmap(img_path + ".tmp", "w+", np.uint8, (n, h, w, 3))
    labs = np.lib.format.open_memmap(lab_path + ".tmp", "w+", np.uint8, (n, h, w))
    with Pool(workers) as pool:
        seeds = range(seed_base, seed_base + scenes)
        for i, (im, lb) in enumerate(pool.imap(partial(render_scene, size=size), seeds)):
            imgs[i * FRAMES_PER_SCENE:(i + 1) * FRAMES_PER_SCENE] = im
            labs[i * FRAMES_PER_SCENE:(i + 1) * FRAMES_PER_SCENE] = lb
    imgs.flush()
    labs.flush()
    del imgs, labs
    os.replace(img_path + ".tmp", img_path)
    os.replace(lab_path + ".tmp", lab_path)
    return img_path, lab_path


class Batches:
    """Random augmented batches: scale, crop, horizontal flip, brightness / contrast / colour gain.

    The nominal scale ``eval_scale`` maps a cache frame to the model's evaluation
    size by width (1280 -> 640 for a 368x640 input from a 720p cache: 0.5); crops are taken at ``eval_scale`` times a random
    factor in ``scale_range``. A share ``rare_share`` of the crops is placed around
    a random pixel of a small-object class (``RARE_CLASSES``) when the frame has one.
    """

    def __init__(self, img_path, lab_path, crop=(224, 384), eval_scale=0.8,
                 scale_range=(0.8, 1.4), rare_share=0.0, seed=0):
        self.imgs = np.load(img_path, mmap_mode="r")
        self.labs = np.load(lab_path, mmap_mode="r")
        self.crop = crop
        self.eval_scale = eval_scale
        self.scale_range = scale_range
        self.rare_share = rare_share
        self.rng = np.random.default_rng(seed)

    def sample(self):
        """One augmented (image float 3xHxW in 0..1, label int64 HxW) pair."""
        rng, (ch, cw) = self.rng, self.crop
        i = int(rng.integers(len(self.imgs)))
        scale = self.eval_scale * rng.uniform(*self.scale_range)
        height, width = self.labs.shape[1:]
        rh = min(height, int(round(ch / scale)))
        rw = min(width, int(round(cw / scale)))
        y0 = int(rng.integers(height - rh + 1))
        x0 = int(rng.integers(width - rw + 1))
        if rng.random() < self.rare_share:
            ys, xs = np.nonzero(IS_RARE[self.labs[i]])
            if len(ys):
                k = int(rng.integers(len(ys)))
                y0 = int(np.clip(ys[k] - rng.integers(rh), 0, height - rh))
                x0 = int(np.clip(xs[k] - rng.integers(rw), 0, width - rw))
        img = torch.from_numpy(np.ascontiguousarray(self.imgs[i, y0:y0 + rh, x0:x0 + rw]))
        lab = torch.from_numpy(np.ascontiguousarray(self.labs[i, y0:y0 + rh, x0:x0 + rw]))
        img = img.permute(2, 0, 1)[None].float() / 255.0
        img = F.interpolate(img, size=(ch, cw), mode="bilinear", align_corners=False, antialias=True)[0]
        lab = F.interpolate(lab[None, None].float(), size=(ch, cw), mode="nearest")[0, 0].long()
        if rng.random() < 0.5:
            img, lab = img.flip(-1), lab.flip(-1)
        contrast = rng.uniform(0.7, 1.3)
        gain = rng.uniform(0.7, 1.3) * rng.uniform(0.92, 1.08, 3)
        mean = img.mean()
        img = ((img - mean) * contrast + mean) * torch.tensor(gain, dtype=torch.float32)[:, None, None]
        return img.clamp_(0, 1), lab

    def __call__(self, batch_size):
        """A batch (N,3,H,W float, N,H,W int64)."""
        pairs = [self.sample() for _ in range(batch_size)]
        return torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs])
