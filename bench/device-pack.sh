#!/usr/bin/env bash
# Packs what a GPU-machine run needs from the Java side into .device/ (git-ignored; name ".device" in the run's carry).
#   bench/device-pack.sh [sim]   .device/lib/*.jar = the simulator (raw training stream) and its small dependencies
#   bench/device-pack.sh cuda    .device/lib/*.jar = the CUDA backend and what it loads: glimpse types, tensor,
#                                encoder, csa-runtime, cuda + Jackson (config.json, results JSON), and the simulator
#                                (+ picocli) that renders the held-out scenes; for bench/gpu.sh
#   bench/device-pack.sh agent   .device/agent.tar.xz = the agent's runtime classpath for `glimpse bench streams`
#                                (bench/gpu-streams.sh; its main class is StreamsBenchCommand), without what that run
#                                never loads: JavaCV/FFmpeg (its videos are y4m), ONNX Runtime, the HTTP API (vertx-web,
#                                Netty's codecs, Micrometer/Prometheus), YAML, Jackson 3. Jars are
#                                re-packed uncompressed, then xz -9e packs them ~2.5x smaller than their own zip.
#                                .device/dds.tar.xz = Debian's Cyclone DDS (libddsc) and its iceoryx libraries, for the
#                                DDS publishing and the second participant on the GPU machine, which has neither.
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
. bin/java25.sh
glimpse_select_java25
rm -rf .device/lib .device/agent.tar.xz && mkdir -p .device/lib
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
  agent)
    build agent
    modules=java.base,java.logging,jdk.incubator.vector,jdk.unsupported,java.naming,java.management
    tmp=$(mktemp -d)
    mkdir -p "$tmp/lib"
    for j in agent/target/glimpse-agent-*.jar $(tr ':' ' ' < agent/target/runtime-classpath.txt); do
      case "$(basename "$j")" in
        *-tests.jar|onnxruntime-*|*-linux-x86_64.jar|vertx-web*|vertx-auth*|vertx-bridge*|vertx-eventbus*|micrometer-*|\
        prometheus-*|HdrHistogram-*|jspecify-*|snakeyaml-*|jackson-dataformat-yaml-*|netty-codec-[!b]*|netty-resolver-dns-*|\
        netty-handler-proxy-*|netty-tcnative-*|javacv-*|javacpp-*|ffmpeg-*|jackson-*-3.*) continue ;;
      esac
      a=$(readlink -f "$j")
      mkdir "$tmp/x" && (cd "$tmp/x" && unzip -qo "$a")
      "$JAVA_HOME/bin/jar" --create --no-compress --file "$tmp/lib/$(basename "$j")" -C "$tmp/x" .
      rm -rf "$tmp/x"
    done
    XZ_OPT=-9e tar cJf .device/agent.tar.xz -C "$tmp" lib
    rm -rf "$tmp/lib" .device/dds .device/dds.tar.xz && mkdir -p "$tmp/dds"
    for l in libddsc.so.0debian libiceoryx_binding_c.so.2 libiceoryx_posh.so.2 libiceoryx_hoofs.so.2 libiceoryx_platform.so.2; do
      cp -L "$(ls /usr/lib/x86_64-linux-gnu/$l /lib/x86_64-linux-gnu/$l 2>/dev/null | head -1)" "$tmp/dds/"
    done
    XZ_OPT=-9e tar cJf .device/dds.tar.xz -C "$tmp" dds
    rm -rf "$tmp"
    ;;
  *) echo "usage: bench/device-pack.sh [sim|cuda|agent]" >&2; exit 2 ;;
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
total=$(( $(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s}') + $(du -sb .device | cut -f1) ))
echo "device working tree: $((total / 1048576)) MiB of 64 MiB (tracked files + .device)" >&2
