package io.gitfleet.reconciler.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.eclipse.jgit.internal.storage.file.BasePackIndexWriter;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.transport.PackedObjectInfo;

/**
 * Writes a status commit's objects as one pack, hashing and deflating them on every core. A merge that starts
 * 10,000 nodes writes 10,000 row files at once; JGit's own pack inserter hashes and deflates them one after the
 * other on the pass's thread. The pack is fsynced before it is named, so a ref that points into it never outlives
 * its objects (a power cut after the branch moved), and {@link #pack()} names the file, so that a plain-path remote
 * can take the pack as it is ({@code PushRefCommand}).
 *
 * <p>Objects are deflated at the repository's {@code pack.compression} or {@code core.compression}, git's default
 * level when neither is set. Stored without compression they cost 1 µs a row instead of 8 µs, but git's gc keeps an
 * object's stored form when it finds no delta for it: a 100,000-node rollout then took 346 MB of branch after
 * {@code git gc} instead of 250 MB.
 *
 * <p>Objects are written as they are, never as deltas, and never looked up in the existing packs first: an object
 * already stored is stored twice until the next repack ({@link Housekeeping}) keeps one copy. Object ids use JGit's
 * SHA-1, which detects collision attacks as git does.
 */
final class StatusPackInserter extends ObjectInserter {
    /** Below this many objects one thread does the work: forking costs more than it saves. */
    static final int PARALLEL_AT = 64;
    /** JGit's own id maker, one per thread (it keeps a digest): the object header and SHA-1 as git makes them. */
    private static final ThreadLocal<ObjectInserter.Formatter> IDS = ThreadLocal.withInitial(
            ObjectInserter.Formatter::new);
    /** One deflater per thread, reset for each object: setting one up costs more than deflating a row file. */
    private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(Deflater::new);

    private final ObjectDirectory db;
    private final int compression;
    private final List<Pending> objects = new ArrayList<>();
    private final Set<ObjectId> ids = new HashSet<>();
    private Path pack;

    private record Pending(ObjectId id, int type, byte[] data) {
    }

    StatusPackInserter(Repository repo, ObjectDirectory db) {
        this.db = db;
        this.compression = repo.getConfig().getInt("pack", "compression",
                repo.getConfig().getInt("core", "compression", Deflater.DEFAULT_COMPRESSION));
    }

    /** The pack the last {@link #flush()} wrote, or null when it wrote none. */
    Path pack() {
        return pack;
    }

    @Override
    public ObjectId insert(int type, byte[] data, int off, int len) {
        byte[] copy = off == 0 && len == data.length ? data : java.util.Arrays.copyOfRange(data, off, off + len);
        ObjectId id = id(type, copy);
        add(new Pending(id, type, copy));
        return id;
    }

    @Override
    public ObjectId insert(int type, long len, InputStream in) throws IOException {
        byte[] data = in.readNBytes((int) len);
        if (data.length != len) {
            throw new java.io.EOFException("an object of " + len + " bytes ended after " + data.length);
        }
        return insert(type, data, 0, data.length);
    }

    /** Inserts blobs, hashed on every core when there are many; returns their ids in the same order. */
    List<ObjectId> insertBlobs(List<byte[]> blobs) {
        IntStream indexes = IntStream.range(0, blobs.size());
        if (blobs.size() >= PARALLEL_AT) {
            indexes = indexes.parallel();
        }
        ObjectId[] hashed = new ObjectId[blobs.size()];
        indexes.forEach(i -> hashed[i] = id(Constants.OBJ_BLOB, blobs.get(i)));
        for (int i = 0; i < hashed.length; i++) {
            add(new Pending(hashed[i], Constants.OBJ_BLOB, blobs.get(i)));
        }
        return List.of(hashed);
    }

    private void add(Pending p) {
        if (ids.add(p.id())) {
            objects.add(p);
        }
    }

    private static ObjectId id(int type, byte[] data) {
        return IDS.get().idFor(type, data);
    }

    @Override
    public PackParser newPackParser(InputStream in) {
        throw new UnsupportedOperationException("a status commit's objects are inserted one by one");
    }

