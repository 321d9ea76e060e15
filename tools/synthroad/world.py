"""Seeded world layout: road cross-section, facade rows, static props and moving agents.

Coordinates: ``s`` is the distance along the road (metres), ``d`` the lateral
offset from the road centre (metres, positive to the right of the driving
direction). Traffic drives on the right.
"""

from dataclasses import dataclass, field

import numpy as np

from . import materials as M

BLOCK = 4.0      # layout granularity along the road (metres)
S_ORIGIN = 150.0  # block 0 starts at s = -S_ORIGIN


@dataclass
class FacadeRow:
    """A row of buildings / vegetation parallel to the road at lateral distance ``dist``.

    Per-block arrays: ``kind`` (0 gap, 1 building, 2 vegetation), ``height`` (m),
    ``mat`` (material id), window spacing / floor height / phase and a shop flag.
    """

    dist: float
    kind: np.ndarray
    height: np.ndarray
    mat: np.ndarray
    win: np.ndarray
    floor: np.ndarray
    phase: np.ndarray
    shop: np.ndarray

    @classmethod
    def generate(cls, rng, n, dist, p_build, p_veg, h_build, h_veg, runs):
        """Fill ``n`` blocks with runs of buildings, vegetation and gaps."""
        row = cls(dist, np.zeros(n, np.int8), np.zeros(n, np.float32), np.zeros(n, np.uint8),
                  np.ones(n, np.float32), np.ones(n, np.float32), np.zeros(n, np.float32),
                  np.zeros(n, bool))
        i = 0
        while i < n:
            r = rng.random()
            kind = 1 if r < p_build else 2 if r < p_build + p_veg else 0
            j = min(n, i + int(rng.integers(*runs[kind])))
            sl = slice(i, j)
            row.kind[sl] = kind
            if kind == 1:
                row.height[sl] = rng.uniform(*h_build)
                row.mat[sl] = M.FACADES[rng.integers(4)]
                row.win[sl] = rng.uniform(1.8, 3.6)
                row.floor[sl] = rng.uniform(2.8, 3.6)
                row.phase[sl] = rng.uniform(0, 4)
                row.shop[sl] = rng.random() < 0.4
            elif kind == 2:
                row.height[sl] = rng.uniform(*h_veg)
                row.mat[sl] = M.HEDGE if rng.random() < 0.5 else M.FOLIAGE
            i = j
        return row


@dataclass
class Side:
    """One side of the street (left ``sign=-1`` or right ``sign=+1``)."""

    sign: int
    walk: float                 # sidewalk width (m)
    near: FacadeRow
    far: FacadeRow
    paved: np.ndarray           # per block: setback area paved (True) or terrain


@dataclass
class Prop:
    """A static or moving object: position, kind and kind-specific parameters."""

    s: float
    d: float
    kind: str
    v: float = 0.0
    p: dict = field(default_factory=dict)


