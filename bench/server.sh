#!/usr/bin/env bash
# Server benchmarks against `gitfleet serve` in its own process on 127.0.0.1:
#   latency [NODES]     merge -> instruction for NODES long-polling agents (default 1000)
#   throughput [NODES]  authenticated reports from wrk, bounded to 10 s (default 1000 nodes; needs wrk)
#   heap [NODES]        server heap with NODES long polls open (default 10000)
#   all                 the three, in turn
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/gitfleet-bench.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -ntp -DskipTests -pl bench -am package)
command -v wrk >/dev/null || { [ "${1:-all}" = latency ] || [ "${1:-all}" = heap ] || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }; }
exec java -Xmx2g ${JAVA_OPTS:-} -cp "$jar" io.gitfleet.bench.ServerBenchmark "$@"
