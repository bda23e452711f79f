#!/usr/bin/env bash
# Packs what a GPU-machine run needs from the Java side into .device/ (git-ignored; name ".device" in the run's carry).
#   bench/device-pack.sh [sim]   .device/lib/*.jar = the simulator (raw training stream) and its small dependencies
#   bench/device-pack.sh cuda    .device/lib/*.jar = the CUDA backend and what it loads: glimpse types, tensor,
#                                encoder, csa-runtime, cuda + Jackson (config.json, results JSON), and the simulator
#                                (+ picocli) that renders the held-out scenes; for bench/gpu.sh
# Either way:
#   .device/jre25.tar.xz         a Java 25 runtime with java.base, java.logging and jdk.incubator.vector (the CPU
#                                reference encoder's Vector kernels), ~12 MB: jlinked without compression and with
#                                libjvm stripped, then xz -9e, which packs far smaller than jlink's own zip. The device
#                                working tree (tracked files + carry) is limited to 64 MiB, and tracked files take ~45.
# Only one jar set fits beside the tracked files: the last one packed wins.
# On the device:
#   tar xJf .device/jre25.tar.xz -C /tmp && /tmp/jre25/bin/java -cp '.device/lib/*' dev.glimpse.sim.RenderMain --raw ...
# (../shared/tools/device-jre.sh builds a fuller runtime, for running the agent or JMH there.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
what=${1:-sim}
modules=java.base,java.logging,jdk.incubator.vector
repo="${MAVEN_REPO:-$HOME/.m2/repository}"
build() { bin/mvn25 -B -q -o -DskipTests package -pl "$1" -am >/dev/null 2>&1 || bin/mvn25 -B -q -DskipTests package -pl "$1" -am; }
rm -rf .device/lib && mkdir -p .device/lib
case "$what" in
  sim)
    build types,sim
    cp types/target/glimpse-types-*.jar sim/target/glimpse-sim-*.jar .device/lib/
    cp "$repo/info/picocli/picocli/4.7.7/picocli-4.7.7.jar" .device/lib/
    ;;
  cuda)
    build cuda,sim
    cp types/target/glimpse-types-*.jar tensor/target/glimpse-tensor-*.jar encoder/target/glimpse-encoder-*.jar \
      csa-runtime/target/glimpse-csa-runtime-*.jar cuda/target/glimpse-cuda-*.jar sim/target/glimpse-sim-*.jar .device/lib/
    cp "$repo/info/picocli/picocli/4.7.7/picocli-4.7.7.jar" .device/lib/
    v=$(sed -n 's|.*<jackson.version>\(.*\)</jackson.version>.*|\1|p' pom.xml)
    cp "$repo/com/fasterxml/jackson/core/jackson-databind/$v/jackson-databind-$v.jar" \
      "$repo/com/fasterxml/jackson/core/jackson-core/$v/jackson-core-$v.jar" .device/lib/
    cp "$(ls "$repo"/com/fasterxml/jackson/core/jackson-annotations/"${v%.*}"*/jackson-annotations-*.jar | head -1)" .device/lib/
    ;;
  *) echo "usage: bench/device-pack.sh [sim|cuda]" >&2; exit 2 ;;
esac
. bin/java25.sh
glimpse_select_java25
stamp=".device/jre25.modules"
if [ ! -f .device/jre25.tar.xz ] || [ "$JAVA_HOME/release" -nt .device/jre25.tar.xz ] \
    || [ "$(cat "$stamp" 2>/dev/null)" != "$modules" ]; then
  tmp=$(mktemp -d)
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress zip-0 --output "$tmp/jre25" 2>/dev/null
  if command -v strip >/dev/null; then strip --strip-unneeded "$tmp/jre25/lib/server/libjvm.so"; fi
  XZ_OPT=-9e tar cJf .device/jre25.tar.xz -C "$tmp" jre25
  echo "$modules" > "$stamp"
  rm -rf "$tmp"
fi
du -sh .device/lib .device/jre25.tar.xz >&2
total=$(( $(git ls-files -z | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s}') + $(du -sb .device | cut -f1) ))
echo "device working tree: $((total / 1048576)) MiB of 64 MiB (tracked files + .device)" >&2