    /** A reader of the repository: objects inserted here are readable after {@link #flush()}. */
    @Override
    public ObjectReader newReader() {
        return db.newReader();
    }

    @Override
    public void flush() throws IOException {
        if (objects.isEmpty()) {
            return;
        }
        int n = objects.size();
        byte[][] entries = new byte[n][];
        int[] crcs = new int[n];
        IntStream indexes = IntStream.range(0, n);
        if (n >= PARALLEL_AT) {
            indexes = indexes.parallel();
        }
        indexes.forEach(i -> {
            entries[i] = entry(objects.get(i));
            CRC32 crc = new CRC32();
            crc.update(entries[i]);
            crcs[i] = (int) crc.getValue();
        });
        Path dir = db.getPackDirectory().toPath();
        Files.createDirectories(dir);
        Path tmpPack = Files.createTempFile(dir, "gitfleet_", ".pack");
        Path tmpIdx = null;
        try {
            List<PackedObjectInfo> index = new ArrayList<>(n);
            byte[] checksum;
            try (FileChannel ch = FileChannel.open(tmpPack, StandardOpenOption.WRITE);
                 OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch),
                         1 << 16)) {
                MessageDigest sum = sha1();
                byte[] header = {'P', 'A', 'C', 'K', 0, 0, 0, 2, (byte) (n >>> 24), (byte) (n >>> 16),
                    (byte) (n >>> 8), (byte) n};
                out.write(header);
                sum.update(header);
                long offset = header.length;
                for (int i = 0; i < n; i++) {
                    Pending p = objects.get(i);
                    PackedObjectInfo info = new PackedObjectInfo(p.id());
                    info.setOffset(offset);
                    info.setCRC(crcs[i]);
                    info.setType(p.type());
                    index.add(info);
                    out.write(entries[i]);
                    sum.update(entries[i]);
                    offset += entries[i].length;
                }
                checksum = sum.digest();
                out.write(checksum);
                out.flush();
                ch.force(true);
            }
            index.sort(null);
            tmpIdx = Files.createTempFile(dir, "gitfleet_", ".idx");
            try (FileChannel ch = FileChannel.open(tmpIdx, StandardOpenOption.WRITE);
                 OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch),
                         1 << 16)) {
                BasePackIndexWriter.createVersion(out, 2).write(index, checksum);
                out.flush();
                ch.force(true);
            }
            String name = "pack-" + ObjectId.fromRaw(checksum).name();
            Path packFile = dir.resolve(name + ".pack");
            // git's readers find a pack by its index: the pack goes first, its index last
            Files.move(tmpPack, packFile, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmpIdx, dir.resolve(name + ".idx"), StandardCopyOption.ATOMIC_MOVE);
            packFile.toFile().setReadOnly();
            dir.resolve(name + ".idx").toFile().setReadOnly();
            db.openPack(packFile.toFile());
            pack = packFile;
            objects.clear();
            ids.clear();
        } finally {
            Files.deleteIfExists(tmpPack);
            if (tmpIdx != null) {
                Files.deleteIfExists(tmpIdx);
            }
        }
    }

    /** An object as a pack stores it whole: its type and size, then its bytes deflated. */
    private byte[] entry(Pending p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(p.data().length / 2 + 32);
        long size = p.data().length;
        int b = (p.type() << 4) | (int) (size & 0x0f);
        size >>>= 4;
        while (size != 0) {
            out.write(b | 0x80);
            b = (int) (size & 0x7f);
            size >>>= 7;
        }
        out.write(b);
        Deflater deflater = DEFLATER.get();
        deflater.reset();
        deflater.setLevel(compression);
        deflater.setInput(p.data());
        deflater.finish();
        byte[] buf = new byte[Math.max(64, p.data().length / 2 + 64)];
        while (!deflater.finished()) {
            int k = deflater.deflate(buf);
            out.write(buf, 0, k);
        }
        return out.toByteArray();
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1", e);
        }
    }

    @Override
    public void close() {
        objects.clear();
        ids.clear();
    }
}
