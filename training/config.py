"""Model configuration for glimpse-tiny (docs/model.md §1) and the tiny smoke-test variant.

Immutable dataclasses that validate themselves; `to_dict`/`from_dict` give the `config.json` that ships with the
exported model. Every field name here is the name used in config.json.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

SLIDING = "sliding_attention"
CSA = "compressed_sparse_attention"
HCA = "heavily_compressed_attention"


@dataclass(frozen=True)
class VisionConfig:
    patch_size: int = 14            # P: pixels per patch side
    width: int = 192                # C: ViT residual width
    layers: int = 6
    heads: int = 3
    head_dim: int = 64              # 2-D RoPE needs 64: 32 angle pairs (16 row, 16 column)
    mlp_hidden: int = 512           # SwiGLU hidden width
    window: int = 6                 # window side in patches (non-overlapping windows)
    global_layers: tuple[int, ...] = (2, 5)   # blocks with global attention; the rest are windowed
    rope_theta: float = 10000.0
    merge: int = 3                  # aligner merges merge x merge patches into one token
    aligner_hidden: int = 512
    rms_norm_eps: float = 1e-6

    def __post_init__(self):
        assert self.heads * self.head_dim == self.width, "ViT: heads * head_dim must equal width"
        assert self.head_dim == 64, "ViT 2-D RoPE is defined for a 64-dim head (docs/model.md §3.3)"
        assert self.width % 4 == 0, "2-D sin-cos embedding needs width divisible by 4"
        assert all(0 <= i < self.layers for i in self.global_layers)

    @property
    def grid_unit(self) -> int:
        """Image sides are multiples of this (84 px = 6 patches = 2 merged tokens)."""
        return self.patch_size * self.merge * 2


@dataclass(frozen=True)
class LMConfig:
    hidden_size: int = 256                       # d
    num_hidden_layers: int = 6
    layer_types: tuple[str, ...] = (SLIDING, CSA, CSA, HCA, CSA, CSA)
    num_attention_heads: int = 4                 # H
    head_dim: int = 64                           # D (K = V latent width)
    partial_rotary_factor: float = 0.25          # r = 16 trailing dims carry RoPE
    q_lora_rank: int = 128                       # d_q
    o_groups: int = 2                            # g
    o_lora_rank: int = 64                        # d_g
    sliding_window: int = 128                    # n_win, current token included
    compress_rate_csa: int = 4                   # m
    compress_rate_hca: int = 32                  # m'
    index_n_heads: int = 4                       # H_I
    index_head_dim: int = 32                     # D_I
    index_topk: int = 256                        # k
    rope_theta: float = 10000.0                  # sliding layers
    compress_rope_theta: float = 160000.0        # CSA/HCA layers (no YaRN)
    intermediate_size: int = 512                 # dense SwiGLU hidden width (2d)
    vocab_size: int = 1088
    rms_norm_eps: float = 1e-6

    def __post_init__(self):
        assert len(self.layer_types) == self.num_hidden_layers
        assert set(self.layer_types) <= {SLIDING, CSA, HCA}
        assert (self.num_attention_heads * self.head_dim) % self.o_groups == 0
        assert self.rope_dim % 2 == 0 and self.rope_dim <= self.index_head_dim

    @property
    def rope_dim(self) -> int:
        return int(self.head_dim * self.partial_rotary_factor)

    def compress_rate(self, layer_type: str) -> int:
        return {CSA: self.compress_rate_csa, HCA: self.compress_rate_hca}[layer_type]


@dataclass(frozen=True)
class AuxConfig:
    """Training-only dense head on merged visual tokens (never exported)."""
    hidden: int = 256
    num_classes: int = 7
    num_colors: int = 8
    pos_weight: float = 20.0


@dataclass(frozen=True)
class GlimpseConfig:
    name: str = "glimpse-tiny"
    vision: VisionConfig = field(default_factory=VisionConfig)
    lm: LMConfig = field(default_factory=LMConfig)
    aux: AuxConfig = field(default_factory=AuxConfig)
    max_merged_tokens: int = 384
    min_grid_units: int = 80        # grid choice: 80 <= units_w * units_h <= 96 (docs/model.md §2.1)

    def __post_init__(self):
        assert self.lm.hidden_size % 4 == 0, "2-D sin-cos on merged tokens needs d divisible by 4"

    @property
    def max_grid_units(self) -> int:
        return self.max_merged_tokens // 4

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @staticmethod
    def from_dict(d: dict) -> "GlimpseConfig":
        v = dict(d["vision"])
        v["global_layers"] = tuple(v["global_layers"])
        lm = dict(d["lm"])
        lm["layer_types"] = tuple(lm["layer_types"])
        return GlimpseConfig(name=d["name"], vision=VisionConfig(**v), lm=LMConfig(**lm),
                             aux=AuxConfig(**d["aux"]), max_merged_tokens=d["max_merged_tokens"],
                             min_grid_units=d["min_grid_units"])


def glimpse_tiny() -> GlimpseConfig:
    return GlimpseConfig()


def smoke() -> GlimpseConfig:
    """A few-hundred-kilo-parameter variant for CPU smoke tests: same code paths, tiny widths, small images."""
    return GlimpseConfig(
        name="smoke",
        vision=VisionConfig(width=64, layers=2, heads=1, head_dim=64, mlp_hidden=128, global_layers=(1,),
                            aligner_hidden=128),
        lm=LMConfig(hidden_size=64, num_hidden_layers=3, layer_types=(SLIDING, CSA, HCA), num_attention_heads=2,
                    head_dim=32, q_lora_rank=32, o_groups=2, o_lora_rank=16, sliding_window=16,
                    compress_rate_hca=8, index_n_heads=2, index_head_dim=16, index_topk=8, intermediate_size=128),
        aux=AuxConfig(hidden=64),
        min_grid_units=1,
    )


PRESETS = {"glimpse-tiny": glimpse_tiny, "smoke": smoke}
