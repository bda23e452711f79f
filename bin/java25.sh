# Sourced by ./glimpse and .ci/run: points JAVA_HOME at a JDK 25 or fails with the fix.
# Order: $GLIMPSE_JAVA_HOME, $JAVA_HOME (if it is 25+), then JDKs under /usr/lib/jvm.
glimpse_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
glimpse_select_java25() {
  local cand major
  for cand in "${GLIMPSE_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/jdk-25*; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] || continue
    major=$(glimpse_java_major "$cand")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$cand"; export PATH="$JAVA_HOME/bin:$PATH"; return 0
    fi
  done
  echo "glimpse: JDK 25 not found. Install Temurin 25 (or any JDK 25) and set GLIMPSE_JAVA_HOME=/path/to/jdk-25; checked \$GLIMPSE_JAVA_HOME, \$JAVA_HOME and /usr/lib/jvm." >&2
  return 1
}
