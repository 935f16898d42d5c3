#!/bin/sh
# Builds the initramfs every slot image carries: busybox, the modules Debian's kernel needs to reach a virtio
# disk with ext4 (and the virtio network card), and an /init that mounts root=PARTLABEL=… read-only and
# switch_roots into it.   build-initramfs.sh KERNEL_DIR OUT.cpio.gz
set -eu
kdir=$1
out=$2
kver=$(ls "$kdir/lib/modules" | head -n 1)
mods="$kdir/lib/modules/$kver/kernel"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/lib/modules" "$work/dev" "$work/proc" "$work/sys" "$work/newroot"
cp /bin/busybox "$work/bin/busybox"
for m in virtio/virtio_ring virtio/virtio virtio/virtio_pci_legacy_dev virtio/virtio_pci_modern_dev \
         virtio/virtio_pci; do
    cp "$mods/drivers/$m.ko" "$work/lib/modules/"
done
cp "$mods/drivers/block/virtio_blk.ko" "$mods/lib/crc16.ko" "$mods/crypto/crc32c_generic.ko" \
   "$mods/fs/mbcache.ko" "$mods/fs/jbd2/jbd2.ko" "$mods/fs/ext4/ext4.ko" \
   "$mods/net/core/failover.ko" "$mods/drivers/net/net_failover.ko" "$mods/drivers/net/virtio_net.ko" \
   "$work/lib/modules/"
cat > "$work/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk crc16 \
         crc32c_generic mbcache jbd2 ext4 failover net_failover virtio_net; do
    /bin/busybox insmod /lib/modules/$m.ko || echo "initramfs: insmod $m failed"
done
want=$(/bin/busybox sed -n 's/.*root=PARTLABEL=\([^ ]*\).*/\1/p' /proc/cmdline)
dev=
n=0
while [ -z "$dev" ]; do
    for u in /sys/class/block/*/uevent; do
        if /bin/busybox grep -qx "PARTNAME=$want" "$u"; then
            dev=/dev/$(/bin/busybox sed -n 's/^DEVNAME=//p' "$u")
        fi
    done
    n=$((n + 1))
    if [ -z "$dev" ] && [ $n -gt 100 ]; then echo "initramfs: no partition labelled $want"; exit 1; fi
    [ -z "$dev" ] && /bin/busybox usleep 100000
done
/bin/busybox mount -t ext4 -o ro,noload "$dev" /newroot || { echo "initramfs: cannot mount $dev"; exit 1; }
/bin/busybox umount /proc /sys
/bin/busybox mount --move /dev /newroot/dev
exec /bin/busybox switch_root /newroot /sbin/init
INIT
chmod 755 "$work/init"
(cd "$work" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -9) > "$out"
