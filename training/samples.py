"""From simulator frames to training/eval samples: which objects count, queries and answers, auxiliary targets,
and collation into padded tensors (docs/model.md §5, §8, §9).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import torch

from . import layout
from . import tokenizer as tok
from .config import GlimpseConfig
from .data import Frame

TASK_WEIGHTS = {"box": 0.4, "point": 0.3, "count": 0.3}


# ---------------------------------------------------------------------------------------------------------------
# Which objects an answer lists
@dataclass(frozen=True)
class Visibility:
    min_px_756: int = 150             # visible pixels at 756x756 (scaled by image area)
    min_side: int = 4                 # px of the visible box

    def split(self, objects: list[dict], W: int, H: int) -> tuple[list[dict], list[dict]]:
        """(kept, ignored): kept objects are answered; ignored ones (too little visible) are neither required nor
        penalised in evaluation."""
        min_px = max(8, int(self.min_px_756 * W * H / (756 * 756)))
        kept, ignored = [], []
        for o in objects:
            x1, y1, x2, y2 = o["box"]
            ok = o["visible_px"] >= min_px and (x2 - x1) >= self.min_side and (y2 - y1) >= self.min_side
            (kept if ok else ignored).append(o)
        return kept, ignored


def matches(o: dict, target: str) -> bool:
    if target == "objects":
        return True
    parts = target.split()
    return o["class"] == parts[-1] and (len(parts) == 1 or o["color"] == parts[0])


def box_item(o: dict, W: int, H: int) -> list[int]:
    x1, y1, x2, y2 = o["box"]
    return [tok.coord(x1, W), tok.coord(y1, H), tok.coord(x2, W), tok.coord(y2, H)]


def point_item(o: dict, W: int, H: int) -> list[int]:
    x, y = o["point"]
    return [tok.coord(x + 0.5, W), tok.coord(y + 0.5, H)]


def sort_items(items: list[list[int]]) -> list[list[int]]:
    """Top-to-bottom, then left-to-right: boxes by (y1, x1, y2, x2), points by (y, x), on the 0..999 values."""
    if items and len(items[0]) == 4:
        return sorted(items, key=lambda b: (b[1], b[0], b[3], b[2]))
    return sorted(items, key=lambda p: (p[1], p[0]))


@dataclass
class Query:
    task: str
    target: str
    items: list[list[int]]           # the answer's items, sorted
    gt: list[dict]                   # kept objects matching the target (for evaluation)
    ignored: list[dict]              # ignored objects matching the target
    frame_tag: int | None = None     # memory: the TAG of the frame where the target was last seen
    frame_back: int | None = None    # memory: that frame's position counted back from the latest (0 = latest)

    def answer(self) -> list[int]:
        return tok.answer_tokens(self.task, self.target, self.items, self.frame_tag)


def all_targets() -> list[str]:
    return tok.CLASSES + [f"{c} {k}" for c in tok.COLORS for k in tok.CLASSES]


def sample_query(frame: Frame, W: int, H: int, rng: random.Random, vis: Visibility, p_absent: float = 0.15,
                 task: str | None = None, absent: bool | None = None) -> Query:
    kept, ignored = vis.split(frame.objects, W, H)
    if task is None:
        task = rng.choices(list(TASK_WEIGHTS), weights=list(TASK_WEIGHTS.values()))[0]
    if absent is None:
        absent = rng.random() < p_absent
    absent = absent or not kept                   # nothing listable in view: the query can only be an absent one
    if absent:
        present = frame.objects
        choices = [t for t in all_targets() if not any(matches(o, t) for o in present)]
        target = rng.choice(choices) if choices else "objects"
    else:
        o = rng.choice(kept)
        r = rng.random()
        target = o["class"] if r < 0.45 else f"{o['color']} {o['class']}" if r < 0.9 else "objects"
    gt = [o for o in kept if matches(o, target)]
    ign = [o for o in ignored if matches(o, target)]
    make = box_item if task == "box" else point_item
    return Query(task, target, sort_items([make(o, W, H) for o in gt]), gt, ign)


# ---------------------------------------------------------------------------------------------------------------
# Memory queries: "where was <target> last seen" over a multi-frame context (docs/model.md §5.3)
MEMORY_KINDS = {"earlier": 0.6, "latest": 0.2, "never": 0.2}


def sample_memory_query(frames: list[Frame], tags: list[int], rng: random.Random, vis: Visibility, W: int,
                        H: int) -> Query:
    """A memory query over a context (frames oldest first, the last one the latest) with its TAGs. The answer is the
    TAG of the last frame in which the target is listable and that frame's box of it, or the empty list when no
    frame of the context shows it. Targets are a class or a colour and a class; one is usable only when its last
    frame shows exactly one matching listable object and no later frame shows a barely visible (ignored) one, so
    the answer is never ambiguous. The kind of answer is drawn first (last seen in an older frame 0.6, in the latest
    0.2, never 0.2, among the kinds available), then a target of that kind."""
    by_kind = {k: [] for k in MEMORY_KINDS}
    splits = [vis.split(f.objects, W, H) for f in reversed(frames)]        # (kept, ignored), newest first
    for target in all_targets():
        last, ambiguous = None, False
        for back, (kept, ignored) in enumerate(splits):
            hits = [o for o in kept if matches(o, target)]
            if hits:
                last = (back, hits) if len(hits) == 1 else None
                ambiguous = len(hits) != 1
                break
            if any(matches(o, target) for o in ignored):
                ambiguous = True
                break
        if ambiguous:
            continue
        if last is None:
            by_kind["never"].append((target, None))
        else:
            by_kind["latest" if last[0] == 0 else "earlier"].append((target, last))
    kinds = [k for k in MEMORY_KINDS if by_kind[k]]
    kind = rng.choices(kinds, weights=[MEMORY_KINDS[k] for k in kinds])[0]
    target, last = rng.choice(by_kind[kind])
    if last is None:
        return Query("memory", target, [], [], [])
    back, (o,) = last
    return Query("memory", target, [box_item(o, W, H)], [o], [], frame_tag=tags[-1 - back], frame_back=back)


# ---------------------------------------------------------------------------------------------------------------
# Auxiliary targets on the merged grid (recipe: objectness at the visible-box centre cell, class/colour there,
# centre offset in the cell and visible-box size)
def aux_targets(frame: Frame, pl: layout.Placement, vis: Visibility, W: int, H: int) -> dict[str, np.ndarray]:
    n_h, n_w = pl.grid_h // layout.MERGED_PX, pl.grid_w // layout.MERGED_PX
    obj = np.zeros((n_h, n_w), np.float32)
    obj_w = np.ones((n_h, n_w), np.float32)
    cls = np.zeros((n_h, n_w), np.int64)
    col = np.zeros((n_h, n_w), np.int64)
    box = np.zeros((n_h, n_w, 4), np.float32)
    best = np.zeros((n_h, n_w), np.int64)
    kept, ignored = vis.split(frame.objects, W, H)
    for o, keep in [(o, True) for o in kept] + [(o, False) for o in ignored]:
        x1, y1, x2, y2 = (v * pl.scale for v in o["box"])
        cx, cy = (x1 + x2) / 2 + pl.off_x, (y1 + y2) / 2 + pl.off_y
        j = min(n_w - 1, max(0, int(cx // layout.MERGED_PX)))
        i = min(n_h - 1, max(0, int(cy // layout.MERGED_PX)))
        if not keep:
            if obj[i, j] == 0:
                obj_w[i, j] = 0.0           # don't teach "empty" where a barely visible object sits
            continue
        if o["visible_px"] <= best[i, j]:
            continue
        best[i, j] = o["visible_px"]
        obj[i, j], obj_w[i, j] = 1.0, 1.0
        cls[i, j] = tok.CLASSES.index(o["class"])
        col[i, j] = tok.COLORS.index(o["color"])
        box[i, j] = [cx / layout.MERGED_PX - j, cy / layout.MERGED_PX - i, (x2 - x1) / pl.grid_w,
                     (y2 - y1) / pl.grid_h]
    return {"obj": obj.reshape(-1), "obj_w": obj_w.reshape(-1), "cls": cls.reshape(-1), "col": col.reshape(-1),
            "box": box.reshape(-1, 4)}


# ---------------------------------------------------------------------------------------------------------------
# Batches
@dataclass
class Example:
    frames: list[int]                 # indices into Batch.frames, oldest first; the last one is queried
    tags: list[int]
    query: Query
    seq: layout.Sequence = None


@dataclass
class Batch:
    frames: list[Frame] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    stacked: dict | None = None        # uint8 images per size, stacked by the batch maker (evaluate.stack_images)


def add_single(batch: Batch, frame: Frame, n_queries: int, rng: random.Random, vis: Visibility, W: int, H: int):
    k = len(batch.frames)
    batch.frames.append(frame)
    tag = rng.randrange(1000)
    for _ in range(n_queries):
        batch.examples.append(Example([k], [tag], sample_query(frame, W, H, rng, vis)))


def add_sequence(batch: Batch, scene: list[Frame], n_examples: int, max_context: int, rng: random.Random,
                 vis: Visibility, W: int, H: int, p_memory: float = 0.0):
    """Multi-frame contexts from one scene: the queried frame j and up to max_context earlier frames (subsampled,
    in time order) before it. Frame tags count frames of the scene from a random offset (mod 1000). With
    probability p_memory an example is a memory query instead, over the scene's last frame and the max_context
    frames before it (the longest span)."""
    base = len(batch.frames)
    batch.frames.extend(scene)
    offset = rng.randrange(1000)
    for _ in range(n_examples):
        if p_memory > 0 and rng.random() < p_memory:
            batch.examples.append(memory_example(base, scene, max_context, offset, rng, vis, W, H))
            continue
        j = rng.randrange(1, len(scene)) if len(scene) > 1 else 0
        n_ctx = rng.randint(1, min(j, max_context)) if j > 0 else 0
        ctx = sorted(rng.sample(range(j), n_ctx))
        idx = ctx + [j]
        batch.examples.append(Example([base + i for i in idx], [(offset + i) % 1000 for i in idx],
                                      sample_query(scene[j], W, H, rng, vis)))


def memory_example(base: int, scene: list[Frame], context: int, offset: int, rng: random.Random, vis: Visibility,
                   W: int, H: int) -> Example:
    """A memory query about the scene's last frame with the `context` frames before it; the scene's frames sit at
    batch index base.., its TAGs count from offset (mod 1000)."""
    j = len(scene) - 1
    idx = list(range(max(0, j - context), j + 1))
    tags = [(offset + i) % 1000 for i in idx]
    return Example([base + i for i in idx], tags, sample_memory_query([scene[i] for i in idx], tags, rng, vis, W, H))


def build_sequences(batch: Batch, cfg: GlimpseConfig, grids: dict) -> None:
    """grids: frame index -> (n_h, n_w)."""
    for ex in batch.examples:
        frames = [(*grids[f], t) for f, t in zip(ex.frames, ex.tags)]
        ex.seq = layout.build_sequence(frames, tok.query_tokens(ex.query.task, ex.query.target), ex.query.answer(),
                                       cfg.lm.vocab_size)


def collate(examples: list[Example], row_offset: dict[int, int], device, with_answer: bool = True) -> dict:
    """Pad sequences on the right. row_offset: frame index -> first aligner row of that frame.
    Returns tokens/image_index/span [B,T] and targets/is_coord [B,T] (target = next token on answer positions)."""
    T = max(len(ex.seq) for ex in examples)
    B = len(examples)
    tokens = torch.full((B, T), tok.PAD, dtype=torch.long)
    image_index = torch.full((B, T), -1, dtype=torch.long)
    span = torch.full((B, T), -1, dtype=torch.long)
    targets = torch.full((B, T), -100, dtype=torch.long)
    is_coord = torch.zeros((B, T), dtype=torch.bool)
    for b, ex in enumerate(examples):
        s = ex.seq
        L = len(s)
        tokens[b, :L] = torch.tensor(s.tokens)
        rf, rr = torch.tensor(s.ref_frame), torch.tensor(s.ref_row)
        has = rf >= 0
        offs = torch.tensor([row_offset[ex.frames[k]] for k in range(len(ex.frames))], dtype=torch.long)
        image_index[b, :L][has] = offs[rf[has]] + rr[has]
        span[b, :L] = torch.tensor(s.span)
        if with_answer:
            a = s.answer_start
            targets[b, a - 1:L - 1] = tokens[b, a:L]
            is_coord[b, a - 1:L - 1] = torch.tensor(s.coord_mask[a:L])
    answer_index = (targets.view(-1) != -100).nonzero().squeeze(1)      # on the CPU: no device sync later
    out = {k: v.to(device, non_blocking=True) for k, v in
           dict(tokens=tokens, image_index=image_index, span=span, targets=targets, is_coord=is_coord,
                answer_index=answer_index).items()}
    out["n_answer"] = int(answer_index.numel())
    return out
