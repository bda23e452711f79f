"""DeepSeek-V4 attention (sliding / CSA / HCA) as transformers 5.17 `DeepseekV4Attention` computes it
(deepseek-spec.md §3-§6), for one-shot prefill over whole sequences. docs/model.md §6.

Parameter names equal transformers' (`q_a_proj`, `compressor.indexer.scorer.weights_proj`, ...), so a
`DeepseekV4Attention` state_dict loads into `DeepseekV4Attention` here with `load_state_dict(strict=True)`.

Two deliberate differences, both stated in docs/model.md §6.6:
  * the indexer's top-k is taken among the entries *visible* to the query (causal), ties -> the later entry;
  * raw keys may be widened by an image-span mask (tokens of one image block see the whole block).

Legend: B batch, T tokens, d width, H heads, D head dim, r rope dims, n compressed entries, m compress rate,
H_I / D_I indexer heads / dim, d_q q latent.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import CSA, HCA, SLIDING, LMConfig
from .vision import RMSNorm


# ---------------------------------------------------------------------------------------------------------------
# RoPE: interleaved pairs on the trailing r channels (spec §6)
def rope_angles(positions: torch.Tensor, r: int, theta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """positions [..., T] (int) -> cos, sin [..., T, r/2]; angle_i = pos * theta^(-2i/r)."""
    inv = 1.0 / (theta ** (torch.arange(0, r, 2, dtype=torch.float32, device=positions.device) / r))   # [r/2]
    ang = positions.float()[..., None] * inv
    return ang.cos(), ang.sin()


def apply_rope_tail(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate pairs (2i, 2i+1) of the last 2*cos.shape[-1] channels of x (in float32). cos/sin broadcast to x[..., :1]
    with the pair axis last. Inverse rotation = pass -sin."""
    r = 2 * cos.shape[-1]
    nope, rope = x[..., :-r], x[..., -r:].float()
    a, b = rope[..., 0::2], rope[..., 1::2]
    rot = torch.stack([a * cos - b * sin, b * cos + a * sin], dim=-1).flatten(-2)
    return torch.cat([nope, rot.to(x.dtype)], dim=-1)


class UnitRMS(nn.Module):
    """x * rsqrt(mean(x^2) + eps), no weight (DeepseekV4UnweightedRMSNorm)."""

    def __init__(self, eps: float):
        super().__init__()
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.float().square().mean(-1, keepdim=True) + self.eps).to(x.dtype)


class GroupedLinear(nn.Linear):
    """Block-diagonal grouped projection: weight [g*d_g, in_per_group]; group j uses rows j*d_g..(j+1)*d_g-1."""

    def __init__(self, in_per_group: int, out_features: int, groups: int):
        super().__init__(in_per_group, out_features, bias=False)
        self.groups = groups

    def forward(self, x: torch.Tensor) -> torch.Tensor:       # x [..., g, in_per_group] -> [..., g, d_g]
        w = self.weight.view(self.groups, -1, x.shape[-1])     # [g, d_g, in]
        return torch.einsum("...gi,goi->...go", x, w)


# ---------------------------------------------------------------------------------------------------------------
# Compressors (spec §4)
def gated_pool(kv: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
    """Per-channel softmax over the slot axis (dim 2, float32) then weighted sum. kv/gate [B, n, slots, D]."""
    w = gate.float().softmax(dim=2).to(kv.dtype)
    return (kv * w).sum(dim=2)


def overlap_slots(kv: torch.Tensor, gate: torch.Tensor, m: int, dim: int):
    """CSA two-series layout. kv/gate [B, n, m, 2*dim] -> [B, n, 2m, dim]: slots 0..m-1 = previous window's Ca
    (first dim channels), slots m..2m-1 = this window's Cb (last dim channels). Window 0's previous slots are
    kv 0 / gate -inf."""
    B, n = kv.shape[:2]
    prev_kv = torch.cat([kv.new_zeros(B, 1, m, dim), kv[:, :-1, :, :dim]], dim=1)
    prev_gate = torch.cat([gate.new_full((B, 1, m, dim), float("-inf")), gate[:, :-1, :, :dim]], dim=1)
    return torch.cat([prev_kv, kv[..., dim:]], dim=2), torch.cat([prev_gate, gate[..., dim:]], dim=2)


class HCACompressor(nn.Module):
    """Heavily compressed attention: non-overlapping windows of m' tokens -> one entry each."""

    def __init__(self, cfg: LMConfig):
        super().__init__()
        D, self.m = cfg.head_dim, cfg.compress_rate_hca
        self.kv_proj = nn.Linear(cfg.hidden_size, D, bias=False)
        self.gate_proj = nn.Linear(cfg.hidden_size, D, bias=False)
        self.position_bias = nn.Parameter(torch.zeros(self.m, D))
        self.kv_norm = RMSNorm(D, cfg.rms_norm_eps)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, start: int = 0) -> torch.Tensor:
        """x [B,T,d] (tokens start.., start a multiple of m') -> entries [B, n, D], n = T // m', RoPE at the
        absolute position start + w*m' (cos/sin indexed by absolute position)."""
        B, T, _ = x.shape
        m, n = self.m, T // self.m
        D = self.kv_norm.weight.shape[0]
        if n == 0:
            return x.new_zeros(B, 0, D)
        kv = self.kv_proj(x[:, :n * m]).view(B, n, m, D)
        gate = self.gate_proj(x[:, :n * m]).view(B, n, m, D) + self.position_bias
        pooled = self.kv_norm(gated_pool(kv, gate))
        pos = start + torch.arange(n, device=x.device) * m
        return apply_rope_tail(pooled, cos[pos], sin[pos])


