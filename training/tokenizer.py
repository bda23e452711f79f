"""Vocabulary, answer syntax, detokenisation and the decoding grammar (docs/model.md §5).

Token ids are fixed by this file and written to models/glimpse-tiny/tokenizer.json:
  0..999        the numbers "0".."999" (a coordinate token's id is its value)
  1000..1020    special and punctuation tokens (SPECIALS below, in order)
  1021..1045    query words (WORDS below, in order)
  1046..1087    reserved (never produced)
Image-block slots are not vocabulary tokens: they are carried as id = vocab_size + type (DeepSeek convention),
type in IMAGE_TYPES.

Run `python3 -m training.tokenizer --write models/glimpse-tiny/tokenizer.json` to regenerate the file, and
`--verify FILE` (needs the `tokenizers` package, present on the GPU machine) to check that the HF tokenizer
encodes like `encode_text` below.
"""
from __future__ import annotations

import argparse
import json
import re

NUM_COORDS = 1000
SPECIALS = ["<|pad|>", "<|bos|>", "<|eos|>", "<|unk|>", "<|image|>", "<|frame|>", "<|/frame|>", "<|query|>",
            "<|answer|>", "<|ref|>", "<|/ref|>", "<|box|>", "<|/box|>", "<|point|>", "<|/point|>", "<|count|>",
            "<|/count|>", "[", "]", ",", "-"]
CLASSES = ["person", "cone", "crate", "ball", "chair", "door", "robot"]
COLORS = ["red", "green", "blue", "yellow", "orange", "purple", "white", "black"]
QUERY_WORDS = ["box", "all", "point", "to", "count", "where", "was", "last", "seen", "objects"]
WORDS = QUERY_WORDS + CLASSES + COLORS
VOCAB_SIZE = 1088

ID = {}
for _i in range(NUM_COORDS):
    ID[str(_i)] = _i
for _j, _t in enumerate(SPECIALS + WORDS):
    ID[_t] = NUM_COORDS + _j
for _k in range(NUM_COORDS + len(SPECIALS) + len(WORDS), VOCAB_SIZE):
    ID[f"<|reserved_{_k}|>"] = _k
TOKEN = {v: k for k, v in ID.items()}
assert len(ID) == VOCAB_SIZE

PAD, BOS, EOS, UNK = ID["<|pad|>"], ID["<|bos|>"], ID["<|eos|>"], ID["<|unk|>"]
FRAME, FRAME_END, QUERY, ANSWER = ID["<|frame|>"], ID["<|/frame|>"], ID["<|query|>"], ID["<|answer|>"]
REF, REF_END, BOX, BOX_END = ID["<|ref|>"], ID["<|/ref|>"], ID["<|box|>"], ID["<|/box|>"]
POINT, POINT_END, COUNT, COUNT_END = ID["<|point|>"], ID["<|/point|>"], ID["<|count|>"], ID["<|/count|>"]
LBR, RBR, COMMA, MINUS = ID["["], ID["]"], ID[","], ID["-"]
WORD_IDS = frozenset(ID[w] for w in WORDS)

# Image-block slot types (DeepSeek VIS order); carried as token id VOCAB_SIZE + type.
IMG_START, IMG_PAD, IMG_IMAGE, IMG_NEWLINE, IMG_END = range(5)

TASKS = ("box", "point", "count", "memory")
MAX_ITEMS = 24          # the grammar closes a list after this many items


def is_word(tok: int) -> bool:
    return tok in WORD_IDS


# ---------------------------------------------------------------------------------------------------------------
# Text <-> tokens
_PIECE = re.compile(r"<\|[^|>]*\|>|[0-9]+|[^\W\d_]+|[^\w\s]|_", re.UNICODE)


def encode_text(text: str) -> list[int]:
    """Encode text like tokenizer.json does: special tokens first, lower-case, split on whitespace,
    punctuation isolated, digit runs kept whole; an unknown piece becomes <|unk|>."""
    out = []
    for piece in _PIECE.findall(text):
        if not piece.startswith("<|"):
            piece = piece.lower()
        out.append(ID.get(piece, UNK))
    return out


