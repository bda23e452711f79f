"""Prints the closing table of bench/gpu.sh from OUT/gpu-checks.json, OUT/java-bench.json and OUT/torch-bench.json
(any of them may be missing or partial: what is there is printed, what is not is said). Standard library only."""
from __future__ import annotations

import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f), None
    except Exception as e:  # noqa: BLE001
        return None, f"{os.path.basename(path)}: {e}"


def main(out: str) -> int:
    checks, e1 = load(os.path.join(out, "gpu-checks.json"))
    java, e2 = load(os.path.join(out, "java-bench.json"))
    torch, e3 = load(os.path.join(out, "torch-bench.json"))
    print("=" * 100)
    print("GLIMPSE GPU RUN SUMMARY")
    for e in (e1, e2, e3):
        if e:
            print("  missing:", e)
    if checks:
        ctx = checks.get("context", {})
        print("device:", ctx.get("device", ctx.get("error", "?")))
        res = checks.get("checks", [])
        bad = [c for c in res if c["status"] != "PASS"]
        print(f"conformance: {len(res) - len(bad)} passed, {len(bad)} failed")
        for c in bad:
            print(f"  {c['status']:5s} {c['name']}: err={c.get('max_rel_err')} tol={c['tolerance']} {c.get('detail', '')[:300]}")
    rows = (java or {}).get("results", []) + (torch or {}).get("results", [])
    if torch and torch.get("error"):
        print("torch:", torch["error"])
    eager = {(r["precision"], r["batch"]): r for r in rows if r.get("impl") == "torch-eager" and "wall_ms" in r}
    lm, e4 = load(os.path.join(out, "lm-bench.json"))
    if lm:
        print()
        print(f"language model, {lm.get('frame_size', '?')} frames of one stream in context ({lm.get('device', '?')}; "
              f"CPU peer {lm.get('cpu_threads', '?')} threads): query = prompt prefill + greedy decode, median")
        head = f"{'engine':10s} {'frames':>6s} {'query':15s} {'query ms':>9s} {'tokens':>6s} {'tok/s':>8s} {'append ms':>9s} {'KV MB':>8s} {'device MB':>9s}"
        print(head)
        print("-" * len(head))
        for r in lm.get("rows", []):
            dev = f"{r['device_bytes'] / 1e6:9.1f}" if "device_bytes" in r else f"{'-':>9s}"
            print(f"{r['engine']:10s} {r['frames']:6d} {r['query']:15s} {r['query_ms']:9.2f} {r['tokens']:6d} "
                  f"{r['tokens_per_s']:8.0f} {r['append_ms']:9.2f} {r['kv_bytes'] / 1e6:8.1f} {dev}")
    elif e4:
        print("  missing:", e4)
    print()
    print("encode, grid-native frames, wall ms from uint8 frames in pinned host memory to host aligner rows (median);")
    print("GPU ms between events; heap ms/frame: the Java side from frames in a Java array (their copy into pinned memory included)")
    head = f"{'impl':14s} {'prec':5s} {'batch':>5s} {'graphs':>6s} {'ms/batch':>9s} {'ms/frame':>9s} {'frames/s':>9s} {'GPU ms':>8s} {'vs eager':>9s} {'heap ms/frame':>13s}"
    print(head)
    print("-" * len(head))
    order = {"java-cuda": 0, "torch-eager": 1, "torch-compile": 2}
    for r in sorted(rows, key=lambda r: (r.get("size", ""), r.get("batch", 0), r.get("precision", ""),
                                         order.get(r.get("impl"), 9), not r.get("graphs", False))):
        if "wall_ms" not in r:
            print(f"{r.get('impl', '?'):14s} {r.get('precision', '?'):5s} {r.get('batch', 0):5d}  ERROR {str(r.get('error'))[:150]}")
            continue
        base = eager.get((r["precision"], r["batch"]))
        ratio = f"{r['wall_ms'] / base['wall_ms']:.2f}x" if base else "-"
        heap = f"{r['wall_from_heap_ms'] / r['batch']:13.3f}" if "wall_from_heap_ms" in r else f"{'-':>13s}"
        print(f"{r['impl']:14s} {r['precision']:5s} {r['batch']:5d} {('yes' if r.get('graphs') else 'no'):>6s} "
              f"{r['wall_ms']:9.3f} {r['ms_per_frame']:9.3f} {r['frames_per_s']:9.1f} {r.get('gpu_ms', float('nan')):8.3f} {ratio:>9s} {heap}")
    print()
    for prec in ("f32", "bf16"):
        j = [r for r in rows if r.get("impl") == "java-cuda" and r.get("precision") == prec and r.get("batch") == 1
             and r.get("graphs") and "wall_ms" in r]
        base = eager.get((prec, 1))
        if j and base:
            ratio = j[0]["wall_ms"] / base["wall_ms"]
            print(f"goal (batch 1, {prec}): java-cuda / torch eager = {ratio:.3f} (goal <= 0.25): {'MET' if ratio <= 0.25 else 'NOT MET'}")
        else:
            print(f"goal (batch 1, {prec}): not measurable (java-cuda {'ok' if j else 'missing'}, torch eager {'ok' if base else 'missing'})")
    batched = [r for r in rows if "frames_per_s" in r and r.get("batch", 1) > 1]
    if batched:
        best = max(batched, key=lambda r: r["frames_per_s"])
        torch_best = max((r for r in batched if r.get("impl", "").startswith("torch")), key=lambda r: r["frames_per_s"],
                         default=None)
        peer = (f"; best PyTorch: {torch_best['impl']} {torch_best['precision']} batch {torch_best['batch']}, "
                f"{torch_best['frames_per_s']:.0f}") if torch_best else "; no PyTorch result"
        met = best.get("impl") == "java-cuda" and torch_best is not None
        print(f"goal (the most frames/s batched): {best['impl']} {best['precision']} batch {best['batch']}, "
              f"{best['frames_per_s']:.0f} frames/s{peer}: {'MET' if met else 'NOT MET' if torch_best else 'not measurable'}")
    print("=" * 100)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "out/gpu"))
