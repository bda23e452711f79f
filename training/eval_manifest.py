"""The held-out single-frame evaluation as files, so that another engine can be scored against PyTorch on exactly the
same pixels, queries and ground truth (docs/model.md §8.4; `glimpse eval model` reads it):

    python3 -m training.eval_manifest --model models/glimpse-tiny --single 756x756:300,1008x588:200 \\
        --java "$JAVA_HOME/bin/java" --classpath "$(cat agent/target/runtime-classpath.txt)" --out /tmp/eval-500

Scenes are the ones training.train's final evaluation renders (held-out seeds from 1,000,000,000, one block of
10,000,000 seeds per size, sizes interleaved) and the queries are evaluate.build_eval_batch's (seed --seed): box,
point and count on a present target and one absent target per scene. One deliberate difference: every frame gets
TAG 0, the TAG a fresh single-frame context of the engine gives its frame, where build_eval_batch draws a random TAG
(the draw is still made, so the queries are the same).

OUT/manifest.json    format, source, per scene: image (PNG under OUT/images), size, rgb_sha256 of the packed RGB
                     [H, W, 3] pixels, and per query: text, task, target, gt objects (visible box and point in
                     pixels, class, occlusion), ignored objects (too little visible: neither required nor penalised)
OUT/pytorch.json     the metrics (evaluate.score) and every raw answer (text and token ids), from the exported model
                     run in float32 on the images read back from the PNG files

--decode stream (default) answers like the engine: the frame is prefilled once into per-layer state
(training/stream.py), then each query is asked on a fork, one token at a time. --decode oneshot is
evaluate.greedy_decode (the whole prefix recomputed per token, in batches), the path training's evaluation takes.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from types import SimpleNamespace

import torch

from . import layout
from . import tokenizer as tok
from .data import HELDOUT_SEED_BASE, SimCommand
from .evaluate import build_eval_batch, encode_frames, grid_placement, greedy_decode, score
from .export import load_exported
from .png import read_png, write_png
from .samples import Visibility
from . import stream

FORMAT = "glimpse-eval-manifest-1"
TAG = 0                    # a fresh context's first frame (FrameContext: appended mod 1000)
MAX_NEW = 260              # the answer token cap of greedy_decode and of the engine (FrameContext.DEFAULT_MAX_NEW)


def rgb_sha256(rgb) -> str:
    return hashlib.sha256(rgb.tobytes()).hexdigest()


def query_text(q) -> str:
    return tok.detokenize(tok.query_tokens(q.task, q.target))


def gt_object(o: dict) -> dict:
    return {"box": o["box"], "point": o["point"], "class": o["class"], "color": o["color"],
            "occlusion": o.get("occlusion", 0.0)}


def write_manifest(out: str, batch, sizes, source: dict) -> dict:
    """Writes OUT/images/*.png and OUT/manifest.json; replaces each frame's image by the pixels read back from its
    PNG (they must be equal) so that everything downstream sees what another reader of the file sees."""
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    scenes = []
    for k, (fr, (W, H)) in enumerate(zip(batch.frames, sizes)):
        name = f"images/{k:04d}-{W}x{H}.png"
        write_png(os.path.join(out, name), fr.image)
        back = read_png(os.path.join(out, name))
        if back.shape != fr.image.shape or not (back == fr.image).all():
            raise RuntimeError(f"{name}: the PNG round trip changed the pixels")
        fr.image = back
        scenes.append({"id": k, "image": name, "width": W, "height": H, "rgb_sha256": rgb_sha256(back),
                       "sim_scene": fr.scene, "queries": []})
    for ex in batch.examples:
        q = ex.query
        scenes[ex.frames[-1]]["queries"].append({
            "text": query_text(q), "task": q.task, "target": q.target,
            "gt": [gt_object(o) for o in q.gt], "ignored": [gt_object(o) for o in q.ignored]})
    manifest = {"format": FORMAT, "frame_tag": TAG, "source": source, "scenes": scenes}
    write_json_lines(os.path.join(out, "manifest.json"), manifest, "scenes")
    return manifest


def write_json_lines(path: str, obj: dict, listed: str) -> None:
    """JSON with obj[listed] written one element per line (diffable, and far shorter than indenting every list)."""
    head = json.dumps({k: v for k, v in obj.items() if k != listed}, indent=1)
    with open(path, "w") as f:
        f.write(head[:head.rindex("}")].rstrip() + f',\n "{listed}": [\n')
        f.write(",\n".join("  " + json.dumps(x) for x in obj[listed]))
        f.write("\n ]\n}\n")


@torch.no_grad()
def answer_stream(model, rows, grid, queries, max_new: int = MAX_NEW) -> list[list[int]]:
    """One frame prefilled once (BOS, <|frame|> TAG, image block), then each (task, target) asked on a fork with
    constrained greedy decoding, one token at a time: the engine's order of work (FrameContext.append / ask)."""
    ctx = stream.prefill(model, [rows], [TAG], grid)
    return [stream.ask(ctx, task, target, max_new) for task, target in queries]


@torch.no_grad()
def answer_all(model, batch, sizes, decode: str, chunk: int, log, device=torch.device("cpu")) -> list[list[int]]:
    cfg = model.cfg
    grids = {}
    for i, (W, H) in enumerate(sizes):
        pl = grid_placement(W, H, cfg)
        grids[i] = (pl.grid_h // layout.MERGED_PX, pl.grid_w // layout.MERGED_PX)
    _, _, rows, row_offset = encode_frames(model, batch.frames, sizes, cfg, device)
    log(f"encoded {len(batch.frames)} frames")
    if decode == "oneshot":
        for ex in batch.examples:
            ex.seq = layout.build_sequence([(*grids[f], t) for f, t in zip(ex.frames, ex.tags)],
                                           tok.query_tokens(ex.query.task, ex.query.target), None, cfg.lm.vocab_size)
        return greedy_decode(model, batch.examples, rows, row_offset, device, max_new=MAX_NEW, chunk=chunk)
    by_frame: dict[int, list[int]] = {}
    for e, ex in enumerate(batch.examples):
        by_frame.setdefault(ex.frames[-1], []).append(e)
    answers: list = [None] * len(batch.examples)
    for n, (f, es) in enumerate(sorted(by_frame.items())):
        r0 = row_offset[f]
        frame_rows = rows[r0:r0 + grids[f][0] * grids[f][1]]
        qs = [(batch.examples[e].query.task, batch.examples[e].query.target) for e in es]
        for e, a in zip(es, answer_stream(model, frame_rows, grids[f], qs)):
            answers[e] = a
        if (n + 1) % 10 == 0:
            log(f"answered {n + 1}/{len(by_frame)} scenes")
    return answers


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="models/glimpse-tiny")
    ap.add_argument("--single", default="756x756:300,1008x588:200",
                    help="WxH:scenes,... held-out single frames (training.train --eval-single)")
    ap.add_argument("--seed", type=int, default=1234, help="query sampling seed (training.train --seed)")
    ap.add_argument("--java", default="java")
    ap.add_argument("--classpath", default="sim/target/classes")
    ap.add_argument("--sim-cmd", default=None, help="replace 'java -cp CP dev.glimpse.sim.RenderMain' (tests)")
    ap.add_argument("--out", required=True, help="directory: manifest.json, images/, pytorch.json")
    ap.add_argument("--decode", choices=("stream", "oneshot"), default="stream")
    ap.add_argument("--chunk", type=int, default=16, help="queries per batch of --decode oneshot")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--device", default="cpu",
                    help="torch device (cuda: float32 with TF32 off, so GEMMs are full float32 as on the CPU)")
    ap.add_argument("--no-pytorch", action="store_true", help="write the manifest only")
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    t0 = time.time()

    def log(msg):
        print(f"[{time.time() - t0:7.1f}s] {msg}", flush=True)

    from .train import load_eval_sets       # the very scenes (seeds, order) of training's held-out evaluation
    command = SimCommand(a.java, a.classpath, a.sim_cmd)
    single = load_eval_sets(SimpleNamespace(eval_single=a.single, eval_multi=""), command)[0]
    scenes, sizes = [s for s, _ in single], [wh for _, wh in single]
    vis = Visibility()
    batch = build_eval_batch(scenes, sizes, a.seed, vis)
    for ex in batch.examples:
        ex.tags = [TAG] * len(ex.tags)
    source = {"single": a.single, "seed_base": HELDOUT_SEED_BASE, "query_seed": a.seed,
              "visibility": {"min_px_756": vis.min_px_756, "min_side": vis.min_side},
              "queries": "evaluate.build_eval_batch: box, point, count on a present target, one absent target"}
    manifest = write_manifest(a.out, batch, sizes, source)
    log(f"wrote {a.out}/manifest.json: {len(manifest['scenes'])} scenes, {len(batch.examples)} queries")
    if a.no_pytorch:
        return
    device = torch.device(a.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    model = load_exported(a.model).to(device)
    answers = answer_all(model, batch, sizes, a.decode, a.chunk, log, device)
    metrics = score(batch.examples, answers, [sizes[ex.frames[-1]] for ex in batch.examples])
    with open(os.path.join(a.model, "config.json")) as f:
        steps = json.load(f).get("trained_steps")
    result = {"engine": f"pytorch {torch.__version__} {device.type} float32, decode {a.decode}", "model": a.model,
              "trained_steps": steps, "metrics": metrics, "seconds": round(time.time() - t0, 1),
              "answers": [{"scene": ex.frames[-1], "query": query_text(ex.query), "answer": tok.detokenize(ans, TAG),
                           "tokens": ans} for ex, ans in zip(batch.examples, answers)]}
    write_json_lines(os.path.join(a.out, "pytorch.json"), result, "answers")
    log(json.dumps({k: v for k, v in metrics.items() if k not in ("by", "by_n")}))


if __name__ == "__main__":
    main()
