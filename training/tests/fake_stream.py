"""A tiny deterministic stand-in for the Java simulator's raw stream, for local smoke tests ONLY.

Same command line and byte format as `dev.glimpse.sim.RenderMain --raw` (docs/model.md §9.1):
    python3 -m training.tests.fake_stream --raw --seed S --scenes K --frames F --size WxH --out -
Scenes: flat class-shaped, coloured shapes on a noisy gradient, moving linearly; labels come from an id buffer
(visible box, a visible point near the visible centre, occlusion, visible pixel count).
"""
from __future__ import annotations

import argparse
import json
import struct
import sys

import numpy as np

CLASSES = ["person", "cone", "crate", "ball", "chair", "door", "robot"]
COLORS = {"red": (220, 40, 40), "green": (40, 180, 60), "blue": (40, 70, 220), "yellow": (230, 220, 40),
          "orange": (240, 140, 30), "purple": (150, 60, 190), "white": (245, 245, 245), "black": (20, 20, 20)}
ASPECT = {"person": 2.2, "cone": 1.3, "crate": 1.0, "ball": 1.0, "chair": 0.8, "door": 2.8, "robot": 1.2}


def shape_mask(cls: str, w: int, h: int) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    u, v = (xx + 0.5) / w, (yy + 0.5) / h
    if cls == "ball":
        return (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25
    if cls == "person":
        return ((u - 0.5) ** 2 / 0.25 + (v - 0.5) ** 2 / 0.25 <= 1.0) | ((np.abs(u - 0.5) < 0.12) & (v < 0.3))
    if cls == "cone":
        return np.abs(u - 0.5) <= 0.5 * v
    if cls == "chair":
        return (v > 0.5) | (u < 0.25)
    if cls == "robot":
        return ~((np.abs(u - 0.5) < 0.2) & (np.abs(v - 0.35) < 0.12))
    return np.ones((h, w), bool)                       # crate, door


def render_scene(seed: int, frames: int, W: int, H: int, fps: int = 30):
    rng = np.random.RandomState(seed % (2 ** 32))
    n = rng.randint(1, 6)
    objs = []
    for i in range(n):
        cls = CLASSES[rng.randint(len(CLASSES))]
        col = list(COLORS)[rng.randint(len(COLORS))]
        h = int(rng.uniform(0.15, 0.45) * H)
        w = max(6, int(h / ASPECT[cls]))
        objs.append(dict(id=i + 1, cls=cls, col=col, w=w, h=h, x=rng.uniform(-0.1 * W, W - 0.9 * w),
                         y=rng.uniform(0, H - h), vx=rng.uniform(-3, 3) * W / 168, vy=rng.uniform(-2, 2) * H / 168))
    gy, gx = np.mgrid[0:H, 0:W]
    base = np.stack([90 + 60 * gy / H, 100 + 40 * gx / W, 110 + 20 * (gx + gy) / (W + H)], -1)
    for f in range(frames):
        img = base + rng.normal(0, 8, (H, W, 3))
        ids = np.zeros((H, W), np.int32)
        totals = {}
        for o in objs:
            t = f * 30 / fps                                         # motion per frame grows as the rate drops
            x0, y0 = int(round(o["x"] + o["vx"] * t)), int(round(o["y"] + o["vy"] * t))
            m = shape_mask(o["cls"], o["w"], o["h"])
            totals[o["id"]] = int(m.sum())
            ys, xs = np.nonzero(m)
            ys, xs = ys + y0, xs + x0
            ok = (ys >= 0) & (ys < H) & (xs >= 0) & (xs < W)
            ys, xs = ys[ok], xs[ok]
            img[ys, xs] = np.array(COLORS[o["col"]]) * rng.uniform(0.85, 1.0)
            ids[ys, xs] = o["id"]
        labels = []
        for o in objs:
            ys, xs = np.nonzero(ids == o["id"])
            if len(xs) == 0:
                continue
            cy, cx = ys.mean(), xs.mean()
            k = int(np.argmin((ys - cy) ** 2 + (xs - cx) ** 2))
            labels.append({"id": o["id"], "class": o["cls"], "color": o["col"],
                           "box": [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1],
                           "point": [int(xs[k]), int(ys[k])], "occlusion": round(1 - len(xs) / totals[o["id"]], 3),
                           "visible_px": int(len(xs))})
        yield labels, np.clip(img, 0, 255).astype(np.uint8)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", action="store_true")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--scenes", type=int, default=1)
    ap.add_argument("--frames", type=int, default=1)
    ap.add_argument("--size", default="168x168")
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--out", default="-")
    a = ap.parse_args(argv)
    W, H = map(int, a.size.lower().split("x"))
    out = sys.stdout.buffer
    header = json.dumps({"version": 1, "width": W, "height": H, "pixel_format": "rgb24", "classes": CLASSES,
                         "colors": list(COLORS)}).encode()
    out.write(b"GLMPRAW1" + struct.pack("<I", len(header)) + header)
    for s in range(a.seed, a.seed + a.scenes):
        for i, (labels, img) in enumerate(render_scene(s, a.frames, W, H, a.fps)):
            js = json.dumps({"scene": s, "frame": i + 1, "objects": labels}).encode()
            out.write(struct.pack("<II", 0x4D415246, len(js)) + js)
            out.write(img.tobytes())
    out.flush()


if __name__ == "__main__":
    main()
