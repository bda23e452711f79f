"""Train glimpse-tiny for a wall-clock budget, resuming from the run directory (training/README.md).

    python3 -m training.train --run training/runs/glimpse-tiny --out $OUT --time-budget 540 \
        --java /tmp/jre25/bin/java --classpath <sim classpath>

Each call: resume (full state if this machine still has it, else the portable bf16 checkpoint), train until the
budget minus a reserve, evaluate on held-out scenes, write RUN/ckpt.safetensors + RUN/log.jsonl and copy them
(plus eval.json) to --out.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import queue
import random
import shutil
import threading
import time

import torch

from . import checkpoint as ck
from . import layout
from .config import PRESETS
from .data import HELDOUT_SEED_BASE, Pool, PoolSpec, SimCommand, render_fixed
from .evaluate import encode_frames, grid_placement, run_eval, stack_images
from .model import Glimpse, aux_loss, lm_loss
from .samples import Batch, Visibility, add_sequence, add_single, aux_targets, build_sequences, collate

DEFAULT_POOLS = ["sq:756x756:1:5:0", "wide:1008x588:1:3:200000000", "seq:756x756:8:3:400000000"]
DEFAULT_PER_STEP = ["sq=48", "wide=24", "seq=2"]


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="glimpse-tiny", choices=sorted(PRESETS))
    ap.add_argument("--run", default="training/runs/glimpse-tiny", help="run dir: resume state, logs")
    ap.add_argument("--state-dir", default=None, help="full-precision state (default: RUN-state)")
    ap.add_argument("--out", default=None, help="copy ckpt.safetensors, log.jsonl, eval.json here at the end")
    ap.add_argument("--time-budget", type=float, default=540.0, help="seconds for this whole process")
    ap.add_argument("--max-steps", type=int, default=None, help="stop after this step (smoke tests)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--seed", type=int, default=1234)
    # simulator
    ap.add_argument("--java", default="java")
    ap.add_argument("--classpath", default="sim/target/classes")
    ap.add_argument("--jvm-args", default="")
    ap.add_argument("--sim-cmd", default=None, help="replace 'java -cp CP dev.glimpse.sim.RenderMain' (tests)")
    ap.add_argument("--pool", action="append", default=None, help="name:WxH:frames:workers:seed_base")
    ap.add_argument("--per-step", action="append", default=None, help="pool=count (frames or scenes) per step")
    ap.add_argument("--queries-per-frame", type=int, default=2)
    ap.add_argument("--examples-per-scene", type=int, default=3)
    ap.add_argument("--max-context", type=int, default=7, help="older frames before the queried one (0..N)")
    # optimisation
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--min-lr-ratio", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--rewarm", type=int, default=100, help="lr re-warm-up after a portable resume")
    ap.add_argument("--total-steps", type=int, default=12000, help="cosine schedule length")
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--grad-clip", type=float, default=1.0)
    ap.add_argument("--sigma", type=float, default=3.0, help="Gaussian coordinate target std (bins)")
    ap.add_argument("--aux-weight", type=float, default=1.0)
    ap.add_argument("--kl-weight", type=float, default=1.0)
    ap.add_argument("--dense-steps", type=int, default=2000, help="CSA attends all visible entries until here")
    ap.add_argument("--lm-micro", type=int, default=2 ** 25,
                    help="max B*T*T per LM micro-batch (bounds attention memory; lower it on out-of-memory)")
    ap.add_argument("--amp", default="auto", choices=["auto", "bf16", "off"])
    ap.add_argument("--attention", default="dense", choices=["dense", "fused"],
                    help="language-model attention in training: dense (every [B,H,T,S] tensor kept for backward) or "
                         "fused (scaled_dot_product_attention, the sink as an extra key; the same function)")
    # logging / eval / checkpoints
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--profile", type=int, default=0,
                    help="profile this many steps (after 20 warm ones) with torch.profiler -> OUT/profile.txt")
    ap.add_argument("--ckpt-every", type=float, default=150.0, help="seconds between checkpoints")
    ap.add_argument("--eval-single", default="756x756:160,1008x588:96", help="WxH:scenes held-out single frames")
    ap.add_argument("--eval-multi", default="756x756:8:24", help="WxH:frames:scenes held-out sequences")
    ap.add_argument("--eval-memory", default="", help="WxH:frames:scenes:fps held-out sequences for memory queries "
                    "(one per scene, about its last frame with every earlier frame in context), e.g. 756x756:8:64:5")
    ap.add_argument("--memory", action="append", default=None,
                    help="pool=share: that sequence pool's examples are memory queries with this probability")
    ap.add_argument("--eval-every", type=int, default=0, help="also evaluate every N steps (0: only at the end)")
    ap.add_argument("--eval-reserve", type=float, default=75.0, help="seconds kept for the final eval + save")
    return ap.parse_args(argv)


def lr_at(step: int, a, rewarm_from: int | None) -> float:
    if step < a.warmup:
        f = (step + 1) / a.warmup
    else:
        p = min(1.0, (step - a.warmup) / max(1, a.total_steps - a.warmup))
        f = a.min_lr_ratio + (1 - a.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * p))
    if rewarm_from is not None and step - rewarm_from < a.rewarm:
        f *= (step - rewarm_from + 1) / a.rewarm
    return a.lr * f


def make_optimizer(model, a):
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (decay if p.dim() >= 2 and not n.endswith("position_bias") else no_decay).append(p)
    kw = {"fused": True} if torch.cuda.is_available() else {}
    return torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.95), **kw)


class BatchMaker(threading.Thread):
    """Builds batches (CPU side) one step ahead, in step order, from the pools."""

    def __init__(self, pools, per_step, a, cfg, first_step, vis):
        super().__init__(daemon=True)
        self.pools, self.per_step, self.a, self.cfg, self.step, self.vis = pools, per_step, a, cfg, first_step, vis
        self.pin = a.device.startswith("cuda")
        self.memory = {kv.split("=")[0]: float(kv.split("=")[1]) for kv in (a.memory or [])}
        unknown = set(self.memory) - set(pools)
        if unknown:
            raise ValueError(f"--memory names pools that do not exist: {sorted(unknown)} (pools: {sorted(pools)})")
        self.q: queue.Queue = queue.Queue(maxsize=2)
        self.error = None
        self.stop = False

    def run(self):
        try:
            while not self.stop:
                self.q.put(self.make(self.step))
                self.step += 1
        except BaseException as e:
            self.error = e
            self.q.put(None)

    def make(self, step):
        rng = random.Random(self.a.seed * 1_000_003 + step)
        batch = Batch()
        sizes = []
        for name, count in self.per_step:
            pool = self.pools[name]
            W, H = pool.spec.width, pool.spec.height
            for _ in range(count):
                scene = pool.next_scene()
                if pool.spec.frames == 1:
                    add_single(batch, scene[0], self.a.queries_per_frame, rng, self.vis, W, H)
                else:
                    add_sequence(batch, scene, self.a.examples_per_scene, self.a.max_context, rng, self.vis, W, H,
                                 p_memory=self.memory.get(name, 0.0))
                sizes += [(W, H)] * len(scene)
        grids, aux = {}, []
        for i, (fr, (W, H)) in enumerate(zip(batch.frames, sizes)):
            pl = grid_placement(W, H, self.cfg)
            grids[i] = (pl.grid_h // layout.MERGED_PX, pl.grid_w // layout.MERGED_PX)
            aux.append(aux_targets(fr, pl, self.vis, W, H))
        build_sequences(batch, self.cfg, grids)
        positions = {n: p.position for n, p in self.pools.items()}
        batch.stacked = stack_images(batch.frames, sizes, pin=self.pin)
        return step, batch, sizes, aux, positions

    def get(self):
        item = self.q.get()
        if item is None:
            raise RuntimeError(f"batch maker failed: {self.error!r}") from self.error
        return item


def train_step(model, batch, sizes, aux, step, a, device, amp_dtype):
    cfg = model.cfg
    outs, order, rows, row_offset = encode_frames(model, batch.frames, sizes, cfg, device, amp_dtype,
                                                  stacked=batch.stacked)
    rows_leaf = rows.detach().float().requires_grad_(True)
    csa_mode = "dense" if step < a.dense_steps else "sparse"

    # LM micro-batches, examples sorted by length, each bounded in B*T*T (the attention matrices dominate memory).
    exs = sorted(batch.examples, key=lambda e: len(e.seq))
    n_tokens = sum(len(e.seq) - e.seq.answer_start + 1 for e in exs)
    micro, cur = [], []
    for e in exs:
        if cur and (len(cur) + 1) * len(e.seq) ** 2 > a.lm_micro:
            micro.append(cur)
            cur = []
        cur.append(e)
    micro.append(cur)
    stats = {"lm": 0.0, "kl": 0.0}
    for mb in micro:
        t = collate(mb, row_offset, device)
        with torch.autocast(device_type=device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
            h = model.hidden(t["tokens"], t["image_index"], t["span"], rows_leaf, csa_mode=csa_mode, want_kl=True,
                             fused=a.attention == "fused")
            sel = t["answer_index"]                                   # flat positions with a target, from collate
            logits = model.logits(h.reshape(-1, h.shape[-1]).index_select(0, sel))
        loss = lm_loss(logits, t["targets"].reshape(-1)[sel], t["is_coord"].reshape(-1)[sel], a.sigma)
        w = t["n_answer"] / n_tokens
        kl = model.lm.indexer_kl()
        total = loss * w + (a.kl_weight * kl / len(micro) if kl is not None else 0.0)
        total.backward()
        stats["lm"] = stats["lm"] + loss.detach() * w                   # device tensors: read once per step
        if kl is not None:
            stats["kl"] = stats["kl"] + kl.detach() / len(micro)

    # Vision: aux head on the merged tokens, plus the LM's gradient w.r.t. the rows.
    aux_terms = {}
    vis_total = (rows * rows_leaf.grad.to(rows.dtype)).sum()
    k = 0
    for o, (W, H) in zip(outs, _group_sizes(sizes)):
        idx = order[k:k + o.shape[0]]
        k += o.shape[0]
        tgt = {key: torch.stack([torch.from_numpy(aux[i][key]) for i in idx]).to(device) for key in aux[idx[0]]}
        with torch.autocast(device_type=device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
            pred = model.aux_head(o)
        for key, v in aux_loss(pred, tgt, cfg).items():
            aux_terms[key] = aux_terms.get(key, 0.0) + v * o.shape[0] / len(order)
    aux_sum = sum(aux_terms.values())
    (vis_total + a.aux_weight * aux_sum).backward()
    stats.update({k2: v.detach() for k2, v in aux_terms.items()})
    stats["loss"] = stats["lm"] + aux_sum.detach() + stats["kl"]
    stats = {k2: float(v) for k2, v in stats.items()}                # the step's single device sync
    stats["frames"] = len(batch.frames)
    stats["sequences"] = len(batch.examples)
    stats["tokens"] = sum(len(e.seq) for e in exs)
    return stats


def _group_sizes(sizes):
    seen = []
    for s in sizes:
        if s not in seen:
            seen.append(s)
    return seen


MEMORY_EVAL_SEED_OFFSET = 500_000_000     # held-out memory sequences: seeds apart from the single/multi sets


def load_eval_sets(a, command):
    single, multi = [], []
    base = HELDOUT_SEED_BASE
    for spec in filter(None, a.eval_single.split(",")):
        size, n = spec.split(":")
        W, H = map(int, size.split("x"))
        _, scenes = render_fixed(command, base, int(n), 1, W, H)
        single += [(i, (s, (W, H))) for i, s in enumerate(scenes)]
        base += 10_000_000
    single = [x for _, x in sorted(single, key=lambda e: e[0])]     # sizes interleaved (a cut-off eval sees both)
    for spec in filter(None, a.eval_multi.split(",")):
        size, f, n = spec.split(":")
        W, H = map(int, size.split("x"))
        _, scenes = render_fixed(command, base, int(n), int(f), W, H)
        multi += [(s, (W, H)) for s in scenes]
        base += 10_000_000
    memory = []
    base = HELDOUT_SEED_BASE + MEMORY_EVAL_SEED_OFFSET
    for spec in filter(None, getattr(a, "eval_memory", "").split(",")):
        size, f, n, fps = spec.split(":")
        W, H = map(int, size.split("x"))
        _, scenes = render_fixed(command, base, int(n), int(f), W, H, int(fps))
        memory += [(s, (W, H)) for s in scenes]
        base += 10_000_000
    return single, multi, memory


def main(argv=None):
    t_start = time.time()
    a = parse_args(argv)
    device = torch.device(a.device)
    amp_dtype = torch.bfloat16 if (a.amp == "bf16" or (a.amp == "auto" and device.type == "cuda")) else None
    torch.manual_seed(a.seed)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    os.makedirs(a.run, exist_ok=True)
    state_dir = a.state_dir or a.run.rstrip("/") + "-state"
    log_path = os.path.join(a.run, "log.jsonl")

    def log(rec):
        rec = {"t": round(time.time() - t_start, 1), **rec}
        with open(log_path, "a") as f:
            f.write(json.dumps(rec) + "\n")
        print(json.dumps(rec), flush=True)

    # -- model, optimizer, resume ----------------------------------------------------------------------------------
    cfg = PRESETS[a.config]()
    model = Glimpse(cfg).to(device)
    optimizer = make_optimizer(model, a)
    kind, _ = ck.find_resume(a.run, state_dir)
    step, positions, rewarm_from = 0, {}, None
    if kind == "full":
        msd, osd, rcfg, meta = ck.load_full(state_dir)
        assert rcfg == cfg, "config of the run differs from --config"
        model.load_state_dict(msd)
        optimizer.load_state_dict(osd)
        step, positions = meta["step"], meta["positions"]
    elif kind == "portable":
        tensors, rcfg, meta = ck.load_portable(os.path.join(a.run, ck.PORTABLE))
        assert rcfg == cfg, "config of the run differs from --config"
        model.load_state_dict({k: v.float() for k, v in tensors.items()})
        step, positions, rewarm_from = meta["step"], meta["positions"], meta["step"]
    counts = model.parameter_counts()
    log({"event": "start", "resume": kind, "step": step, "device": str(device),
         "gpu": torch.cuda.get_device_name() if device.type == "cuda" else None, "params": counts})

    # -- data ------------------------------------------------------------------------------------------------------
    command = SimCommand(a.java, a.classpath, a.sim_cmd, jvm_args=a.jvm_args)
    specs = [PoolSpec.parse(s) for s in (a.pool or DEFAULT_POOLS)]
    pools = {s.name: Pool(s, command, positions.get(s.name, 0)) for s in specs}
    per_step = [(kv.split("=")[0], int(kv.split("=")[1])) for kv in (a.per_step or DEFAULT_PER_STEP)]
    t0 = time.time()
    eval_single, eval_multi, eval_memory = load_eval_sets(a, command)
    log({"event": "eval_data", "single": len(eval_single), "multi": len(eval_multi), "memory": len(eval_memory),
         "seconds": round(time.time() - t0, 1)})
    vis = Visibility()
    maker = BatchMaker(pools, per_step, a, cfg, step, vis)
    maker.start()

    def checkpoint(final=False):
        meta = {"step": step, "positions": last_positions, "seed": a.seed, "time": time.time() - t_start}
        ck.save_full(model, optimizer, state_dir, meta)
        n = ck.save_portable(model, os.path.join(a.run, ck.PORTABLE), meta)
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            shutil.copy(os.path.join(a.run, ck.PORTABLE), os.path.join(a.out, ck.PORTABLE))
            shutil.copy(log_path, os.path.join(a.out, "log.jsonl"))
        return n

    def evaluate(deadline=None):
        te = time.time()
        res = run_eval(model, cfg, eval_single, eval_multi, device, amp_dtype, vis, seed=a.seed, deadline=deadline,
                       eval_memory=eval_memory)
        res["seconds"] = round(time.time() - te, 1)
        log({"event": "eval", "step": step, **{k: v for k, v in res.items()}})
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            with open(os.path.join(a.out, "eval.json"), "w") as f:
                json.dump({"step": step, **res}, f, indent=1)
        return res["seconds"]

    # -- loop ------------------------------------------------------------------------------------------------------
    model.train()
    last_positions = dict(positions)
    last_ckpt = time.time()
    reserve = a.eval_reserve
    win = {"frames": 0, "sequences": 0, "tokens": 0, "wait": 0.0, "t": time.time()}
    acc = {}
    prof, first_profiled = None, step + 20
    while True:
        if time.time() - t_start > a.time_budget - reserve or (a.max_steps is not None and step >= a.max_steps):
            break
        tw = time.time()
        s, batch, sizes, aux, pos = maker.get()
        assert s == step
        win["wait"] += time.time() - tw
        lr = lr_at(step, a, rewarm_from)
        for g in optimizer.param_groups:
            g["lr"] = lr
        if a.profile and prof is None and step == first_profiled:
            prof = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]
                                          + ([torch.profiler.ProfilerActivity.CUDA] if device.type == "cuda" else []))
            prof.__enter__()
        stats = train_step(model, batch, sizes, aux, step, a, device, amp_dtype)
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), a.grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        if prof is not None and step == first_profiled + a.profile:
            if device.type == "cuda":
                torch.cuda.synchronize()
            prof.__exit__(None, None, None)
            key = "cuda_time_total" if device.type == "cuda" else "cpu_time_total"
            table = prof.key_averages().table(sort_by=key, row_limit=45)
            os.makedirs(a.out or a.run, exist_ok=True)
            with open(os.path.join(a.out or a.run, "profile.txt"), "w") as f:
                f.write(f"steps {first_profiled}..{step - 1}\n" + table)
            prof = False
        last_positions = pos
        for k in ("frames", "sequences", "tokens"):
            win[k] += stats.pop(k)
        for k, v in stats.items():
            acc[k] = acc.get(k, 0.0) + v
        acc["n"] = acc.get("n", 0) + 1
        if step % a.log_every == 0:
            dt = time.time() - win["t"]
            n = acc.pop("n")
            log({"step": step, "lr": round(lr, 7), "gnorm": round(float(gnorm), 3),
                 **{k: round(v / n, 4) for k, v in acc.items()},
                 "frames_per_s": round(win["frames"] / dt, 1), "seq_per_s": round(win["sequences"] / dt, 1),
                 "tokens_per_s": round(win["tokens"] / dt), "data_wait": round(win["wait"] / dt, 3),
                 "csa": "dense" if step < a.dense_steps else "sparse"})
            acc = {}
            win = {"frames": 0, "sequences": 0, "tokens": 0, "wait": 0.0, "t": time.time()}
        if a.eval_every and step % a.eval_every == 0:
            reserve = max(reserve, evaluate() + 20)
        if time.time() - last_ckpt > a.ckpt_every:
            checkpoint()
            last_ckpt = time.time()

    maker.stop = True
    for p in pools.values():
        p.close()
    n = checkpoint(final=True)                      # first, so that a cut-off eval still leaves the checkpoint
    evaluate(deadline=t_start + a.time_budget - 10)
    log({"event": "end", "step": step, "ckpt_bytes": n, "seconds": round(time.time() - t_start, 1)})
    if a.out:
        shutil.copy(log_path, os.path.join(a.out, "log.jsonl"))


if __name__ == "__main__":
    main()
