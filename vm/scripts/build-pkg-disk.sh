#!/bin/sh
# Builds the read-only disk that carries the node package into the virtual machine: the package's tree as
# installed (from dpkg-deb -x of the node package), plus what the busybox guest lacks to run it: the
# host's shared libraries the runtime and grub-editenv need (found with ldd) in /hostlib, grub-editenv in
# /hostbin.
#   build-pkg-disk.sh TREE OUT.img
set -eu
tree=$1
out=$2
mkdir -p "$tree/hostlib" "$tree/hostbin"
cp /usr/bin/grub-editenv "$tree/hostbin/"
# zstd-jni unpacks its native library from its jar at run time: look at that one too.
natives=$(mktemp -d)
trap 'rm -rf "$natives"' EXIT
for jar in "$tree"/usr/lib/gitfleet-agent/lib/*.jar; do
    busybox unzip -qq -o "$jar" 'linux/amd64/*.so' -d "$natives" 2>/dev/null || true
done
objects=$(find "$tree/usr/lib/gitfleet-agent/runtime" "$natives" -name '*.so' -o -path '*/bin/*' -type f; echo /usr/bin/grub-editenv)
for f in $objects; do
    ldd "$f" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'
done | sort -u | while read -r lib; do
    case "$lib" in */usr/lib/gitfleet-agent/*) continue ;; esac
    cp -L "$lib" "$tree/hostlib/$(basename "$lib")"
done
size=$(du -sm "$tree" | cut -f1)
rm -f "$out"
mkfs.ext4 -q -F -L gitfleet-pkg -E root_owner=0:0 -d "$tree" "$out" "$((size + size / 4 + 8))M"
