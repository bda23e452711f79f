"""PyTorch peer of the Java CUDA encoder benchmark (cuda/src/main/java/dev/glimpse/cuda/check/GpuBenchMain.java).

The same checkpoint (models/glimpse-tiny, loaded with training.export.load_exported) and the same work: grid-native
uint8 RGB frames in pinned host memory -> upload -> training/layout.preprocess (normalise) -> Glimpse.encode_images
(training/vision.py ViT + aligner, as training/evaluate.py encode_frames runs it) -> aligner rows back on the host.
Modes: eager and torch.compile, each in f32 (TF32 off, as PyTorch's default) and in bf16 autocast. Reports the
median wall-clock milliseconds of that whole round trip and the median GPU milliseconds between CUDA events around
the device part. Every configuration is bounded by --budget and its errors are recorded, never raised.

    python3 bench/torch_encode.py --model models/glimpse-tiny --out OUT [--size 756x756] [--batches 1,8]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/glimpse-tiny")
    ap.add_argument("--out", default="out/gpu")
    ap.add_argument("--size", default="756x756")
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--modes", default="eager-f32,eager-bf16,compile-f32,compile-bf16")
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--budget", type=float, default=240.0, help="seconds for everything; later configs are skipped")
    ap.add_argument("--device", default="cuda", help="cuda; cpu only smoke-tests this script (no GPU timing)")
    a = ap.parse_args()
    t_start = time.monotonic()
    os.makedirs(a.out, exist_ok=True)
    out_file = os.path.join(a.out, "torch-bench.json")
    doc = {"results": []}

    def save():
        with open(out_file, "w") as f:
            json.dump(doc, f, indent=1)

    try:
        import torch
        from training import layout
        from training.export import load_exported
    except Exception as e:  # noqa: BLE001 - report any import problem and stop cleanly
        doc["error"] = f"import failed: {e!r}"
        save()
        print("ERROR", doc["error"])
        return 1
    on_gpu = a.device == "cuda"
    if on_gpu and not torch.cuda.is_available():
        doc["error"] = "torch.cuda.is_available() is False"
        save()
        print("ERROR", doc["error"])
        return 1
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device(a.device)
    doc["device"] = torch.cuda.get_device_name(0) if on_gpu else "cpu"
    doc["torch"] = torch.__version__
    w, h = (int(v) for v in a.size.split("x"))
    model = load_exported(a.model).to(dev).eval()
    pl = layout.placement(w, h, w, h)
    gen = torch.Generator().manual_seed(99)

    for mode in a.modes.split(","):
        kind, prec = mode.split("-")
        amp = prec == "bf16"

        def device_part(x_u8):
            px = layout.preprocess(x_u8, pl)
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=amp):
                return model.encode_images(px)

        compiled = []                               # built inside the first try: torch.compile itself may fail

        for b in (int(v) for v in a.batches.split(",")):
            left = a.budget - (time.monotonic() - t_start)
            rec = {"impl": f"torch-{kind}", "precision": prec, "batch": b, "size": a.size, "graphs": False}
            if left < (60 if kind == "compile" else 10):
                rec["error"] = f"skipped: {left:.0f} s of the budget left"
                doc["results"].append(rec)
                print(f"SKIP torch-{kind} {prec} batch {b}: {rec['error']}")
                save()
                continue
            try:
                if kind == "compile" and not compiled:
                    compiled.append(torch.compile(device_part, dynamic=False))
                fn = compiled[0] if kind == "compile" else device_part
                host = torch.randint(0, 256, (b, h, w, 3), dtype=torch.uint8, generator=gen)
                if on_gpu:
                    host = host.pin_memory()
                    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                walls, gpus = [], []
                t_compile = time.monotonic()
                with torch.no_grad():
                    for i in range(-a.warmup, a.iters):
                        t0 = time.perf_counter()
                        if on_gpu:
                            start.record()                  # the upload is inside the span, as in the Java graph
                        x = host.to(dev, non_blocking=True)
                        rows = fn(x)
                        if on_gpu:
                            end.record()
                        res = rows.float().cpu()
                        t1 = time.perf_counter()
                        if i == -a.warmup:
                            rec["first_call_s"] = time.monotonic() - t_compile
                        if i >= 0:
                            walls.append((t1 - t0) * 1e3)
                            gpus.append(start.elapsed_time(end) if on_gpu else float("nan"))
                        if time.monotonic() - t_start > a.budget:
                            raise TimeoutError(f"budget of {a.budget:.0f} s reached after {len(walls)} timed runs")
                wall = statistics.median(walls)
                rec.update(wall_ms=wall, gpu_ms=statistics.median(gpus), ms_per_frame=wall / b,
                           frames_per_s=1000.0 * b / wall, rows_shape=list(res.shape))
                print(f"torch-{kind:7s} {prec:4s} batch {b}: wall {wall:.3f} ms ({wall / b:.3f} ms/frame, "
                      f"{1000.0 * b / wall:.1f} frames/s), GPU {rec['gpu_ms']:.3f} ms, first call {rec['first_call_s']:.1f} s",
                      flush=True)
            except Exception as e:  # noqa: BLE001 - one failing mode must not stop the others
                rec["error"] = f"{type(e).__name__}: {e}"
                rec["trace"] = traceback.format_exc()[-2000:]
                print(f"ERROR torch-{kind} {prec} batch {b}: {rec['error']}", flush=True)
            doc["results"].append(rec)
            save()
    save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
