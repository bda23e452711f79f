"""glimpse-tiny: ViT + 3x3 aligner + DeepSeek-V4-attention language model (docs/model.md).

Legend: F frames in a batch, n = n_h*n_w merged tokens per frame, R = sum of n over frames (aligner rows),
B sequences, T tokens, d LM width, V vocabulary.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import tokenizer as tok
from .attention import AttnInputs, DeepseekV4Attention, rope_angles
from .config import CSA, GlimpseConfig, LMConfig
from .vision import Aligner, RMSNorm, SwiGLU, VisionTransformer, init_vision_, scaled_init_

IMAGE_SPECIALS = ("image_start", "image_pad", "image_newline", "image_end")   # types 0, 1, 3, 4


class DecoderLayer(nn.Module):
    """Plain pre-norm residual block (instead of DeepSeek-V4's mHC) with a dense SwiGLU MLP (instead of MoE)."""

    def __init__(self, cfg: LMConfig, layer_type: str):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.self_attn = DeepseekV4Attention(cfg, layer_type)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.mlp = SwiGLU(cfg.hidden_size, cfg.intermediate_size)

    def forward(self, h: torch.Tensor, ai: AttnInputs, name: str) -> torch.Tensor:
        h = h + self.self_attn(self.input_layernorm(h), ai, name + ".attn")
        h = h + self.mlp(self.post_attention_layernorm(h))
        return h


class LanguageModel(nn.Module):
    def __init__(self, cfg: LMConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.hidden_size
        self.embed_tokens = nn.Embedding(cfg.vocab_size, d)
        for name in IMAGE_SPECIALS:
            setattr(self, name, nn.Parameter(torch.zeros(d)))
        self.layers = nn.ModuleList(DecoderLayer(cfg, t) for t in cfg.layer_types)
        self.norm = RMSNorm(d, cfg.rms_norm_eps)
        self.lm_head = nn.Linear(d, cfg.vocab_size, bias=False)

    def embed(self, tokens: torch.Tensor, image_index: torch.Tensor, rows: torch.Tensor | None) -> torch.Tensor:
        """tokens [B,T] (text < V, image slots V + type), image_index [B,T] (row into rows or -1), rows [R,d]."""
        V = self.cfg.vocab_size
        B, T = tokens.shape
        text = self.embed_tokens(tokens.clamp(max=V - 1))                                   # [B,T,d]
        special = torch.stack([self.image_start, self.image_pad, torch.zeros_like(self.image_pad),
                               self.image_newline, self.image_end])                         # [5,d] by type
        # one-hot matmul rather than advanced indexing: its backward is a matmul, not a sort-based scatter
        ty = F.one_hot((tokens - V).clamp(0, 4), 5).to(text.dtype)                           # [B,T,5]
        h = torch.where((tokens < V)[..., None], text, ty @ special.to(text.dtype))
        if rows is not None:
            # gather with index_select (backward = index_add) for every slot, keep it where the slot is an image
            img = rows.index_select(0, image_index.clamp(min=0).reshape(-1)).view(B, T, -1)   # [B,T,d]
            h = torch.where((image_index >= 0)[..., None], img.to(h.dtype), h)
        return h

    def attn_inputs(self, span: torch.Tensor, csa_mode: str = "sparse", want_kl: bool = False,
                    probe=None, fused: bool = False) -> AttnInputs:
        B, T = span.shape
        dev = span.device
        pos = torch.arange(T, device=dev)
        causal = (pos[None, :] <= pos[:, None]) & (pos[:, None] - pos[None, :] < self.cfg.sliding_window)  # [T,T]
        same_span = (span[:, :, None] == span[:, None, :]) & (span[:, :, None] >= 0)                      # [B,T,T]
        r = self.cfg.rope_dim
        return AttnInputs(raw_mask=causal[None] | same_span, positions=pos,
                          rope_main=rope_angles(pos, r, self.cfg.rope_theta),
                          rope_compress=rope_angles(pos, r, self.cfg.compress_rope_theta),
                          csa_mode=csa_mode, want_kl=want_kl, probe=probe, fused=fused)

    def forward(self, h: torch.Tensor, ai: AttnInputs) -> torch.Tensor:
        """h [B,T,d] input embeddings -> final-normed hidden [B,T,d]."""
        for i, layer in enumerate(self.layers):
            h = layer(h, ai, f"lm.layers.{i}")
            if ai.probe is not None:
                ai.probe(f"lm.layers.{i}.out", h)
        return self.norm(h)

    def indexer_kl(self) -> torch.Tensor | None:
        kls = [l.self_attn.kl for l in self.layers if l.self_attn.kl is not None]
        return torch.stack(kls).mean() if kls else None


class AuxHead(nn.Module):
    """Training-only dense head on merged visual tokens: objectness, class, colour, centre offset, size."""

    def __init__(self, cfg: GlimpseConfig):
        super().__init__()
        a = cfg.aux
        self.nc, self.nk = a.num_classes, a.num_colors
        self.fc1 = nn.Linear(cfg.lm.hidden_size, a.hidden)
        self.fc2 = nn.Linear(a.hidden, 1 + a.num_classes + a.num_colors + 4)

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(rows)))


