"""Held-out evaluation: constrained greedy decoding and the acceptance metrics (docs/model.md §8.4).

  box recall / precision at IoU >= 0.5 (one-to-one, greedy by IoU), point hit rate (a point inside a GT visible box,
  one-to-one), count exact, absent-empty rate, syntax validity; per class and occlusion bin; multi-frame latest-frame
  box recall; the lightning indexer's recall of the dense top-k on multi-frame contexts.
"""
from __future__ import annotations

import random
import time
from collections import defaultdict

import torch

from . import layout
from . import tokenizer as tok
from .samples import Batch, Example, Visibility, add_single, collate, memory_example, sample_query

OCC_BINS = ((0.0, 0.3, "occ<0.3"), (0.3, 0.6, "occ0.3-0.6"), (0.6, 1.01, "occ>=0.6"))


def build_eval_batch(scenes, sizes, seed: int, vis: Visibility, multi_context: int = 0, memory: bool = False) -> Batch:
    """Single-frame scenes get 4 queries (box, point, count on a present target; one absent target); sequence scenes
    (multi_context > 0) get one box query on their last frame with up to multi_context earlier frames, or with
    `memory` one memory query (samples.sample_memory_query) over the same frames."""
    rng = random.Random(seed)
    batch = Batch()
    for scene, (W, H) in zip(scenes, sizes):
        if memory:
            base = len(batch.frames)
            batch.frames.extend(scene)
            batch.examples.append(memory_example(base, scene, multi_context, rng.randrange(1000), rng, vis, W, H))
            continue
        if multi_context == 0:
            fr = scene[0]
            k = len(batch.frames)
            batch.frames.append(fr)
            tag = rng.randrange(1000)
            for task, absent in (("box", False), ("point", False), ("count", False),
                                 (rng.choice(["box", "point", "count"]), True)):
                batch.examples.append(Example([k], [tag], sample_query(fr, W, H, rng, vis, task=task,
                                                                        absent=absent)))
        else:
            base = len(batch.frames)
            batch.frames.extend(scene)
            j = len(scene) - 1
            ctx = list(range(max(0, j - multi_context), j))
            idx = ctx + [j]
            off = rng.randrange(1000)
            batch.examples.append(Example([base + i for i in idx], [(off + i) % 1000 for i in idx],
                                          sample_query(scene[j], W, H, rng, vis, task="box", absent=False)))
    return batch


@torch.no_grad()
def greedy_decode(model, examples, rows, row_offset, device, max_new: int = 260, chunk: int = 128,
                  csa_mode: str = "sparse", deadline: float | None = None) -> list[list[int]]:
    """Constrained greedy answers (token ids, ending with <|eos|>) for examples whose seq holds the prompt only.
    Stops starting new chunks after `deadline` (time.time()); the answers returned may then be fewer."""
    out = []
    for c0 in range(0, len(examples), chunk):
        if deadline is not None and time.time() > deadline:
            break
        exs = examples[c0:c0 + chunk]
        base = collate(exs, row_offset, device, with_answer=False)
        B, T0 = base["tokens"].shape
        T = T0 + max_new
        tokens = torch.full((B, T), tok.PAD, dtype=torch.long, device=device)
        image_index = torch.full((B, T), -1, dtype=torch.long, device=device)
        span = torch.full((B, T), -1, dtype=torch.long, device=device)
        tokens[:, :T0], image_index[:, :T0], span[:, :T0] = base["tokens"], base["image_index"], base["span"]
        lens = torch.tensor([len(ex.seq) for ex in exs], device=device)
        grammars = [tok.Grammar(ex.query.task, tok.target_tokens(ex.query.target)) for ex in exs]
        answers = [[] for _ in exs]
        active = list(range(B))
        for _ in range(max_new):
            if not active:
                break
            a = torch.tensor(active, device=device)
            L = int(lens[a].max())
            h = model.hidden(tokens[a, :L], image_index[a, :L], span[a, :L], rows, csa_mode=csa_mode)
            last = h[torch.arange(len(active), device=device), lens[a] - 1]
            logits = model.logits(last)                                                      # [A,V]
            allow = torch.zeros_like(logits, dtype=torch.bool)
            for r, b in enumerate(active):
                allow[r, list(grammars[b].allowed())] = True
            nxt = logits.masked_fill(~allow, float("-inf")).argmax(-1).tolist()
            still = []
            for r, b in enumerate(active):
                t = nxt[r]
                answers[b].append(t)
                tokens[b, lens[b]] = t
                lens[b] += 1
                if t == tok.EOS:
                    continue
                grammars[b].push(t)
                still.append(b)
            active = still
        out.extend(answers)
    return out


def iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / u if u > 0 else 0.0


def to_pixels(items, W, H):
    """0..999 values -> pixels (DeepSeek: pixel = v / 999 * size)."""
    return [[v / 999.0 * (W if i % 2 == 0 else H) for i, v in enumerate(it)] for it in items]


def match_boxes(pred, gt, ignored, thr=0.5):
    """Greedy one-to-one matching by IoU. Returns (tp, fp, matched gt indices); predictions matching an ignored
    object are not false positives."""
    pairs = sorted(((iou(p, g), i, j) for i, p in enumerate(pred) for j, g in enumerate(gt)), reverse=True)
    used_p, used_g = set(), set()
    for v, i, j in pairs:
        if v < thr:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
    fp = sum(1 for i, p in enumerate(pred) if i not in used_p and not any(iou(p, g) >= thr for g in ignored))
    return len(used_p), fp, used_g


def match_points(pred, gt_boxes, gt_points, ignored):
    def inside(p, b):
        return b[0] <= p[0] <= b[2] and b[1] <= p[1] <= b[3]
    pairs = sorted(((abs(p[0] - q[0]) + abs(p[1] - q[1]), i, j) for i, p in enumerate(pred)
                    for j, (b, q) in enumerate(zip(gt_boxes, gt_points)) if inside(p, b)))
    used_p, used_g = set(), set()
    for _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
    fp = sum(1 for i, p in enumerate(pred) if i not in used_p and not any(inside(p, b) for b in ignored))
    return len(used_p), fp, used_g


def occ_bin(o) -> str:
    for lo, hi, name in OCC_BINS:
        if lo <= o.get("occlusion", 0.0) < hi:
            return name
    return OCC_BINS[-1][2]


def score(examples, answers, sizes) -> dict:
    """sizes: per example (W, H) of its queried frame."""
    c = defaultdict(float)
    by = defaultdict(lambda: [0, 0])               # key -> [hits, total] (box recall / point hits by class, occ)
    for ex, ans, (W, H) in zip(examples, answers, sizes):
        q = ex.query
        parsed = tok.parse_answer(ans)
        c["n"] += 1
        c["valid"] += parsed is not None
        if parsed is None:
            parsed = {"boxes": [], "points": [], "count": None}
        gt_boxes = [o["box"] for o in q.gt]
        ign_boxes = [o["box"] for o in q.ignored]
        if q.task == "memory" and q.gt:
            # the frame must be the one where the target was last seen (its TAG), and the box must hit there
            c["mem_n"] += 1
            right = parsed.get("frame") == q.frame_tag
            boxes = to_pixels(parsed.get("boxes", []), W, H)
            hit = right and len(boxes) == 1 and iou(boxes[0], gt_boxes[0]) >= 0.5
            c["mem_frame"] += right
            c["mem_box"] += hit
            kind = "latest" if q.frame_back == 0 else "earlier"
            by["memory_frame:" + kind][0] += right
            by["memory_frame:" + kind][1] += 1
            by["memory_box:" + kind][0] += hit
            by["memory_box:" + kind][1] += 1
            continue
        if not q.gt:
            c["absent_n"] += 1
            empty = not parsed.get("boxes") and not parsed.get("points") and parsed.get("count") in (None, 0)
            c["absent_empty"] += empty
            continue
        if q.task == "box":
            pred = to_pixels(parsed.get("boxes", []), W, H)
            tp, fp, hit = match_boxes(pred, gt_boxes, ign_boxes)
            c["box_tp"] += tp
            c["box_fp"] += fp
            c["box_gt"] += len(gt_boxes)
            for j, o in enumerate(q.gt):
                for key in (o["class"], occ_bin(o)):
                    by["box:" + key][0] += j in hit
                    by["box:" + key][1] += 1
        else:
            pred = to_pixels(parsed.get("points", []), W, H)
            tp, fp, hit = match_points(pred, gt_boxes, [o["point"] for o in q.gt], ign_boxes)
            c["pt_tp"] += tp
            c["pt_fp"] += fp
            c["pt_gt"] += len(gt_boxes)
            for j, o in enumerate(q.gt):
                for key in (o["class"], occ_bin(o)):
                    by["point:" + key][0] += j in hit
                    by["point:" + key][1] += 1
            if q.task == "count":
                c["count_n"] += 1
                c["count_exact"] += parsed.get("count") == len(q.gt)
    m = {
        "syntax_valid": c["valid"] / max(1, c["n"]),
        "box_recall": c["box_tp"] / max(1, c["box_gt"]),
        "box_precision": c["box_tp"] / max(1, c["box_tp"] + c["box_fp"]),
        "point_hit_rate": c["pt_tp"] / max(1, c["pt_gt"]),
        "point_precision": c["pt_tp"] / max(1, c["pt_tp"] + c["pt_fp"]),
        "count_exact": c["count_exact"] / max(1, c["count_n"]),
        "absent_empty": c["absent_empty"] / max(1, c["absent_n"]),
        "n_queries": int(c["n"]),
    }
    if c["mem_n"]:
        m["memory_frame_accuracy"] = c["mem_frame"] / c["mem_n"]        # TAG of the last frame that shows the target
        m["memory_box_recall"] = c["mem_box"] / c["mem_n"]              # that, and the box at IoU >= 0.5
    m["by"] = {k: round(h / max(1, t), 4) for k, (h, t) in sorted(by.items())}
    m["by_n"] = {k: t for k, (h, t) in sorted(by.items())}
    return m