def detokenize(tokens: list[int], latest_frame_tag: int | None = None) -> str:
    """The canonical detokenisation (docs/model.md §5.4): concatenate token strings; a word token that directly
    follows another word token is preceded by one space; inside <|frame|>..<|/frame|> of an answer the copied frame
    tag n is written as the offset to the latest frame, -((latest - n) mod 1000) ("0" for the latest frame)."""
    parts = []
    prev = None
    in_frame = False
    for t in tokens:
        if t == EOS or t == PAD:
            break
        s = TOKEN.get(t, "<|unk|>")
        if prev is not None and is_word(prev) and is_word(t):
            parts.append(" ")
        if in_frame and t < NUM_COORDS and latest_frame_tag is not None:
            off = (latest_frame_tag - t) % NUM_COORDS
            s = "0" if off == 0 else f"-{off}"
        parts.append(s)
        in_frame = (t == FRAME) or (in_frame and t != FRAME_END)
        prev = t
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# Answers
def coord(v: float, size: float) -> int:
    """Pixel coordinate -> token value 0..999 (DeepSeek: pixel = v / 999 * size)."""
    return max(0, min(999, int(round(v / size * 999.0))))


def target_tokens(target: str) -> list[int]:
    return [ID[w] for w in target.split()]


def answer_tokens(task: str, target: str, items: list[list[int]], frame_tag: int | None = None) -> list[int]:
    """Answer token ids (without the final <|eos|>) for a sorted list of items (boxes [x1,y1,x2,y2] or points [x,y],
    values 0..999). count appends the number of items; memory prefixes the frame tag when an item exists."""
    out = [REF, *target_tokens(target), REF_END]
    if task == "memory" and items:
        out += [FRAME, frame_tag, FRAME_END]
    opening, closing = (BOX, BOX_END) if task in ("box", "memory") else (POINT, POINT_END)
    out += [opening, LBR]
    for i, it in enumerate(items):
        if i:
            out.append(COMMA)
        out.append(LBR)
        for j, v in enumerate(it):
            if j:
                out.append(COMMA)
            out.append(int(v))
        out.append(RBR)
    out += [RBR, closing]
    if task == "count":
        out += [COUNT, min(len(items), 999), COUNT_END]
    return out


def query_tokens(task: str, target: str) -> list[int]:
    text = {"box": "box all {}", "point": "point to all {}", "count": "count {}",
            "memory": "where was {} last seen"}[task].format(target)
    return encode_text(text)


def parse_query(tokens: list[int]) -> tuple[str, str] | None:
    """(task, target) of a canonical query, else None."""
    words = [TOKEN[t] for t in tokens]
    text = " ".join(words)
    for task, pat in (("box", r"box all (.+)"), ("point", r"point to all (.+)"), ("count", r"count (.+)"),
                      ("memory", r"where was (.+) last seen")):
        m = re.fullmatch(pat, text)
        if m:
            return task, m.group(1)
    return None


def parse_answer(tokens: list[int]) -> dict | None:
    """Parse an answer (up to <|eos|>) into {'ref', 'frame', 'boxes'|'points', 'count'}; None if malformed."""
    g = Grammar("any")
    for t in tokens:
        if t == EOS:
            break
        if t not in g.allowed():
            return None
        g.push(t)
    if not g.complete():
        return None
    return g.result()


# ---------------------------------------------------------------------------------------------------------------
# Grammar for constrained decoding: a small state machine over tokens (docs/model.md §5.5).
_NUMS = frozenset(range(NUM_COORDS))


MAX_REF_WORDS = 3


