package io.gitfleet.reconciler.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** A status view with pending, not yet committed changes on top (null bytes = deleted). */
final class OverlayStatusView implements StatusView {
    private final StatusView base;
    private final Map<String, byte[]> changes;

    OverlayStatusView(StatusView base, Map<String, byte[]> changes) {
        this.base = base;
        this.changes = new TreeMap<>(changes);
    }

    @Override
    public String commit() {
        return base.commit();
    }

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        if (changes.containsKey(path)) {
            return Optional.ofNullable(changes.get(path));
        }
        return base.read(path);
    }

    /** The base's key when no pending change lies in {@code folder}; else the base's key and a digest of them. */
    @Override
    public Object contentKey(String folder) throws IOException {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        boolean any = false;
        for (Map.Entry<String, byte[]> e : changes.entrySet()) { // a TreeMap: in path order
            if (e.getKey().startsWith(folder + "/")) {
                any = true;
                sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(e.getValue() == null ? new byte[] {0} : e.getValue());
                sha.update((byte) 0);
            }
        }
        Object key = base.contentKey(folder);
        return any ? List.of(key, java.util.HexFormat.of().formatHex(sha.digest())) : key;
    }

    @Override
    public List<String> list(String folder) throws IOException {
        TreeSet<String> paths = new TreeSet<>(base.list(folder));
        for (Map.Entry<String, byte[]> e : changes.entrySet()) {
            if (e.getKey().startsWith(folder + "/")) {
                if (e.getValue() == null) {
                    paths.remove(e.getKey());
                } else {
                    paths.add(e.getKey());
                }
            }
        }
        return new ArrayList<>(paths);
    }
}