class World:
    """Everything about a scene that does not depend on time, drawn from ``rng``."""

    def __init__(self, rng: np.random.Generator, s_max: float, cam_speed: float, duration: float):
        self.lane_w = rng.uniform(3.0, 3.8)
        self.lanes = int(rng.choice([1, 2]))
        self.park_w = 2.3 if rng.random() < 0.5 else 0.0
        self.road_half = self.lanes * self.lane_w + self.park_w
        self.cam_lane = int(rng.integers(self.lanes))
        self.centre_solid = rng.random() < 0.5
        self.edge_line = rng.random() < 0.7
        self.dash_phase = rng.uniform(0, 1)
        n = int((s_max + S_ORIGIN) / BLOCK) + 1
        self.n_blocks = n
        urban = rng.uniform(0.2, 1.0)
        # Side streets: blocks where sidewalks become road and facades have a gap.
        self.cross = np.zeros(n, bool)
        self.cross_s = []
        s = rng.uniform(20, 150)
        while s < s_max:
            b = int((s + S_ORIGIN) / BLOCK)
            self.cross[b:b + 3] = True
            self.cross_s.append((b * BLOCK - S_ORIGIN))
            s += rng.uniform(90, 250)
        self.zebra = np.zeros(n, bool)
        for sc in self.cross_s:
            b = int((sc - 6 + S_ORIGIN) / BLOCK)
            if rng.random() < 0.7 and b >= 0:
                self.zebra[b] = True
        self.sides = []
        for sign in (-1, 1):
            walk = rng.uniform(1.8, 4.5)
            setback = rng.uniform(0.5, 8.0) if rng.random() < 0.5 else 0.0
            near_d = self.road_half + walk + setback
            near = FacadeRow.generate(rng, n, near_d, 0.75 * urban, 0.25 + 0.35 * (1 - urban),
                                      (5, 26), (1.0, 3.5), {0: (1, 4), 1: (3, 9), 2: (2, 7)})
            far = FacadeRow.generate(rng, n, near_d + rng.uniform(8, 35), 0.55 * urban + 0.1, 0.3,
                                     (8, 40), (5, 14), {0: (1, 4), 1: (3, 10), 2: (3, 8)})
            for row in (near, far):
                row.kind[self.cross] = 0
            paved = np.repeat(rng.random(n // 6 + 1) < 0.3 + 0.5 * urban, 6)[:n]
            self.sides.append(Side(sign, walk, near, far, paved))
        self.props = self._static_props(rng, s_max)
        self.agents = self._agents(rng, s_max, cam_speed, duration)

    def block(self, s: np.ndarray) -> np.ndarray:
        """Block index for road positions ``s`` (clipped to the generated range)."""
        return np.clip(((s + S_ORIGIN) / BLOCK).astype(np.int32), 0, self.n_blocks - 1)

    def lane_d(self, lane: int, oncoming: bool) -> float:
        """Lateral centre of a driving lane (0 = next to the centre line)."""
        d = (lane + 0.5) * self.lane_w
        return -d if oncoming else d

    def _static_props(self, rng, s_max):
        props = []
        lights = rng.random() < 0.85
        light_gap = rng.uniform(22, 40)
        sign_gap = rng.uniform(18, 55)
        tree_gap = rng.uniform(6, 14)
        tree_density = rng.uniform(0.0, 0.9)
        for side in self.sides:
            sg = side.sign
            if lights:
                pole_h = rng.uniform(6, 9.5)
                for s in np.arange(rng.uniform(-S_ORIGIN, -S_ORIGIN + light_gap), s_max, light_gap):
                    props.append(Prop(s, sg * (self.road_half + 0.5), "streetlight",
                                      p=dict(h=pole_h, w=rng.uniform(0.18, 0.3))))
            s = -S_ORIGIN + rng.uniform(0, sign_gap)
            while s < s_max:
                props.append(Prop(s, sg * (self.road_half + rng.uniform(0.3, 1.2)), "sign",
                                  p=dict(h=rng.uniform(2.0, 2.9), w=rng.uniform(0.1, 0.16),
                                         size=rng.uniform(0.6, 1.0), style=int(rng.integers(6)),
                                         back=rng.random() < 0.15, double=rng.random() < 0.25,
                                         style2=int(rng.integers(6)))))
                s += rng.exponential(sign_gap) + 3
            for sc in self.cross_s:
                props.append(Prop(sc - 2 + rng.uniform(-1, 1), sg * (self.road_half + 0.6), "tlight",
                                  p=dict(h=rng.uniform(2.3, 2.8), phase=rng.uniform(0, 30),
                                         board=rng.random() < 0.5)))
            s = -S_ORIGIN
            setback = side.near.dist - self.road_half - side.walk
            while s < s_max:
                s += tree_gap * rng.uniform(0.7, 1.3)
                b = int((s + S_ORIGIN) / BLOCK)
                if b >= self.n_blocks or self.cross[b] or rng.random() > tree_density:
                    continue
                d = self.road_half + (side.walk - 0.7 if setback < 2.5 or rng.random() < 0.4
                                      else side.walk + rng.uniform(1.0, setback - 1.0))
                props.append(Prop(s, sg * d, "tree",
                                  p=dict(trunk_h=rng.uniform(1.4, 3.0), trunk_w=rng.uniform(0.22, 0.4),
                                         r=rng.uniform(1.2, 3.2), ox=rng.uniform(0, 200))))
            if self.park_w:
                s = -S_ORIGIN
                while s < s_max:
                    s += rng.uniform(5.0, 30.0) if rng.random() < 0.4 else rng.uniform(4.8, 6.0)
                    b = int((s + S_ORIGIN) / BLOCK)
                    if b < self.n_blocks and not self.cross[b]:
                        props.append(self._vehicle(rng, s, sg * (self.lanes * self.lane_w + 1.15),
                                                   0.0, oncoming=sg < 0, truck_p=0.05))
        props.sort(key=lambda p: p.s)
        return props

    def _vehicle(self, rng, s, d, v, oncoming, truck_p=0.15):
        truck = rng.random() < truck_p
        colour = M.CAR_COLOURS[rng.integers(len(M.CAR_COLOURS))] * rng.uniform(0.85, 1.1)
        if truck:
            box = M.CAR_COLOURS[rng.integers(len(M.CAR_COLOURS))] * rng.uniform(0.85, 1.1)
            p = dict(w=rng.uniform(2.3, 2.55), h=rng.uniform(3.0, 3.8), colour=colour, box=box,
                     front=oncoming)
        else:
            p = dict(w=rng.uniform(1.65, 1.95), h=rng.uniform(1.35, 1.7), colour=colour,
                     front=oncoming, cabin=rng.uniform(0.3, 0.45))
        return Prop(s, d, "truck" if truck else "car", v, p)

    def _agents(self, rng, s_max, cam_speed, duration):
        agents = []
        density = rng.uniform(0.01, 0.08)
        for side in self.sides:
            span = s_max + S_ORIGIN
            for _ in range(rng.poisson(density * span)):
                shirt = rng.uniform(20, 230, 3)
                agents.append(Prop(rng.uniform(-S_ORIGIN, s_max),
                                   side.sign * (self.road_half + rng.uniform(0.4, max(0.5, side.walk - 0.3))),
                                   "person", rng.choice([-1, 1]) * rng.uniform(0.7, 1.7),
                                   p=dict(h=rng.uniform(1.5, 1.95), shirt=shirt,
                                          pants=rng.uniform(20, 140, 3) if rng.random() < 0.8 else shirt * 0.8,
                                          skin=M.SKIN_TONES[rng.integers(4)],
                                          hair=rng.uniform(15, 120) * np.array([1.0, 0.85, 0.7]),
                                          phase=rng.uniform(0, 6.3))))
        for lane in range(self.lanes):
            for oncoming in (False, True):
                if not oncoming and lane == self.cam_lane:
                    continue  # the ego lane only holds the lead vehicle (see Scene)
                v = -rng.uniform(7, 15) if oncoming else cam_speed + rng.uniform(-4, 4)
                gap = rng.uniform(15, 70)
                s = -S_ORIGIN - 400 + rng.uniform(0, gap)
                while s < s_max + 400 - v * duration:
                    agents.append(self._vehicle(rng, s, self.lane_d(lane, oncoming), v, oncoming))
                    s += gap * rng.uniform(0.5, 1.8) + 8
        return agents
