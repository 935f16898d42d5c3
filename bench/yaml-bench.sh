#!/usr/bin/env bash
# Status rows to YAML: SnakeYAML's emitter against FastYaml, from the JSON tree and from the record, per row
# (docs/benchmarks.md). Interleaved rounds, medians; checks first that both paths give the same bytes for every row.
# Usage: bench/yaml-bench.sh [ROWS=10000] [ROUNDS=15]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/gitfleet-bench.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -ntp -DskipTests -pl bench -am package)
exec java ${JAVA_OPTS:-} -cp "$jar" io.gitfleet.bench.YamlBench "$@"