class Glimpse(nn.Module):
    def __init__(self, cfg: GlimpseConfig):
        super().__init__()
        self.cfg = cfg
        self.vision = VisionTransformer(cfg.vision)
        self.aligner = Aligner(cfg.vision, cfg.lm.hidden_size)
        self.lm = LanguageModel(cfg.lm)
        self.aux_head = AuxHead(cfg)
        self.reset_parameters()

    def reset_parameters(self, std: float = 0.02) -> None:
        init_vision_(self, std)
        nn.init.normal_(self.lm.embed_tokens.weight, std=std)
        for name in IMAGE_SPECIALS:
            nn.init.normal_(getattr(self.lm, name), std=std)
        scaled_init_(self.vision, self.cfg.vision.layers, std=std)
        scaled_init_(self.lm, self.cfg.lm.num_hidden_layers, std=std)
        for mod in self.modules():
            if isinstance(mod, RMSNorm):
                nn.init.ones_(mod.weight)
            if isinstance(mod, DeepseekV4Attention):
                nn.init.zeros_(mod.sinks)
            if hasattr(mod, "position_bias"):
                nn.init.zeros_(mod.position_bias)

    # -- stages ----------------------------------------------------------------------------------------------------
    def encode_images(self, pixels: torch.Tensor, probe=None) -> torch.Tensor:
        """pixels [F,3,Gh,Gw] -> aligner rows [F, n, d]."""
        x = self.vision(pixels, probe)
        rows = self.aligner(x)
        if probe is not None:
            probe("aligner.out", rows)
        return rows

    def hidden(self, tokens, image_index, span, rows, csa_mode="sparse", want_kl=False, probe=None, fused=False):
        h = self.lm.embed(tokens, image_index, rows)
        if probe is not None:
            probe("lm.embed.out", h)
        ai = self.lm.attn_inputs(span, csa_mode, want_kl, probe, fused)
        return self.lm(h, ai)

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.lm.lm_head(hidden).float()

    # -- parameter accounting -------------------------------------------------------------------------------------
    def parameter_counts(self) -> dict[str, int]:
        c = {}

        def count(m):
            return sum(p.numel() for p in m.parameters())

        c["vision.patch_embed"] = count(self.vision.patch_embed)
        c["vision.blocks"] = count(self.vision.blocks)
        c["vision.norm"] = count(self.vision.norm)
        c["aligner"] = count(self.aligner)
        c["lm.embed_tokens+image_specials"] = count(self.lm.embed_tokens) + len(IMAGE_SPECIALS) * self.cfg.lm.hidden_size
        attn = {"sliding": 0, "csa_compressor": 0, "csa_indexer": 0, "hca_compressor": 0, "attention_core": 0}
        mlp = norms = 0
        for layer in self.lm.layers:
            a = layer.self_attn
            comp = a.compressor
            core = count(a) - (count(comp) if comp is not None else 0)
            attn["attention_core"] += core
            if comp is not None and a.layer_type == CSA:
                attn["csa_indexer"] += count(comp.indexer)
                attn["csa_compressor"] += count(comp) - count(comp.indexer)
            elif comp is not None:
                attn["hca_compressor"] += count(comp)
            mlp += count(layer.mlp)
            norms += count(layer.input_layernorm) + count(layer.post_attention_layernorm)
        del attn["sliding"]
        for k, v in attn.items():
            c[f"lm.attn.{k}"] = v
        c["lm.mlp"] = mlp
        c["lm.norms"] = norms + count(self.lm.norm)
        c["lm.lm_head"] = count(self.lm.lm_head)
        c["total (exported)"] = sum(c.values())
        c["aux_head (training only)"] = count(self.aux_head)
        return c