class Grammar:
    """Tracks one answer being decoded; allowed() is the set of tokens that keep the answer valid.
    task: 'box' | 'point' | 'count' | 'memory' | 'any' (any valid answer form).
    target: the query's target words (token ids); when given, the <|ref|> content is forced to exactly them."""

    def __init__(self, task: str, target: list[int] | None = None):
        self.task = task
        self.target = list(target) if target is not None else None
        self.state = "start"
        self.ref: list[int] = []
        self.frame: int | None = None
        self.kind: str | None = None        # 'box' | 'point'
        self.items: list[list[int]] = []
        self.cur: list[int] = []
        self.count: int | None = None

    def _arity(self) -> int:
        return 4 if self.kind == "box" else 2

    def allowed(self) -> frozenset[int]:
        s, t = self.state, self.task
        if s == "start":
            return frozenset({REF})
        if s == "ref":
            if self.target is not None:
                n = len(self.ref)
                return frozenset({self.target[n]}) if n < len(self.target) else frozenset({REF_END})
            if len(self.ref) >= MAX_REF_WORDS:
                return frozenset({REF_END})
            return WORD_IDS if not self.ref else WORD_IDS | {REF_END}
        if s == "after_ref":
            opts = set()
            if t in ("box", "memory", "any"):
                opts.add(BOX)
            if t in ("point", "count", "any"):
                opts.add(POINT)
            if t in ("memory", "any"):
                opts.add(FRAME)
            return frozenset(opts)
        if s == "frame_num":
            return _NUMS
        if s == "frame_close":
            return frozenset({FRAME_END})
        if s == "after_frame":
            return frozenset({BOX})
        if s == "list_open":
            return frozenset({LBR})
        if s == "list_first":
            return frozenset({LBR, RBR}) if self.frame is None else frozenset({LBR})
        if s == "item_num":
            return _NUMS
        if s == "item_sep":
            return frozenset({COMMA}) if len(self.cur) < self._arity() else frozenset({RBR})
        if s == "list_next":
            return frozenset({COMMA, RBR}) if len(self.items) < MAX_ITEMS else frozenset({RBR})
        if s == "list_item_open":
            return frozenset({LBR})
        if s == "list_close":
            return frozenset({BOX_END if self.kind == "box" else POINT_END})
        if s == "after_list":
            if self.kind == "point" and t in ("count", "any"):
                return frozenset({COUNT}) if t == "count" else frozenset({COUNT, EOS})
            return frozenset({EOS})
        if s == "count_num":
            return _NUMS
        if s == "count_close":
            return frozenset({COUNT_END})
        if s == "after_count":
            return frozenset({EOS})
        return frozenset()

    def push(self, tok: int) -> None:
        s = self.state
        if s == "start":
            self.state = "ref"
        elif s == "ref":
            if tok == REF_END:
                self.state = "after_ref"
            else:
                self.ref.append(tok)
        elif s == "after_ref":
            if tok == FRAME:
                self.state = "frame_num"
            else:
                self.kind = "box" if tok == BOX else "point"
                self.state = "list_open"
        elif s == "frame_num":
            self.frame = tok
            self.state = "frame_close"
        elif s == "frame_close":
            self.state = "after_frame"
        elif s == "after_frame":
            self.kind = "box"
            self.state = "list_open"
        elif s == "list_open":
            self.state = "list_first"
        elif s in ("list_first", "list_item_open"):
            if tok == RBR:
                self.state = "list_close"
            else:
                self.cur = []
                self.state = "item_num"
        elif s == "item_num":
            self.cur.append(tok)
            self.state = "item_sep"
        elif s == "item_sep":
            if tok == COMMA:
                self.state = "item_num"
            else:
                self.items.append(self.cur)
                self.state = "list_next"
        elif s == "list_next":
            self.state = "list_item_open" if tok == COMMA else "list_close"
        elif s == "list_close":
            self.state = "after_list"
        elif s == "after_list":
            self.state = "count_num" if tok == COUNT else "done"
        elif s == "count_num":
            self.count = tok
            self.state = "count_close"
        elif s == "count_close":
            self.state = "after_count"
        elif s == "after_count":
            self.state = "done"

    def complete(self) -> bool:
        return self.state in ("after_list", "after_count", "done") and not (
            self.task == "count" and self.state == "after_list")

    def result(self) -> dict:
        r = {"ref": " ".join(TOKEN[t] for t in self.ref), "frame": self.frame, "count": self.count}
        r["boxes" if self.kind == "box" else "points"] = self.items
        return r


# ---------------------------------------------------------------------------------------------------------------
# tokenizer.json
def tokenizer_json() -> dict:
    added = [{"id": ID[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True}
             for t in SPECIALS + [f"<|reserved_{k}|>" for k in range(NUM_COORDS + len(SPECIALS) + len(WORDS),
                                                                      VOCAB_SIZE)]
             if t.startswith("<|")]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "WhitespaceSplit"},
            {"type": "Punctuation", "behavior": "Isolated"},
            {"type": "Digits", "individual_digits": False},
        ]},
        "post_processor": None,
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": dict(sorted(ID.items(), key=lambda kv: kv[1])),
                  "unk_token": "<|unk|>"},
    }


def write_tokenizer_json(path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, ensure_ascii=False, indent=1)
        f.write("\n")


def verify_with_hf(path: str) -> None:
    from tokenizers import Tokenizer  # GPU machine only
    tk = Tokenizer.from_file(path)
    samples = ["box all person", "Point to all red cone", "count objects", "where was red ball last seen",
               "<|ref|>person<|/ref|><|box|>[[452,23,804,411],[10,200,88,590]]<|/box|>",
               "<|ref|>red cone<|/ref|><|point|>[[1,2]]<|/point|><|count|>1<|/count|>", "box all zebra"]
    for s in samples:
        ours, theirs = encode_text(s), tk.encode(s).ids
        assert ours == theirs, f"{s!r}: ours {ours} != tokenizers {theirs}"
    print(f"tokenizer.json OK: {len(samples)} samples encode identically")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--write")
    ap.add_argument("--verify")
    a = ap.parse_args()
    if a.write:
        write_tokenizer_json(a.write)
    if a.verify:
        verify_with_hf(a.verify)
