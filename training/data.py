"""Simulator processes and the raw stream parser (docs/model.md §9.1).

A Pool runs N simulator processes of one kind (image size, frames per scene) and hands out scenes in a fixed
order, so that the data a run sees depends only on (pool spec, position), never on process timing:
  global scene index j -> worker w = j mod N, the worker's local scene i = j div N,
  seed = seed_base + w * SEED_STRIDE + i.
Each worker is ONE long-running process: `<sim> --raw --seed S --scenes K --frames F --size WxH --out -`.
Training seeds stay below HELDOUT_SEED_BASE; evaluation uses seeds from it upward.
"""
from __future__ import annotations

import json
import queue
import shlex
import struct
import subprocess
import threading
from dataclasses import dataclass

import numpy as np

MAGIC_STREAM = b"GLMPRAW1"
MAGIC_FRAME = 0x4D415246            # bytes 'F','R','A','M' little-endian
HELDOUT_SEED_BASE = 1_000_000_000
SEED_STRIDE = 10_000_000
WORKER_SCENES = 1_000_000            # scenes asked of one long-running process


@dataclass
class Frame:
    scene: int
    index: int                        # 1-based frame number within its scene
    objects: list[dict]
    image: np.ndarray                 # uint8 [H, W, 3]


def _read_exact(f, n: int) -> bytes | None:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = f.readinto(view[got:])
        if not k:
            if got == 0:
                return None
            raise EOFError(f"raw stream truncated: wanted {n} bytes, got {got}")
        got += k
    return bytes(buf) if n < 4096 else buf


def read_stream(f):
    """Yield (header dict, None) once, then Frame objects, from a binary file-like raw stream."""
    magic = _read_exact(f, 8)
    if magic != MAGIC_STREAM:
        raise ValueError(f"not a GLMPRAW1 stream (got {magic!r})")
    (n,) = struct.unpack("<I", _read_exact(f, 4))
    header = json.loads(bytes(_read_exact(f, n)).decode("utf-8"))
    if header.get("version") != 1 or header.get("pixel_format") != "rgb24":
        raise ValueError(f"unsupported raw stream header {header}")
    W, H = header["width"], header["height"]
    yield header, None
    while True:
        head = _read_exact(f, 8)
        if head is None:
            return
        magic, n = struct.unpack("<II", head)
        if magic != MAGIC_FRAME:
            raise ValueError(f"bad frame magic {magic:#x}")
        labels = json.loads(bytes(_read_exact(f, n)).decode("utf-8"))
        pix = _read_exact(f, W * H * 3)
        if pix is None:
            raise EOFError("raw stream ended inside a frame")
        img = np.frombuffer(pix, dtype=np.uint8).reshape(H, W, 3)
        yield header, Frame(labels["scene"], labels["frame"], labels["objects"], img)


@dataclass(frozen=True)
class PoolSpec:
    name: str
    width: int
    height: int
    frames: int                       # frames per scene (1 = independent frames)
    workers: int
    seed_base: int
    fps: int | None = None            # simulation rate (frames 1/fps s apart); None = the simulator's default (30)

    @staticmethod
    def parse(s: str) -> "PoolSpec":
        """'name:WxH:frames:workers:seed_base[:fps]', e.g. 'sq:756x756:1:4:0' or 'mem:756x756:8:3:600000000:5'."""
        parts = s.split(":")
        if len(parts) not in (5, 6):
            raise ValueError(f"pool '{s}': expected name:WxH:frames:workers:seed_base[:fps]")
        name, size, frames, workers, base = parts[:5]
        w, h = map(int, size.lower().split("x"))
        return PoolSpec(name, w, h, int(frames), int(workers), int(base), int(parts[5]) if len(parts) == 6 else None)


class SimCommand:
    """Builds a simulator command line: java -cp CP dev.glimpse.sim.RenderMain ..., or a replacement program
    (the Python fake in tests) given as --sim-cmd."""

    def __init__(self, java: str = "java", classpath: str = "", sim_cmd: str | None = None,
                 main_class: str = "dev.glimpse.sim.RenderMain", jvm_args: str = ""):
        self.prefix = shlex.split(sim_cmd) if sim_cmd else [java, *shlex.split(jvm_args), "-cp", classpath,
                                                            main_class]

    def __call__(self, seed: int, scenes: int, frames: int, width: int, height: int, fps: int | None = None) -> list[str]:
        return [*self.prefix, "--raw", "--seed", str(seed), "--scenes", str(scenes), "--frames", str(frames),
                "--size", f"{width}x{height}", *(["--fps", str(fps)] if fps else []), "--out", "-"]


class _Worker(threading.Thread):
    def __init__(self, cmd: list[str], frames: int, q: queue.Queue):
        super().__init__(daemon=True)
        self.cmd, self.frames, self.q = cmd, frames, q
        self.proc = None
        self.error: BaseException | None = None
        self.header: dict | None = None
        self.stop = False

    def run(self):
        try:
            self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         bufsize=1 << 22)
            scene: list[Frame] = []
            for header, fr in read_stream(self.proc.stdout):
                if fr is None:
                    self.header = header
                    continue
                scene.append(fr)
                if len(scene) == self.frames:
                    self._put(scene)
                    scene = []
                if self.stop:
                    return
            raise EOFError(f"simulator ended early: {' '.join(self.cmd)}")
        except BaseException as e:        # surfaced to the consumer
            if not self.stop:
                self.error = e
                self._put(None)

    def _put(self, item):
        while not self.stop:
            try:
                self.q.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def close(self):
        self.stop = True
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Pool:
    """N simulator workers of one kind, consumed round-robin (deterministic order)."""

    def __init__(self, spec: PoolSpec, command: SimCommand, position: int = 0, prefetch: int = 32):
        self.spec, self.position = spec, position
        self.queues, self.workers = [], []
        for w in range(spec.workers):
            first_local = (position - w + spec.workers - 1) // spec.workers if position > w else 0
            seed = spec.seed_base + w * SEED_STRIDE + first_local
            assert seed + WORKER_SCENES < HELDOUT_SEED_BASE or spec.seed_base >= HELDOUT_SEED_BASE
            q: queue.Queue = queue.Queue(maxsize=prefetch)
            wk = _Worker(command(seed, WORKER_SCENES, spec.frames, spec.width, spec.height, spec.fps), spec.frames, q)
            wk.start()
            self.queues.append(q)
            self.workers.append(wk)

    def next_scene(self, timeout: float = 120.0) -> list[Frame]:
        w = self.position % self.spec.workers
        item = self.queues[w].get(timeout=timeout)
        if item is None:
            raise RuntimeError(f"pool {self.spec.name} worker {w} failed: {self.workers[w].error!r}")
        self.position += 1
        return item

    def close(self):
        for wk in self.workers:
            wk.close()


def render_fixed(command: SimCommand, seed: int, scenes: int, frames: int, width: int, height: int,
                 fps: int | None = None):
    """Render a fixed list of scenes (e.g. the held-out eval set) with one process; returns (header, scenes)."""
    proc = subprocess.Popen(command(seed, scenes, frames, width, height, fps), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out, header, scene = [], None, []
    for h, fr in read_stream(proc.stdout):
        header = h
        if fr is None:
            continue
        scene.append(fr)
        if len(scene) == frames:
            out.append(scene)
            scene = []
    err = proc.stderr.read().decode(errors="replace")
    if proc.wait() != 0 or len(out) != scenes:
        raise RuntimeError(f"simulator failed ({len(out)}/{scenes} scenes): {err[-2000:]}")
    return header, out
