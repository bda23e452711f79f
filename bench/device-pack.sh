#!/usr/bin/env bash
# Packs what a GPU-machine run needs from the Java side into .device/ (git-ignored; name ".device" in the run's carry):
#   .device/lib/*.jar        the simulator (raw training stream) and its small dependencies; no FFmpeg natives
#   .device/jre25.tar.xz     a Java 25 runtime with only java.base and java.logging (~19 MB): the raw renderer needs
#                            nothing else, and the device working tree (tracked files + carry) is limited to 64 MiB
# On the device:
#   tar xJf .device/jre25.tar.xz -C /tmp && /tmp/jre25/bin/java -cp '.device/lib/*' dev.glimpse.sim.RenderMain --raw ...
# (../shared/tools/device-jre.sh builds a fuller runtime, for running the agent or JMH there.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin/mvn25 -B -q -o -DskipTests package -pl types,sim -am >/dev/null 2>&1 || bin/mvn25 -B -q -DskipTests package -pl types,sim -am
rm -rf .device/lib && mkdir -p .device/lib
cp types/target/glimpse-types-*.jar sim/target/glimpse-sim-*.jar .device/lib/
repo="${MAVEN_REPO:-$HOME/.m2/repository}"
cp "$repo/info/picocli/picocli/4.7.7/picocli-4.7.7.jar" .device/lib/
. bin/java25.sh
glimpse_select_java25
if [ ! -f .device/jre25.tar.xz ] || [ "$JAVA_HOME/release" -nt .device/jre25.tar.xz ]; then
  tmp=$(mktemp -d)
  "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging --strip-debug --no-man-pages --no-header-files \
    --compress zip-9 --output "$tmp/jre25"
  tar cJf .device/jre25.tar.xz -C "$tmp" jre25
  rm -rf "$tmp"
fi
du -sh .device/lib .device/jre25.tar.xz >&2
