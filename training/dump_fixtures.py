"""Named-intermediate fixtures of glimpse-tiny for the Java engine's conformance tests (docs/model.md §12.2).

    python3 -m training.dump_fixtures --model models/glimpse-tiny --out $OUT/fixtures.safetensors
    python3 -m training.dump_fixtures --random --out $OUT/random     # random weights (index_topk 16), + model dir
    python3 -m training.dump_fixtures --random --config smoke --out csa-runtime/src/test/resources/smoke
                                            # the small 'smoke' shape (every code path, index_topk 8): CI fixtures

The model is loaded from the exported (bf16/f32) weights and run in float32 on the CPU, as the engine computes.
Per case k (see CASES): frames rendered by the fake renderer of training/tests (deterministic), then
  case{k}.frame{f}.image_rgb U8 [H,W,3]    case{k}.frame{f}.pixel_values [3,Gh,Gw]
  case{k}.frame{f}.vision.patch_embed.linear / .out, vision.blocks.{i}.out, vision.norm.out  [P, C]  (small cases)
  case{k}.frame{f}.aligner.out [n, d]
  case{k}.input_ids I64 [T] (text ids; image slots vocab_size + type)   case{k}.image_index I64 [T] (row or -1)
  case{k}.lm.embed.out [T, d]   case{k}.lm.layers.{i}.out [T, d]   case{k}.lm.norm.out [T, d]
  case{k}.lm.layers.{i}.attn.compressed_kv [n_i, D]   .indexer_keys [n_i, D_I]   .selected U8 [T, n_i]
  case{k}.logits [A, V]: logits at the prompt's last position and at every answer position (teacher-forced greedy)
  case{k}.greedy_ids I64 [A]   (metadata case{k}.answer: the detokenised greedy answer, case{k}.query)
The sequence is BOS, per frame "<|frame|> tag <image block>", "<|query|> words <|answer|>", then the greedy answer.
"""
from __future__ import annotations

import argparse
import json
import os

import torch

from . import layout
from . import tokenizer as tok
from .config import PRESETS
from .data import Frame
from .evaluate import grid_placement, greedy_decode
from .export import load_exported, write_model_dir
from .model import Glimpse
from .safetensors_io import save_file
from .samples import Example, Query
from .tests.fake_stream import render_scene

# (image W, H, frames in context, query, full ViT intermediates)
CASES = [
    (168, 168, 1, "box all objects", True),
    (252, 168, 1, "point to all red cone", True),
    (168, 168, 3, "count objects", False),
    (756, 756, 1, "box all person", False),
    (320, 200, 1, "count cone", False),     # not a grid: resize + centred padding
]


def frames_for(W, H, n, seed):
    out = []
    for i, (labels, img) in enumerate(render_scene(seed, n, W, H)):
        out.append(Frame(seed, i + 1, labels, img))
    return out


