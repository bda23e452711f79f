#!/usr/bin/env bash
# CPU smoke test of the whole training loop on the Python fake stream (no Java, no GPU):
# trains the 'smoke' config, resumes twice (full state, then portable checkpoint only), exports,
# dumps fixtures. Usage, from the repo root:  bash training/tests/smoke.sh [seconds per call, default 150]
set -euo pipefail
secs=${1:-150}
dir=${SMOKE_DIR:-/tmp/glimpse-smoke}
rm -rf "$dir"
common=(--config smoke --run "$dir/run" --sim-cmd "python3 -m training.tests.fake_stream"
        --pool sq:168x168:1:1:0 --pool seq:168x168:4:1:400000000 --pool mem:168x168:6:1:600000000:5
        --per-step sq=16 --per-step seq=1 --per-step mem=1 --memory mem=0.5
        --max-context 3 --eval-single 168x168:24 --eval-multi 168x168:4:6 --eval-memory 168x168:6:8:5 --log-every 10
        --warmup 30 --dense-steps 100 --total-steps 3000 --lr 2e-3 --eval-reserve 25)
python3 -m training.train "${common[@]}" --out "$dir/out1" --time-budget "$secs"
python3 -m training.train "${common[@]}" --out "$dir/out2" --time-budget "$secs"          # resumes: full state
rm -rf "$dir/run-state"
python3 -m training.train "${common[@]}" --out "$dir/out3" --time-budget "$secs"          # resumes: portable ckpt
python3 -m training.export --ckpt "$dir/run/ckpt.safetensors" --out "$dir/model"
python3 -m training.dump_fixtures --model "$dir/model" --out "$dir/fixtures/fixtures.safetensors" --max-new 40
python3 - "$dir/run/log.jsonl" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for r in rows:
    if r.get("event") == "start":
        print("start: resume =", r["resume"], "at step", r["step"])
    elif r.get("event") == "eval":
        s, m = r["single"], r.get("multi", {})
        print(f"eval step {r['step']}: box R {s['box_recall']:.2f} P {s['box_precision']:.2f}  "
              f"point {s['point_hit_rate']:.2f}  count {s['count_exact']:.2f}  absent {s['absent_empty']:.2f}  "
              f"multi box R {m.get('box_recall', 0):.2f}  indexer recall {m.get('indexer_recall')}  "
              f"memory frame {r.get('memory', {}).get('memory_frame_accuracy')}")
train = [r for r in rows if "lm" in r]
first, last = train[0], train[-1]
print(f"loss {first['loss']:.3f} -> {last['loss']:.3f} (lm {first['lm']:.3f} -> {last['lm']:.3f}, "
      f"aux_obj {first['aux_obj']:.3f} -> {last['aux_obj']:.3f}) over steps {first['step']}..{last['step']}")
assert last["loss"] < first["loss"], "loss did not go down"
EOF