@torch.no_grad()
def indexer_recall(model, examples, rows, row_offset, device, k: int) -> float | None:
    """Recall of the dense top-k (by main attention mass on compressed entries, all visible entries attended) by the
    indexer's top-k, averaged over CSA layers and answer positions that see more than k entries."""
    from .attention import topk_visible, visible_entries
    rec = []
    for ex in examples:
        batch = collate([ex], row_offset, device, with_answer=True)
        seen = {}
        model.hidden(batch["tokens"], batch["image_index"], batch["span"], rows, csa_mode="dense",
                     probe=lambda n, t: seen.__setitem__(n, t))
        pos = (batch["targets"][0] != -100).nonzero().squeeze(1)
        for name in seen:
            if not name.endswith(".compressed_attn_mass") or name.replace("compressed_attn_mass",
                                                                          "indexer_scores") not in seen:
                continue
            mass = seen[name][0]                                                               # [T,n]
            scores = seen[name.replace("compressed_attn_mass", "indexer_scores")][0]
            T, n = mass.shape
            vis = visible_entries(torch.arange(T, device=device), n, model.cfg.lm.compress_rate_csa)
            rows_ok = pos[vis[pos].sum(-1) > k]
            if len(rows_ok) == 0:
                continue
            d = topk_visible(mass[None, rows_ok], vis[rows_ok], k)[0]
            i = topk_visible(scores[None, rows_ok], vis[rows_ok], k)[0]
            rec.append(((d & i).sum(-1).float() / k).mean().item())
    return sum(rec) / len(rec) if rec else None


def _by_size(sizes) -> dict:
    """{(W, H): frame indices of that size}, sizes in order of first appearance."""
    groups = defaultdict(list)
    for i, s in enumerate(sizes):
        groups[s].append(i)
    return groups


def stack_images(frames, sizes, pin: bool) -> dict:
    """The uint8 images of one training batch stacked per size, in frame order: {(W, H): [N,H,W,3]}, written straight
    into pinned memory when the batch goes to a GPU. The batch maker runs this on its own thread: stacking ~0.4 GB of
    images per step took ~1 s of the training loop's own time (page faults and two copies), with the GPU idle."""
    out = {}
    for s, idx in _by_size(sizes).items():
        first = frames[idx[0]].image
        buf = torch.empty((len(idx), *first.shape), dtype=torch.uint8, pin_memory=pin)
        torch.stack([torch.from_numpy(frames[i].image) for i in idx], out=buf)
        out[s] = buf
    return out


