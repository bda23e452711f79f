#!/usr/bin/env bash
# Detection2DArray benchmark (see README.md, "Benchmark"): messages/s and latency p50/p99 with 50 detections over
# UDP loopback, Java -> Java (second JVM) and Java -> C (Cyclone peer). Args: [burst messages] [paced messages].
set -euo pipefail
cd "$(dirname "$0")/.."
bin/mvn25 -B -o -q -pl ros-bridge test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
. bin/java25.sh
glimpse_select_java25
cd ros-bridge
exec java --enable-native-access=ALL-UNNAMED -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.glimpse.ros.bench.DetectionsBenchmark "$@"
