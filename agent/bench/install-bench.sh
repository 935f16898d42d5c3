#!/usr/bin/env bash
# Benchmark of the A/B writer (not a test). A rootfs-like image, compressed with zstd, is installed in interleaved
# rounds, each side into a fresh pre-allocated slot file, by
#   agent       the packaged agent (its launcher, runtime and JVM flags, unpacked from the .deb):
#               gitfleet-agent install --image file://IMG … : SHA-256 + zstd + O_DIRECT writes + fsync + checks
#   unverified  zstd -dc IMG | dd of=SLOT bs=4M iflag=fullblock oflag=direct conv=fsync (fullblock: O_DIRECT needs whole blocks)
#   verified    zstd -dc IMG | tee >(openssl dgst -sha256) | dd of=SLOT bs=4M conv=fsync
# and prints each time, the throughput ratios agent/unverified and agent/verified (medians), the agent's peak RSS
# and heap, then the time of a 16 MiB install (whole process, JVM start and exit included).
#
#   agent/bench/install-bench.sh                        # 1 GiB image, 3 rounds
#   SIZE_MIB=256 ROUNDS=5 ZSTD_ARGS="-19 --long=27" agent/bench/install-bench.sh
#   BEFORE_JAR=old/gitfleet-agent.jar agent/bench/install-bench.sh    # also an older agent jar (java -Xmx64m -jar)
#
# Needs: dpkg-deb, zstd, openssl, python3, GNU time; the package (mvn -pl agent -am package -DskipTests). The
# image is cached in BENCH_DIR (default $TMPDIR/gitfleet-bench): compressing 1 GiB at -19 takes minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB=${SIZE_MIB:-1024}
ROUNDS=${ROUNDS:-3}
ZSTD_ARGS=${ZSTD_ARGS:--19}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/gitfleet-bench}
for tool in dpkg-deb zstd openssl python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "install-bench: $tool is required" >&2; exit 2; }
done
DEB=$(ls agent/target/gitfleet-agent_*_amd64.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || [ -n "${PKG_ROOT:-}" ] || { echo "install-bench: build the package first: mvn -B -ntp -pl agent -am package -DskipTests" >&2; exit 2; }

mkdir -p "$BENCH_DIR"
IMG="$BENCH_DIR/rootfs-$SIZE_MIB.img"
ZST="$IMG.zstd${ZSTD_ARGS//[^a-z0-9=]/}.zst"
[ -f "$IMG" ] || python3 agent/bench/make-rootfs-image.py "$IMG" "$SIZE_MIB"
if [ ! -f "$ZST" ]; then
  echo "compressing the $SIZE_MIB MiB image (zstd $ZSTD_ARGS -T0, from stdin) …"
  # shellcheck disable=SC2086
  zstd -q $ZSTD_ARGS -T0 -c < "$IMG" > "$ZST.tmp" && mv "$ZST.tmp" "$ZST"
fi
SIZE=$(stat -c %s "$IMG")
SHA=$(openssl dgst -sha256 -r "$ZST" | cut -d' ' -f1)
echo "image: $SIZE bytes, compressed (zstd $ZSTD_ARGS): $(stat -c %s "$ZST") bytes"

RUN=$(mktemp -d)
trap 'rm -rf "$RUN"' EXIT
if [ -n "${PKG_ROOT:-}" ]; then
  AGENT="$PKG_ROOT/usr/lib/gitfleet-agent/bin/gitfleet-agent"   # PKG_ROOT=/ measures the installed package
else
  dpkg-deb -x "$DEB" "$RUN/pkg"
  AGENT="$RUN/pkg/usr/lib/gitfleet-agent/bin/gitfleet-agent"
fi
export GITFLEET_AGENT_CDS="$RUN/agent.jsa"
"$AGENT" --version >/dev/null   # the first start makes the class-data archive, as on a node
SLOT_BYTES=$(( (SIZE + 64 * 1024 * 1024) / 4096 * 4096 ))
cat > "$RUN/agent.yaml" <<YAML
node: bench
stateDir: $RUN/state
installer: ab-image
slots: {a: $RUN/slot-a.img, b: $RUN/slot-b.img}
bootloader: {type: file, path: $RUN/bootloader.json}
YAML
fallocate -l 1M "$RUN/slot-a.img"

now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $1:.3f}')"; }
# A fresh slot for each side; deleting 1 GiB queues discards that slow the next writes: let them settle. Every
# side starts from the same page-cache state: the compressed image cached (read once more just before), the slot
# not (a fresh file; O_DIRECT and dd's fsync leave none of it behind that matters to the next side).
fresh() { rm -f "$RUN/slot-b.img" && fallocate -l "$SLOT_BYTES" "$RUN/slot-b.img" && sync && sleep 2 && cat "$ZST" > /dev/null; }
agent_install() { # $1: image, $2: size, $3: sha → prints seconds; peak RSS and heap in $RUN/agent.err
  rm -rf "$RUN/state" "$RUN/bootloader.json"
  local t0; t0=$(now)
  GITFLEET_AGENT_JAVA_OPTS="-Dgitfleet.heapReport=true" /usr/bin/time -f 'peak RSS %M KiB, CPU %U s user + %S s system' -o "$RUN/agent.rss" \
    "$AGENT" install --config "$RUN/agent.yaml" --image "file://$1" --sha256 "$3" --size "$2" --version v0.0.1 \
    > "$RUN/agent.out" 2> "$RUN/agent.err" || { cat "$RUN/agent.err" >&2; exit 1; }
  since "$t0"
}

