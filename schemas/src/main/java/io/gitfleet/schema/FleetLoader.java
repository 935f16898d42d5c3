package io.gitfleet.schema;

import java.util.ArrayList;
import java.util.Comparator;
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
        List<Problem> problems = new ArrayList<>();
        Optional<Fleet> fleet = Optional.empty();
        SortedMap<String, Node> nodes = new TreeMap<>();
        Map<String, Catalog> catalogs = new HashMap<>();
        SortedMap<String, Upgrade> upgrades = new TreeMap<>();
        SortedMap<String, List<Problem>> broken = new TreeMap<>();

        List<String> paths = new ArrayList<>(files.keySet());
        paths.addAll(tooLarge.keySet());
        paths.sort(Comparator.naturalOrder());
        if (!files.containsKey(FLEET_FILE) && !tooLarge.containsKey(FLEET_FILE)) {
            problems.add(new Problem(FLEET_FILE, "/", "is missing; every fleet repo needs one (kind: Fleet)"));
        }
        for (String path : paths) {
            byte[] bytes = files.get(path);
            Long size = tooLarge.get(path);
            if (path.equals(FLEET_FILE)) {
                ReadResult<Fleet> r = read(path, bytes, size, Fleet.class, null);
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
                    ReadResult<Node> r = read(path, bytes, size, Node.class, name);
                    problems.addAll(r.problems());
                    if (r.ok()) {
                        nodes.put(name, r.document());
                    }
                }
                case "catalogs" -> {
                    ReadResult<Catalog> r = read(path, bytes, size, Catalog.class, name);
                    problems.addAll(r.problems());
                    if (r.ok()) {
                        catalogs.put(path, r.document());
                    }
                }
                default -> {
                    ReadResult<Upgrade> r = read(path, bytes, size, Upgrade.class, name);
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
        List<Problem> rules = FleetRules.check(loaded, files.keySet());
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

    private static <T extends Document> ReadResult<T> read(String path, byte[] bytes, Long size, Class<T> type,
                                                           String name) {
        if (bytes == null) {
            return ReadResult.invalid(List.of(new Problem(path, "/", "the file is " + size + " bytes; the limit is "
                    + SafeYaml.MAX_BYTES)));
        }
        return DocumentReader.read(path, bytes, type, name);
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
