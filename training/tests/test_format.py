"""Tokenizer, answer syntax, grammar, grid choice, N-layout and safetensors: the facts docs/model.md states."""
import random

import torch

from training import layout
from training import tokenizer as tok
from training.safetensors_io import load_file, save_file
from training.samples import Visibility, sample_query
from training.data import Frame
from training.tests.fake_stream import render_scene


def test_answer_text_is_exactly_deepseek_syntax():
    a = tok.answer_tokens("box", "person", [[452, 23, 804, 411], [10, 200, 88, 590]])
    assert tok.detokenize(a) == "<|ref|>person<|/ref|><|box|>[[452,23,804,411],[10,200,88,590]]<|/box|>"
    a = tok.answer_tokens("point", "red cone", [[1, 2], [3, 4]])
    assert tok.detokenize(a) == "<|ref|>red cone<|/ref|><|point|>[[1,2],[3,4]]<|/point|>"
    assert tok.detokenize(tok.answer_tokens("box", "red cone", [])) == "<|ref|>red cone<|/ref|><|box|>[]<|/box|>"
    a = tok.answer_tokens("count", "objects", [[5, 6]])
    assert tok.detokenize(a) == "<|ref|>objects<|/ref|><|point|>[[5,6]]<|/point|><|count|>1<|/count|>"
    a = tok.answer_tokens("memory", "red ball", [[1, 2, 3, 4]], frame_tag=958)
    assert tok.detokenize(a, latest_frame_tag=0) == \
        "<|ref|>red ball<|/ref|><|frame|>-42<|/frame|><|box|>[[1,2,3,4]]<|/box|>"


def test_encode_text_roundtrip():
    s = "<|ref|>red cone<|/ref|><|box|>[[452,23,804,411],[10,200,88,590]]<|/box|>"
    assert tok.detokenize(tok.encode_text(s)) == s
    assert tok.encode_text("Box all  RED cone") == [tok.ID["box"], tok.ID["all"], tok.ID["red"], tok.ID["cone"]]
    assert tok.parse_query(tok.encode_text("point to all red cone")) == ("point", "red cone")
    assert tok.encode_text("box all zebra")[-1] == tok.UNK


def test_grammar_accepts_every_training_answer_and_forces_target():
    rng = random.Random(0)
    vis = Visibility()
    for seed in range(30):
        for labels, img in render_scene(seed, 1, 168, 168):
            fr = Frame(seed, 1, labels, img)
            for task in ("box", "point", "count"):
                q = sample_query(fr, 168, 168, rng, vis, task=task)
                g = tok.Grammar(task, tok.target_tokens(q.target))
                for t in q.answer():
                    assert t in g.allowed(), (tok.detokenize(q.answer()), g.state)
                    g.push(t)
                assert tok.EOS in g.allowed() and g.complete()
                parsed = tok.parse_answer(q.answer() + [tok.EOS])
                assert parsed["ref"] == q.target
                assert parsed.get("boxes", parsed.get("points")) == q.items


def test_grid_choice():
    assert layout.choose_grid(756, 756) == (756, 756)
    assert layout.choose_grid(1920, 1080) == (1008, 588)
    assert layout.choose_grid(1280, 720) == (1008, 588)
    assert layout.choose_grid(640, 480) == (924, 672)
    assert layout.choose_grid(1080, 1920) == (588, 1008)


def test_n_layout_counts():
    types, perm = layout.image_block(18, 18, start_pos=3)
    assert types[0] == tok.IMG_START and types[-1] == tok.IMG_END
    assert len(types) == 346 and len(perm) == 324 and sorted(perm) == list(range(324))
    assert layout.frame_tokens(18, 18) == 348 and layout.frame_tokens(14, 24) == 356
    # N order: the first 4 grid slots are rows 0,1 of columns 0,1.
    assert perm[:4] == [0, 18, 1, 19]
    # START lands on 3 mod 4 whatever the start position; END on 0 mod 4.
    for p in range(8):
        t, _ = layout.image_block(18, 18, p)
        s = p + t.index(tok.IMG_START)
        assert s % 4 == 3 and (p + len(t) - 1) % 4 == 0
    seq = layout.build_sequence([(18, 18, 5), (18, 18, 6)], tok.query_tokens("box", "person"))
    assert len(seq) == 1 + 2 * 348 + 1 + 3 + 1


def test_safetensors_roundtrip(tmp_path):
    t = {"a": torch.randn(3, 4), "b": torch.randn(5).to(torch.bfloat16), "c": torch.arange(7),
         "d": torch.zeros(2, 2, dtype=torch.uint8), "e": torch.tensor([True, False])}
    p = tmp_path / "x.safetensors"
    save_file(t, str(p), {"k": "v"})
    back, meta = load_file(str(p))
    assert meta == {"k": "v"}
    assert all(torch.equal(back[k], t[k]) for k in t)
    raw = p.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    assert n % 8 == 0
