"""Small conformance fixtures for the Java encoder (encoder/src/test/resources/tiny/), from training/vision.py.

    python3 encoder/src/test/python/make_fixtures.py --out encoder/src/test/resources/tiny

A tiny vision config (width 64, 1 head, 3 blocks: window, window, global) keeps the files small while running
every code path of docs/model.md §2-§3 (the real dims only change loop bounds). Writes:
  config.json           same layout as models/glimpse-tiny/config.json (vision + lm.hidden_size)
  model.safetensors     vision.* / aligner.* (BF16 matrices, F32 vectors) + one lm.* tensor the encoder ignores
  fixtures.safetensors  image_rgb U8 [H,W,3], pixel_values [3,H,W], every named ViT/aligner intermediate,
                        resize.{name}.src U8 [h,w,3] / .out [3,h',w'] (F.interpolate bilinear antialias),
                        pre.src U8 [200,320,3] / pre.sub = preprocess(...)[:, ::9, ::9]; metadata: grids (JSON)
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "../../../..")))
from training import layout  # noqa: E402
from training.config import VisionConfig  # noqa: E402
from training.safetensors_io import save_file  # noqa: E402
from training.vision import Aligner, VisionTransformer  # noqa: E402

D_MODEL = 32


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    cfg = VisionConfig(width=64, layers=3, heads=1, head_dim=64, mlp_hidden=96, global_layers=(2,),
                       aligner_hidden=64)
    vit, al = VisionTransformer(cfg), Aligner(cfg, D_MODEL)
    weights = {}
    with torch.no_grad():
        for prefix, mod in (("vision.", vit), ("aligner.", al)):
            for name, p in mod.named_parameters():
                if name.endswith("norm1.weight") or name.endswith("norm2.weight") or name == "norm.weight":
                    v = 1.0 + 0.1 * torch.randn(p.shape)
                elif p.ndim == 1:
                    v = 0.1 * torch.randn(p.shape)
                else:
                    v = torch.randn(p.shape) / p.shape[1] ** 0.5
                v = v.to(torch.bfloat16) if p.ndim == 2 else v          # BF16 matrices, F32 vectors (§10)
                p.copy_(v.float())
                weights[prefix + name] = v
    weights["lm.norm.weight"] = torch.ones(D_MODEL)                   # not the encoder's: must be ignored
    os.makedirs(a.out, exist_ok=True)
    save_file(weights, os.path.join(a.out, "model.safetensors"), {"note": "random tiny encoder weights"})
    conf = {"format": "glimpse-model-1", "name": "encoder-tiny-random",
            "vision": {"patch_size": 14, "width": 64, "layers": 3, "heads": 1, "head_dim": 64, "mlp_hidden": 96,
                       "window": 6, "global_layers": [2], "rope_theta": 10000.0, "merge": 3, "aligner_hidden": 64,
                       "rms_norm_eps": 1e-6},
            "lm": {"hidden_size": D_MODEL}, "max_merged_tokens": 384, "min_grid_units": 80,
            "image": {"grid_unit_px": 84, "merged_px": 42, "pad_gray": 127}}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(conf, f, indent=1)

    out, meta = {}, {}
    g = torch.Generator().manual_seed(a.seed)
    rgb = torch.randint(0, 256, (168, 252, 3), dtype=torch.uint8, generator=g)      # grid-native: no resize
    pl = layout.placement(252, 168, 252, 168)
    px = layout.preprocess(rgb[None], pl)
    seen = {}
    with torch.no_grad():
        x = vit(px, lambda n, t: seen.__setitem__(n, t[0].clone()))
        seen["aligner.out"] = al(x)[0]
    out["image_rgb"], out["pixel_values"] = rgb, px[0]
    out.update(seen)
    for name, (h, w, h2, w2) in {"down": (47, 61, 20, 30), "up": (15, 20, 29, 37), "mixed": (40, 13, 17, 31),
                                 "same": (12, 9, 12, 9)}.items():
        src = torch.randint(0, 256, (h, w, 3), dtype=torch.uint8, generator=g)
        out[f"resize.{name}.src"] = src
        out[f"resize.{name}.out"] = F.interpolate(src.permute(2, 0, 1)[None].float(), size=(h2, w2), mode="bilinear",
                                                  antialias=True, align_corners=False)[0]
    src = torch.randint(0, 256, (200, 320, 3), dtype=torch.uint8, generator=g)
    gw, gh = layout.choose_grid(320, 200)
    full = layout.preprocess(src[None], layout.placement(320, 200, gw, gh))[0]
    out["pre.src"], out["pre.sub"] = src, full[:, ::9, ::9].contiguous()
    sizes = [(320, 200), (1920, 1080), (1280, 720), (640, 480), (1080, 1920), (500, 500), (100, 37), (37, 100),
             (756, 756), (1008, 588), (168, 168), (84, 4200)]
    meta["grids"] = json.dumps([[w, h, *layout.choose_grid(w, h)] for w, h in sizes])
    meta["pre.grid"] = f"{gw}x{gh}"
    n = save_file(out, os.path.join(a.out, "fixtures.safetensors"), meta)
    print(f"fixtures: {len(out)} tensors, {n / 2**20:.2f} MiB; grids {meta['grids']}")


if __name__ == "__main__":
    main()
