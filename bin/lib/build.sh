# Sourced by bin/tally and bin/bench: builds with Maven when a jar is missing or
# older than any main source or pom. Needs $root (the checkout) and a JDK found by bin/jdk.sh.
#   tally_build_if_stale NAME JAR MAVEN-ARGS...   e.g. tally_build_if_stale tally "$jar" -DskipTests package
tally_stale() { # $1 = jar
  [ ! -f "$1" ] \
    || [ -n "$(find "$root" -path '*/src/main/*' -newer "$1" -print -quit 2>/dev/null)" ] \
    || [ -n "$(find "$root" -maxdepth 2 -name pom.xml -newer "$1" -print -quit)" ]
}

tally_build_if_stale() {
  local name="$1" jar="$2"
  shift 2
  if tally_stale "$jar"; then
    echo "$name: building (mvnw $*) ..." >&2
    (cd "$root" && ./mvnw -q -B "$@" >&2) \
      || { echo "$name: build failed (if another build ran at the same time, try again)" >&2; exit 2; }
  fi
}