@torch.no_grad()
def dump_case(model, k, W, H, n_frames, query, full_vit, out, meta, max_new, pixels=True):
    cfg = model.cfg
    frames = frames_for(W, H, n_frames, 4242 + k)
    pl = grid_placement(W, H, cfg)
    n_h, n_w = pl.grid_h // layout.MERGED_PX, pl.grid_w // layout.MERGED_PX
    rows = []
    for f, fr in enumerate(frames):
        seen = {}
        probe = (lambda name, t, f=f: seen.__setitem__(name, t[0].clone())) if full_vit else \
            (lambda name, t, f=f: seen.__setitem__(name, t[0].clone()) if name == "aligner.out" else None)
        px = layout.preprocess(torch.from_numpy(fr.image)[None], pl)
        r = model.encode_images(px, probe)
        rows.append(r[0])
        out[f"case{k}.frame{f}.image_rgb"] = torch.from_numpy(fr.image.copy())
        if pixels and (full_vit or (W, H) != (pl.grid_w, pl.grid_h)):  # native grids: pixel_values = (rgb/255-.5)/.5
            out[f"case{k}.frame{f}.pixel_values"] = px[0]
        for name, t in seen.items():
            out[f"case{k}.frame{f}.{name}"] = t
    rows = torch.cat(rows)
    row_offset = {f: f * n_h * n_w for f in range(len(frames))}
    tags = [(17 + 5 * f) % 1000 for f in range(len(frames))]
    q = tok.encode_text(query)
    task, target = tok.parse_query(q)
    ex = Example(list(range(len(frames))), tags, Query(task, target, [], [], []))
    ex.seq = layout.build_sequence([(n_h, n_w, t) for t in tags], q, None, cfg.lm.vocab_size)
    prompt_len = len(ex.seq)
    answer = greedy_decode(model, [ex], rows, row_offset, torch.device("cpu"), max_new=max_new)[0]
    # Teacher-force prompt + answer and record every named intermediate.
    full = layout.build_sequence([(n_h, n_w, t) for t in tags], q, None, cfg.lm.vocab_size)
    tokens = torch.tensor(full.tokens + answer[:-1])[None]
    ref = torch.tensor(full.image_ref + [(-1, -1)] * (len(answer) - 1))
    image_index = torch.where(ref[:, 0] >= 0, torch.tensor([row_offset.get(int(a), 0) for a in ref[:, 0]]) + ref[:, 1],
                              torch.tensor(-1))[None]
    span = torch.tensor(full.span + [-1] * (len(answer) - 1))[None]
    seen = {}
    h = model.hidden(tokens, image_index, span, rows, probe=lambda name, t: seen.__setitem__(name, t[0].clone()))
    logits = model.logits(h[0, prompt_len - 1:])
    out[f"case{k}.input_ids"] = tokens[0]
    out[f"case{k}.image_index"] = image_index[0]
    for name, t in seen.items():
        if name.endswith("indexer_scores") or name.endswith("compressed_attn_mass"):
            continue
        out[f"case{k}.{name}"] = t.to(torch.uint8) if t.dtype == torch.bool else t
    out[f"case{k}.lm.norm.out"] = h[0]
    out[f"case{k}.logits"] = logits
    out[f"case{k}.greedy_ids"] = torch.tensor(answer)
    meta[f"case{k}.query"] = query
    meta[f"case{k}.answer"] = tok.detokenize(answer, latest_frame_tag=tags[-1])
    meta[f"case{k}.frame_tags"] = json.dumps(tags)
    meta[f"case{k}.image_size"] = f"{W}x{H}"
    meta[f"case{k}.grid"] = f"{pl.grid_w}x{pl.grid_h}"
    meta[f"case{k}.prompt_len"] = str(prompt_len)
    print(f"case{k} {W}x{H} x{len(frames)} {query!r}: {meta[f'case{k}.answer']}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/glimpse-tiny")
    ap.add_argument("--random", action="store_true", help="random weights; writes OUT/model dir + fixtures")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--config", default="glimpse-tiny", choices=sorted(PRESETS), help="shape of --random weights")
    ap.add_argument("--golden", action="store_true",
                    help="the shipped model's small CI fixture: cases 0-1, only image, aligner rows, ids, logits, "
                         "greedy answer (csa-runtime/src/test/resources/glimpse-tiny/golden.safetensors)")
    ap.add_argument("--max-new", type=int, default=None, help="answer token cap (default 160, random weights 40)")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    if a.random:
        import dataclasses
        base = PRESETS[a.config]()
        topk = 16 if a.config == "glimpse-tiny" else base.lm.index_topk
        cfg = dataclasses.replace(base, name=f"{a.config}-random", lm=dataclasses.replace(base.lm, index_topk=topk))
        model = Glimpse(cfg)
        with torch.no_grad():                 # randomise the zero-initialised parameters
            for name, p in model.named_parameters():
                if name.endswith("sinks") or name.endswith("position_bias"):
                    p.copy_(0.5 * torch.randn(p.shape))
                elif name.endswith("norm.weight"):
                    p.copy_(1.0 + 0.1 * torch.randn(p.shape))
        os.makedirs(a.out, exist_ok=True)
        write_model_dir(model, a.out, {"note": f"random weights for conformance tests; index_topk {topk}"})
        model = load_exported(a.out)
        path = os.path.join(a.out, "fixtures.safetensors")     # -> fixtures-1.safetensors, ...
    else:
        model = load_exported(a.model)
        path = a.out
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # Cases go into files of at most ~12 MiB each (the GPU machine returns files of <= 16 MiB).
    meta0 = {"model": "random" if a.random else a.model, "dtype": "float32"}
    if not a.random:
        with open(os.path.join(a.model, "config.json")) as f:
            meta0["trained_steps"] = str(json.load(f).get("trained_steps"))
    files, out, meta = [], {}, dict(meta0)

    def flush():
        if out:
            p = path.replace(".safetensors", f"-{len(files) + 1}.safetensors")
            n = save_file(out, p, meta)
            files.append(p)
            print(f"wrote {p}: {len(out)} tensors, {n / 2**20:.1f} MiB")

    small = a.random and a.config != "glimpse-tiny"     # CI fixtures: no 756² case, no pixel_values (kept < 2 MiB)
    keep = (".image_rgb", ".aligner.out", ".input_ids", ".image_index", ".logits", ".greedy_ids")
    for k, (W, H, n, q, full) in enumerate(CASES):
        if (small and W > 320) or (a.golden and k > 1):
            continue
        case_out, case_meta = {}, {}
        dump_case(model, k, W, H, n, q, full and not a.golden, case_out, case_meta,
                  a.max_new or (40 if a.random else 160), pixels=not (small or a.golden))
        if a.golden:
            case_out = {name: t for name, t in case_out.items() if name.endswith(keep)}
        size = sum(v.numel() * v.element_size() for v in list(out.values()) + list(case_out.values()))
        if out and size > 12 * 2**20:
            flush()
            out, meta = {}, dict(meta0)
        out.update(case_out)
        meta.update(case_meta)
        meta["cases"] = ",".join(filter(None, [meta.get("cases", ""), str(k)]))
    flush()


if __name__ == "__main__":
    main()
