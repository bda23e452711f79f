#!/usr/bin/env bash
# The whole GPU run of the CUDA backend, in one script, ending with one table:
#   1. the device (nvidia-smi)          2. the Java runtime from .device/  3. where the CUDA libraries are
#   4. held-out simulator scenes (raw streams: 120 at 756², 80 at 1008x588, one 48-frame sequence)
#   5. GPU conformance checks (Java): kernels, encoder, language model (CUDA engine vs CPU engine on the scenes)
#   6. Java CUDA encode timing          7. language model: query latency, tokens/s, memory at 1/100/999 frames
#   8. PyTorch eager / torch.compile timing                                9. the table (bench/gpu_table.py)
# GPU_SH_PARTS (default "all") may name a subset: lm (steps 1-4, the language-model checks and its benchmark) or
# encoder (the kernel and encoder checks and the Java encode timing).
# Run from the repository root after `bench/device-pack.sh cuda` (carry .device):  bash bench/gpu.sh
# Output directory: $OUT (default out/gpu): table.txt, steps.txt, gpu-checks.json, java-bench.json, lm-bench.json,
# torch-bench.json and logs.tar.gz (one log per step).
# It never hangs and never stops early: every step has a time limit cut from one overall budget (GPU_SH_BUDGET
# seconds, default 540, under a 600 s command limit); a step that fails or times out is reported and the next runs.
set -u -o pipefail
start=$(date +%s)
budget=${GPU_SH_BUDGET:-540}
OUT=${OUT:-out/gpu}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
: > "$OUT/steps.txt"

. "$(dirname "$0")/gpu-common.sh"

step device 20 bash -c 'nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader; nvidia-smi -L'

jre=$(mktemp -d /tmp/glimpse-jre.XXXXXX)
java=""
if step jre 90 tar xJf .device/jre25.tar.xz -C "$jre"; then
  java="$jre/jre25/bin/java"
  "$java" -version 2>&1 | head -1
else
  echo "no Java runtime: run bench/device-pack.sh cuda on the build machine and carry .device"
fi

cuda_libs_step

jopts=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx16g -Djava.awt.headless=true -cp '.device/lib/*')
parts=${GPU_SH_PARTS:-all}
scenes="$OUT/scratch/scenes-756.raw,$OUT/scratch/scenes-1008x588.raw"
sequence="$OUT/scratch/sequence-756.raw"
if [ -n "$java" ]; then
  mkdir -p "$OUT/scratch"
  # Held-out seeds (training never draws from 1,000,000,000 up: training/data.py HELDOUT_SEED_BASE).
  [ "$parts" != encoder ] && step scenes 90 bash -c "'$java' -cp '.device/lib/*' dev.glimpse.sim.RenderMain --raw --seed 1000000000 --scenes 120 \
      --frames 1 --size 756x756 --out '$OUT/scratch/scenes-756.raw' && '$java' -cp '.device/lib/*' dev.glimpse.sim.RenderMain \
      --raw --seed 1010000000 --scenes 80 --frames 1 --size 1008x588 --out '$OUT/scratch/scenes-1008x588.raw' && \
      '$java' -cp '.device/lib/*' dev.glimpse.sim.RenderMain --raw --seed 1020000000 --scenes 1 --frames 48 --size 756x756 \
      --out '$OUT/scratch/sequence-756.raw' && ls -la '$OUT/scratch'"
  only=all
  [ "$parts" = lm ] && only=lm
  [ "$parts" = encoder ] && only=kernels,encoder
  step checks 300 "$java" "${jopts[@]}" dev.glimpse.cuda.check.GpuCheckMain --model models/glimpse-tiny --out "$OUT" \
    --cache "$OUT/kernel-cache" --only "$only" --scenes "$scenes" --sequence "$sequence"
  if [ "$parts" != lm ]; then
    step java-bench 150 "$java" "${jopts[@]}" dev.glimpse.cuda.check.GpuBenchMain --model models/glimpse-tiny --out "$OUT" \
      --cache "$OUT/kernel-cache" --size 756x756 --batches 1,8 --precisions f32,bf16,tf32 --iters 50 --warmup 10
  fi
  [ "$parts" != encoder ] && step lm-bench 200 "$java" "${jopts[@]}" dev.glimpse.cuda.check.LmBenchMain --model models/glimpse-tiny --out "$OUT" \
    --cache "$OUT/kernel-cache" --scenes "$OUT/scratch/scenes-756.raw" --frames 1,100,999 --cpu-frames 100
else
  echo "checks skipped" >> "$OUT/steps.txt"
fi

torch_budget=$(( $(left) - 45 ))
[ "$torch_budget" -gt 260 ] && torch_budget=260
[ "$parts" = all ] && step torch-bench $(( torch_budget + 15 )) python3 bench/torch_encode.py --model models/glimpse-tiny --out "$OUT" \
  --size 756x756 --batches 1,8 --budget "$torch_budget"

echo "=== steps (name exit-status):"
cat "$OUT/steps.txt"
budget=$(( budget + 30 ))    # the table always gets its few seconds
step table 20 python3 bench/gpu_table.py "$OUT" || { echo "table failed; raw results:"; cat "$OUT"/*.json 2>/dev/null | head -100; }
rm -rf "$jre"
# What comes back from the GPU machine is limited in file count: the per-step logs go into one archive, the kernel
# cache and scratch models are dropped; the JSON results, steps.txt and the table stay as files.
( cd "$OUT" && { [ -f table.log ] && cp table.log table.txt; true; } && tar czf logs.tar.gz ./*.log libdirs.txt 2>/dev/null && rm -f ./*.log libdirs.txt && rm -rf kernel-cache scratch )
exit 0
