#!/bin/sh
# Builds the node's disk: GPT with a BIOS boot partition holding GRUB's core image, the boot partition
# (/boot/grub: grub.cfg, the shipped gitfleet.cfg fragment, grubenv, GRUB's modules), slot A (written with
# SLOT_A.img), an empty slot B and the agent's state partition. No loop device or mount is needed:
# mkfs.ext4 -d fills each file system from a folder, and the partitions are copied in at their offsets.
#   build-disk.sh FRAGMENT SLOT_A.img OUT.img
set -eu
fragment=$1
slota=$2
out=$3
grubdir=/usr/lib/grub/i386-pc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
MiB=2048    # sectors
# name:start:size (in MiB)
bios_start=1;  bios_size=1
boot_start=2;  boot_size=8
a_start=10;    a_size=32
b_start=42;    b_size=32
state_start=74; state_size=16
total=$((state_start + state_size + 1))
rm -f "$out"
truncate -s "${total}M" "$out"
sfdisk --quiet "$out" <<TABLE
label: gpt
start=$((bios_start * MiB)), size=$((bios_size * MiB)), type=21686148-6E6F-744E-6565-644E65454649, name=bios-grub
start=$((boot_start * MiB)), size=$((boot_size * MiB)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=boot
start=$((a_start * MiB)), size=$((a_size * MiB)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root-a
start=$((b_start * MiB)), size=$((b_size * MiB)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root-b
start=$((state_start * MiB)), size=$((state_size * MiB)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=gitfleet-state
TABLE

# GRUB: core image in the BIOS boot partition, boot.img in the MBR pointing at it (what grub-bios-setup does).
grub-mkimage -O i386-pc -o "$work/core.img" -p "(hd0,gpt2)/boot/grub" biosdisk part_gpt ext2
core_lba=$((bios_start * MiB))
dd if="$grubdir/boot.img" of="$out" bs=440 count=1 conv=notrunc status=none
le64() { v=$1; i=0; while [ $i -lt 8 ]; do printf "\\$(printf %03o $((v % 256)))"; v=$((v / 256)); i=$((i + 1)); done; }
le64 "$core_lba" | dd of="$out" bs=1 seek=$((0x5c)) conv=notrunc status=none
dd if="$work/core.img" of="$out" bs=512 seek="$core_lba" conv=notrunc status=none
# diskboot.img (the core image's first sector) loads the rest from the block list at its end.
le64 $((core_lba + 1)) | dd of="$out" bs=1 seek=$((core_lba * 512 + 500)) conv=notrunc status=none

boot="$work/boot"
mkdir -p "$boot/boot/grub/i386-pc"
cp "$grubdir"/*.mod "$grubdir"/*.lst "$boot/boot/grub/i386-pc/"
cp "$fragment" "$boot/boot/grub/gitfleet.cfg"
cat > "$boot/boot/grub/grub.cfg" <<'CFG'
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
set gitfleet_root_a=(hd0,gpt3)
set gitfleet_root_b=(hd0,gpt4)
set gitfleet_cmdline="console=ttyS0,115200 panic=1 loglevel=4"
source ${prefix}/gitfleet.cfg
CFG
grub-editenv "$boot/boot/grub/grubenv" create
grub-editenv "$boot/boot/grub/grubenv" set gitfleet_primary=a gitfleet_a=good
mkfs.ext4 -q -F -L boot -E root_owner=0:0 -d "$boot" "$work/boot.img" "${boot_size}M"
dd if="$work/boot.img" of="$out" bs=1M seek="$boot_start" conv=notrunc status=none
dd if="$slota" of="$out" bs=1M seek="$a_start" conv=notrunc status=none
mkfs.ext4 -q -F -L gitfleet-state "$work/state.img" "${state_size}M"
dd if="$work/state.img" of="$out" bs=1M seek="$state_start" conv=notrunc status=none
