"""DeepSeek-V4 attention: the batched implementation against a per-query loop written from the spec's formulas
(deepseek-spec.md §3-§6), and the causality of the visible-only top-k."""
import math

import torch

from training.attention import DeepseekV4Attention
from training.config import CSA, HCA, SLIDING, LMConfig
from training.model import LanguageModel

torch.set_default_dtype(torch.float64)


def cfg(topk=3, window=8):
    return LMConfig(hidden_size=32, num_hidden_layers=3, layer_types=(SLIDING, CSA, HCA), num_attention_heads=2,
                    head_dim=16, partial_rotary_factor=0.25, q_lora_rank=16, o_groups=2, o_lora_rank=8,
                    sliding_window=window, compress_rate_csa=4, compress_rate_hca=8, index_n_heads=2,
                    index_head_dim=8, index_topk=topk, intermediate_size=32, vocab_size=1088)


def randomise(mod, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in mod.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.3 + (1.0 if "norm" in name else 0.0))


def rms(x, w, eps=1e-6):
    return x / math.sqrt(float((x * x).mean()) + eps) * (w if w is not None else 1)


def rope(x, pos, theta, r, inverse=False):
    """Interleaved pairs on the trailing r channels, angle pos * theta^(-2i/r)."""
    x = x.clone()
    D = x.shape[-1]
    for i in range(r // 2):
        a = pos * theta ** (-2 * i / r) * (-1 if inverse else 1)
        c0, c1 = D - r + 2 * i, D - r + 2 * i + 1
        u, v = x[..., c0].clone(), x[..., c1].clone()
        x[..., c0] = u * math.cos(a) - v * math.sin(a)
        x[..., c1] = v * math.cos(a) + u * math.sin(a)
    return x


def pool_entry(X, kvW, gW, B, norm_w, dim, m, w, overlap):
    """One compressed entry w from token inputs X [T,d] (spec §4.1 / §4.2)."""
    slots_kv, slots_g = [], []
    if overlap:
        if w > 0:
            for j in range((w - 1) * m, w * m):
                slots_kv.append((X[j] @ kvW.T)[:dim])
                slots_g.append((X[j] @ gW.T + B[j % m])[:dim])
        for j in range(w * m, w * m + m):
            slots_kv.append((X[j] @ kvW.T)[dim:])
            slots_g.append((X[j] @ gW.T + B[j % m])[dim:])
    else:
        for j in range(w * m, w * m + m):
            slots_kv.append(X[j] @ kvW.T)
            slots_g.append(X[j] @ gW.T + B[j % m])
    K, G = torch.stack(slots_kv), torch.stack(slots_g)
    pooled = (K * G.softmax(0)).sum(0)
    return rms(pooled, norm_w)


def reference(att: DeepseekV4Attention, X, span=None):
    """Per-query loop. X [T,d]. Returns [T,d]."""
    c = att.cfg
    T = X.shape[0]
    H, D, r = c.num_attention_heads, c.head_dim, c.rope_dim
    theta = c.rope_theta if att.layer_type == SLIDING else c.compress_rope_theta
    out = []
    entries, ikeys = [], []
    if att.layer_type != SLIDING:
        comp = att.compressor
        m = comp.m
        overlap = att.layer_type == CSA
        for w in range(T // m):
            e = pool_entry(X, comp.kv_proj.weight, comp.gate_proj.weight, comp.position_bias, comp.kv_norm.weight,
                           D, m, w, overlap)
            entries.append(rope(e, w * m, theta, r))
            if overlap:
                ix = comp.indexer
                k = pool_entry(X, ix.kv_proj.weight, ix.gate_proj.weight, ix.position_bias, ix.kv_norm.weight,
                               c.index_head_dim, m, w, True)
                ikeys.append(rope(k, w * m, theta, r))
    for t in range(T):
        cq = rms(X[t] @ att.q_a_proj.weight.T, att.q_a_norm.weight)
        q = (cq @ att.q_b_proj.weight.T).view(H, D)
        q = torch.stack([rope(rms(q[h], None), t, theta, r) for h in range(H)])
        keys = []
        for s in range(T):
            in_win = s <= t and t - s < c.sliding_window
            in_span = span is not None and span[t] >= 0 and span[s] == span[t]
            if in_win or in_span:
                keys.append(rope(rms(X[s] @ att.kv_proj.weight.T, att.kv_norm.weight), s, theta, r))
        if att.layer_type != SLIDING:
            visible = [w for w in range(len(entries)) if w < (t + 1) // att.compressor.m]
            if att.layer_type == CSA and len(visible) > c.index_topk:
                ix = att.compressor.indexer
                qi = (cq @ ix.q_b_proj.weight.T).view(c.index_n_heads, c.index_head_dim)
                qi = torch.stack([rope(qi[h], t, theta, r) for h in range(c.index_n_heads)])
                wts = (X[t] @ ix.scorer.weights_proj.weight.T) * c.index_n_heads ** -0.5
                score = {w: float(sum(wts[h] * torch.relu(qi[h] @ ikeys[w]) for h in range(c.index_n_heads))
                                  * c.index_head_dim ** -0.5) for w in visible}
                visible = sorted(visible, key=lambda w: (-score[w], -w))[:c.index_topk]
            keys += [entries[w] for w in sorted(visible)]
        Kt = torch.stack(keys)
        o = []
        for h in range(H):
            lg = torch.cat([Kt @ q[h] / math.sqrt(D), att.sinks[h:h + 1]])
            p = lg.softmax(0)[:-1]
            o.append(rope(p @ Kt, t, theta, r, inverse=True))
        o = torch.cat(o)
        g = c.o_groups
        Wa = att.o_a_proj.weight.view(g, -1, H * D // g)
        y = torch.cat([Wa[j] @ o.view(g, -1)[j] for j in range(g)])
        out.append(y @ att.o_b_proj.weight.T)
    return torch.stack(out)


def run_batched(att, lm, X, span):
    ai = lm.attn_inputs(span[None], csa_mode="sparse")
    return att(X[None], ai)[0]


def check(layer_type, span_on, topk=3, T=40):
    c = cfg(topk)
    lm = LanguageModel(c)
    att = DeepseekV4Attention(c, layer_type)
    randomise(att, seed=hash(layer_type) % 1000)
    att.eval()
    X = torch.randn(T, c.hidden_size, generator=torch.Generator().manual_seed(1))
    span = torch.full((T,), -1)
    if span_on:
        span[11:27] = 0
    got = run_batched(att, lm, X, span)
    want = reference(att, X, span if span_on else None)
    err = (got - want).abs().max() / want.abs().max()
    assert err < 2e-6, f"{layer_type} span={span_on}: rel err {err}"   # float32 RoPE/softmax inside


def test_sliding():
    check(SLIDING, False)
    check(SLIDING, True)


def test_csa_topk_and_spans():
    check(CSA, False, topk=3)
    check(CSA, True, topk=3)
    check(CSA, False, topk=64)


def test_hca():
    check(HCA, False)
    check(HCA, True)


def test_prefix_causality():
    """With top-k < visible entries, outputs at positions < T' do not change when tokens are appended."""
    c = cfg(topk=2)
    lm = LanguageModel(c)
    for lt in (SLIDING, CSA, HCA):
        att = DeepseekV4Attention(c, lt)
        randomise(att, 3)
        att.eval()
        X = torch.randn(48, c.hidden_size, generator=torch.Generator().manual_seed(2))
        span = torch.full((48,), -1)
        full = run_batched(att, lm, X, span)
        part = run_batched(att, lm, X[:37], span[:37])
        assert (full[:37] - part).abs().max() < 1e-6, lt


def test_fused_core_equals_the_dense_core():
    """The training path through scaled_dot_product_attention (sink as an extra key) computes what the dense core
    computes: outputs, the indexer KL and every gradient, for each layer type, a batch with spans, float32."""
    c = cfg(topk=3)
    lm = LanguageModel(c)
    B, T = 3, 44
    span = torch.full((B, T), -1)
    span[0, 5:21] = 0
    span[2, 12:30] = 1
    for lt in (SLIDING, CSA, HCA):
        att = DeepseekV4Attention(c, lt)
        randomise(att, seed=7)
        with torch.no_grad():
            att.sinks.copy_(torch.tensor([0.7, -1.3, 2.1, 0.2])[:att.H])
        X = torch.randn(B, T, c.hidden_size, generator=torch.Generator().manual_seed(4))
        res = {}
        for fused in (False, True):
            att.zero_grad(set_to_none=True)
            x = X.clone().requires_grad_(True)
            ai = lm.attn_inputs(span, csa_mode="sparse", want_kl=True, fused=fused)
            y = att(x, ai)
            loss = (y * torch.linspace(-1, 1, y.numel()).view_as(y)).sum() + (att.kl if att.kl is not None else 0)
            loss.backward()
            res[fused] = (y.detach(), None if att.kl is None else att.kl.detach(), x.grad,
                          {n: p.grad for n, p in att.named_parameters() if p.grad is not None})
        (y0, kl0, gx0, g0), (y1, kl1, gx1, g1) = res[False], res[True]
        assert (y0 - y1).abs().max() <= 1e-5 * y0.abs().max(), lt
        assert (kl0 is None) == (kl1 is None) and (kl0 is None or abs(float(kl0 - kl1)) < 1e-5), lt
        assert (gx0 - gx1).abs().max() <= 1e-5 * gx0.abs().max(), lt
        assert g0.keys() == g1.keys() and "sinks" in g0, lt
        for n in g0:
            assert (g0[n] - g1[n]).abs().max() <= 1e-4 * g0[n].abs().max().clamp_min(1e-6), (lt, n)
