#!/bin/sh
# Downloads Debian's amd64 kernel package for the virtual-machine suite and unpacks it into a cache folder
# (never installs it). Idempotent: a second run finds the unpacked kernel and does nothing.
#   GITFLEET_VM_CACHE   the cache folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/gitfleet-vm)
set -eu
cache="${GITFLEET_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gitfleet-vm}"
mkdir -p "$cache"
cd "$cache"
if [ -f kernel/READY ]; then
    echo "kernel already in $cache/kernel: $(cat kernel/READY)"
    exit 0
fi
# The newest 6.1 image package the configured apt sources offer (the metapackage's dependency).
find_pkg() {
    apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-6\.1\.[^ ]*-amd64\)$/\1/p' | head -n 1
}
pkg=$(find_pkg)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
    # the package lists may never have been fetched on this machine
    apt-get update -qq && pkg=$(find_pkg)
fi
if [ -z "$pkg" ]; then
    echo "fetch-kernel.sh: apt knows no linux-image-6.1.*-amd64 package; run apt-get update (Debian 12 sources)" >&2
    exit 1
fi
rm -rf download kernel.tmp
mkdir -p download kernel.tmp
(cd download && apt-get download "$pkg")
dpkg-deb -x download/"$pkg"_*.deb kernel.tmp
rm -rf kernel download
mv kernel.tmp kernel
echo "$pkg" > kernel/READY
echo "kernel unpacked into $cache/kernel: $pkg"
