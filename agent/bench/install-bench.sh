#!/usr/bin/env bash
# Benchmark of the A/B writer (not a test): a rootfs-like image, compressed with zstd -19 --long=31, installed
#   1. by the agent's manual install (gitfleet-agent install, -Xmx64m) from an HTTP server on 127.0.0.1 into a
#      slot file: download + SHA-256 + zstd decompression + write + fsync;
#   2. by the shell pipeline  zstd -dc IMG | tee >(openssl dgst -sha256) | dd of=SLOT bs=4M conv=fsync
# on the same files, and prints both times, the ratio of throughputs and the agent's peak heap.
#
#   agent/bench/install-bench.sh            # 1 GiB image, one round
#   SIZE_MIB=256 ROUNDS=2 agent/bench/install-bench.sh
#
# Needs: java 17, zstd, openssl, python3. Builds the agent jar if it is missing. The image is cached in
# BENCH_DIR (default: $TMPDIR/gitfleet-bench) because compressing 1 GiB at -19 takes a minute or two.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB=${SIZE_MIB:-1024}
ROUNDS=${ROUNDS:-1}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/gitfleet-bench}
for tool in java zstd openssl python3; do
  command -v "$tool" >/dev/null || { echo "install-bench: $tool is required" >&2; exit 2; }
done
JAR=agent/target/gitfleet-agent.jar
if [ ! -f "$JAR" ]; then
  MVN=$(command -v mvn)
  "$MVN" -B -ntp -q -pl agent -am package -DskipTests
fi

mkdir -p "$BENCH_DIR"
IMG="$BENCH_DIR/rootfs-$SIZE_MIB.img"
ZST="$IMG.zst"
if [ ! -f "$ZST" ]; then
  echo "making a $SIZE_MIB MiB rootfs-like image and compressing it (zstd -19 --long=31) …"
  python3 agent/bench/make-rootfs-image.py "$IMG" "$SIZE_MIB"
  zstd -q -19 -T0 --long=31 -c < "$IMG" > "$ZST.tmp" && mv "$ZST.tmp" "$ZST"
fi
SIZE=$(stat -c %s "$IMG")
ZSIZE=$(stat -c %s "$ZST")
SHA=$(openssl dgst -sha256 -r "$ZST" | cut -d' ' -f1)
echo "image: $SIZE bytes, served compressed: $ZSIZE bytes (ratio $(python3 -c "print(round($SIZE/$ZSIZE, 2))")×)"

RUN=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$RUN"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$BENCH_DIR" && exec python3 -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1) &
SERVER_PID=$!
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/', timeout=1)" 2>/dev/null && break
  sleep 0.1
done

SLOT_BYTES=$((SIZE + 64 * 1024 * 1024))
cat > "$RUN/agent.yaml" <<YAML
node: bench
stateDir: $RUN/state
installer: ab-image
slots: {a: $RUN/slot-a.img, b: $RUN/slot-b.img}
bootloader: {type: file, path: $RUN/bootloader.json}
download: {minBytesPerSecond: 1048576, lowSpeedTime: 30s}
YAML
fallocate -l 1M "$RUN/slot-a.img"

now() { date +%s.%N; }
# Deleting a 1 GiB file on a file system mounted with discard queues TRIMs that slow the next writes:
# let them finish so both sides start from the same state.
settle() { sync; sleep 2; }
best_agent=; best_pipe=
for round in $(seq "$ROUNDS"); do
  rm -f "$RUN/pipe-slot.img" && settle
  t0=$(now)
  zstd -dc --long=31 "$ZST" | tee >(openssl dgst -sha256 > "$RUN/pipe.sha") | dd of="$RUN/pipe-slot.img" bs=4M conv=fsync status=none
  t1=$(now)
  pipe=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  rm -rf "$RUN/state" "$RUN/bootloader.json" "$RUN/slot-b.img" && fallocate -l "$SLOT_BYTES" "$RUN/slot-b.img" && settle
  t0=$(now)
  java -Xmx64m -Dgitfleet.heapReport=true -jar "$JAR" install --config "$RUN/agent.yaml" \
      --image "http://127.0.0.1:$PORT/$(basename "$ZST")" --sha256 "$SHA" --size "$SIZE" --version v0.0.1 \
      > "$RUN/agent.out" 2> "$RUN/agent.err" || { cat "$RUN/agent.err" >&2; exit 1; }
  t1=$(now)
  agent=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  heap=$(grep -o 'peak heap used: [0-9.]* MiB' "$RUN/agent.err" | grep -o '[0-9.]* MiB' || echo "?")
  live=$(grep -o 'live after the last GC: [0-9.]* MiB' "$RUN/agent.err" | grep -o '[0-9.]* MiB' || echo "?")
  inside=$(grep -o 'bytes in [0-9.]* s' "$RUN/agent.out" | grep -o '[0-9.]* s' || echo "?")
  cmp -n "$SIZE" "$IMG" "$RUN/slot-b.img" || { echo "the slot does not hold the image" >&2; exit 1; }
  echo "round $round: pipeline ${pipe} s ($(python3 -c "print(round($SIZE/1e6/$pipe))") MB/s)," \
       "agent ${agent} s ($(python3 -c "print(round($SIZE/1e6/$agent))") MB/s; JVM start and exit included," \
       "the install itself ${inside}), peak heap used $heap (live after GC $live)"
  best_agent=$(python3 -c "print(min(x for x in [$agent, ${best_agent:-1e9}]))")
  best_pipe=$(python3 -c "print(min(x for x in [$pipe, ${best_pipe:-1e9}]))")
done
echo "agent/pipeline throughput ratio: $(python3 -c "print(f'{$best_pipe / $best_agent:.2f}')")× (target ≥ 1.0×; -Xmx64m, target peak heap ≤ 64 MiB)"