def compress_overlap(mod: nn.Module, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor,
                     start: int = 0) -> torch.Tensor:
    """CSA compression (width 2m, stride m) with mod's kv_proj [2*dim, d], gate_proj, position_bias [m, 2*dim] and
    kv_norm [dim]: x [B,T,d] (tokens start.., start a multiple of m) -> entries [B, n, dim], n = T // m, RoPE
    (theta_c) at start + w*m. The first window has no previous window here (its Ca slots are empty)."""
    B, T, _ = x.shape
    m, dim = mod.m, mod.dim
    n = T // m
    if n == 0:
        return x.new_zeros(B, 0, dim)
    kv = mod.kv_proj(x[:, :n * m]).view(B, n, m, 2 * dim)
    gate = mod.gate_proj(x[:, :n * m]).view(B, n, m, 2 * dim) + mod.position_bias
    kv, gate = overlap_slots(kv, gate, m, dim)                                # [B,n,2m,dim]
    pooled = mod.kv_norm(gated_pool(kv, gate))                               # [B,n,dim]
    pos = start + torch.arange(n, device=x.device) * m
    return apply_rope_tail(pooled, cos[pos], sin[pos])


class IndexerScorer(nn.Module):
    def __init__(self, cfg: LMConfig):
        super().__init__()
        self.softmax_scale = cfg.index_head_dim ** -0.5
        self.weights_scaling = cfg.index_n_heads ** -0.5
        self.weights_proj = nn.Linear(cfg.hidden_size, cfg.index_n_heads, bias=False)

    def forward(self, q: torch.Tensor, keys: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """q [B,T,H_I,D_I], keys [B,n,D_I], x [B,T,d] -> I [B,T,n] = sum_h w_h relu(q_h . k) / sqrt(D_I), float32."""
        s = torch.einsum("bthd,bnd->bthn", q.float(), keys.float())
        s = F.relu(s) * self.softmax_scale
        w = self.weights_proj(x).float() * self.weights_scaling                  # [B,T,H_I]
        return (s * w.unsqueeze(-1)).sum(dim=2)


class Indexer(nn.Module):
    """Lightning indexer: its own CSA compressor at width D_I (same windows as the main one), queries from the
    shared q latent, ReLU scores weighted per head."""

    def __init__(self, cfg: LMConfig):
        super().__init__()
        self.num_heads, self.dim, self.m = cfg.index_n_heads, cfg.index_head_dim, cfg.compress_rate_csa
        self.kv_proj = nn.Linear(cfg.hidden_size, 2 * self.dim, bias=False)
        self.gate_proj = nn.Linear(cfg.hidden_size, 2 * self.dim, bias=False)
        self.position_bias = nn.Parameter(torch.zeros(self.m, 2 * self.dim))
        self.kv_norm = RMSNorm(self.dim, cfg.rms_norm_eps)
        self.q_b_proj = nn.Linear(cfg.q_lora_rank, self.num_heads * self.dim, bias=False)
        self.scorer = IndexerScorer(cfg)

    def keys(self, x, cos, sin, start: int = 0):
        return compress_overlap(self, x, cos, sin, start)                     # [B,n,D_I]

    def scores(self, x, q_latent, keys, cos_t, sin_t):
        B, T, _ = x.shape
        q = self.q_b_proj(q_latent).view(B, T, self.num_heads, self.dim)
        q = apply_rope_tail(q, cos_t[:, None, :], sin_t[:, None, :])        # RoPE theta_c at t
        return self.scorer(q, keys, x)                                       # [B,T,n]


class CSACompressor(nn.Module):
    """Compressed sparse attention: overlapping windows (width 2m, stride m) -> one entry per m tokens."""

    def __init__(self, cfg: LMConfig):
        super().__init__()
        self.dim, self.m = cfg.head_dim, cfg.compress_rate_csa
        self.kv_proj = nn.Linear(cfg.hidden_size, 2 * self.dim, bias=False)
        self.gate_proj = nn.Linear(cfg.hidden_size, 2 * self.dim, bias=False)
        self.position_bias = nn.Parameter(torch.zeros(self.m, 2 * self.dim))
        self.kv_norm = RMSNorm(self.dim, cfg.rms_norm_eps)
        self.indexer = Indexer(cfg)

    def forward(self, x, cos, sin, start: int = 0):
        return compress_overlap(self, x, cos, sin, start)                     # [B,n,D]


# ---------------------------------------------------------------------------------------------------------------
@dataclass
class AttnInputs:
    """Per-batch tensors shared by all layers."""
    raw_mask: torch.Tensor            # [B,T,T] bool: key s visible to query t (sliding window and image spans)
    positions: torch.Tensor           # [T] int64 absolute positions
    rope_main: tuple                  # cos, sin [T, r/2] at theta
    rope_compress: tuple              # cos, sin [T, r/2] at theta_c
    csa_mode: str = "sparse"          # 'sparse' (indexer top-k) | 'dense' (all visible entries)
    want_kl: bool = False             # collect indexer KL terms
    probe: object = None              # probe(name, tensor) for fixtures
    fused: bool = False               # core through scaled_dot_product_attention (training speed; same function)


def visible_entries(positions: torch.Tensor, n: int, m: int) -> torch.Tensor:
    """[T, n] bool: entry w is visible to query t iff its window is complete: w < (t + 1) // m."""
    return torch.arange(n, device=positions.device)[None, :] < ((positions + 1) // m)[:, None]


def topk_visible(scores: torch.Tensor, visible: torch.Tensor, k: int) -> torch.Tensor:
    """[B,T,n] float scores, [T,n] or [B,T,n] visible -> [B,T,n] bool selection: the k highest-scoring visible
    entries (all visible ones if fewer); equal scores prefer the later entry."""
    n = scores.shape[-1]
    visible = visible.expand_as(scores)
    if n <= k:
        return visible.clone()
    s = scores.masked_fill(~visible, float("-inf")).flip(-1)                 # later entries first
    order = torch.sort(s, dim=-1, descending=True, stable=True).indices[..., :k]
    sel = torch.zeros_like(visible)
    sel.scatter_(-1, (n - 1) - order, True)
    return sel & visible


class DeepseekV4Attention(nn.Module):
    def __init__(self, cfg: LMConfig, layer_type: str):
        super().__init__()
        self.cfg, self.layer_type = cfg, layer_type
        d, H, D, dq = cfg.hidden_size, cfg.num_attention_heads, cfg.head_dim, cfg.q_lora_rank
        self.H, self.D = H, D
        self.q_a_proj = nn.Linear(d, dq, bias=False)
        self.q_a_norm = RMSNorm(dq, cfg.rms_norm_eps)
        self.q_b_proj = nn.Linear(dq, H * D, bias=False)
        self.q_b_norm = UnitRMS(cfg.rms_norm_eps)
        self.kv_proj = nn.Linear(d, D, bias=False)
        self.kv_norm = RMSNorm(D, cfg.rms_norm_eps)
        self.o_a_proj = GroupedLinear(H * D // cfg.o_groups, cfg.o_groups * cfg.o_lora_rank, cfg.o_groups)
        self.o_b_proj = nn.Linear(cfg.o_groups * cfg.o_lora_rank, d, bias=False)
        self.sinks = nn.Parameter(torch.zeros(H))
        self.compressor = {SLIDING: lambda: None, CSA: lambda: CSACompressor(cfg),
                           HCA: lambda: HCACompressor(cfg)}[layer_type]()
        self.kl = None                     # indexer KL (scalar tensor) from the last forward, when asked for

    # -- stages (shared with training/stream.py) ---------------------------------------------------------------------
    def rope(self, ai_or_tables):
        """(cos, sin) of this layer's base: theta for sliding layers, theta_c for CSA/HCA."""
        main, comp = ai_or_tables
        return main if self.layer_type == SLIDING else comp

    def project(self, x, cos_t, sin_t):
        """x [B,T,d] -> q latent [B,T,d_q], q [B,H,T,D], kv [B,T,D] (cos_t/sin_t at the T query positions)."""
        B, T, _ = x.shape
        q_latent = self.q_a_norm(self.q_a_proj(x))
        q = self.q_b_norm(self.q_b_proj(q_latent).view(B, T, self.H, self.D))
        q = apply_rope_tail(q, cos_t[:, None, :], sin_t[:, None, :]).transpose(1, 2)
        kv = apply_rope_tail(self.kv_norm(self.kv_proj(x)), cos_t, sin_t)
        return q_latent, q, kv

    def core(self, q, keys, mask):
        """One softmax over keys [B,S,D] (raw + compressed) and the sink. mask [B,T,S] bool.
        Returns probs [B,H,T,S] (float32, sink dropped) and o [B,H,T,D]."""
        B, H, T, _ = q.shape
        logits = torch.einsum("bhtd,bsd->bhts", q, keys) * (self.D ** -0.5)
        logits = logits.float().masked_fill(~mask[:, None], float("-inf"))
        sink = self.sinks.float().view(1, H, 1, 1).expand(B, H, T, 1)
        full = torch.cat([logits, sink], dim=-1)
        probs = (full - full.max(dim=-1, keepdim=True).values).softmax(dim=-1)[..., :-1]
        return probs, torch.einsum("bhts,bsd->bhtd", probs.to(keys.dtype), keys)

    def core_fused(self, q, keys, mask, raw: int, want_comp_probs: bool):
        """core() through F.scaled_dot_product_attention, whose fused kernels keep no [B,H,T,S] tensor for the
        backward pass. The sink is one more key: q gets a constant-1 channel, the sink key carries sinks[h] / scale
        there (logit = sinks[h]) and its value is zero. Channels are padded by 8 and keys to a multiple of 16 (masked),
        the alignment the fused kernels want. Returns the
        probabilities of the compressed entries (keys raw.., [B,H,T,S-raw] float32, no gradient: the indexer KL's
        target) when asked for, else None; and o [B,H,T,D]."""
        B, H, T, D = q.shape
        S = keys.shape[1]
        scale = D ** -0.5
        dt = q.dtype
        pad = torch.zeros(8, dtype=dt, device=q.device)
        qa = torch.cat([q, (pad + torch.eye(1, 8, dtype=dt, device=q.device)[0]).expand(B, H, T, 8)], -1)
        ka = torch.cat([keys.to(dt), pad.expand(B, S, 8)], -1)                                   # [B,S,D+8]
        sink = torch.cat([pad.new_zeros(H, D), (self.sinks / scale).to(dt)[:, None], pad.new_zeros(H, 7)], -1)
        ka = torch.cat([ka[:, None].expand(B, H, S, D + 8), sink[None, :, None].expand(B, H, 1, D + 8)], 2)
        extra = -(S + 1) % 16                                       # masked zero keys: S' = S + 1 + extra, 16-aligned
        ka = torch.cat([ka, pad.new_zeros(1, 1, 1, D + 8).expand(B, H, extra, D + 8)], 2)         # [B,H,S',D+8]
        va = torch.cat([ka[:, :, :S, :D], pad.new_zeros(1, 1, 1, D).expand(B, H, 1 + extra, D)], 2)
        va = torch.cat([va, pad.expand(B, H, S + 1 + extra, 8)], -1)                               # [B,H,S',D+8]
        am = torch.cat([mask, mask.new_ones(B, T, 1), mask.new_zeros(B, T, extra)], -1)[:, None]  # [B,1,T,S']
        o = F.scaled_dot_product_attention(qa, ka, va, attn_mask=am, scale=scale)[..., :D]
        comp = None
        if want_comp_probs:
            with torch.no_grad():
                logits = (torch.einsum("bhtd,bsd->bhts", q, keys) * scale).float()
                logits = logits.masked_fill(~mask[:, None], float("-inf"))
                lse = torch.logaddexp(torch.logsumexp(logits, -1), self.sinks.float().view(1, H, 1))  # [B,H,T]
                comp = (logits[..., raw:] - lse[..., None]).exp()
        return comp, o

    def output(self, o, cos_t, sin_t):
        """De-rotate at the query positions, then the grouped output projection. o [B,H,T,D] -> [B,T,d]."""
        B, _, T, _ = o.shape
        o = apply_rope_tail(o.transpose(1, 2), cos_t[:, None, :], -sin_t[:, None, :])
        return self.o_b_proj(self.o_a_proj(o.reshape(B, T, self.cfg.o_groups, -1)).flatten(2))

    def select(self, iscores, vis, csa_mode):
        B, T, n = iscores.shape
        if csa_mode == "dense":
            return vis.expand(B, T, n)
        return topk_visible(iscores, vis, self.cfg.index_topk)

    def forward(self, x: torch.Tensor, ai: AttnInputs, name: str = "") -> torch.Tensor:
        """One-shot prefill. x [B,T,d] (already input_layernorm'ed) -> [B,T,d]."""
        B, T, _ = x.shape
        cos, sin = self.rope((ai.rope_main, ai.rope_compress))                            # [T, r/2]
        q_latent, q, kv = self.project(x, cos, sin)
        keys, mask = kv, ai.raw_mask                                                       # [B,T,D], [B,T,T]
        self.kl = None
        if self.compressor is not None:
            comp = self.compressor(x, cos, sin)                                            # [B,n,D]
            n = comp.shape[1]
            vis = visible_entries(ai.positions, n, self.compressor.m)                      # [T,n]
            if ai.probe is not None:
                ai.probe(f"{name}.compressed_kv", comp)
            if self.layer_type == CSA:
                idx = self.compressor.indexer
                # The indexer trains on its own KL loss only: detach its inputs (DeepSeek-V3.2).
                xi, qi = (x.detach(), q_latent.detach()) if self.training else (x, q_latent)
                ikeys = idx.keys(xi, cos, sin)                                             # [B,n,D_I]
                iscores = idx.scores(xi, qi, ikeys, cos, sin)                              # [B,T,n]
                sel = self.select(iscores, vis, ai.csa_mode)
                if ai.probe is not None:
                    ai.probe(f"{name}.indexer_keys", ikeys)
                    ai.probe(f"{name}.indexer_scores", iscores.masked_fill(~vis, 0.0))
                    ai.probe(f"{name}.selected", sel)
            else:
                sel = vis.expand(B, T, n)
            keys = torch.cat([kv, comp.to(kv.dtype)], dim=1)                               # [B,T+n,D]
            mask = torch.cat([mask, sel], dim=2)                                           # [B,T,T+n]
        if ai.fused and ai.probe is None:
            comp_probs, o = self.core_fused(q, keys, mask, T, self.layer_type == CSA and ai.want_kl)
        else:
            probs, o = self.core(q, keys, mask)
            comp_probs = probs[..., T:]
        if self.layer_type == CSA and ai.want_kl:
            self.kl = indexer_kl(comp_probs, iscores, sel)
        if ai.probe is not None and self.compressor is not None:
            ai.probe(f"{name}.compressed_attn_mass", probs[..., T:].sum(1))
        return self.output(o, cos, sin)


def indexer_kl(comp_probs: torch.Tensor, iscores: torch.Tensor, sel: torch.Tensor) -> torch.Tensor:
    """KL(p_main || softmax(I)) over the selected entries, averaged over queries with >= 1 selected entry (0 when
    none has one). comp_probs [B,H,T,n]: main attention probabilities on compressed entries (used as a detached
    target); p_main = head-summed and L1-normalised over entries (the DeepSeek-V3.2 indexer warm-up target).
    Written without boolean indexing, so that it never waits for the device."""
    valid = sel.any(-1)                                                                     # [B,T]
    with torch.no_grad():
        p = comp_probs.detach().float().sum(1)                                              # [B,T,n]
        p = p / p.sum(-1, keepdim=True).clamp_min(1e-12)
    # a finite fill: rows with nothing selected stay finite (and are weighted 0) in forward and backward
    logq = iscores.float().masked_fill(~sel, -1e30).log_softmax(-1).masked_fill(~sel, 0.0)
    kl = (p * (p.clamp_min(1e-12).log() - logq)).sum(-1)                                  # [B,T]
    return (kl * valid).sum() / valid.sum().clamp_min(1)
