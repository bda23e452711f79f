"""Vision encoder: patch embedding + fixed 2-D sin-cos, DeepSeek-ViT-style blocks with 2-D RoPE and
window/global attention, and the 3x3 aligner (docs/model.md §3).

Legend: B batch of images, Hp x Wp patch grid, P = Hp*Wp patches, C ViT width, n_h x n_w merged grid, d LM width.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import VisionConfig


class RMSNorm(nn.Module):
    """x * rsqrt(mean(x^2) + eps) * weight, computed in float32 (DeepseekV4RMSNorm semantics)."""

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return (self.weight.float() * x).to(dtype)


_TABLES: dict = {}


def _cached(key, make):
    """Position tables depend only on the grid: build each once per device (not once per forward)."""
    t = _TABLES.get(key)
    if t is None:
        t = _TABLES[key] = make()
    return t


def sincos_2d(n_h: int, n_w: int, dim: int, device=None) -> torch.Tensor:
    # int(): under torch.jit.trace (ONNX export) sizes arrive as 0-dim tensors; the table is a constant of the grid
    # (computed in float64 here, which ONNX Runtime's CPU Cos does not support)
    n_h, n_w = int(n_h), int(n_w)
    return _cached(("sincos", n_h, n_w, dim, str(device)), lambda: _sincos_2d(n_h, n_w, dim, device))


def rope_2d_tables(hp: int, wp: int, theta: float, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    hp, wp = int(hp), int(wp)                                       # as in sincos_2d
    return _cached(("rope2d", hp, wp, theta, str(device)), lambda: _rope_2d_tables(hp, wp, theta, device))


def _sincos_2d(n_h: int, n_w: int, dim: int, device=None) -> torch.Tensor:
    """Fixed 2-D sin-cos position embedding [n_h*n_w, dim], rows row-major over the grid.
    emb[r, c] = [sin(r w_k), cos(r w_k), sin(c w_k), cos(c w_k)], k < dim/4, w_k = 10000^(-k/(dim/4))."""
    q = dim // 4
    omega = 1.0 / (10000.0 ** (torch.arange(q, dtype=torch.float64, device=device) / q))      # [q]
    r = torch.arange(n_h, dtype=torch.float64, device=device)[:, None].expand(n_h, n_w).reshape(-1, 1)
    c = torch.arange(n_w, dtype=torch.float64, device=device)[None, :].expand(n_h, n_w).reshape(-1, 1)
    emb = torch.cat([torch.sin(r * omega), torch.cos(r * omega), torch.sin(c * omega), torch.cos(c * omega)], 1)
    return emb.float()                                                                         # [n_h*n_w, dim]


def _rope_2d_tables(hp: int, wp: int, theta: float, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """cos, sin [P, 32] for DeepSeek-ViT 2-D RoPE: angle j<16 = row*f_j, angle 16+j = col*f_j, f_j = theta^(-2j/32)."""
    f = theta ** (-2.0 * torch.arange(16, dtype=torch.float64, device=device) / 32.0)          # [16]
    r = torch.arange(hp, dtype=torch.float64, device=device)[:, None].expand(hp, wp).reshape(-1, 1)
    c = torch.arange(wp, dtype=torch.float64, device=device)[None, :].expand(hp, wp).reshape(-1, 1)
    ang = torch.cat([r * f, c * f], dim=1)                                                      # [P, 32]
    return ang.cos().float(), ang.sin().float()


def apply_rope_2d(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate-half over the 64-dim head: channel j pairs with j+32. x [..., P, 64], cos/sin [P, 32]."""
    x1, x2 = x[..., :32].float(), x[..., 32:].float()
    out = torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)
    return out.to(x.dtype)


