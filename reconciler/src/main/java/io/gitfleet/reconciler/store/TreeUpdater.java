package io.gitfleet.reconciler.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Writes a new tree from a base tree and a few changed paths, rewriting only the trees on the changed paths and
 * reusing every other subtree by id. That is what makes a status commit cost O(changes), not O(fleet).
 */
final class TreeUpdater {
    private final ObjectReader reader;
    private final ObjectInserter inserter;

    TreeUpdater(ObjectReader reader, ObjectInserter inserter) {
        this.reader = reader;
        this.inserter = inserter;
    }

    /**
     * @param base    the tree to start from, or null for an empty tree
     * @param changes path → blob id, or null to delete the path
     * @return the new tree's id; equal to {@code base} when nothing changed (null when empty and no base)
     */
    ObjectId apply(ObjectId base, SortedMap<String, ObjectId> changes) throws IOException {
        ObjectId tree = update(base, changes);
        return tree == null ? inserter.insert(new TreeFormatter()) : tree;
    }

    private ObjectId update(ObjectId base, SortedMap<String, ObjectId> changes) throws IOException {
        Map<String, Entry> entries = read(base);
        Map<String, SortedMap<String, ObjectId>> below = new LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<String, ObjectId> c : changes.entrySet()) {
            String path = c.getKey();
            int slash = path.indexOf('/');
            if (slash < 0) {
                Entry before = entries.get(path);
                if (c.getValue() == null) {
                    changed |= entries.remove(path) != null;
                } else if (before == null || before.mode != FileMode.REGULAR_FILE || !before.id.equals(c.getValue())) {
                    entries.put(path, new Entry(path, FileMode.REGULAR_FILE, c.getValue()));
                    changed = true;
                }
            } else {
                below.computeIfAbsent(path.substring(0, slash), k -> new TreeMap<>())
                        .put(path.substring(slash + 1), c.getValue());
            }
        }
        for (Map.Entry<String, SortedMap<String, ObjectId>> sub : below.entrySet()) {
            Entry before = entries.get(sub.getKey());
            ObjectId subBase = before != null && before.mode == FileMode.TREE ? before.id : null;
            ObjectId subTree = update(subBase, sub.getValue());
            if (subTree == null) {
                changed |= entries.remove(sub.getKey()) != null;
            } else if (!subTree.equals(subBase)) {
                entries.put(sub.getKey(), new Entry(sub.getKey(), FileMode.TREE, subTree));
                changed = true;
            }
        }
        if (!changed) {
            return base;
        }
        if (entries.isEmpty()) {
            return null;
        }
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(TreeUpdater::gitOrder);
        TreeFormatter f = new TreeFormatter(sorted.size() * 64);
        for (Entry e : sorted) {
            f.append(e.name, e.mode, e.id);
        }
        return inserter.insert(f);
    }

    private Map<String, Entry> read(ObjectId tree) throws IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        if (tree == null) {
            return out;
        }
        CanonicalTreeParser p = new CanonicalTreeParser(null, reader, tree);
        for (; !p.eof(); p.next()) {
            String name = p.getEntryPathString();
            out.put(name, new Entry(name, p.getEntryFileMode(), p.getEntryObjectId()));
        }
        return out;
    }

    /** Git sorts tree entries by name bytes, comparing a subtree's name as if it ended with '/'. */
    private static int gitOrder(Entry a, Entry b) {
        byte[] x = Constants.encode(a.name);
        byte[] y = Constants.encode(b.name);
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            int d = (x[i] & 0xff) - (y[i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        int cx = x.length > n ? x[n] & 0xff : a.mode == FileMode.TREE ? '/' : 0;
        int cy = y.length > n ? y[n] & 0xff : b.mode == FileMode.TREE ? '/' : 0;
        return cx - cy;
    }

    private record Entry(String name, FileMode mode, ObjectId id) {
    }
}
