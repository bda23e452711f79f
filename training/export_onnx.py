"""Export a model directory to ONNX (float32) for the ONNX Runtime peer of `glimpse bench engine --onnx DIR`
(docs/BENCHMARKS.md, CPU engine):

    python3 -m training.export_onnx --model models/glimpse-tiny --out DIR

writes, with the weights of the model directory upcast to float32 exactly as the Java engine loads them:
  DIR/encoder-756x756.onnx    pixel_values f32 [1,3,756,756] -> rows f32 [1,324,256]   (ViT + 3x3 aligner)
  DIR/encoder-1008x588.onnx   pixel_values f32 [1,3,588,1008] -> rows f32 [1,336,256]
  DIR/prefill-756x756.onnx    one frame + query, one shot: input_ids, image_index, span i64 [1,T], rows f32 [n,d]
                              -> logits f32 [1,V] at the last position (T fixed by the sequence in manifest.json)
  DIR/reference.safetensors   PyTorch's inputs and outputs for each graph (float32, CPU)
  DIR/manifest.json           graphs, shapes, the prefill sequence, versions
`rows` are the aligner rows in row-major merged-grid order, the tensor VisionEncoder.encodePixels returns; the
image block's layout is in the prefill's input_ids / image_index. Shapes are fixed (one graph per grid).

Not exported: a decode step, and prefill over several frames. A decode step would need the per-layer state of
training/stream.py (raw window, compressed rows, pending compressor windows) as graph inputs and outputs. At one
frame the CSA indexer's top-k keeps every visible entry (n <= index_topk), so its sort is not in the traced graph;
past index_topk entries (about three frames) the trace would hold a stable sort whose tie order ("the later entry
first") an ONNX TopK does not promise.

--no-weights leaves the weights out: they become graph inputs named as in model.safetensors (a small graph for
tests that feed the weights themselves). Checks before writing: the exported modules reproduce the golden outputs of
csa-runtime/src/test/resources/glimpse-tiny (which the Java engine matches) when --model is that model, and the
traced graphs reproduce the eager modules.
"""
from __future__ import annotations

import argparse
import json
import os
import warnings

import torch
import torch.nn as nn

from . import layout
from . import tokenizer as tok
from . import vision
from .export import load_exported
from .model import Glimpse
from .safetensors_io import load_file, save_file

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "csa-runtime", "src", "test", "resources", "glimpse-tiny",
                      "golden.safetensors")
OPSET = 17
QUERY = "box all person"


