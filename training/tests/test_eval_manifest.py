"""The eval manifest (training/eval_manifest.py): lossless PNGs, the manifest's contents, and PyTorch's answers
being the same through the streaming path (the engine's order of work) and evaluate.greedy_decode."""
import hashlib
import json
import os
import struct
import zlib

import numpy as np
import pytest

from training import eval_manifest
from training import tokenizer as tok
from training.png import SIGNATURE, _chunk, decode_png, encode_png, read_png

SMOKE_MODEL = os.path.join(os.path.dirname(__file__), "..", "..", "csa-runtime", "src", "test", "resources", "smoke")
FAKE_SIM = "python3 -m training.tests.fake_stream"


def paeth(a: int, b: int, c: int) -> int:
    """The PNG spec's predictor, written out here so that the decoder's own is not used to check itself."""
    p = a + b - c
    best = min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))    # ties: a, then b, then c
    return best[2]


def filtered_png(rgb: np.ndarray) -> bytes:
    """A PNG whose row y uses filter type y mod 5 (None, Sub, Up, Average, Paeth), as other encoders may."""
    h, w, _ = rgb.shape
    x = rgb.reshape(h, 3 * w).astype(np.int32)
    raw = bytearray()
    for y in range(h):
        f = y % 5
        up = x[y - 1] if y else np.zeros(3 * w, np.int32)
        row = bytearray([f])
        for i in range(3 * w):
            a = int(x[y, i - 3]) if i >= 3 else 0
            c = int(up[i - 3]) if i >= 3 else 0
            b = int(up[i])
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][f]
            row.append((int(x[y, i]) - pred) & 0xFF)
        raw += row
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(bytes(raw))) + _chunk(b"IEND", b"")


def test_png_round_trips_exactly_with_every_filter_type():
    rgb = np.random.RandomState(3).randint(0, 256, (11, 7, 3)).astype(np.uint8)
    assert np.array_equal(decode_png(encode_png(rgb)), rgb)
    assert np.array_equal(decode_png(filtered_png(rgb)), rgb)
    rgba = SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    with pytest.raises(ValueError, match="only 8-bit RGB"):
        decode_png(rgba)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for decode in ("stream", "oneshot"):
        d = str(tmp_path_factory.mktemp(decode))
        eval_manifest.main(["--model", SMOKE_MODEL, "--single", "168x168:1,252x168:1", "--sim-cmd", FAKE_SIM,
                            "--decode", decode, "--out", d])
        out[decode] = d
    return out


def test_manifest_holds_lossless_images_and_the_eval_queries(runs):
    d = runs["stream"]
    with open(os.path.join(d, "manifest.json")) as f:
        m = json.load(f)
    assert m["format"] == eval_manifest.FORMAT and m["frame_tag"] == 0
    assert [(s["width"], s["height"]) for s in m["scenes"]] == [(168, 168), (252, 168)]   # sizes interleaved
    for s in m["scenes"]:
        rgb = read_png(os.path.join(d, s["image"]))
        assert rgb.shape == (s["height"], s["width"], 3)
        assert hashlib.sha256(rgb.tobytes()).hexdigest() == s["rgb_sha256"]
        assert [q["task"] for q in s["queries"]][:3] == ["box", "point", "count"]
        assert any(q["gt"] for q in s["queries"]) and not s["queries"][3]["gt"]       # the 4th target is absent
        for q in s["queries"]:
            assert tok.parse_query(tok.encode_text(q["text"])) == (q["task"], q["target"])
            for o in q["gt"]:
                x1, y1, x2, y2 = o["box"]
                assert 0 <= x1 <= x2 <= s["width"] and 0 <= y1 <= y2 <= s["height"]


def test_pytorch_answers_are_the_same_streamed_and_one_shot(runs):
    res = {}
    for decode, d in runs.items():
        with open(os.path.join(d, "pytorch.json")) as f:
            res[decode] = json.load(f)
    s, o = res["stream"], res["oneshot"]
    assert len(s["answers"]) == 8 and s["metrics"]["n_queries"] == 8
    assert [a["tokens"] for a in s["answers"]] == [a["tokens"] for a in o["answers"]]
    assert s["metrics"] == o["metrics"]
    for a in s["answers"]:
        assert a["answer"] == tok.detokenize(a["tokens"], 0)
        assert tok.parse_answer(a["tokens"]) is not None          # constrained decoding: always valid syntax