before_install() { # $1: image, $2: size, $3: sha → prints seconds
  rm -rf "$RUN/state" "$RUN/bootloader.json"
  local t0; t0=$(now)
  java -Xmx64m -jar "$BEFORE_JAR" install --config "$RUN/agent.yaml" --image "file://$1" --sha256 "$3" --size "$2" \
    --version v0.0.1 > "$RUN/before.out" 2> "$RUN/before.err" || { cat "$RUN/before.err" >&2; exit 1; }
  since "$t0"
}

unverified() {
  fresh; local t0; t0=$(now)
  zstd -dc "$ZST" | dd of="$RUN/slot-b.img" bs=4M iflag=fullblock oflag=direct conv=fsync,notrunc status=none
  u=$(since "$t0")
}
verified() {
  fresh; local t0; t0=$(now)
  zstd -dc "$ZST" | tee >(openssl dgst -sha256 > "$RUN/pipe.sha") | dd of="$RUN/slot-b.img" bs=4M conv=fsync,notrunc status=none
  v=$(since "$t0")
}
agent() {
  fresh
  a=$(agent_install "$ZST" "$SIZE" "$SHA")
  cmp -n "$SIZE" "$IMG" "$RUN/slot-b.img" || { echo "the slot does not hold the image" >&2; exit 1; }
}

declare -a A U V B
for round in $(seq "$ROUNDS"); do
  if [ -n "${BEFORE_JAR:-}" ]; then
    fresh
    B+=("$(before_install "$ZST" "$SIZE" "$SHA")")
    echo "round $round: before ${B[-1]} s"
  fi
  # The order turns every round, so that no side always runs first (or right after the agent's exit).
  case $((round % 3)) in
    1) unverified; verified; agent ;;
    2) verified; agent; unverified ;;
    0) agent; unverified; verified ;;
  esac
  A+=("$a"); U+=("$u"); V+=("$v")
  echo "round $round: unverified ${u} s, verified ${v} s, agent ${a} s (the install itself $(grep -o 'in [0-9.]* s' "$RUN/agent.out" | cut -d' ' -f2) s; $(cat "$RUN/agent.rss"); $(grep -o 'peak heap used: [0-9.]* MiB' "$RUN/agent.err"))"
done
python3 - "${A[*]}" "${U[*]}" "${V[*]}" "${B[*]:-}" <<'PY'
import statistics, sys
a, u, v = ([float(x) for x in s.split()] for s in sys.argv[1:4])
ma, mu, mv = statistics.median(a), statistics.median(u), statistics.median(v)
print(f"medians: agent {ma:.2f} s, unverified {mu:.2f} s, verified {mv:.2f} s")
print(f"throughput ratio agent/unverified: {mu / ma:.2f}x (goal >= 0.9x); agent/verified: {mv / ma:.2f}x")
ru = sorted(x / y for x, y in zip(u, a))
rv = sorted(x / y for x, y in zip(v, a))
print(f"per round: agent/unverified median {statistics.median(ru):.2f}x, range {ru[0]:.2f}-{ru[-1]:.2f}x "
      f"({', '.join(f'{r:.2f}' for r in ru)}); agent/verified median {statistics.median(rv):.2f}x, "
      f"range {rv[0]:.2f}-{rv[-1]:.2f}x")
if sys.argv[4].strip():
    mb = statistics.median(float(x) for x in sys.argv[4].split())
    print(f"before: {mb:.2f} s; before/unverified {mu / mb:.2f}x, before/verified {mv / mb:.2f}x")
PY

# The fixed cost: a 16 MiB image, whole process.
head -c $((16 << 20)) "$IMG" > "$RUN/small.img"
zstd -q -19 -c < "$RUN/small.img" > "$RUN/small.img.zst"
SMALL_SHA=$(openssl dgst -sha256 -r "$RUN/small.img.zst" | cut -d' ' -f1)
declare -a S P
for round in 1 2 3 4 5; do
  t0=$(now)
  zstd -dc "$RUN/small.img.zst" | dd of="$RUN/slot-b.img" bs=4M iflag=fullblock oflag=direct conv=fsync,notrunc status=none
  P+=("$(since "$t0")")
  S+=("$(agent_install "$RUN/small.img.zst" $((16 << 20)) "$SMALL_SHA")")
  line="16 MiB round $round: agent ${S[-1]} s ($(cat "$RUN/agent.rss")), pipeline ${P[-1]} s"
  [ -z "${BEFORE_JAR:-}" ] || line="$line, before $(before_install "$RUN/small.img.zst" $((16 << 20)) "$SMALL_SHA") s"
  echo "$line"
done
python3 - "${S[*]}" "${P[*]}" <<'PY'
import statistics, sys
s, p = ([float(x) for x in a.split()] for a in sys.argv[1:3])
print(f"16 MiB install: agent {statistics.median(s):.3f} s (goal < 0.5 s; min {min(s):.3f}), "
      f"unverified pipeline {statistics.median(p):.3f} s (medians of {len(s)})")
PY
