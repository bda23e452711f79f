"""Streaming inference with per-layer state (docs/model.md §7): the reference for the Java engine's persistent
context, and the way to evaluate contexts of hundreds of frames (one-shot prefill would need T x T masks).

A context is fed in chunks (BOS + first frame, then one chunk per frame, then the query, then one token at a time);
an image span must lie inside one chunk. Per layer it keeps the last window-1 raw kv rows, all compressed rows
(and indexer keys), and the layer inputs x of the tokens its compressor still needs (the incomplete window, and
for CSA the previous complete window for the overlap). Outputs equal the one-shot forward (tests/test_stream.py).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import torch

from . import layout
from . import tokenizer as tok
from .attention import CSA, SLIDING, rope_angles, topk_visible, visible_entries


@dataclass
class LayerState:
    raw: torch.Tensor | None = None          # [1, <=W-1, D] rotated kv rows of the last positions
    entries: torch.Tensor | None = None      # [1, n, D] compressed rows
    ikeys: torch.Tensor | None = None        # [1, n, D_I] indexer keys (CSA)
    xbuf: torch.Tensor | None = None         # [1, k, d] layer inputs still needed by the compressor
    xbuf_start: int = 0                      # absolute position of xbuf[0]


@dataclass
class StreamContext:
    model: object
    pos: int = 0
    layers: list = field(default_factory=list)
    rope_cache: dict = field(default_factory=dict)

    def __post_init__(self):
        self.layers = [LayerState() for _ in self.model.lm.layers]

    def fork(self) -> "StreamContext":
        """Copy of the mutable state (tensors are never modified in place, so sharing them is safe)."""
        c = StreamContext(self.model, self.pos)
        c.layers = [copy.copy(s) for s in self.layers]
        c.rope_cache = self.rope_cache
        return c

    def _tables(self, upto: int, device):
        """(main, compress) cos/sin tables covering positions [0, upto)."""
        have = self.rope_cache.get("n", 0)
        if have < upto:
            n = max(upto, 2 * have, 4096)
            cfg = self.model.cfg.lm
            p = torch.arange(n, device=device)
            self.rope_cache.update(n=n, main=rope_angles(p, cfg.rope_dim, cfg.rope_theta),
                                   compress=rope_angles(p, cfg.rope_dim, cfg.compress_rope_theta))
        return self.rope_cache["main"], self.rope_cache["compress"]

    @torch.no_grad()
    def append(self, tokens: list[int], image_index: list[int], rows: torch.Tensor | None,
               in_span: list[bool]) -> torch.Tensor:
        """Feed one chunk. image_index: row into rows per token (or -1); in_span: token inside the chunk's image
        span. Returns the final-normed hidden states of the chunk [L, d]."""
        model = self.model
        dev = next(model.parameters()).device
        L = len(tokens)
        t0, t1 = self.pos, self.pos + L
        main, comp = self._tables(t1, dev)
        h = model.lm.embed(torch.tensor([tokens], device=dev), torch.tensor([image_index], device=dev), rows)
        span = torch.tensor(in_span, device=dev)
        for layer, st in zip(model.lm.layers, self.layers):
            x = layer.input_layernorm(h)
            h = h + self._attend(layer.self_attn, st, x, t0, t1, main, comp, span)
            h = h + layer.mlp(layer.post_attention_layernorm(h))
        self.pos = t1
        return model.lm.norm(h)[0]

    def _attend(self, att, st: LayerState, x, t0, t1, main, comp, span):
        cfg = att.cfg
        cos, sin = att.rope((main, comp))
        ct, stt = cos[t0:t1], sin[t0:t1]
        q_latent, q, kv = att.project(x, ct, stt)
        L = t1 - t0
        W = cfg.sliding_window
        # raw keys: kept rows (positions t0-k .. t0-1) + this chunk
        old = st.raw if st.raw is not None else kv[:, :0]
        keys = torch.cat([old, kv], dim=1)
        kpos = torch.arange(t0 - old.shape[1], t1, device=x.device)
        qpos = torch.arange(t0, t1, device=x.device)
        mask = (kpos[None] <= qpos[:, None]) & (qpos[:, None] - kpos[None] < W)
        inner = span[:, None] & span[None, :]                                           # same span (chunk-local)
        mask[:, old.shape[1]:] |= inner
        st.raw = keys[:, -(W - 1):] if W > 1 else keys[:, :0]
        if att.compressor is not None:
            m = att.compressor.m
            new_e, new_k = self._compress(att, st, x, t0, cos, sin)
            st.entries = new_e if st.entries is None else torch.cat([st.entries, new_e], dim=1)
            if new_k is not None:
                st.ikeys = new_k if st.ikeys is None else torch.cat([st.ikeys, new_k], dim=1)
            n = st.entries.shape[1]
            vis = visible_entries(qpos, n, m)                                           # [L,n]
            if att.layer_type == CSA:
                iscores = att.compressor.indexer.scores(x, q_latent, st.ikeys, ct, stt)  # [1,L,n]
                sel = topk_visible(iscores, vis, cfg.index_topk)[0]
            else:
                sel = vis
            keys = torch.cat([keys, st.entries.to(keys.dtype)], dim=1)
            mask = torch.cat([mask, sel], dim=1)
        _, o = att.core(q, keys, mask[None])
        return att.output(o, ct, stt)

    def _compress(self, att, st: LayerState, x, t0, cos, sin):
        """New compressed rows (and indexer keys) completed by this chunk; keeps the inputs still needed."""
        comp = att.compressor
        m = comp.m
        overlap = att.layer_type == CSA
        buf = st.xbuf if st.xbuf is not None else x[:, :0]
        seg = torch.cat([buf, x], dim=1)
        start = st.xbuf_start
        done = 0 if st.entries is None else st.entries.shape[1]
        e = comp(seg, cos, sin, start)                                                  # windows from `start`
        k = comp.indexer.keys(seg, cos, sin, start) if overlap else None
        first = done - start // m                                                       # windows already emitted
        e = e[:, first:]
        k = k[:, first:] if k is not None else None
        total = done + e.shape[1]
        # keep inputs from the previous complete window (CSA overlap) or from the incomplete window (HCA)
        keep_from = max(0, (total - 1) * m) if overlap else total * m
        st.xbuf = seg[:, keep_from - start:]
        st.xbuf_start = keep_from
        return e, k


def frame_chunk(tag: int, n_h: int, n_w: int, start_pos: int, row0: int, vocab: int, bos: bool = False):
    """Tokens, image_index and in_span of one frame chunk ("<|frame|> tag" + image block), optionally BOS first."""
    toks, idx, span = ([tok.BOS], [-1], [False]) if bos else ([], [], [])
    toks += [tok.FRAME, tag]
    idx += [-1, -1]
    span += [False, False]
    types, perm = layout.image_block(n_h, n_w, start_pos + len(toks))
    it = iter(perm)
    inside = False
    for ty in types:
        inside = inside or ty == tok.IMG_START
        toks.append(vocab + ty)
        idx.append(row0 + next(it) if ty == tok.IMG_IMAGE else -1)
        span.append(inside)
    return toks, idx, span


@torch.no_grad()
def prefill(model, rows_per_frame: list[torch.Tensor], tags: list[int], grid: tuple[int, int]) -> StreamContext:
    """A context with the frames appended one chunk each (BOS before the first, <|frame|> TAG, image block)."""
    ctx = StreamContext(model)
    n_h, n_w = grid
    V = model.cfg.lm.vocab_size
    for f, (r, tag) in enumerate(zip(rows_per_frame, tags)):
        toks, idx, span = frame_chunk(tag, n_h, n_w, ctx.pos, 0, V, bos=(f == 0))
        ctx.append(toks, idx, r, span)
    return ctx


@torch.no_grad()
def ask(ctx: StreamContext, task: str, target: str, max_new: int) -> list[int]:
    """Asks on a fork of ctx (ctx itself is unchanged) with constrained greedy decoding; the answer ends with EOS
    unless max_new ran out."""
    model = ctx.model
    fork = ctx.fork()
    q = [tok.QUERY] + tok.query_tokens(task, target) + [tok.ANSWER]
    h = fork.append(q, [-1] * len(q), None, [False] * len(q))
    g = tok.Grammar(task, tok.target_tokens(target))
    out = []
    for _ in range(max_new):
        logits = model.logits(h[-1:])[0]
        allow = torch.zeros_like(logits, dtype=torch.bool)
        allow[list(g.allowed())] = True
        t = int(logits.masked_fill(~allow, float("-inf")).argmax())
        out.append(t)
        if t == tok.EOS:
            break
        g.push(t)
        h = fork.append([t], [-1], None, [False])
    return out


@torch.no_grad()
def stream_answer(model, rows_per_frame: list[torch.Tensor], tags: list[int], grid: tuple[int, int], task: str,
                  target: str, max_new: int = 360) -> list[int]:
    """Append frames one chunk at a time, then ask (on a fork) with constrained greedy decoding."""
    return ask(prefill(model, rows_per_frame, tags, grid), task, target, max_new)