class EncoderGraph(nn.Module):
    """pixel_values [1,3,Gh,Gw] -> aligner rows [1, n_h*n_w, d]. Attribute names keep model.safetensors' names."""

    def __init__(self, model: Glimpse, grid_w: int, grid_h: int):
        super().__init__()
        self.vision, self.aligner = model.vision, model.aligner
        v = model.cfg.vision
        hp, wp = grid_h // v.patch_size, grid_w // v.patch_size
        # The grid's position tables (vision.py caches them per grid) registered as buffers: the tracer then writes
        # each once, as an initializer, instead of a constant at every use.
        cpu = torch.device("cpu")                          # the cache key holds the device the forward runs on
        cos, sin = vision.rope_2d_tables(hp, wp, v.rope_theta, cpu)
        self.register_buffer("rope_cos", cos)
        self.register_buffer("rope_sin", sin)
        self.register_buffer("vit_sincos", vision.sincos_2d(hp, wp, v.width, cpu))
        self.register_buffer("aligner_sincos",
                             vision.sincos_2d(hp // v.merge, wp // v.merge, model.cfg.lm.hidden_size, cpu))

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.aligner(self.vision(pixel_values))


class PrefillGraph(nn.Module):
    """One-shot prefill: input_ids, image_index, span [1,T], rows [n,d] -> logits [1,V] at position T-1."""

    def __init__(self, model: Glimpse):
        super().__init__()
        self.lm = model.lm

    def forward(self, input_ids, image_index, span, rows):
        h = self.lm.embed(input_ids, image_index, rows)
        hidden = self.lm(h, self.lm.attn_inputs(span, "sparse"))                  # [1,T,d]
        return self.lm.lm_head(hidden[:, -1]).float()                              # [1,V]


def prefill_inputs(n_h: int, n_w: int, tag: int, vocab_size: int) -> dict[str, torch.Tensor]:
    """BOS, <|frame|> TAG, the image block, <|query|> QUERY <|answer|>: the first frame of a context (FrameContext)
    followed by the prompt that FrameContext.ask feeds."""
    seq = layout.build_sequence([(n_h, n_w, tag)], tok.encode_text(QUERY), None, vocab_size)
    return {"input_ids": torch.tensor(seq.tokens)[None],
            "image_index": torch.tensor(seq.ref_row)[None],
            "span": torch.tensor(seq.span)[None]}


def frame_pixels(w: int, h: int, seed: int) -> torch.Tensor:
    """A deterministic scene of the fake renderer, preprocessed: pixel_values [1,3,h,w]."""
    from .tests.fake_stream import render_scene
    _, img = next(render_scene(seed, 1, w, h))
    return layout.preprocess(torch.from_numpy(img.copy())[None], layout.placement(w, h, w, h))


def max_rel(a: torch.Tensor, b: torch.Tensor) -> float:
    """max |a-b| / max |b|: the error measure of the Java bench."""
    return float((a - b).abs().max() / b.abs().max().clamp_min(1e-30))


@torch.no_grad()
def check_golden(model: Glimpse, steps, tol: float = 1e-4) -> list[str]:
    """The exported modules against the golden fixture made from the same weights (the Java engine's
    GlimpseTinyGoldenTest compares against it too)."""
    t, meta = load_file(GOLDEN)
    if model.cfg.name != "glimpse-tiny" or meta.get("trained_steps") != str(steps):
        return [f"skipped: the golden fixture is of glimpse-tiny step {meta.get('trained_steps')}"]
    pre, lines = PrefillGraph(model), []
    for k in (0, 1):
        rgb = t[f"case{k}.frame0.image_rgb"]
        H, W = rgb.shape[:2]
        rows = EncoderGraph(model, W, H)(layout.preprocess(rgb[None], layout.placement(W, H, W, H)))[0]
        e1 = max_rel(rows, t[f"case{k}.frame0.aligner.out"])
        n = int(meta[f"case{k}.prompt_len"])
        seq = layout.build_sequence([(H // layout.MERGED_PX, W // layout.MERGED_PX, json.loads(meta[f"case{k}.frame_tags"])[0])],
                                    tok.encode_text(meta[f"case{k}.query"]), None, model.cfg.lm.vocab_size)
        assert seq.tokens == t[f"case{k}.input_ids"][:n].tolist(), "golden prompt differs from layout.build_sequence"
        logits = pre(torch.tensor(seq.tokens)[None], t[f"case{k}.image_index"][None, :n], torch.tensor(seq.span)[None],
                     rows)[0]
        e2 = max_rel(logits, t[f"case{k}.logits"][0])
        lines.append(f"golden case{k} {W}x{H}: rows max rel err {e1:.2e}, prompt logits {e2:.2e}")
        if not (e1 < tol and e2 < tol):
            raise SystemExit(f"the exported modules do not reproduce {GOLDEN}: " + lines[-1])
    return lines


class WeightsAsInputs(nn.Module):
    """graph's parameters as trailing inputs, named as in model.safetensors: (data..., weights...) -> output."""

    def __init__(self, graph: nn.Module):
        super().__init__()
        self.graph = graph
        self.names = [n for n, _ in graph.named_parameters()]

    def forward(self, *args):
        data, weights = args[:len(args) - len(self.names)], args[len(args) - len(self.names):]
        # torch.func.functional_call refuses to run under the tracer: swap the parameters in by hand, for this call
        slots = [self.graph.get_submodule(n.rpartition(".")[0]) for n in self.names]
        saved = [m._parameters[n.rpartition(".")[2]] for m, n in zip(slots, self.names)]
        try:
            for m, n, w in zip(slots, self.names, weights):
                m._parameters[n.rpartition(".")[2]] = w
            return self.graph(*data)
        finally:
            for m, n, p in zip(slots, self.names, saved):
                m._parameters[n.rpartition(".")[2]] = p


def export(module: nn.Module, args: tuple, names: list[str], path: str, weights: bool) -> None:
    """Writes module(*args) -> names[-1] as ONNX. Without weights, the parameters become inputs (real inputs, so
    that constant folding still folds the position tables but leaves each weight as it is stored)."""
    if not weights:
        module = WeightsAsInputs(module)
        args = tuple(args) + tuple(p.detach() for p in module.graph.parameters())
        names = names[:-1] + module.names + names[-1:]
    # The TorchScript (legacy) exporter: the torch.export-based one needs the onnx and onnxscript packages. Its
    # optional onnxscript-function step needs the onnx package too; these graphs contain no onnxscript functions,
    # so the step is skipped.
    from torch.onnx._internal.torchscript_exporter import onnx_proto_utils
    step = onnx_proto_utils._add_onnxscript_fn
    onnx_proto_utils._add_onnxscript_fn = lambda model_bytes, custom_opsets: model_bytes
    try:
        torch.onnx.export(module, args, path, input_names=names[:-1], output_names=names[-1:], opset_version=OPSET,
                          do_constant_folding=True, dynamo=False)
    finally:
        onnx_proto_utils._add_onnxscript_fn = step


@torch.no_grad()
def check_traced(module: nn.Module, args: tuple, expected: torch.Tensor, what: str) -> float:
    """The TorchScript trace (what the exporter converts) against the eager module on the same inputs."""
    traced = torch.jit.trace(module, args, check_trace=False)
    err = max_rel(traced(*args), expected)
    if err > 1e-6:
        raise SystemExit(f"{what}: the traced graph differs from the eager module (max rel err {err:.2e})")
    return err


def parse_grid(s: str) -> tuple[int, int]:
    w, h = (int(v) for v in s.lower().split("x"))
    return w, h


@torch.no_grad()
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="models/glimpse-tiny", help="model directory (config.json, model.safetensors)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--grids", default="756x756,1008x588", help="encoder grids WxH, pixels (multiples of 84)")
    ap.add_argument("--prefill-grid", default="756x756", help="grid of the one-frame prefill graph; 'none' for none")
    ap.add_argument("--no-weights", action="store_true", help="weights become graph inputs (named as in the checkpoint)")
    ap.add_argument("--no-reference", action="store_true", help="do not write reference.safetensors")
    a = ap.parse_args(argv)
    # Shapes are fixed per graph, so the branches the tracer warns about (grid divisibility, n <= index_topk) are
    # the right constants; the legacy exporter is chosen on purpose (see export()).
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    warnings.filterwarnings("ignore", message="You are using the legacy TorchScript-based ONNX export")
    model = load_exported(a.model)
    with open(os.path.join(a.model, "config.json")) as f:
        steps = json.load(f).get("trained_steps")
    os.makedirs(a.out, exist_ok=True)
    for line in check_golden(model, steps):
        print(line)
    manifest = {"format": "glimpse-onnx-1", "model": os.path.basename(os.path.normpath(a.model)),
                "config": model.cfg.name, "trained_steps": steps,
                "dtype": "float32", "opset": OPSET, "torch": torch.__version__, "weights": not a.no_weights,
                "graphs": []}
    ref: dict[str, torch.Tensor] = {}
    rows_at = {}
    for i, g in enumerate(a.grids.split(",")):
        w, h = parse_grid(g)
        name = f"encoder-{w}x{h}"
        enc = EncoderGraph(model, w, h).eval()
        px = frame_pixels(w, h, seed=100 + i)
        rows = enc(px)
        err = check_traced(enc, (px,), rows, name)
        export(enc, (px,), ["pixel_values", "rows"], os.path.join(a.out, name + ".onnx"), not a.no_weights)
        rows_at[(w, h)] = rows[0]
        ref[f"{name}.pixel_values"], ref[f"{name}.rows"] = px, rows
        manifest["graphs"].append({"name": name, "kind": "encoder", "file": name + ".onnx", "grid": [w, h],
                                   "inputs": {"pixel_values": list(px.shape)}, "outputs": {"rows": list(rows.shape)}})
        print(f"{name}.onnx: rows {tuple(rows.shape)}, trace max rel err {err:.1e}")
    if a.prefill_grid != "none":
        w, h = parse_grid(a.prefill_grid)
        if (w, h) not in rows_at:
            raise SystemExit(f"--prefill-grid {a.prefill_grid} must be one of --grids")
        name = f"prefill-{w}x{h}"
        pre = PrefillGraph(model).eval()
        ins = prefill_inputs(h // layout.MERGED_PX, w // layout.MERGED_PX, 0, model.cfg.lm.vocab_size)
        args = (ins["input_ids"], ins["image_index"], ins["span"], rows_at[(w, h)])
        logits = pre(*args)
        err = check_traced(pre, args, logits, name)
        export(pre, args, ["input_ids", "image_index", "span", "rows", "logits"], os.path.join(a.out, name + ".onnx"),
               not a.no_weights)
        for k, v in ins.items():
            ref[f"{name}.{k}"] = v
        ref[f"{name}.rows"], ref[f"{name}.logits"] = rows_at[(w, h)], logits
        T = ins["input_ids"].shape[1]
        manifest["graphs"].append({"name": name, "kind": "prefill", "file": name + ".onnx", "grid": [w, h],
                                   "query": QUERY, "tag": 0, "tokens": T,
                                   "sequence": {k: v[0].tolist() for k, v in ins.items()},
                                   "inputs": {"input_ids": [1, T], "image_index": [1, T], "span": [1, T],
                                              "rows": list(rows_at[(w, h)].shape)},
                                   "outputs": {"logits": list(logits.shape)}})
        print(f"{name}.onnx: {T} tokens, logits {tuple(logits.shape)}, trace max rel err {err:.1e}")
    if not a.no_reference:
        save_file(ref, os.path.join(a.out, "reference.safetensors"), {"format": "glimpse-onnx-reference-1"})
        manifest["reference"] = "reference.safetensors"
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"wrote {a.out}/manifest.json")


if __name__ == "__main__":
    main()
