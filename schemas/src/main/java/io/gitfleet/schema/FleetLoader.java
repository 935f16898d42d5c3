package io.gitfleet.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads a fleet repo's files (repo path → bytes, from a commit or a directory) into typed, validated documents.
 * Files outside {@code fleet.yaml}, {@code nodes/}, {@code catalogs/} and {@code upgrades/} are ignored.
 */
public final class FleetLoader {
    public static final String FLEET_FILE = "fleet.yaml";

    private FleetLoader() {
    }

    /** Whether gitfleet reads this repo path; lets callers skip loading READMEs and the like. */
    public static boolean isFleetPath(String path) {
        return path.equals(FLEET_FILE) || folderOf(path) != null;
    }

    public static LoadedFleet load(Map<String, byte[]> files) {
        return load(files, Map.of());
    }

    /**
     * @param tooLarge files left unread because they are larger than a document may be ({@link SafeYaml#MAX_BYTES}),
     *                 path → size: each is refused with a problem like any other bad document
     */
    public static LoadedFleet load(Map<String, byte[]> files, Map<String, Long> tooLarge) {
        List<String> paths = new ArrayList<>(files.keySet());
        paths.addAll(tooLarge.keySet());
        return load(paths, (path, type, name) -> {
            byte[] bytes = files.get(path);
            return bytes == null ? tooLarge(path, tooLarge.get(path)) : DocumentReader.read(path, bytes, type, name);
        });
    }

    /**
     * Reads one document for {@link #load(Collection, Source)}: {@code path}'s document of {@code type}, named
     * {@code name} (null for {@code fleet.yaml}). Called only for the paths the loader reads, at most once each.
     */
    @FunctionalInterface
    public interface Source {
        ReadResult<? extends Document> read(String path, Class<? extends Document> type, String name);
    }

    /**
     * The fleet made of {@code paths} (repo paths of the files there, whether or not gitfleet reads them), each
     * document read through {@code source}: lets a caller that knows a file is unchanged (same blob) hand back
     * what it read before instead of parsing and validating it again.
     */
    public static LoadedFleet load(Collection<String> paths, Source source) {
        List<Problem> problems = new ArrayList<>();
        Optional<Fleet> fleet = Optional.empty();
        SortedMap<String, Node> nodes = new TreeMap<>();
        Map<String, Catalog> catalogs = new HashMap<>();
        SortedMap<String, Upgrade> upgrades = new TreeMap<>();
        SortedMap<String, List<Problem>> broken = new TreeMap<>();

        java.util.SortedSet<String> sorted = new java.util.TreeSet<>(paths);
        if (!sorted.contains(FLEET_FILE)) {
            problems.add(new Problem(FLEET_FILE, "/", "is missing; every fleet repo needs one (kind: Fleet)"));
        }
        for (String path : sorted) {
            if (path.equals(FLEET_FILE)) {
                ReadResult<Fleet> r = read(source, path, Fleet.class, null);
                problems.addAll(r.problems());
                fleet = Optional.ofNullable(r.document());
                continue;
            }
            String folder = folderOf(path);
            if (folder == null) {
                continue;
            }
            String file = path.substring(folder.length() + 1);
            if (file.endsWith(".yml")) {
                problems.add(new Problem(path, "/", "is not read: name it " + file.replaceAll("\\.yml$", ".yaml")));
                continue;
            }
            if (!file.endsWith(".yaml")) {
                continue;
            }
            String name = file.substring(0, file.length() - ".yaml".length());
            switch (folder) {
                case "nodes" -> {
                    ReadResult<Node> r = read(source, path, Node.class, name);
                    problems.addAll(r.problems());
                    if (r.ok()) {
                        nodes.put(name, r.document());
                    }
                }
                case "catalogs" -> {
                    ReadResult<Catalog> r = read(source, path, Catalog.class, name);
                    problems.addAll(r.problems());
                    if (r.ok()) {
                        catalogs.put(path, r.document());
                    }
                }
                default -> {
                    ReadResult<Upgrade> r = read(source, path, Upgrade.class, name);
                    problems.addAll(r.problems());
                    if (r.ok()) {
                        upgrades.put(name, r.document());
                    } else {
                        broken.put(name, r.problems());
                    }
                }
            }
        }
        LoadedFleet loaded = new LoadedFleet(fleet, nodes, catalogs, upgrades, broken, problems);
        List<Problem> rules = FleetRules.check(loaded, sorted);
        problems.addAll(rules);
        // a value the planner cannot act on (a window or timeout far too large) refuses only its own document
        for (Problem p : rules) {
            if (!FleetRules.refuses(p)) {
                continue;
            }
            if (p.file().equals(FLEET_FILE)) {
                fleet = Optional.empty();
            } else if (p.file().startsWith("upgrades/")) {
                String name = p.file().substring("upgrades/".length(), p.file().length() - ".yaml".length());
                if (upgrades.remove(name) != null || broken.containsKey(name)) {
                    List<Problem> list = new ArrayList<>(broken.getOrDefault(name, List.of()));
                    list.add(p);
                    broken.put(name, list);
                }
            }
        }
        return fleet.isPresent() ? loaded : new LoadedFleet(fleet, nodes, catalogs, upgrades, broken, problems);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Document> ReadResult<T> read(Source source, String path, Class<T> type, String name) {
        ReadResult<? extends Document> r = source.read(path, type, name);
        if (r.document() != null && !type.isInstance(r.document())) {
            throw new IllegalStateException(path + " was read as " + r.document().getClass().getSimpleName()
                    + ", not " + type.getSimpleName());
        }
        return (ReadResult<T>) r;
    }

    /** A file left unread because it is larger than a document may be: refused like any other bad document. */
    public static <T extends Document> ReadResult<T> tooLarge(String path, long size) {
        return ReadResult.invalid(List.of(new Problem(path, "/", "the file is " + size + " bytes; the limit is "
                + SafeYaml.MAX_BYTES)));
    }

    private static String folderOf(String path) {
        for (String folder : new String[] {"nodes", "catalogs", "upgrades"}) {
            if (path.startsWith(folder + "/") && path.indexOf('/', folder.length() + 1) < 0) {
                return folder;
            }
        }
        return null;
    }
}
