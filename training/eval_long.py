"""Latest-frame accuracy with long contexts (acceptance: 300 frames of the same sequence within 2 points of one
frame), through the streaming path of training/stream.py:

    python3 -m training.eval_long --model models/glimpse-tiny --frames 300 --scenes 16 \
        --java /tmp/jre25/bin/java --classpath '.simcp/*' --out $OUT/eval_long.json

Held-out sequences (seeds from 1,030,000,000) are rendered, every frame encoded, then per scene the same box
queries on the last frame are answered with only that frame in context and with all F frames in context.
"""
from __future__ import annotations

import argparse
import json
import random
import time

import torch

from . import layout
from .data import HELDOUT_SEED_BASE, SimCommand, render_fixed
from .evaluate import grid_placement, score
from .export import load_exported
from .samples import Example, Visibility, sample_query
from .stream import stream_answer


@torch.no_grad()
def encode(model, frames, pl, device, batch=64):
    rows = []
    for i in range(0, len(frames), batch):
        imgs = torch.stack([torch.from_numpy(f.image) for f in frames[i:i + batch]]).to(device)
        rows.append(model.encode_images(layout.preprocess(imgs, pl)))
    return [r for chunk in rows for r in chunk]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/glimpse-tiny")
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--scenes", type=int, default=16)
    ap.add_argument("--queries", type=int, default=3)
    ap.add_argument("--size", default="756x756")
    ap.add_argument("--java", default="java")
    ap.add_argument("--classpath", default="sim/target/classes")
    ap.add_argument("--sim-cmd", default=None)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    device = torch.device(a.device)
    model = load_exported(a.model).to(device)
    W, H = map(int, a.size.split("x"))
    pl = grid_placement(W, H, model.cfg)
    grid = (pl.grid_h // layout.MERGED_PX, pl.grid_w // layout.MERGED_PX)
    t0 = time.time()
    _, scenes = render_fixed(SimCommand(a.java, a.classpath, a.sim_cmd), HELDOUT_SEED_BASE + 30_000_000, a.scenes,
                             a.frames, W, H)
    rng = random.Random(0)
    vis = Visibility()
    exs, ans1, ansF = [], [], []
    for scene in scenes:
        rows = encode(model, scene, pl, device)
        tags = [i % 1000 for i in range(len(scene))]
        for _ in range(a.queries):
            q = sample_query(scene[-1], W, H, rng, vis, task="box", absent=False)
            exs.append(Example([len(scene) - 1], [tags[-1]], q))
            ans1.append(stream_answer(model, rows[-1:], tags[-1:], grid, "box", q.target))
            ansF.append(stream_answer(model, rows, tags, grid, "box", q.target))
    res = {"frames": a.frames, "scenes": a.scenes,
           "single": score(exs, ans1, [(W, H)] * len(exs)), "long": score(exs, ansF, [(W, H)] * len(exs)),
           "seconds": round(time.time() - t0, 1)}
    print(json.dumps({k: (v if not isinstance(v, dict) else {kk: vv for kk, vv in v.items() if kk != "by"})
                      for k, v in res.items()}))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
