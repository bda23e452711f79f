#!/usr/bin/env bash
# Issue 10's GPU run, in one script: K concurrent camera streams through the whole agent on the CUDA backend
# (ingest → engine → tracker → ROS 2 publish, a second DDS participant counting what arrives), K growing until
# frames drop, then 2×K; the standing query at 5 Hz and at 1 Hz per stream, and on every frame of one stream.
#   1. the device   2. the Java runtime and the agent's classes from .device/   3. the CUDA libraries
#   4. Cyclone DDS from .device/dds.tar.xz (Debian's libddsc; the GPU machine has none)
#   5. eight held-out 300-frame simulator videos, 756², 30 fps, as y4m files (the machine carries no FFmpeg:
#      .device's budget beside the tracked files has no room for its 25 MB of natives; the y4m reader is Java)
#   6. glimpse bench streams, query at 5 Hz   7. the same at 1 Hz   8. one stream, query on every frame
# Run from the repository root after `bench/device-pack.sh agent` (carry .device): OUT=… bash bench/gpu-streams.sh
# Output in $OUT (default out/gpu-streams): tables.md (every run's table), steps.txt and results.tar.gz (5hz/, 1hz/,
# every-frame/ with streams.md, levels.csv, streams.json; the logs): few files, as the GPU machine returns few. Every step has a time limit cut from GPU_SH_BUDGET seconds (default 540).
set -u -o pipefail
start=$(date +%s)
budget=${GPU_SH_BUDGET:-540}
OUT=${OUT:-out/gpu-streams}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
: > "$OUT/steps.txt"
. "$(dirname "$0")/gpu-common.sh"

step device 20 bash -c 'nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader; nproc; free -g | head -2'

tmp=$(mktemp -d /tmp/glimpse-streams.XXXXXX)
step unpack 90 bash -c "tar xJf .device/jre25.tar.xz -C '$tmp' && tar xJf .device/agent.tar.xz -C '$tmp' && tar xJf .device/dds.tar.xz -C '$tmp' && ls '$tmp/lib' | wc -l"
java="$tmp/jre25/bin/java"
cuda_libs_step

ros=()
dds="$tmp/dds"
export GLIMPSE_DDSC_LIBRARY="$dds/libddsc.so.0debian"
export LD_LIBRARY_PATH="$dds:${LD_LIBRARY_PATH:-}"
if step dds 20 bash -c "ldd '$GLIMPSE_DDSC_LIBRARY' | grep -v 'not found' | sed 's/^/  /'; ! ldd '$GLIMPSE_DDSC_LIBRARY' | grep 'not found'"; then
  ros=(--ros --ros-domain 42)
else
  echo "libddsc cannot load here: the runs go on without ROS (latency ends when tracks reach the listeners)"
fi

# Held-out seeds (training never draws from 1,000,000,000 up): 1,030,000,001..008.
videos=()
for s in 1 2 3 4 5 6 7 8; do videos+=(--video "$tmp/v$s/video.y4m"); done
step videos 120 bash -c "for s in 1 2 3 4 5 6 7 8; do '$java' -cp '$tmp/lib/*' dev.glimpse.sim.RenderMain --seed \$((1030000000 + s)) \
  --frames 300 --size 756x756 --fps 30 --y4m --out '$tmp/v'\$s > /dev/null & done; wait; du -sh '$tmp'/v*/video.y4m"

jopts=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xms8g -Xmx8g -XX:+UseParallelGC
  -Dglimpse.home="$PWD" -cp "$tmp/lib/*" dev.glimpse.agent.cli.StreamsBenchCommand)
# mailbox 4: a query (~100 ms of decoding) lets 3 frames of every stream arrive; they wait instead of dropping.
common=("${videos[@]}" --backend cuda --dtype bf16 --context-frames 100 --mailbox 4 --warmup 4 --window 10 "${ros[@]}")
sweep=(--streams "${STREAMS:-1,2,3,4,5,6,8,10,12,16,24,32}" --overload 2)
step 5hz 200 "$java" "${jopts[@]}" "${common[@]}" "${sweep[@]}" --query-hz 5 --out "$OUT/5hz"
step 1hz 200 "$java" "${jopts[@]}" "${common[@]}" "${sweep[@]}" --query-hz 1 --out "$OUT/1hz"
step every-frame 60 "$java" "${jopts[@]}" "${common[@]}" --streams 1 --overload 0 --query-hz 0 --out "$OUT/every-frame"

echo "=== steps (name exit-status):"
cat "$OUT/steps.txt"
for d in 5hz 1hz every-frame; do [ -f "$OUT/$d/streams.md" ] && { echo; cat "$OUT/$d/streams.md"; }; done | tee "$OUT/tables.md"
rm -rf "$tmp"
( cd "$OUT" && tar czf results.tar.gz ./*.log libdirs.txt 5hz 1hz every-frame 2>/dev/null; rm -rf ./*.log libdirs.txt 5hz 1hz every-frame )
exit 0
