"""External proof that our CSA/HCA is DeepSeek's: run transformers 5.17's own `DeepseekV4Attention` on tiny random
configs and dump inputs, weights and outputs (docs/model.md §12.1). Runs on the GPU machine (transformers is
installed there), on its CPU, in float32:

    python3 -m training.transformers_fixture --out $OUT/hf_attention.safetensors

Per config C and layer i (one attention module each, fed the same random input):
  C.layer{i}.w.<transformers parameter name>   weights (all zero-initialised ones randomised: sinks, position_bias)
  C.layer{i}.input          [S, d]   hidden states entering the attention (as after input_layernorm)
  C.layer{i}.prefill        [S, d]   one-shot prefill of all S tokens, no cache
  C.layer{i}.cached         [S, d]   prefill of the first P tokens with a cache, then S-P single-token decodes
  C.layer{i}.compressed_kv  [n, D]   compressed entries held by the cache at the end (CSA/HCA)
  C.layer{i}.indexer_keys   [n, D_I] indexer keys held by the cache at the end (CSA)
Metadata: per config the transformers config and our LMConfig (JSON), S and P. index_topk >= every visible count,
so transformers' one-shot top-k equals ours (deepseek-spec.md §14).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from training.safetensors_io import save_file  # noqa: E402

CONFIGS = {
    # deepseek-spec.md §13's suggested conformance config (attention fields), HCA m'=8, window 8.
    "tiny": dict(hidden_size=64, num_attention_heads=4, head_dim=32, partial_rotary_factor=0.25, q_lora_rank=32,
                 o_groups=2, o_lora_rank=16, sliding_window=8, index_n_heads=2, index_head_dim=16, index_topk=64,
                 layer_types=["sliding_attention", "compressed_sparse_attention", "heavily_compressed_attention",
                              "compressed_sparse_attention"],
                 compress_rates={"compressed_sparse_attention": 4, "heavily_compressed_attention": 8},
                 seq=48, prefill=40),
    # glimpse-tiny's attention shapes (d 256, H 4, D 64, r 16, m 4, m' 32, window 128, indexer 4 x 32).
    "glimpse": dict(hidden_size=256, num_attention_heads=4, head_dim=64, partial_rotary_factor=0.25, q_lora_rank=128,
                    o_groups=2, o_lora_rank=64, sliding_window=128, index_n_heads=4, index_head_dim=32,
                    index_topk=256,
                    layer_types=["sliding_attention", "compressed_sparse_attention", "heavily_compressed_attention"],
                    compress_rates={"compressed_sparse_attention": 4, "heavily_compressed_attention": 32},
                    seq=320, prefill=296),
}


class OneLayerCache:
    """The two methods DeepseekV4Attention uses on a cache: .layers[idx] and .update(k, v, idx)."""

    def __init__(self, layer_idx, layer):
        self.layers = {layer_idx: layer}

    def update(self, key_states, value_states, layer_idx, *args, **kwargs):
        return self.layers[layer_idx].update(key_states, value_states)


def sliding_mask(q_pos, k_pos, window):
    q, k = torch.tensor(q_pos)[:, None], torch.tensor(k_pos)[None, :]
    ok = (k <= q) & (q - k < window)
    return torch.where(ok, 0.0, float("-inf"))[None, None]                 # [1,1,S,K]


def build(name, spec, seed):
    from transformers import DeepseekV4Config
    from transformers.cache_utils import DynamicSlidingWindowLayer
    from transformers.models.deepseek_v4 import modeling_deepseek_v4 as M

    S, P = spec["seq"], spec["prefill"]
    kw = {k: v for k, v in spec.items() if k not in ("seq", "prefill")}
    n = len(kw["layer_types"])
    config = DeepseekV4Config(vocab_size=256, num_hidden_layers=n, num_key_value_heads=1, n_routed_experts=4,
                              num_experts_per_tok=2, moe_intermediate_size=32, hc_mult=2, hc_sinkhorn_iters=3,
                              num_nextn_predict_layers=0, max_position_embeddings=4096, **kw)
    config._attn_implementation = "eager"
    g = torch.Generator().manual_seed(seed)
    rot = M.DeepseekV4RotaryEmbedding(config)
    out, meta = {}, {}
    for i, lt in enumerate(kw["layer_types"]):
        att = M.DeepseekV4Attention(config, i).float().eval()
        with torch.no_grad():
            for pname, p in att.named_parameters():
                if pname.endswith("norm.weight"):
                    p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
                elif pname.endswith("sinks") or pname.endswith("position_bias"):
                    p.copy_(0.5 * torch.randn(p.shape, generator=g))
                else:
                    p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[-1]))
        x = torch.randn(1, S, config.hidden_size, generator=g)
        pos = torch.arange(S)[None]
        pe = {k: rot(x, pos, layer_type=k) for k in ("main", "compress")}
        with torch.no_grad():
            full, _ = att(x, pe, pos, sliding_mask(range(S), range(S), config.sliding_window), None)
            layer = {"sliding_attention": lambda: DynamicSlidingWindowLayer(sliding_window=config.sliding_window),
                     "compressed_sparse_attention": lambda: M.DeepseekV4CSACache(config),
                     "heavily_compressed_attention": lambda: M.DeepseekV4HCACache(config)}[lt]()
            cache = OneLayerCache(i, layer)
            outs = []
            past = 0
            for a, b in [(0, P)] + [(t, t + 1) for t in range(P, S)]:
                kept = min(past, config.sliding_window - 1)
                mask = sliding_mask(range(a, b), range(a - kept, b), config.sliding_window)
                p = pos[:, a:b]
                pe_c = {k: rot(x, p, layer_type=k) for k in ("main", "compress")}
                o, _ = att(x[:, a:b], pe_c, p, mask, cache)
                outs.append(o)
                past = b
            cached = torch.cat(outs, dim=1)
        pre = f"{name}.layer{i}"
        for pname, p in att.state_dict().items():
            out[f"{pre}.w.{pname}"] = p.detach().clone()
        out[f"{pre}.input"] = x[0]
        out[f"{pre}.prefill"] = full[0]
        out[f"{pre}.cached"] = cached[0]
        if lt != "sliding_attention":
            out[f"{pre}.compressed_kv"] = layer.compressed_kv["compressor"][0].clone()
        if lt == "compressed_sparse_attention":
            out[f"{pre}.indexer_keys"] = layer.compressed_kv["indexer"][0].clone()
        err = ((full - cached).abs().max() / full.abs().max()).item()
        print(f"{pre} {lt}: one-shot vs cached rel err {err:.2e}")
    ours = dict(hidden_size=kw["hidden_size"], num_hidden_layers=n, layer_types=kw["layer_types"],
                num_attention_heads=kw["num_attention_heads"], head_dim=kw["head_dim"],
                partial_rotary_factor=kw["partial_rotary_factor"], q_lora_rank=kw["q_lora_rank"],
                o_groups=kw["o_groups"], o_lora_rank=kw["o_lora_rank"], sliding_window=kw["sliding_window"],
                compress_rate_csa=kw["compress_rates"]["compressed_sparse_attention"],
                compress_rate_hca=kw["compress_rates"]["heavily_compressed_attention"],
                index_n_heads=kw["index_n_heads"], index_head_dim=kw["index_head_dim"], index_topk=kw["index_topk"],
                rope_theta=config.rope_theta, compress_rope_theta=config.compress_rope_theta)
    meta[f"{name}.lm_config"] = json.dumps(ours)
    meta[f"{name}.transformers_config"] = config.to_json_string()
    meta[f"{name}.seq"] = str(S)
    meta[f"{name}.prefill"] = str(P)
    return out, meta


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20261123)
    a = ap.parse_args()
    import transformers
    tensors, meta = {}, {"transformers_version": transformers.__version__, "torch_version": torch.__version__,
                         "configs": ",".join(CONFIGS)}
    for k, (name, spec) in enumerate(CONFIGS.items()):
        t, m = build(name, spec, a.seed + k)
        tensors.update(t)
        meta.update(m)
    n = save_file(tensors, a.out, meta)
    try:                                  # cross-check our writer with the real safetensors package
        from safetensors.torch import load_file
        back = load_file(a.out)
        assert all(torch.equal(back[k], tensors[k]) for k in tensors)
        print("safetensors package reads the file back identically")
    except ImportError:
        pass
    print(f"wrote {a.out}: {len(tensors)} tensors, {n} bytes")


if __name__ == "__main__":
    main()
