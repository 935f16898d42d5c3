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
    private final java.util.TreeMap<String, byte[]> changes;

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
        return deleted(path) ? Optional.empty() : base.read(path);
    }

    /** Whether a folder above {@code path} is deleted by a pending change (an upgrade's rows, with it). */
    private boolean deleted(String path) {
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            String folder = path.substring(0, slash);
            if (changes.containsKey(folder) && changes.get(folder) == null) {
                return true;
            }
        }
        return false;
    }

    /** The base's rows with the pending row files on top; none of the base's when the folder is deleted. */
    @Override
    public java.util.SortedMap<String, io.gitfleet.schema.UpgradeStatus.NodeRow> rows(String upgrade)
            throws IOException {
        String folder = StatusPaths.rows(upgrade);
        java.util.SortedMap<String, io.gitfleet.schema.UpgradeStatus.NodeRow> out = deleted(folder + "/x")
                ? new java.util.TreeMap<>() : new java.util.TreeMap<>(base.rows(upgrade));
        for (Map.Entry<String, byte[]> e : changes.subMap(folder + "/", folder + "0").entrySet()) {
            if (StatusPaths.typeOf(e.getKey()) != io.gitfleet.schema.UpgradeNodeStatus.class) {
                continue;
            }
            if (e.getValue() == null) {
                out.remove(StatusPaths.nameOf(e.getKey()));
            } else {
                io.gitfleet.schema.UpgradeStatus.NodeRow row = StatusView.readRow(e.getKey(), e.getValue());
                out.put(row.node(), row);
            }
        }
        return out;
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
        TreeSet<String> paths = new TreeSet<>(deleted(folder + "/x") ? List.of() : base.list(folder));
        boolean sharded = folder.equals(StatusPaths.NODES) || folder.endsWith("/" + StatusPaths.NODES);
        if (changes.containsValue(null)) {
            paths.removeIf(this::deleted);
        }
        for (Map.Entry<String, byte[]> e : changes.subMap(folder + "/", folder + "0").entrySet()) {
            if (sharded || e.getKey().indexOf('/', folder.length() + 1) < 0) {
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
