#!/usr/bin/env bash
# Planner pass time for synthetic fleets of 1,000 / 10,000 / 100,000 nodes x 10 upgrades (or the sizes given).
# Usage: reconciler/bench/planner.sh [NODES...]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
[ -f "$root/reconciler/target/gitfleet.jar" ] || (cd "$root" && mvn -B -q -ntp -DskipTests package)
exec java -Xmx4g ${JAVA_OPTS:-} -cp "$root/reconciler/target/gitfleet.jar" io.gitfleet.reconciler.bench.PlannerBenchmark "$@"
