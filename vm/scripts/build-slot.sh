#!/bin/sh
# Builds one slot image: a small ext4 root file system (busybox-static) with Debian's kernel and the initramfs
# in /boot, /etc/os-release carrying VERSION_ID, and an /sbin/init that mounts the node's partitions and runs
# the agent from the read-only package disk.
#   build-slot.sh KERNEL_DIR INITRAMFS VERSION ok|panic OUT.img SIZE_MIB
set -eu
kdir=$1
initrd=$2
version=$3
mode=$4
out=$5
size=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/bin" "$root/sbin" "$root/boot" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/run" \
         "$root/tmp" "$root/var" "$root/mnt/boot" "$root/pkg" "$root/etc/gitfleet-agent" "$root/usr/lib" "$root/lib"
cp /bin/busybox "$root/bin/busybox"
for app in $(/bin/busybox --list); do
    [ "$app" = busybox ] || ln -s busybox "$root/bin/$app"
done
cp "$kdir"/boot/vmlinuz-* "$root/boot/vmlinuz"
cp "$initrd" "$root/boot/initrd.img"
cat > "$root/etc/os-release" <<REL
NAME="gitfleet test OS"
ID=gitfleet-test
VERSION_ID=$version
PRETTY_NAME="gitfleet test OS $version"
REL
# The agent's package lives on a read-only disk mounted at /pkg; these links put it where the package installs.
ln -s /pkg/usr/lib/gitfleet-agent "$root/usr/lib/gitfleet-agent"
ln -s /pkg/hostlib "$root/lib64"
ln -s /pkg/hostlib "$root/lib/x86_64-linux-gnu"
if [ "$mode" = panic ]; then
    cat > "$root/sbin/init" <<'INIT'
#!/bin/sh
. /etc/os-release
echo "gitfleet-vm: $PRETTY_NAME cannot start: init exits and the kernel panics"
exit 1
INIT
else
    cat > "$root/sbin/init" <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /var
. /etc/os-release
slot=$(sed -n 's/.*gitfleet\.slot=\([ab]\).*/\1/p' /proc/cmdline)
echo "gitfleet-vm: slot $slot runs $PRETTY_NAME (VERSION_ID=$VERSION_ID)"
# No udev here: the by-partlabel links the agent's config names are made from sysfs.
mkdir -p /dev/disk/by-partlabel
for u in /sys/class/block/*/uevent; do
    name=$(sed -n 's/^PARTNAME=//p' "$u")
    [ -n "$name" ] && ln -sf "/dev/$(sed -n 's/^DEVNAME=//p' "$u")" "/dev/disk/by-partlabel/$name"
done
mount -t ext4 -o ro /dev/vdb /pkg || echo "gitfleet-vm: no package disk"
mount -t ext4 -o ro /dev/vdc /etc/gitfleet-agent || echo "gitfleet-vm: no config disk"
mount -t ext4 /dev/disk/by-partlabel/boot /mnt/boot || echo "gitfleet-vm: no boot partition"
mkdir -p /var/lib/gitfleet-agent
mount -t ext4 /dev/disk/by-partlabel/gitfleet-state /var/lib/gitfleet-agent || echo "gitfleet-vm: no state partition"
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
echo "gitfleet-vm: userspace up $(cut -d' ' -f1 /proc/uptime)s after the kernel started"
export HOME=/root LANG=C.UTF-8
# The suite's nodes live for minutes: the launcher's class-data archive (one training run at the first start, about
# a minute under TCG) would cost more than it saves. A real node keeps the default and makes it once.
export GITFLEET_AGENT_CDS=off
while :; do
    /usr/lib/gitfleet-agent/bin/gitfleet-agent --config /etc/gitfleet-agent/agent.yaml
    echo "gitfleet-vm: agent exited with $?"
    sleep 2
done
INIT
fi
chmod 755 "$root/sbin/init"
rm -f "$out"
mkfs.ext4 -q -F -L rootfs -O ^metadata_csum,^64bit -E root_owner=0:0 -d "$root" "$out" "${size}M"
