"""Surface materials: a per-scene table of base colour, texture amplitude and frequency.

Every rendered pixel carries a material id; the final colour is the material's
base colour modulated by value noise in the surface's own texture coordinates.
Colours are drawn per scene from overlapping ranges so that colour alone does
not identify the class (grey road vs grey facades vs silver cars, green signs
and poles vs vegetation, ...).
"""

import numpy as np

# Static material ids (0 means "transparent" in sprite shape functions).
(NONE, SKY, ASPHALT, PAINT, CURB, PAVING, GRASS, DIRT, FACADE0, FACADE1, FACADE2,
 FACADE3, WINDOW, SHOP, HEDGE, FOLIAGE, TRUNK, METAL, LAMP, SIGN_RED, SIGN_BLUE,
 SIGN_WHITE, SIGN_YELLOW, SIGN_GREEN, SIGN_BACK, SIGN_DARK, TL_BOX, TL_RED, TL_AMBER,
 TL_GREEN, TL_OFF, TYRE, GLASS, TAILLIGHT, HEADLIGHT, PLATE, TRIM, HILLS) = range(38)
FACADES = (FACADE0, FACADE1, FACADE2, FACADE3)
FIRST_DYNAMIC = 64  # ids from here on are per-object colours allocated per frame

CAR_COLOURS = np.array([
    [225, 225, 222], [170, 172, 175], [120, 122, 125], [40, 40, 44], [150, 25, 25],
    [30, 50, 120], [35, 75, 45], [90, 130, 70], [200, 170, 40], [180, 160, 130],
    [90, 60, 40], [60, 110, 150], [200, 90, 30], [110, 110, 100],
], np.float32)
SKIN_TONES = np.array([[235, 200, 170], [210, 160, 120], [160, 110, 80], [100, 70, 50]],
                      np.float32)


def _grey(rng, lo, hi, tint=8.0):
    g = rng.uniform(lo, hi)
    return [g + rng.uniform(-tint, tint) for _ in range(3)]


class MaterialTable:
    """Base colour (RGB 0-255), noise amplitude and noise frequency per material id."""

    def __init__(self, rng: np.random.Generator):
        self.base = np.zeros((256, 3), np.float32)
        self.amp = np.zeros(256, np.float32)
        self.freq = np.ones(256, np.float32)
        self.next_free = FIRST_DYNAMIC
        paver = rng.random() < 0.35
        facade_choices = [lambda: _grey(rng, 85, 210), lambda: _grey(rng, 85, 210),
                          lambda: [rng.uniform(150, 200), rng.uniform(70, 100), rng.uniform(50, 80)],
                          lambda: [rng.uniform(170, 225), rng.uniform(150, 200), rng.uniform(110, 160)],
                          lambda: [rng.uniform(120, 200), rng.uniform(130, 205), rng.uniform(120, 200)]]
        leaf = [rng.uniform(35, 110), rng.uniform(60, 130), rng.uniform(15, 60)]
        if rng.random() < 0.2:  # autumn foliage
            leaf = [rng.uniform(120, 170), rng.uniform(90, 120), rng.uniform(20, 50)]
        table = {
            SKY: ([0, 0, 0], 0.0, 1.0),
            ASPHALT: (_grey(rng, 55, 130, 5), rng.uniform(0.12, 0.3), rng.uniform(0.4, 1.2)),
            PAINT: (_grey(rng, 190, 235, 4), 0.15, 1.5),
            CURB: (_grey(rng, 115, 185), 0.12, 2.0),
            PAVING: ([rng.uniform(140, 175), rng.uniform(95, 120), rng.uniform(85, 110)] if paver
                     else _grey(rng, 100, 180), rng.uniform(0.1, 0.25), rng.uniform(0.8, 2.0)),
            GRASS: ([rng.uniform(70, 140), rng.uniform(95, 150), rng.uniform(35, 80)],
                    rng.uniform(0.2, 0.35), rng.uniform(0.8, 2.0)),
            DIRT: ([rng.uniform(110, 150), rng.uniform(90, 120), rng.uniform(60, 85)], 0.25, 1.2),
            WINDOW: (_grey(rng, 35, 95, 12), 0.35, 0.25),
            SHOP: (_grey(rng, 50, 120, 15), 0.25, 0.4),
            HEDGE: ([leaf[0] * 0.9, leaf[1] * 0.9, leaf[2] * 0.9], 0.4, 2.5),
            FOLIAGE: (leaf, 0.45, 3.0),
            TRUNK: ([rng.uniform(70, 110), rng.uniform(60, 85), rng.uniform(45, 65)], 0.2, 3.0),
            METAL: (_grey(rng, 90, 175) if rng.random() < 0.75
                    else [rng.uniform(35, 60), rng.uniform(65, 95), rng.uniform(45, 70)], 0.08, 2.0),
            LAMP: (_grey(rng, 170, 220), 0.05, 1.0),
            SIGN_RED: ([185, 35, 35], 0.08, 4.0),
            SIGN_BLUE: ([30, 75, 165], 0.08, 4.0),
            SIGN_WHITE: ([225, 225, 220], 0.06, 4.0),
            SIGN_YELLOW: ([230, 185, 25], 0.08, 4.0),
            SIGN_GREEN: ([35, 115, 65], 0.08, 4.0),
            SIGN_BACK: (_grey(rng, 110, 170), 0.06, 3.0),
            SIGN_DARK: ([35, 35, 35], 0.1, 4.0),
            TL_BOX: (_grey(rng, 25, 60, 4) if rng.random() < 0.8 else [190, 160, 40], 0.08, 3.0),
            TL_RED: ([255, 60, 40], 0.05, 5.0),
            TL_AMBER: ([255, 170, 30], 0.05, 5.0),
            TL_GREEN: ([60, 255, 150], 0.05, 5.0),
            TL_OFF: ([45, 45, 40], 0.05, 5.0),
            TYRE: ([28, 28, 30], 0.15, 4.0),
            GLASS: (_grey(rng, 35, 80, 8), 0.3, 0.8),
            TAILLIGHT: ([175, 25, 25], 0.1, 5.0),
            HEADLIGHT: ([235, 232, 215], 0.05, 5.0),
            PLATE: ([220, 220, 210], 0.05, 5.0),
            TRIM: (_grey(rng, 30, 70, 3), 0.1, 3.0),
            HILLS: ([rng.uniform(60, 110), rng.uniform(80, 125), rng.uniform(60, 100)], 0.25, 0.05),
        }
        for f in FACADES:
            table[f] = (facade_choices[rng.integers(len(facade_choices))](),
                        rng.uniform(0.06, 0.2), rng.uniform(0.5, 1.5))
        for mid, (rgb, amp, freq) in table.items():
            self.set(mid, rgb, amp, freq)

    def set(self, mid: int, rgb, amp: float, freq: float) -> None:
        """Define material ``mid``."""
        self.base[mid] = np.clip(rgb, 0, 255)
        self.amp[mid] = amp
        self.freq[mid] = freq

    def reset_dynamic(self) -> None:
        """Forget the per-object materials of the previous frame."""
        self.next_free = FIRST_DYNAMIC

    def add(self, rgb, amp: float = 0.08, freq: float = 2.0) -> int:
        """Allocate a per-object material for this frame and return its id.

        In crowded frames the ids wrap around, so a few objects then share
        (and recolour) a slot; that only changes their colours.
        """
        mid = FIRST_DYNAMIC + (self.next_free - FIRST_DYNAMIC) % (256 - FIRST_DYNAMIC)
        self.next_free += 1
        self.set(mid, rgb, amp, freq)
        return mid
