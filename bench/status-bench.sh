#!/usr/bin/env bash
# Status-branch benchmark (docs/benchmarks.md): gitfleet's status commits against git plumbing, and the branch's size.
# The sizes are timed round-robin (1k, 10k, 100k, git CLI 10k, then again), medians of ROUNDS rounds after 3 of warm-up.
# Usage: bench/status-bench.sh [ROUNDS=15] [HISTORY_COMMITS=1000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/gitfleet-bench.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -ntp -DskipTests -pl bench -am package)
exec java ${JAVA_OPTS:-} -cp "$jar" io.gitfleet.bench.StatusBench "$@"
