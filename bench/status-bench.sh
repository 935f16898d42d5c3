#!/usr/bin/env bash
# Status-branch benchmark (docs/benchmarks.md). Build first: mvn -B -ntp -pl schemas,webhooks,reconciler package -DskipTests
# Usage: reconciler/bench/status-bench.sh [COMMITS_PER_MEDIAN=15] [HISTORY_COMMITS=1000]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/target/gitfleet.jar"
[ -f "$jar" ] || { echo "build first: $jar is missing" >&2; exit 1; }
exec java ${JAVA_OPTS:-} -cp "$jar" io.gitfleet.reconciler.store.StatusBench "$@"
