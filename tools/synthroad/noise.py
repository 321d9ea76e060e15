"""Vectorised value noise on a random lattice (numpy only)."""

import numpy as np

_SIZE = 256  # lattice period; must be a power of two


class ValueNoise:
    """Smooth 2-D value noise in [0, 1] backed by a seeded random lattice."""

    def __init__(self, rng: np.random.Generator):
        self.table = rng.random(_SIZE * _SIZE, dtype=np.float32)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Noise at float32 coordinates ``x``, ``y`` (same shape); lattice spacing 1."""
        xf = np.floor(x)
        yf = np.floor(y)
        fx = x - xf
        fy = y - yf
        fx = fx * fx * (3.0 - 2.0 * fx)
        fy = fy * fy * (3.0 - 2.0 * fy)
        i0 = xf.astype(np.int32) & (_SIZE - 1)
        j0 = (yf.astype(np.int32) & (_SIZE - 1)) * _SIZE
        i1 = (i0 + 1) & (_SIZE - 1)
        j1 = (j0 + _SIZE) & (_SIZE * _SIZE - 1)
        t = self.table
        a = t[j0 + i0]
        a += (t[j0 + i1] - a) * fx
        b = t[j1 + i0]
        b += (t[j1 + i1] - b) * fx
        a += (b - a) * fy
        return a

    def fbm(self, x: np.ndarray, y: np.ndarray, octaves: int = 3) -> np.ndarray:
        """Fractal sum of ``octaves`` noise layers, normalised to [0, 1]."""
        x, y = np.broadcast_arrays(x, y)
        total = np.zeros(x.shape, np.float32)
        amp, norm = 1.0, 0.0
        for o in range(octaves):
            scale = np.float32(2.03 ** o)
            total += amp * self(x * scale + 17.3 * o, y * scale - 9.1 * o)
            norm += amp
            amp *= 0.5
        return total / np.float32(norm)

    def line(self, s: np.ndarray) -> np.ndarray:
        """1-D noise along ``s`` (uses the lattice row 0)."""
        return self(s, np.zeros_like(s) + 0.5)
