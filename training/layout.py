"""Grid choice, preprocessing, DeepSeek N-layout image blocks and the token sequence (docs/model.md §2, §4).

Shapes: H, W image pixels; Gh, Gw grid pixels (multiples of 84); n_h, n_w merged-token grid (Gh/42, Gw/42).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from . import tokenizer as tok

GRID_UNIT = 84          # px: 6 patches of 14 = 2 merged tokens of 3x3 patches
MERGED_PX = 42          # px per merged token
PAD_GRAY = 127


# ---------------------------------------------------------------------------------------------------------------
# Grid choice and preprocessing (§2)
def choose_grid(width: int, height: int, min_units: int = 80, max_units: int = 96) -> tuple[int, int]:
    """(Gw, Gh) in pixels: among grids of (uw x uh) units of 84 px with min_units <= uw*uh <= max_units, the one whose
    aspect ratio fits the image best (max of min(a/A, A/a)); ties -> more units, then wider. 756x756 for square
    images, 1008x588 for 16:9."""
    A = width / height
    best = None
    for uw in range(1, max_units + 1):
        for uh in range(1, max_units // uw + 1):
            if uw * uh < min_units:
                continue
            a = uw / uh
            fit = min(a / A, A / a)
            key = (round(fit, 12), uw * uh, uw)
            if best is None or key > best[0]:
                best = (key, uw, uh)
    _, uw, uh = best
    return uw * GRID_UNIT, uh * GRID_UNIT


@dataclass(frozen=True)
class Placement:
    """Where the resized image lies inside the grid: grid_px = image_px * scale + offset."""
    grid_w: int
    grid_h: int
    scale: float
    off_x: int
    off_y: int
    content_w: int
    content_h: int


def placement(width: int, height: int, grid_w: int, grid_h: int) -> Placement:
    s = min(grid_w / width, grid_h / height)
    cw, ch = min(grid_w, round(width * s)), min(grid_h, round(height * s))
    return Placement(grid_w, grid_h, s, (grid_w - cw) // 2, (grid_h - ch) // 2, cw, ch)


def preprocess(rgb: torch.Tensor, pl: Placement) -> torch.Tensor:
    """rgb uint8 [B, H, W, 3] (any device) -> pixel_values float32 [B, 3, Gh, Gw]: resize keeping aspect
    (bilinear, antialias, in float, no rounding), pad with gray 127 centred, then (x/255 - 0.5)/0.5."""
    x = rgb.permute(0, 3, 1, 2).float()                                   # [B,3,H,W] 0..255
    if (x.shape[3], x.shape[2]) != (pl.content_w, pl.content_h):
        x = F.interpolate(x, size=(pl.content_h, pl.content_w), mode="bilinear", antialias=True,
                          align_corners=False)
    if (pl.content_w, pl.content_h) != (pl.grid_w, pl.grid_h):
        canvas = x.new_full((x.shape[0], 3, pl.grid_h, pl.grid_w), float(PAD_GRAY))
        canvas[:, :, pl.off_y:pl.off_y + pl.content_h, pl.off_x:pl.off_x + pl.content_w] = x
        x = canvas
    return (x / 255.0 - 0.5) / 0.5


# ---------------------------------------------------------------------------------------------------------------
# N-layout image block (§4.2), exactly DeepSeek VIS build_image_block
def image_block(n_h: int, n_w: int, start_pos: int) -> tuple[list[int], list[int]]:
    """types: the block's slot types (lead pads, START, grid in N order, trailing pads, END);
    perm: for each IMAGE slot in order, its row-major merged-token index r*n_w + c."""
    lead = 3 - start_pos % 4
    pad_h = n_h % 2
    rows, row_len = n_h + pad_h, n_w + 1
    pad_last = (rows // 2 * row_len) % 2 * 2
    types, perm = [tok.IMG_PAD] * lead + [tok.IMG_START], []
    for p in range(rows // 2):
        for c in range(row_len):
            for s in (0, 1):
                r = 2 * p + s
                if r >= n_h:
                    types.append(tok.IMG_PAD)
                elif c == n_w:
                    types.append(tok.IMG_NEWLINE)
                else:
                    types.append(tok.IMG_IMAGE)
                    perm.append(r * n_w + c)
    types += [tok.IMG_PAD] * pad_last + [tok.IMG_END]
    return types, perm


def block_length(n_h: int, n_w: int, start_pos: int) -> int:
    return len(image_block(n_h, n_w, start_pos)[0])


# ---------------------------------------------------------------------------------------------------------------
# Token sequence (§4.1): BOS, per frame "<|frame|> tag <image block>", then "<|query|> words <|answer|>" answer EOS
@dataclass
class Sequence:
    tokens: list[int] = field(default_factory=list)      # text ids < V; image slots V + type
    ref_frame: list[int] = field(default_factory=list)   # per token: frame slot k of an IMAGE slot, else -1
    ref_row: list[int] = field(default_factory=list)     # per token: merged-token row of an IMAGE slot, else -1
    span: list[int] = field(default_factory=list)        # per token: image span id (frame slot k) or -1
    coord_mask: list[bool] = field(default_factory=list)  # per token: True for a box/point coordinate value
    answer_start: int = -1                               # index of the first answer token

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def image_ref(self) -> list[tuple[int, int]]:
        return list(zip(self.ref_frame, self.ref_row))

    def push_text(self, toks: list[int], coord: list[bool] | None = None) -> None:
        n = len(toks)
        self.tokens += toks
        self.ref_frame += [-1] * n
        self.ref_row += [-1] * n
        self.span += [-1] * n
        self.coord_mask += coord if coord is not None else [False] * n

    def push_block(self, k: int, blk: "_Block") -> None:
        self.tokens += blk.tokens
        self.ref_frame += [k if r >= 0 else -1 for r in blk.rows]
        self.ref_row += blk.rows
        self.span += [k if s else -1 for s in blk.in_span]
        self.coord_mask += [False] * len(blk.tokens)


@dataclass(frozen=True)
class _Block:
    tokens: list[int]
    rows: list[int]          # merged-token row per slot (IMAGE), else -1
    in_span: list[bool]


_BLOCKS: dict = {}


def _block(n_h: int, n_w: int, start_mod4: int, vocab_size: int) -> _Block:
    key = (n_h, n_w, start_mod4, vocab_size)
    if key not in _BLOCKS:
        types, perm = image_block(n_h, n_w, start_mod4)
        it = iter(perm)
        rows, in_span, started = [], [], False
        for ty in types:
            started = started or ty == tok.IMG_START
            rows.append(next(it) if ty == tok.IMG_IMAGE else -1)
            in_span.append(started)
        _BLOCKS[key] = _Block([vocab_size + t for t in types], rows, in_span)
    return _BLOCKS[key]


def build_sequence(frames: list[tuple[int, int, int]], query: list[int] | None = None,
                   answer: list[int] | None = None, vocab_size: int = tok.VOCAB_SIZE, bos: bool = True) -> Sequence:
    """frames: (n_h, n_w, tag) oldest first; the last frame is the one queries are about."""
    seq = Sequence()
    if bos:
        seq.push_text([tok.BOS])
    for k, (n_h, n_w, tag) in enumerate(frames):
        seq.push_text([tok.FRAME, tag])
        seq.push_block(k, _block(n_h, n_w, len(seq) % 4, vocab_size))
    if query is not None:
        seq.push_text([tok.QUERY] + list(query) + [tok.ANSWER])
        seq.answer_start = len(seq)
        if answer is not None:
            g = tok.Grammar("any")
            coord = []
            for t in answer:
                coord.append(t < tok.NUM_COORDS and g.state == "item_num")
                g.push(t)
            seq.push_text(list(answer) + [tok.EOS], coord + [False])
    return seq


def frame_tokens(n_h: int, n_w: int) -> int:
    """Tokens one frame adds in steady state (marker + block, no lead pads): 348 at 18x18, 356 at 14x24."""
    return 2 + block_length(n_h, n_w, 3)


def compressed_rows_per_frame(n_h: int, n_w: int, m: int) -> float:
    return frame_tokens(n_h, n_w) / m


def merged_grid(grid_w: int, grid_h: int) -> tuple[int, int]:
    """(n_h, n_w) merged tokens of a grid in pixels."""
    assert grid_w % GRID_UNIT == 0 and grid_h % GRID_UNIT == 0, "grid sides must be multiples of 84 px"
    return grid_h // MERGED_PX, grid_w // MERGED_PX


def ceil_to(x: int, m: int) -> int:
    return int(math.ceil(x / m) * m)
