"""synthroad: procedural dashcam scenes with pixel-exact Cityscapes trainId labels.

``Scene(seed, width, height, duration).render(t)`` gives one (RGB, label) pair;
``clip_frames`` iterates a clip; ``training_samples`` yields an endless stream
of frames drawn from many scenes for training.
"""

import numpy as np

from .classes import IGNORE, NAMES, PALETTE
from .scene import Scene


def clip_frames(seed: int, frames: int, width: int, height: int, fps: float):
    """Yield ``frames`` consecutive (rgb uint8 HxWx3, label uint8 HxW) pairs of one clip."""
    scene = Scene(seed, width, height, duration=frames / fps + 1)
    for i in range(frames):
        yield scene.render(i / fps, frame_seed=i)


def training_samples(seed: int, width: int, height: int, per_scene: int = 8):
    """Endless (rgb, label) stream: ``per_scene`` random instants from each new scene.

    Scene seeds are drawn from ``seed``; keep training and evaluation seeds disjoint
    (see ``tools/train``).
    """
    rng = np.random.default_rng(seed)
    while True:
        scene = Scene(int(rng.integers(2**31)), width, height, duration=40.0)
        for _ in range(per_scene):
            yield scene.render(float(rng.uniform(0, 40)), frame_seed=int(rng.integers(2**31)))


__all__ = ["IGNORE", "NAMES", "PALETTE", "Scene", "clip_frames", "training_samples"]
