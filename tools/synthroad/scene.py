"""Per-frame renderer: a forward-moving pinhole camera over a procedurally laid out street.

The background is ray-cast analytically (flat ground plane, facade rows as
vertical surfaces parallel to the road, distant tree line, sky); objects are
camera-facing billboards drawn far to near with a depth test. Every pixel gets
exactly one material and one trainId, so the label map is exact by construction.

The road centre, seen from the camera, follows ``x_c(z) = x0 + theta z + a z^2``
(lateral offset at forward distance ``z``), which gives gentle curves.
"""

from dataclasses import dataclass

import numpy as np

from . import classes as C
from . import materials as M
from .noise import ValueNoise
from .world import World

Z_NEAR = 2.0          # closest object drawn (m)
Z_GROUND = 350.0      # ground plane is cut here; beyond lies the distant tree line
Z_SPRITES = 220.0     # objects further than this are not drawn
HILLS_DEPTH = 1.0e4
F32 = np.float32


@dataclass
class Camera:
    """Camera state at one instant."""

    s: float        # position along the road (m)
    x0: float       # road centre lateral offset at the camera (m, camera frame)
    theta: float    # yaw relative to the road tangent (rad)
    a: float        # half the road curvature (1/m)
    yh: float       # horizon row (pixels)
    heading: float  # accumulated heading, for the sky and the tree line (rad)
    gain: float     # exposure / illumination factor
    sun: float      # 0 = overcast, 1 = full sun (shadow strength)

    def xc(self, z):
        """Lateral position of the road centre at forward distance ``z``."""
        return self.x0 + self.theta * z + self.a * z * z


class Frame:
    """Per-pixel render buffers."""

    def __init__(self, h: int, w: int):
        self.lab = np.full((h, w), C.SKY, np.uint8)
        self.mat = np.full((h, w), M.SKY, np.uint8)
        self.depth = np.full((h, w), np.inf, F32)
        self.tu = np.zeros((h, w), F32)
        self.tv = np.zeros((h, w), F32)
        self.shade = np.ones((h, w), F32)


