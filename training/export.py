"""Export a training checkpoint to the shipped model directory (docs/model.md §10):

    python3 -m training.export --ckpt training/runs/glimpse-tiny/ckpt.safetensors --out models/glimpse-tiny

writes model.safetensors (tensor names of docs/model.md §10.2; BF16 matrices, F32 vectors / sinks / position
biases; the training-only aux head is dropped), config.json and tokenizer.json.
"""
from __future__ import annotations

import argparse
import json
import os

import torch

from . import tokenizer as tok
from .checkpoint import load_full, load_portable
from .config import GlimpseConfig
from .model import Glimpse
from .safetensors_io import save_file

FORMAT = "glimpse-model-1"


def export_dtype(name: str, t: torch.Tensor) -> torch.dtype:
    """F32 for vectors (norm weights, biases, sinks, image special embeddings) and position biases; BF16 else."""
    return torch.float32 if t.dim() <= 1 or name.endswith("position_bias") else torch.bfloat16


def exported_state(model: Glimpse) -> dict[str, torch.Tensor]:
    return {k: v.detach().to(export_dtype(k, v)).contiguous() for k, v in model.state_dict().items()
            if not k.startswith("aux_head.")}


def config_json(cfg: GlimpseConfig, extra: dict | None = None) -> dict:
    d = {"format": FORMAT, "model_type": "glimpse", **cfg.to_dict(),
         "image": {"grid_unit_px": 84, "merged_px": 42, "pad_gray": 127, "normalize": "(x/255-0.5)/0.5",
                   "resize": "bilinear, antialias, float, centred padding", "coords": "v = round(px*999/size)"},
         "tokens": {"vocab_size": tok.VOCAB_SIZE, "num_coords": tok.NUM_COORDS,
                    "image_slot_id": "vocab_size + type", "image_types": ["START", "PAD", "IMAGE", "NEWLINE", "END"],
                    **{t: tok.ID[t] for t in tok.SPECIALS}},
         "classes": tok.CLASSES, "colors": tok.COLORS}
    if extra:
        d.update(extra)
    return d


def write_model_dir(model: Glimpse, out: str, extra: dict | None = None) -> dict:
    os.makedirs(out, exist_ok=True)
    st = exported_state(model)
    n = save_file(st, os.path.join(out, "model.safetensors"), {"format": FORMAT})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config_json(model.cfg, extra), f, indent=1)
        f.write("\n")
    tok.write_tokenizer_json(os.path.join(out, "tokenizer.json"))
    return {"bytes": n, "tensors": len(st), "params": sum(v.numel() for v in st.values())}


def load_exported(model_dir: str, dtype=torch.float32) -> Glimpse:
    """Model from an exported directory, weights upcast to dtype (float32 = what the Java engine computes with)."""
    from .safetensors_io import load_file
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = GlimpseConfig.from_dict(json.load(f))
    model = Glimpse(cfg)
    sd, _ = load_file(os.path.join(model_dir, "model.safetensors"))
    missing = model.load_state_dict({k: v.to(dtype) for k, v in sd.items()}, strict=False)
    bad = [k for k in missing.missing_keys if not k.startswith("aux_head.")] + list(missing.unexpected_keys)
    if bad:
        raise ValueError(f"model.safetensors does not match config.json: {bad}")
    return model.to(dtype).eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", help="portable ckpt.safetensors")
    ap.add_argument("--state", help="full-precision state dir (RUN-state) instead of --ckpt")
    ap.add_argument("--out", default="models/glimpse-tiny")
    a = ap.parse_args()
    if a.state:
        msd, _, cfg, meta = load_full(a.state)
    else:
        msd, cfg, meta = load_portable(a.ckpt)
    model = Glimpse(cfg)
    model.load_state_dict({k: v.float() for k, v in msd.items()})
    info = write_model_dir(model, a.out, {"trained_steps": meta.get("step")})
    print(json.dumps({"out": a.out, **info, "step": meta.get("step")}))


if __name__ == "__main__":
    main()
