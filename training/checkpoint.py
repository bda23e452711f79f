"""Checkpoints (docs/model.md §8.5, training/README.md).

Two kinds:
  * full state  STATE/{model.pt, optim.pt, meta.json} (default STATE = RUN-state, beside the run dir, so that
    carrying RUN to the GPU machine does not replace it): float32 weights + AdamW state; exact resume. It stays on
    the machine that trained (the GPU machine keeps ignored files between calls while it is warm).
  * portable    RUN/ckpt.safetensors (also copied to --out): bf16 weights incl. the aux head (< 16 MiB) and the
    metadata to resume (step, data positions, config). Resuming from it restarts AdamW with a short re-warm-up.
"""
from __future__ import annotations

import json
import os

import torch

from .config import GlimpseConfig
from .safetensors_io import load_file, save_file

PORTABLE = "ckpt.safetensors"


def save_portable(model, path: str, meta: dict) -> int:
    tensors = {k: v.detach().to(torch.bfloat16) for k, v in model.state_dict().items()}
    md = {"format": "glimpse-train-ckpt-1", "config": json.dumps(model.cfg.to_dict()),
          "meta": json.dumps(meta)}
    tmp = path + ".tmp"
    n = save_file(tensors, tmp, md)
    os.replace(tmp, path)
    return n


def load_portable(path: str) -> tuple[dict, GlimpseConfig, dict]:
    tensors, md = load_file(path)
    return tensors, GlimpseConfig.from_dict(json.loads(md["config"])), json.loads(md["meta"])


def save_full(model, optimizer, state_dir: str, meta: dict) -> None:
    d = state_dir
    os.makedirs(d, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(d, "model.pt.tmp"))
    torch.save(optimizer.state_dict(), os.path.join(d, "optim.pt.tmp"))
    with open(os.path.join(d, "meta.json.tmp"), "w") as f:
        json.dump({**meta, "config": model.cfg.to_dict()}, f)
    for n in ("model.pt", "optim.pt", "meta.json"):
        os.replace(os.path.join(d, n + ".tmp"), os.path.join(d, n))


def load_full(state_dir: str):
    d = state_dir
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    model_sd = torch.load(os.path.join(d, "model.pt"), map_location="cpu", weights_only=True)
    optim_sd = torch.load(os.path.join(d, "optim.pt"), map_location="cpu", weights_only=True)
    return model_sd, optim_sd, GlimpseConfig.from_dict(meta.pop("config")), meta


def find_resume(run_dir: str, state_dir: str):
    """('full', step) | ('portable', step) | (None, 0): the newest resumable state."""
    full = os.path.join(state_dir, "meta.json")
    port = os.path.join(run_dir, PORTABLE)
    fs = ps = -1
    if os.path.exists(full):
        with open(full) as f:
            fs = json.load(f)["step"]
    if os.path.exists(port):
        _, md = load_file_meta(port)
        ps = json.loads(md["meta"])["step"]
    if fs < 0 and ps < 0:
        return None, 0
    return ("full", fs) if fs >= ps else ("portable", ps)


def load_file_meta(path: str):
    import struct
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        h = json.loads(f.read(n).decode("utf-8"))
    return h, h.get("__metadata__", {})