class PatchEmbed(nn.Module):
    """Linear over the (C, ph, pw)-flattened 14x14 patch, 588 -> width, with bias."""

    def __init__(self, cfg: VisionConfig):
        super().__init__()
        self.p = cfg.patch_size
        self.proj = nn.Linear(3 * self.p * self.p, cfg.width)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        B, _, H, W = pixels.shape
        p = self.p
        x = pixels.reshape(B, 3, H // p, p, W // p, p).permute(0, 2, 4, 1, 3, 5)    # [B,Hp,Wp,3,p,p]
        x = x.reshape(B, (H // p) * (W // p), 3 * p * p)                             # [B,P,588]
        return self.proj(x)                                                          # [B,P,C]


class VisionAttention(nn.Module):
    """Multi-head self-attention with q/k/v/o bias and 2-D RoPE; windowed (non-overlapping w x w patches) or global."""

    def __init__(self, cfg: VisionConfig, windowed: bool):
        super().__init__()
        C = cfg.width
        self.heads, self.head_dim, self.window, self.windowed = cfg.heads, cfg.head_dim, cfg.window, windowed
        self.q_proj = nn.Linear(C, C)
        self.k_proj = nn.Linear(C, C)
        self.v_proj = nn.Linear(C, C)
        self.o_proj = nn.Linear(C, C)

    def forward(self, x: torch.Tensor, hp: int, wp: int, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        B, P, C = x.shape
        H, D = self.heads, self.head_dim

        def heads(t):                                                               # [B,P,C] -> [B,H,P,D]
            return t.view(B, P, H, D).transpose(1, 2)

        q = apply_rope_2d(heads(self.q_proj(x)), cos, sin)
        k = apply_rope_2d(heads(self.k_proj(x)), cos, sin)
        v = heads(self.v_proj(x))
        if self.windowed:
            w = self.window
            q, k, v = (to_windows(t, hp, wp, w) for t in (q, k, v))                 # [B*nW, H, w*w, D]
            o = F.scaled_dot_product_attention(q, k, v)
            o = from_windows(o, B, hp, wp, w)                                       # [B,H,P,D]
        else:
            o = F.scaled_dot_product_attention(q, k, v)                             # [B,H,P,D]
        return self.o_proj(o.transpose(1, 2).reshape(B, P, C))


def to_windows(t: torch.Tensor, hp: int, wp: int, w: int) -> torch.Tensor:
    """[B,H,P,D] (P row-major over hp x wp) -> [B*nW, H, w*w, D], windows row-major, patches row-major inside."""
    B, H, _, D = t.shape
    t = t.view(B, H, hp // w, w, wp // w, w, D).permute(0, 2, 4, 1, 3, 5, 6)
    return t.reshape(B * (hp // w) * (wp // w), H, w * w, D)


def from_windows(t: torch.Tensor, B: int, hp: int, wp: int, w: int) -> torch.Tensor:
    H, D = t.shape[1], t.shape[3]
    t = t.view(B, hp // w, wp // w, H, w, w, D).permute(0, 3, 1, 4, 2, 5, 6)
    return t.reshape(B, H, hp * wp, D)


class SwiGLU(nn.Module):
    """down(silu(gate(x)) * up(x)), no bias."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.gate_proj = nn.Linear(dim, hidden, bias=False)
        self.up_proj = nn.Linear(dim, hidden, bias=False)
        self.down_proj = nn.Linear(hidden, dim, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class VisionBlock(nn.Module):
    def __init__(self, cfg: VisionConfig, windowed: bool):
        super().__init__()
        self.norm1 = RMSNorm(cfg.width, cfg.rms_norm_eps)
        self.attn = VisionAttention(cfg, windowed)
        self.norm2 = RMSNorm(cfg.width, cfg.rms_norm_eps)
        self.mlp = SwiGLU(cfg.width, cfg.mlp_hidden)

    def forward(self, x, hp, wp, cos, sin):
        x = x + self.attn(self.norm1(x), hp, wp, cos, sin)
        x = x + self.mlp(self.norm2(x))
        return x


class VisionTransformer(nn.Module):
    def __init__(self, cfg: VisionConfig):
        super().__init__()
        self.cfg = cfg
        self.patch_embed = PatchEmbed(cfg)
        self.blocks = nn.ModuleList(VisionBlock(cfg, windowed=i not in cfg.global_layers) for i in range(cfg.layers))
        self.norm = RMSNorm(cfg.width, cfg.rms_norm_eps)

    def forward(self, pixels: torch.Tensor, probe=None) -> torch.Tensor:
        """pixels [B,3,Gh,Gw] -> [B, Hp, Wp, C]."""
        B, _, Gh, Gw = pixels.shape
        p = self.cfg.patch_size
        hp, wp = Gh // p, Gw // p
        assert hp % self.cfg.window == 0 and wp % self.cfg.window == 0, "patch grid must divide into windows"
        x = self.patch_embed(pixels)
        if probe is not None:
            probe("vision.patch_embed.linear", x)
        x = x + sincos_2d(hp, wp, self.cfg.width, x.device).to(x.dtype)
        if probe is not None:
            probe("vision.patch_embed.out", x)
        cos, sin = rope_2d_tables(hp, wp, self.cfg.rope_theta, x.device)
        for i, blk in enumerate(self.blocks):
            x = blk(x, hp, wp, cos, sin)
            if probe is not None:
                probe(f"vision.blocks.{i}.out", x)
        x = self.norm(x)
        if probe is not None:
            probe("vision.norm.out", x)
        return x.view(B, hp, wp, -1)


class Aligner(nn.Module):
    """3x3 neighbours concatenated channel-major (c, ki, kj) -> fc1 -> GELU(erf) -> fc2 -> d, + 2-D sin-cos."""

    def __init__(self, cfg: VisionConfig, d_model: int):
        super().__init__()
        self.k = cfg.merge
        self.fc1 = nn.Linear(cfg.width * self.k * self.k, cfg.aligner_hidden)
        self.fc2 = nn.Linear(cfg.aligner_hidden, d_model)
        self.d_model = d_model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x [B, Hp, Wp, C] -> [B, n_h*n_w, d] (rows row-major over the merged grid)."""
        B, hp, wp, C = x.shape
        k = self.k
        n_h, n_w = hp // k, wp // k
        x = x.view(B, n_h, k, n_w, k, C).permute(0, 1, 3, 5, 2, 4)                  # [B,n_h,n_w,C,ki,kj]
        x = x.reshape(B, n_h * n_w, C * k * k)                                      # F.unfold order (c, ki, kj)
        x = self.fc2(F.gelu(self.fc1(x), approximate="none"))
        return x + sincos_2d(n_h, n_w, self.d_model, x.device).to(x.dtype)


def init_vision_(module: nn.Module, std: float = 0.02) -> None:
    for m in module.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=std)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def scaled_init_(module: nn.Module, n_layers: int, names=("o_proj", "down_proj", "o_b_proj"), std: float = 0.02):
    """GPT-2 style: residual output projections get std / sqrt(2 * layers)."""
    for name, m in module.named_modules():
        if isinstance(m, nn.Linear) and name.split(".")[-1] in names:
            nn.init.normal_(m.weight, std=std / math.sqrt(2 * n_layers))
