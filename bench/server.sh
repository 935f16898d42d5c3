#!/usr/bin/env bash
# Server benchmarks against `gitfleet serve` in its own process on 127.0.0.1 (docs/server.md, Benchmarks):
#   latency [NODES]     merge -> instruction for NODES long-polling agents (default 1000)
#   throughput [NODES]  authenticated reports against /healthz on the same server, alternating rounds (default 1000)
#   heap [NODES]        server heap with NODES long polls held (default 10000)
#   goals [NODES]       the two goals in one run: throughput 1000, then latency NODES (default 10000)
#   all                 latency 1000, heap 10000, then the goals
# Each run checks itself: a precondition or result that does not hold ends it with "FAIL: <sentence>" and exit 1;
# a valid run prints "PASS:"/"FAIL:" per goal and exits 3 when one is missed. GITFLEET_BENCH_SERVER_OPTS go to the
# server's JVM (e.g. a flight recording); -Dgitfleet.bench.deadlineMinutes (default 20) bounds the whole run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/gitfleet-bench.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -ntp -DskipTests -pl bench -am package)
# 10,000 long polls need as many descriptors in each process, and as many ephemeral ports on 127.0.0.1
want=20000
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
  ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
read -r low high < /proc/sys/net/ipv4/ip_local_port_range
echo "open files: $(ulimit -n); ephemeral ports: $((high - low + 1)); cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -Xmx2g ${JAVA_OPTS:-} -cp "$jar" io.gitfleet.bench.ServerBenchmark "$@"
