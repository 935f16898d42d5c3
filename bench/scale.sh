#!/usr/bin/env bash
# The status branch at fleet scale (docs/benchmarks.md): a simulated rollout of NODES nodes run to completion through
# the real planner and status store into a bare repository at a plain path (wall time, the branch's growth after
# git gc, the remote's pack count, every document read back), and `gitfleet plan` on a NODES-node fleet directory.
# Exits 1, naming what failed, when a check fails.
# Usage: bench/scale.sh [rollout|plan|all] [NODES]        default: all 100000
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/gitfleet-bench.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -ntp -DskipTests -pl bench -am package)
exec java -Xmx6g ${JAVA_OPTS:-} -cp "$jar" io.gitfleet.bench.ScaleBench "$@"
