#!/usr/bin/env bash
# Planner pass time (JMH, sample mode: median and p90 of steady-state passes) for synthetic fleets of
# 1,000 / 10,000 / 100,000 nodes x 10 upgrades, or the sizes given. Other arguments go to JMH (e.g. -i 10, -rf json).
# Usage: bench/planner.sh [NODES...] [JMH OPTIONS...]      JAVA_OPTS go to the forked benchmark JVM (e.g. a collector)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/gitfleet-bench.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -ntp -DskipTests -pl bench -am package)
# leading numbers are fleet sizes; the rest goes to JMH as it is
sizes=()
while [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; do
  sizes+=("$1")
  shift
done
jmh=("$@")
if [ ${#sizes[@]} -gt 0 ]; then
  jmh+=(-p "nodes=$(IFS=,; echo "${sizes[*]}")")
fi
# -jvmArgsAppend replaces the benchmark's own (-Xmx4g), so it is repeated here
exec java -jar "$jar" 'io.gitfleet.bench.PlannerBenchmark' -jvmArgsAppend "-Xmx4g ${JAVA_OPTS:-}" "${jmh[@]}"
