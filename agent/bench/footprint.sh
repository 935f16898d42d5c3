#!/usr/bin/env bash
# Benchmark of the agent's footprint as a node runs it (not a test): the packaged launcher, unpacked from the .deb,
# as the service (--config) against a stand-in reconciler on 127.0.0.1 that answers every report with 204 and
# holds idle reports (agent/bench/fake-reconciler.py). Prints, for each round:
#   start-up   from exec to the first report reaching the reconciler
#   idle RSS   VmRSS after IDLE seconds of long-polling (RssAnon + RssFile), and the classes loaded
# The first starts make the class-data archives (training runs) and are reported apart.
#
#   agent/bench/footprint.sh                 # 3 rounds, 20 s idle each
#   ROUNDS=5 IDLE=60 agent/bench/footprint.sh
#   JAVA_OPTS_EXTRA="-Xmx48m" agent/bench/footprint.sh     # try a flag (appended to the launcher's)
#   BEFORE=1 JAR=old/gitfleet-agent.jar agent/bench/footprint.sh   # as before the package: java -Xmx64m -jar JAR
#
# Needs: dpkg-deb, python3; the package (mvn -B -ntp -pl agent -am package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
IDLE=${IDLE:-20}
DEB=$(ls agent/target/gitfleet-agent_*_amd64.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || [ -n "${PKG_ROOT:-}" ] || { echo "footprint: build the package first: mvn -B -ntp -pl agent -am package -DskipTests" >&2; exit 2; }

RUN=$(mktemp -d)
SERVER_PID=
AGENT_PID=
cleanup() {
  [ -z "$AGENT_PID" ] || kill "$AGENT_PID" 2>/dev/null || true
  [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT
if [ -n "${PKG_ROOT:-}" ]; then
  AGENT="$PKG_ROOT/usr/lib/gitfleet-agent/bin/gitfleet-agent"   # PKG_ROOT=/ measures the installed package
else
  dpkg-deb -x "$DEB" "$RUN/pkg"
  AGENT="$RUN/pkg/usr/lib/gitfleet-agent/bin/gitfleet-agent"
fi
export GITFLEET_AGENT_CDS="$RUN/agent.jsa"
python3 agent/bench/fake-reconciler.py "$RUN/port" "$RUN/reports" 30 &
SERVER_PID=$!
while [ ! -s "$RUN/port" ]; do sleep 0.05; done
echo token > "$RUN/token"
truncate -s 64M "$RUN/slot-a.img" "$RUN/slot-b.img"
cat > "$RUN/agent.yaml" <<YAML
server: http://127.0.0.1:$(cat "$RUN/port")
node: bench
tokenFile: $RUN/token
stateDir: $RUN/state
slots: {a: $RUN/slot-a.img, b: $RUN/slot-b.img}
bootloader: {type: file, path: $RUN/boot.json}
poll: {longPoll: 30s}
YAML

now() { date +%s.%N; }
one() { # $1: label
  rm -f "$RUN/reports" "$RUN/classes"
  local t0; t0=$(now)
  if [ -n "${BEFORE:-}" ]; then
    # shellcheck disable=SC2086
    java -Xmx64m -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS_EXTRA:-} -Xlog:class+load:file="$RUN/classes" \
      -jar "${JAR:-agent/target/gitfleet-agent.jar}" --config "$RUN/agent.yaml" > "$RUN/agent.log" 2>&1 &
  else
    GITFLEET_AGENT_JAVA_OPTS="${JAVA_OPTS_EXTRA:-} -Xlog:class+load:file=$RUN/classes" \
      "$AGENT" --config "$RUN/agent.yaml" > "$RUN/agent.log" 2>&1 &
  fi
  AGENT_PID=$!
  while [ ! -s "$RUN/reports" ]; do sleep 0.01; done
  local first; first=$(head -1 "$RUN/reports" | cut -d' ' -f1)
  sleep "$IDLE"
  local rss anon file
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$AGENT_PID/status")
  anon=$(awk '/^RssAnon/ {print $2}' "/proc/$AGENT_PID/status")
  file=$(awk '/^RssFile/ {print $2}' "/proc/$AGENT_PID/status")
  kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
  AGENT_PID=
  python3 -c "print(f'$1: start-up {$first - $t0:.2f} s, idle RSS {$rss/1024:.1f} MiB (anon {$anon/1024:.1f}, file {$file/1024:.1f}), {sum(1 for _ in open(\"$RUN/classes\"))} classes loaded')"
}

if [ -z "${BEFORE:-}" ]; then
  t0=$(now); "$AGENT" --version > /dev/null
  python3 -c "print(f'first start (training run for the install class-data archive, then --version): {$(now) - $t0:.2f} s')"
  # The service's own archive is made at its first start: that start is reported apart, not as a round.
  rm -f "$RUN/reports"; t0=$(now)
  "$AGENT" --config "$RUN/agent.yaml" > "$RUN/agent.log" 2>&1 &
  AGENT_PID=$!
  while [ ! -s "$RUN/reports" ]; do sleep 0.05; done
  python3 -c "print(f'first service start (training run and archive for the service, then its first report): {$(now) - $t0:.2f} s')"
  kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
  AGENT_PID=
fi
for round in $(seq "$ROUNDS"); do
  one "round $round"
done
echo "targets: idle RSS <= 56 MiB, start-up < 1 s"