# ---------------------------------------------------------------------------------------------------------------
# Losses
def lm_loss(logits: torch.Tensor, targets: torch.Tensor, is_coord: torch.Tensor, sigma: float = 3.0) -> torch.Tensor:
    """logits [N,V] float32, targets [N], is_coord [N] bool. One-hot CE, except coordinate targets whose target is a
    Gaussian over the value tokens 0..999 (std sigma bins, truncated at 4 sigma, renormalised). Computed for every
    row and selected with `where`, so that it never waits for the device."""
    logp = logits.log_softmax(-1)
    loss = -logp.gather(1, targets[:, None]).squeeze(1)                                      # [N]
    if sigma > 0:
        K = int(math.ceil(4 * sigma))
        off = torch.arange(-K, K + 1, device=logits.device)
        v = targets[:, None] + off[None]                                                     # [N, 2K+1]
        ok = (v >= 0) & (v < tok.NUM_COORDS)
        w = torch.exp(-(off.float() ** 2) / (2 * sigma * sigma))[None].expand_as(v) * ok
        w = w / w.sum(-1, keepdim=True).clamp_min(1e-12)
        lp = logp.gather(1, v.clamp(0, tok.NUM_COORDS - 1))
        loss = torch.where(is_coord, -(w * lp).sum(-1), loss)
    return loss.mean()


def aux_loss(pred: torch.Tensor, tgt: dict, cfg: GlimpseConfig) -> dict[str, torch.Tensor]:
    """pred [F, n, 1+C+K+4]; tgt: obj [F,n] float (1 centre, 0 empty), obj_w [F,n] (0 = ignore), cls/col [F,n] long,
    box [F,n,4] (dx, dy in cell, w, h normalised). Recipe losses (docs/model.md §8.2)."""
    a = cfg.aux
    pred = pred.float()
    obj_logit = pred[..., 0]
    pos = tgt["obj"] > 0.5
    bce = F.binary_cross_entropy_with_logits(obj_logit, tgt["obj"], weight=tgt["obj_w"],
                                             pos_weight=torch.tensor(a.pos_weight, device=pred.device),
                                             reduction="sum") / tgt["obj_w"].sum().clamp_min(1.0)
    out = {"aux_obj": bce}
    # centre cells only, as masked means (no boolean indexing: no device sync)
    posf = pos.float()
    npos = posf.sum().clamp_min(1.0)
    C, K = a.num_classes, a.num_colors
    ce_cls = F.cross_entropy(pred[..., 1:1 + C].reshape(-1, C), tgt["cls"].reshape(-1), reduction="none")
    ce_col = F.cross_entropy(pred[..., 1 + C:1 + C + K].reshape(-1, K), tgt["col"].reshape(-1), reduction="none")
    l1 = (pred[..., -4:].sigmoid() - tgt["box"]).abs().mean(-1)
    out["aux_cls"] = (ce_cls * posf.reshape(-1)).sum() / npos
    out["aux_col"] = (ce_col * posf.reshape(-1)).sum() / npos
    out["aux_box"] = (l1 * posf).sum() / npos
    return out

if __name__ == "__main__":
    import sys

    from .config import PRESETS
    cfg = PRESETS[sys.argv[1] if len(sys.argv) > 1 else "glimpse-tiny"]()
    for name, n in Glimpse(cfg).parameter_counts().items():
        print(f"{name:36s} {n:>11,d}")
