"""Streaming (chunked, cached) inference equals the one-shot forward, with top-k binding across frames."""
import dataclasses

import torch

from training import layout
from training import tokenizer as tok
from training.config import smoke
from training.model import Glimpse
from training.stream import StreamContext, frame_chunk


def test_stream_equals_one_shot():
    torch.manual_seed(0)
    base = smoke()
    cfg = dataclasses.replace(base, lm=dataclasses.replace(base.lm, index_topk=5, sliding_window=12,
                                                           compress_rate_hca=8))
    model = Glimpse(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("sinks") or name.endswith("position_bias"):
                p.copy_(0.5 * torch.randn(p.shape))
    n_h, n_w = 4, 4
    frames = [torch.randn(n_h * n_w, cfg.lm.hidden_size) for _ in range(3)]
    tags = [7, 8, 9]
    q = tok.query_tokens("box", "red cone")
    ans = tok.answer_tokens("box", "red cone", [[1, 2, 3, 4], [5, 6, 7, 8]])
    seq = layout.build_sequence([(n_h, n_w, t) for t in tags], q, ans, cfg.lm.vocab_size)
    rows = torch.cat(frames)
    ref = torch.tensor(seq.image_ref)
    image_index = torch.where(ref[:, 0] >= 0, ref[:, 0] * n_h * n_w + ref[:, 1], torch.tensor(-1))
    with torch.no_grad():
        full = model.hidden(torch.tensor([seq.tokens]), image_index[None], torch.tensor([seq.span]), rows)[0]

    ctx = StreamContext(model)
    outs = []
    for f, t in enumerate(tags):
        toks, idx, span = frame_chunk(t, n_h, n_w, ctx.pos, 0, cfg.lm.vocab_size, bos=(f == 0))
        outs.append(ctx.append(toks, idx, frames[f], span))
    rest = seq.tokens[ctx.pos:]
    qlen = len(q) + 2
    outs.append(ctx.append(rest[:qlen], [-1] * qlen, None, [False] * qlen))
    for t in rest[qlen:]:
        outs.append(ctx.append([t], [-1], None, [False]))
    got = torch.cat(outs)
    assert got.shape == full.shape
    n_entries = len(seq) // 4
    assert n_entries > 5 + 2                      # top-k binds for the late tokens
    err = (got - full).abs().max() / full.abs().max()
    assert err < 1e-5, err
