#!/usr/bin/env python3
"""Writes SIZE_MIB MiB that look like a root file system to zstd: runs of zeros (free space, sparse files),
text (configs, scripts, man pages) and random bytes (already-compressed files, binaries' hard parts).
The mix gives 2-4x with zstd -19. Deterministic for a given seed."""
import os
import random
import sys

size_mib = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
out = sys.argv[1]
rnd = random.Random(int(os.environ.get("SEED", "1")))
words = ("usr lib x86_64-linux-gnu systemd system multi-user target wants libc so ssl crypto python3 dist "
         "packages share doc man locale zoneinfo etc default grub kernel modules firmware gitfleet agent "
         "ExecStart Restart always WantedBy After network online").split()
lines = []
for i in range(60000):
    n = rnd.randint(3, 12)
    lines.append("/".join(rnd.choice(words) for _ in range(n)) + " %d %08x\n" % (i, rnd.getrandbits(32)))
pool = "".join(lines).encode()
mib = 1 << 20
zeros = bytes(mib)
with open(out, "wb") as f:
    for _ in range(size_mib):
        kind = rnd.random()
        if kind < 0.30:
            f.write(zeros)
        elif kind < 0.72:
            start = rnd.randrange(0, len(pool) - mib)
            f.write(pool[start:start + mib])
        else:
            f.write(os.urandom(mib))
