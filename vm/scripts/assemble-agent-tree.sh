#!/bin/sh
# Stands in for the node package while agent/target holds no .deb: lays out what the package installs
# (/usr/lib/gitfleet-agent/{bin,runtime,lib}, /var/lib/gitfleet-agent) from agent/target, with a runtime
# jlinked from this JDK. The runtime is cached (it depends only on the JDK and the module list).
#   assemble-agent-tree.sh AGENT_TARGET OUT_DIR CACHE_DIR
set -eu
target=$1
out=$2
cache=$3
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,jdk.crypto.ec,jdk.random,jdk.unsupported,jdk.zipfs
key=$(printf '%s %s' "$(java -version 2>&1 | head -n 1)" "$modules" | sha256sum | cut -c1-16)
runtime="$cache/runtime-$key"
if [ ! -f "$runtime/READY" ]; then
    rm -rf "$runtime" "$runtime.tmp"
    jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
          --output "$runtime.tmp"
    # The default class-data-sharing archive for the runtime's own classes (start-up under TCG).
    "$runtime.tmp/bin/java" -Xshare:dump -XX:SharedArchiveFile="$runtime.tmp/lib/server/classes.jsa" >/dev/null
    touch "$runtime.tmp/READY"
    # Runtimes of another JDK or module list are stale now.
    for old in "$cache"/runtime-*; do
        [ "$old" = "$runtime.tmp" ] || rm -rf "$old"
    done
    mv "$runtime.tmp" "$runtime"
fi
home="$out/usr/lib/gitfleet-agent"
rm -rf "$out"
mkdir -p "$home/bin" "$home/lib" "$out/var/lib/gitfleet-agent" "$out/etc/gitfleet-agent"
cp -a "$runtime" "$home/runtime"
rm -f "$home/runtime/READY"
cp "$target/gitfleet-agent.jar" "$target"/lib/*.jar "$home/lib/"
cat > "$home/bin/gitfleet-agent" <<'LAUNCHER'
#!/bin/sh
home=/usr/lib/gitfleet-agent
exec "$home/runtime/bin/java" -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Dsun.stdout.encoding=UTF-8 -Dsun.stderr.encoding=UTF-8 \
    -cp "$home/lib/*" io.gitfleet.agent.AgentMain "$@"
LAUNCHER
chmod 755 "$home/bin/gitfleet-agent"