def encode_frames(model, frames, sizes, cfg, device, amp_dtype=None, stacked: dict | None = None):
    """Encode frames grouped by size. Returns rows [R,d] (frame order) and row_offset {frame idx: first row}.
    stacked: the images already stacked per size (stack_images), used when encoding with gradients."""
    outs, order = [], []
    for (W, H), idx in _by_size(sizes).items():
        pl = grid_placement(W, H, cfg)
        # without gradients (evaluation) encode in chunks: activation memory stays flat however many frames
        chunk = len(idx) if torch.is_grad_enabled() else 32
        parts = []
        for c in range(0, len(idx), chunk):
            if stacked is not None and chunk == len(idx):
                imgs = stacked[(W, H)]
            else:
                imgs = torch.stack([torch.from_numpy(frames[i].image) for i in idx[c:c + chunk]])
                if device.type == "cuda":             # pinned memory: a faster, asynchronous upload
                    imgs = imgs.pin_memory()
            imgs = imgs.to(device, non_blocking=True)
            px = layout.preprocess(imgs, pl)
            with torch.autocast(device_type=device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                parts.append(model.encode_images(px))
        outs.append(parts[0] if len(parts) == 1 else torch.cat(parts))
        order.extend(idx)
    n_rows = [o.shape[1] for o in outs for _ in range(o.shape[0])]
    rows = torch.cat([o.reshape(-1, o.shape[-1]) for o in outs])
    row_offset, acc = {}, 0
    for f, n in zip(order, n_rows):
        row_offset[f] = acc
        acc += n
    return outs, order, rows, row_offset


def grid_placement(W: int, H: int, cfg) -> layout.Placement:
    """Native grid when the image already is a valid grid, else the chosen grid (docs/model.md §2.1)."""
    if W % layout.GRID_UNIT == 0 and H % layout.GRID_UNIT == 0 and \
            (W // layout.MERGED_PX) * (H // layout.MERGED_PX) <= cfg.max_merged_tokens:
        gw, gh = W, H
    else:
        gw, gh = layout.choose_grid(W, H, cfg.min_grid_units, cfg.max_grid_units)
    return layout.placement(W, H, gw, gh)


@torch.no_grad()
def run_eval(model, cfg, eval_single, eval_multi, device, amp_dtype=None, vis=Visibility(), seed=0,
             deadline: float | None = None, eval_memory=None) -> dict:
    """eval_single / eval_multi / eval_memory: lists of (scenes, (W, H)). Returns the metrics dict; past `deadline`
    fewer queries are evaluated (n_queries says how many)."""
    from .samples import build_sequences
    model.eval()
    res = {}
    for name, data, ctx in (("single", eval_single, 0), ("multi", eval_multi, 7), ("memory", eval_memory, 7)):
        if not data:
            continue
        scenes = [s for s, _ in data]
        sizes = [wh for _, wh in data]
        batch = build_eval_batch(scenes, sizes, seed, vis, multi_context=ctx, memory=name == "memory")
        fsizes = []
        for s, wh in zip(scenes, sizes):
            fsizes += [wh] * len(s)
        _, _, rows, row_offset = encode_frames(model, batch.frames, fsizes, cfg, device, amp_dtype)
        grids = {i: (pl.grid_h // layout.MERGED_PX, pl.grid_w // layout.MERGED_PX)
                 for i, pl in ((i, grid_placement(*fsizes[i], cfg)) for i in range(len(batch.frames)))}
        prompts = []
        for ex in batch.examples:
            ex.seq = layout.build_sequence([(*grids[f], t) for f, t in zip(ex.frames, ex.tags)],
                                           tok.query_tokens(ex.query.task, ex.query.target), None,
                                           cfg.lm.vocab_size)
            prompts.append(ex)
        if deadline is not None and time.time() > deadline:
            break
        with torch.autocast(device_type=device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
            answers = greedy_decode(model, prompts, rows, row_offset, device, deadline=deadline)
        done = batch.examples[:len(answers)]
        ex_sizes = [fsizes[ex.frames[-1]] for ex in done]
        res[name] = score(done, answers, ex_sizes)
        res[name]["examples"] = [tok.detokenize(a) for a in answers[:4]]
        if name == "multi" and (deadline is None or time.time() < deadline):
            build_sequences(batch, cfg, grids)
            with torch.autocast(device_type=device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                res[name]["indexer_recall"] = indexer_recall(model, batch.examples, rows, row_offset, device,
                                                             cfg.lm.index_topk)
    model.train()
    return res
