#!/usr/bin/env bash
# Packs what a GPU-machine run needs from the Java side into .device/ (ignored by git, named in the run's carry):
#   .device/lib/*.jar   the simulator (raw training stream) and its small dependencies; no FFmpeg natives
# The JRE comes from ../shared/tools/device-jre.sh (.jre/jre25.tar.xz). On the device:
#   tar xJf .jre/jre25.tar.xz -C /tmp && /tmp/jre25/bin/java -cp '.device/lib/*' dev.glimpse.sim.RenderMain --raw ...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin/mvn25 -B -q -o -DskipTests package -pl types,sim -am >/dev/null 2>&1 || bin/mvn25 -B -q -DskipTests package -pl types,sim -am
rm -rf .device/lib && mkdir -p .device/lib
cp types/target/glimpse-types-*.jar sim/target/glimpse-sim-*.jar .device/lib/
repo="${MAVEN_REPO:-$HOME/.m2/repository}"
cp "$repo/info/picocli/picocli/4.7.7/picocli-4.7.7.jar" .device/lib/
du -sh .device/lib >&2