class Scene:
    """A seeded driving clip: ``render(t)`` returns an RGB uint8 image and its trainId map."""

    def __init__(self, seed: int, width: int = 1280, height: int = 720, duration: float = 12.0):
        rng = np.random.default_rng(seed)
        self.seed, self.w, self.h = seed, width, height
        self.noise = ValueNoise(rng)
        self.mats = M.MaterialTable(rng)
        hfov = np.deg2rad(rng.uniform(58, 80))
        self.f = width / (2 * np.tan(hfov / 2))
        self.cx = width / 2
        self.cy = height * rng.uniform(0.42, 0.52)
        self.cam_h = rng.uniform(1.2, 1.7)
        # Motion: speed v0 + va sin(w t + phi); gentle curvature along the road.
        self.v0, self.va = rng.uniform(5, 13), rng.uniform(0, 3)
        self.vw, self.vphi = 2 * np.pi / rng.uniform(6, 16), rng.uniform(0, 6.3)
        self.k_amp = rng.uniform(0, 1 / 300) * rng.choice([-1, 1])
        self.k_len, self.k_phi = rng.uniform(200, 600), rng.uniform(0, 6.3)
        self.yaw = (rng.uniform(0, 0.03), rng.uniform(3, 9), rng.uniform(0, 6.3))
        self.pitch0 = rng.uniform(-0.02, 0.02)
        self.world = World(rng, self.cam_s(duration) + 450, self.v0, duration)
        self.cam_d = self.world.lane_d(self.world.cam_lane, False)
        self.lead = self.world._vehicle(rng, 0.0, self.cam_d, 0.0, False) if rng.random() < 0.6 else None
        self.lead_gap = (rng.uniform(12, 25), rng.uniform(5, 25), rng.uniform(5, 12))
        # Light, atmosphere, sensor.
        self.gain0 = rng.uniform(0.7, 1.15)
        self.light_w = (rng.uniform(4, 9), rng.uniform(1.5, 3), rng.uniform(0, 6.3))
        self.sunny = rng.uniform(0, 1) if rng.random() < 0.7 else 0.0
        self.sun_side = int(rng.integers(2))
        self.sun_len = rng.uniform(0.3, 1.3)
        self.sun_w = (rng.uniform(6, 15), rng.uniform(0, 6.3))
        overcast = rng.random() < 0.35
        self.zenith = (np.array([rng.uniform(120, 190)] * 3) if overcast else
                       np.array([rng.uniform(40, 110), rng.uniform(90, 150), rng.uniform(170, 235)]))
        self.horizon = np.clip(self.zenith + rng.uniform(30, 90), 0, 255)
        self.cloud = rng.uniform(0.0, 0.8), np.array([rng.uniform(185, 245)] * 3)
        self.haze_d = rng.uniform(120, 600)
        self.haze = self.horizon * rng.uniform(0.8, 1.0)
        self.tint = rng.uniform(0.92, 1.08, 3).astype(F32)
        self.noise_sigma = rng.uniform(1.0, 5.0)
        yy, xx = np.mgrid[0:height, 0:width].astype(F32)
        r2 = ((xx - width / 2) / (width / 2)) ** 2 + ((yy - height / 2) / (height / 2)) ** 2
        self.vignette = (1 - rng.uniform(0.05, 0.25) * r2 / 2).astype(F32)[..., None]
        self.col_r = ((np.arange(width, dtype=F32) + 0.5 - self.cx) / self.f).astype(F32)
        self.rows = np.arange(height, dtype=F32) + 0.5

    # ------------------------------------------------------------------ camera
    def cam_s(self, t: float) -> float:
        """Distance travelled at time ``t``."""
        return (self.v0 * t - self.va / self.vw * (np.cos(self.vw * t + self.vphi) - np.cos(self.vphi)))

    def camera(self, t: float) -> Camera:
        """Camera state at time ``t`` (seconds)."""
        s = self.cam_s(t)
        ph = 2 * np.pi * (s + 20) / self.k_len + self.k_phi
        kappa = self.k_amp * np.sin(ph)
        heading = -self.k_amp * self.k_len / (2 * np.pi) * np.cos(ph)
        ya, yp, yphi = self.yaw
        theta = ya * np.sin(2 * np.pi * t / yp + yphi)
        pitch = self.pitch0 + 0.004 * np.sin(2 * np.pi * t / 1.9) + 0.0015 * np.sin(2 * np.pi * t / 0.37)
        lp, lq, lphi = self.light_w
        gain = self.gain0 * (1 + 0.12 * np.sin(2 * np.pi * t / lp + lphi) + 0.04 * np.sin(2 * np.pi * t / lq))
        sun = self.sunny * np.clip(0.5 + 0.9 * np.sin(2 * np.pi * t / self.sun_w[0] + self.sun_w[1]), 0, 1)
        x0 = -self.cam_d + 0.15 * np.sin(2 * np.pi * t / 7.7 + yphi)
        return Camera(s, x0, theta, kappa / 2, self.cy - self.f * pitch, heading + theta, gain, sun)

    # ------------------------------------------------------------------ render
    def render(self, t: float, frame_seed: int = 0):
        """Render time ``t``; ``frame_seed`` seeds the sensor noise. Returns (rgb HxWx3, label HxW)."""
        cam = self.camera(t)
        fb = Frame(self.h, self.w)
        self._hills(fb, cam)
        self._ground(fb, cam)
        for side in self.world.sides:
            for row in (side.far, side.near):
                self._facade(fb, cam, side, row)
        self.mats.reset_dynamic()
        for part in sorted(self._parts(cam, t), key=lambda p: -p[0]):
            self._sprite(fb, cam, *part)
        img = self._colour(fb, cam, np.random.default_rng([self.seed, frame_seed]))
        return img, fb.lab

    def _hills(self, fb, cam):
        """Distant tree line between the horizon and the end of the ground plane."""
        ang = self.col_r + cam.heading
        top = cam.yh - self.f * (0.01 + 0.035 * self.noise.fbm(ang * 6 + 3.0, np.full_like(ang, 40.5), 2))
        bottom = cam.yh + self.f * self.cam_h / Z_GROUND + 1
        m = (self.rows[:, None] >= top[None, :]) & (self.rows[:, None] < bottom)
        fb.lab[m] = C.VEGETATION
        fb.mat[m] = M.HILLS
        fb.depth[m] = HILLS_DEPTH
        fb.tu[m] = np.broadcast_to(ang * 300, m.shape)[m]
        fb.tv[m] = np.broadcast_to(self.rows[:, None] * 0.3, m.shape)[m]

    def _ground(self, fb, cam):
        """Road, lane markings, curbs, sidewalks, side streets and terrain."""
        wd = self.world
        denom = self.rows - cam.yh
        r0 = int(np.searchsorted(denom, self.f * self.cam_h / Z_GROUND, side="right"))
        if r0 >= self.h:
            return
        z = (self.f * self.cam_h / denom[r0:]).astype(F32)
        s = (cam.s + z).astype(F32)
        d = self.col_r[None, :] * z[:, None] - cam.xc(z)[:, None]
        ad = np.abs(d)
        right = d > 0
        blk = wd.block(s)
        left_s, right_s = wd.sides
        walk_edge = np.where(right, wd.road_half + right_s.walk, wd.road_half + left_s.walk)
        near = np.where(right, right_s.near.dist, left_s.near.dist)
        paved = np.where(right, right_s.paved[blk][:, None], left_s.paved[blk][:, None])
        cross = wd.cross[blk][:, None]

        lab = np.full(d.shape, C.ROAD, np.uint8)
        mat = np.full(d.shape, M.ASPHALT, np.uint8)
        walk = ad > wd.road_half
        lab[walk] = C.SIDEWALK
        mat[walk] = M.PAVING
        mat[walk & (ad < wd.road_half + 0.25)] = M.CURB
        outer = (ad > walk_edge) & ~(paved & (ad < near))
        lab[outer] = C.TERRAIN
        mat[outer] = M.GRASS
        if outer.any():
            terrain = mat[outer]
            sb = np.broadcast_to(s[:, None], d.shape)[outer]
            terrain[self.noise(d[outer] * 0.15, sb * 0.15) > 0.62] = M.DIRT
            mat[outer] = terrain
        side_street = walk & cross
        lab[side_street] = C.ROAD
        mat[side_street] = M.ASPHALT

        # Lane markings (labelled road): centre line, lane dividers, edge lines, zebra crossings.
        k = np.rint(ad / wd.lane_w)
        line = np.abs(ad - k * wd.lane_w) < 0.075
        dash = (np.mod(s / 12.0 + wd.dash_phase, 1.0) < 0.3)[:, None]
        paint = line & (((k == 0) & (dash | wd.centre_solid)) | ((k > 0) & (k < wd.lanes) & dash)
                        | ((k == wd.lanes) & wd.edge_line & ~cross))
        zebra = wd.zebra[blk][:, None] & (np.mod(d, 1.0) < 0.5) & (ad < wd.road_half - 0.3)
        mat[(paint | zebra) & ~walk] = M.PAINT

        shade = np.ones(d.shape, F32)
        tile = (mat == M.PAVING) & ((np.mod(d, 0.6) < 0.05) | (np.mod(s, 0.6) < 0.05)[:, None])
        shade[tile] = 0.8
        if cam.sun > 0:  # building shadows on the sun-facing side of the street
            side = wd.sides[self.sun_side]
            hb = np.where(side.near.kind[blk] == 1, side.near.height[blk], 0) * self.sun_len
            on_side = (d > 0) if side.sign > 0 else (d < 0)
            shadow = on_side & ((side.near.dist - ad) < hb[:, None]) & (ad < side.near.dist)
            shade[shadow] *= 1 - 0.5 * cam.sun

        fb.lab[r0:] = lab
        fb.mat[r0:] = mat
        fb.depth[r0:] = z[:, None]
        fb.tu[r0:] = d
        fb.tv[r0:] = s[:, None]
        fb.shade[r0:] = shade

    def _facade(self, fb, cam, side, row):
        """One facade row: a vertical surface following the road at lateral ``row.dist``."""
        a, b, c = cam.a, cam.theta - self.col_r, cam.x0 + side.sign * row.dist
        with np.errstate(divide="ignore", invalid="ignore"):
            disc = b * b - 4 * a * c
            q = -0.5 * (b + np.copysign(np.sqrt(np.maximum(disc, 0)), b))
            z1 = q / a if a != 0 else np.full_like(b, np.inf)
            z2 = c / q
        z1 = np.where(z1 > 0, z1, np.inf)
        z2 = np.where(z2 > 0, z2, np.inf)
        z = np.where(disc >= 0, np.minimum(z1, z2), np.inf).astype(F32)
        z[(z > Z_GROUND) | (z < 0.5)] = np.inf
        ok = np.isfinite(z)
        zf = np.where(ok, z, 1.0).astype(F32)
        s = (cam.s + zf).astype(F32)
        blk = self.world.block(s)
        kind = np.where(ok, row.kind[blk], 0)
        height = row.height[blk].copy()
        veg = kind == 2
        height[veg] *= 0.6 + 0.8 * self.noise.fbm(s[veg] * 0.5, np.full(veg.sum(), 7.5 + side.sign, F32), 2)
        top = cam.yh + self.f * (self.cam_h - height) / zf
        bottom = cam.yh + self.f * self.cam_h / zf
        rows = self.rows[:, None]
        m = (rows >= top) & (rows < bottom) & (kind > 0) & (zf < fb.depth)
        if not m.any():
            return
        ii, jj = np.nonzero(m)
        zj, sj, bj = zf[jj], s[jj], blk[jj]
        hgt = self.cam_h - (self.rows[ii] - cam.yh) * zj / self.f
        building = kind[jj] == 1
        mat = row.mat[bj].copy()
        fx = np.mod((sj + row.phase[bj]) / row.win[bj], 1.0)
        fy = np.mod(hgt / row.floor[bj], 1.0)
        window = (building & (fx > 0.25) & (fx < 0.75) & (fy > 0.3) & (fy < 0.8)
                  & (hgt > row.floor[bj]) & (hgt < row.height[bj] - 0.6))
        mat[window] = M.WINDOW
        mat[building & row.shop[bj] & (hgt < 3.0) & (hgt > 0.2) & (fx > 0.08) & (fx < 0.92)] = M.SHOP
        shade = np.where(building & (hgt > row.height[bj] - 0.4), 0.75, 1.0).astype(F32)
        if side.sign == (1 if self.sun_side else -1):
            shade *= 1 - 0.35 * cam.sun
        fb.lab[ii, jj] = np.where(building, C.BUILDING, C.VEGETATION)
        fb.mat[ii, jj] = mat
        fb.depth[ii, jj] = zj
        fb.tu[ii, jj] = sj
        fb.tv[ii, jj] = hgt
        fb.shade[ii, jj] = shade

    # ----------------------------------------------------------------- objects
    def _parts(self, cam, t):
        """Billboard parts ``(z, d, y0, w, h, label, shape_fn, tex_offset)`` visible at time ``t``."""
        wd = self.world
        parts = []
        lo, hi = cam.s + Z_NEAR, cam.s + Z_SPRITES
        i0 = np.searchsorted([p.s for p in wd.props], lo)
        i1 = np.searchsorted([p.s for p in wd.props], hi)
        for p in wd.props[i0:i1]:
            parts += self._object(p, p.s - cam.s, t)
        for p in wd.agents:
            s = p.s + p.v * t
            if lo < s < hi:
                parts += self._object(p, s - cam.s, t)
        if self.lead is not None:
            g0, g1, gp = self.lead_gap
            gap = g0 + g1 * (0.5 + 0.5 * np.sin(2 * np.pi * t / gp))
            parts += self._object(self.lead, gap, t)
        return parts

    def _object(self, p, z, t):
        """Split one object into billboard parts."""
        k, q, d = p.kind, p.p, p.d
        if k in ("car", "truck"):
            body = self.mats.add(q["colour"], 0.06, 1.5)
            if k == "car":
                return [(z, d, 0, q["w"], q["h"], C.CAR, _car(body, q["front"], q["cabin"]), z)]
            box = self.mats.add(q["box"], 0.08, 1.0)
            return [(z, d, 0, q["w"], q["h"], C.TRUCK, _truck(body, box, q["front"]), z)]
        if k == "person":
            mats = [self.mats.add(q[n], 0.15, 3.0) for n in ("shirt", "pants", "skin", "hair")]
            phase = q["phase"] + 2 * np.pi * abs(p.v) * t / 1.4
            return [(z, d, 0, 0.75, q["h"], C.PERSON, _person(q["h"], np.sin(phase), *mats), z)]
        if k == "streetlight":
            sg = np.sign(d)
            h, w = q["h"], q["w"]
            return [(z, d, 0, w, h, C.POLE, _rect(M.METAL), 0),
                    (z, d - sg * 0.9, h - 0.35, 1.8, 0.14, C.POLE, _rect(M.METAL), 0),
                    (z - 0.01, d - sg * 1.7, h - 0.5, 0.6, 0.2, C.POLE, _rect(M.LAMP), 0)]
        if k == "sign":
            size = q["size"]
            parts = [(z, d, 0, q["w"], q["h"], C.POLE, _rect(M.METAL), 0),
                     (z - 0.02, d, q["h"], size, size, C.TRAFFIC_SIGN, _sign(q["style"], q["back"]), 0)]
            if q["double"]:
                parts.append((z - 0.02, d, q["h"] - size * 0.75, size * 0.7, size * 0.7, C.TRAFFIC_SIGN,
                              _sign(q["style2"], q["back"]), 0))
            return parts
        if k == "tlight":
            h = q["h"]
            state = int(((t + q["phase"]) % 30) // 10)
            parts = [(z, d, 0, 0.16, h + 0.3, C.POLE, _rect(M.METAL), 0),
                     (z - 0.02, d, h, 0.36, 1.0, C.TRAFFIC_LIGHT, _tlight(state, q["board"]), 0)]
            return parts
        if k == "tree":
            r, th = q["r"], q["trunk_h"]
            return [(z, d, 0, q["trunk_w"], th + r * 0.5, C.VEGETATION, _rect(M.TRUNK), 0),
                    (z - 0.02, d, th, 2 * r, 2 * r, C.VEGETATION, self._canopy(r, q["ox"]), q["ox"])]
        raise ValueError(k)

    def _canopy(self, r, ox):
        """Noisy round crown of radius ``r``."""
        def shape(lx, ly, w, h):
            rr = np.sqrt(lx * lx + (ly - r) ** 2) / r
            n = self.noise.fbm(lx * 1.2 + ox, ly * 1.2 + ox, 3)
            return np.where(rr + 0.7 * (n - 0.5) < 0.82, M.FOLIAGE, 0).astype(np.uint8)
        return shape

    def _sprite(self, fb, cam, z, d, y0, w, h, label, shape, tex):
        """Draw one billboard at forward distance ``z`` and lateral road offset ``d``."""
        if z < Z_NEAR:
            return
        f, xw = self.f, cam.xc(z) + d
        u0 = int(np.ceil(self.cx + f * (xw - w / 2) / z - 0.5))
        u1 = int(np.ceil(self.cx + f * (xw + w / 2) / z - 0.5))
        v0 = int(np.ceil(cam.yh + f * (self.cam_h - y0 - h) / z - 0.5))
        v1 = int(np.ceil(cam.yh + f * (self.cam_h - y0) / z - 0.5))
        u0, u1, v0, v1 = max(u0, 0), min(u1, self.w), max(v0, 0), min(v1, self.h)
        if u0 >= u1 or v0 >= v1:
            return
        lx = ((np.arange(u0, u1, dtype=F32) + 0.5 - self.cx) * z / f - xw).astype(F32)[None, :]
        ly = (self.cam_h - y0 - (np.arange(v0, v1, dtype=F32) + 0.5 - cam.yh) * z / f).astype(F32)[:, None]
        lx, ly = np.broadcast_arrays(lx, ly)
        m = shape(lx, ly, w, h)
        sl = (slice(v0, v1), slice(u0, u1))
        hit = (m > 0) & (fb.depth[sl] > z)
        fb.lab[sl][hit] = label
        fb.mat[sl][hit] = m[hit]
        fb.depth[sl][hit] = z
        fb.tu[sl][hit] = lx[hit] + tex
        fb.tv[sl][hit] = ly[hit]
        fb.shade[sl][hit] = 1.0

    # ------------------------------------------------------------------ colour
    def _colour(self, fb, cam, rng):
        """Texture, sky, haze, lighting, vignetting and sensor noise."""
        mt = self.mats
        m = fb.mat
        fr = mt.freq[m]
        n = self.noise.fbm(fb.tu * fr, fb.tv * fr, 3)
        big = self.noise(fb.tu * 0.05 + 31.0, fb.tv * 0.05 + 77.0)
        k = (1 + mt.amp[m] * (2 * n - 1) + 0.1 * (2 * big - 1)) * fb.shade
        img = mt.base[m] * k[..., None]
        sky = fb.lab == C.SKY
        rows = np.flatnonzero(sky.any(axis=1))
        if rows.size:
            r1 = rows[-1] + 1
            v = self.rows[:r1, None]
            g = np.clip((cam.yh - v) / (0.7 * self.h), 0, 1)
            col = self.horizon * (1 - g[..., None]) + self.zenith * g[..., None]
            u = np.broadcast_to(self.col_r + cam.heading, (r1, self.w))
            c = self.noise.fbm(u * 4.0 + 0.01 * cam.s, np.broadcast_to(v / (0.12 * self.h), (r1, self.w)), 4)
            cover = np.clip((c - (1 - self.cloud[0])) * 4, 0, 1)[..., None] * (self.cloud[0] > 0)
            col = col * (1 - cover) + self.cloud[1] * cover * (0.8 + 0.3 * c[..., None])
            img[:r1][sky[:r1]] = col[sky[:r1]]
        hz = np.where(np.isfinite(fb.depth), 1 - np.exp(-fb.depth / self.haze_d), 0)
        hz = np.minimum(hz, 0.85).astype(F32)[..., None]
        img = img * (1 - hz) + self.haze * hz
        img *= (cam.gain * self.tint) * self.vignette
        img += rng.standard_normal(img.shape, dtype=F32) * F32(self.noise_sigma)
        return np.clip(img, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------- shapes
# Shape functions take local coordinates in metres (``lx`` across, centred;
# ``ly`` up from the part's bottom) and the part's size ``w`` x ``h``, and return
# material ids (0 = transparent).

def _rect(mat):
    return lambda lx, ly, w, h: np.full(lx.shape, mat, np.uint8)


def _car(body, front, cabin_frac):
    def shape(lx, ly, w, h):
        px, py = np.abs(lx) / (w / 2), 1 - ly / h  # px 0 centre .. 1 edge; py 0 top .. 1 bottom
        c = cabin_frac
        cabin = (py < c) & (px < 0.7 + 0.22 * py / c)
        out = np.where(cabin | ((py >= c) & (py < 0.86)), body, 0).astype(np.uint8)
        out[cabin & (py > 0.12 * c + 0.04) & (py < c - 0.04) & (px < 0.62 + 0.22 * py / c)] = M.GLASS
        out[(py > c + 0.06) & (py < c + 0.17) & (px > 0.7) & (px < 0.95)] = M.HEADLIGHT if front else M.TAILLIGHT
        out[(py > 0.62) & (py < 0.72) & (px < 0.22)] = M.PLATE
        out[(py >= 0.76) & (py < 0.86)] = M.TRIM
        out[(py >= 0.76) & (px > 0.6) & (px < 0.95)] = M.TYRE
        return out
    return shape


def _truck(cab, box, front):
    def shape(lx, ly, w, h):
        px, py = np.abs(lx) / (w / 2), 1 - ly / h
        out = np.where(py < 0.82, box, 0).astype(np.uint8)
        if front:
            out[(py > 0.32) & (py < 0.82)] = cab
            out[(py > 0.37) & (py < 0.58) & (px < 0.88)] = M.GLASS
            out[(py > 0.66) & (py < 0.76) & (px < 0.6)] = M.TRIM
            out[(py > 0.66) & (py < 0.74) & (px > 0.7) & (px < 0.92)] = M.HEADLIGHT
        else:
            out[(py < 0.78) & (px < 0.02)] = M.TRIM
            out[(py > 0.7) & (py < 0.76) & (px > 0.75) & (px < 0.95)] = M.TAILLIGHT
        out[(py >= 0.8) & (py < 0.86)] = M.TRIM
        out[(py >= 0.8) & (px > 0.45) & (px < 0.95)] = M.TYRE
        return out
    return shape


def _person(height, swing, shirt, pants, skin, hair):
    def shape(lx, ly, w, h):
        hip = 0.5 * height
        head_c = height - 0.12
        out = np.zeros(lx.shape, np.uint8)
        legs = ly < hip
        off = 0.22 * swing * (hip - ly) / hip
        leg = (np.abs(lx - 0.08 - off) < 0.075) | (np.abs(lx + 0.08 + off) < 0.075)
        out[legs & leg] = pants
        out[legs & leg & (ly < 0.07)] = M.TYRE
        torso = (ly >= hip - 0.02) & (ly < 0.82 * height) & (np.abs(lx) < 0.19)
        arms = ((ly >= 0.47 * height) & (ly < 0.8 * height) & (np.abs(lx) >= 0.19) & (np.abs(lx) < 0.26)
                & (np.abs(lx) < 0.26 - 0.05 * (0.8 * height - ly)))
        out[torso | arms] = shirt
        out[arms & (ly < 0.55 * height)] = skin
        neck = (ly >= 0.82 * height) & (ly < head_c) & (np.abs(lx) < 0.06)
        head = lx * lx + (ly - head_c) ** 2 < 0.11 ** 2
        out[neck | head] = skin
        out[head & (ly > head_c + 0.02)] = hair
        return out
    return shape


def _sign(style, back):
    def shape(lx, ly, w, h):
        x, y = lx / (h / 2), ly / (h / 2) - 1  # -1..1
        r = np.sqrt(x * x + y * y)
        if style in (0, 1):       # circles: prohibitory (red ring) / mandatory (blue)
            inside, ring = r < 1, r > 0.78
            face = M.SIGN_WHITE if style == 0 else M.SIGN_BLUE
            border = M.SIGN_RED if style == 0 else M.SIGN_BLUE
            symbol = (np.abs(x) < 0.15) & (np.abs(y) < 0.5) if style == 1 else (np.abs(y) < 0.14) & (r < 0.6)
        elif style == 2:          # warning triangle
            inside = (y > -0.9) & (np.abs(x) < (0.95 - y) / 1.9 * 1.0)
            ring = inside & ((y < -0.7) | (np.abs(x) > (0.95 - y) / 1.9 - 0.22))
            face, border = M.SIGN_WHITE, M.SIGN_RED
            symbol = (np.abs(x) < 0.08) & (y > -0.5) & (y < 0.3)
        elif style == 3:          # diamond
            inside, ring = np.abs(x) + np.abs(y) < 1, np.abs(x) + np.abs(y) > 0.75
            face, border, symbol = M.SIGN_YELLOW, M.SIGN_WHITE, np.zeros_like(inside)
        else:                     # rectangles: blue / green direction boards
            inside = (np.abs(x) < 1) & (np.abs(y) < 0.75)
            ring = inside & ((np.abs(x) > 0.88) | (np.abs(y) > 0.63))
            face = M.SIGN_BLUE if style == 4 else M.SIGN_GREEN
            border = M.SIGN_WHITE
            symbol = (np.abs(y) < 0.1) & (np.abs(x) < 0.6)
        if back:
            return np.where(inside, M.SIGN_BACK, 0).astype(np.uint8)
        out = np.where(inside, face, 0).astype(np.uint8)
        out[inside & ring] = border
        out[inside & ~ring & symbol] = M.SIGN_DARK if style != 1 else M.SIGN_WHITE
        return out
    return shape


def _tlight(state, board):
    def shape(lx, ly, w, h):
        out = np.full(lx.shape, M.TL_BOX, np.uint8)
        if board:
            out[np.abs(lx) > 0.14] = M.SIGN_WHITE
        for i, (cy, lit) in enumerate(((0.8, M.TL_RED), (0.5, M.TL_AMBER), (0.2, M.TL_GREEN))):
            disk = lx * lx + (ly - cy) ** 2 < 0.1 ** 2
            out[disk] = lit if i == state else M.TL_OFF
        return out
    return shape
