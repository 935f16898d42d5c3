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
        List<Problem> problems = new ArrayList<>();
        Optional<Fleet> fleet = Optional.empty();
        SortedMap<String, Node> nodes = new TreeMap<>();
        Map<String, Catalog> catalogs = new HashMap<>();
        SortedMap<String, Upgrade> upgrades = new TreeMap<>();
        SortedMap<String, List<Problem>> broken = new TreeMap<>();

        List<String> paths = new ArrayList<>(files.keySet());
        paths.sort(Comparator.naturalOrder());
        if (!files.containsKey(FLEET_FILE)) {
            problems.add(new Problem(FLEET_FILE, "/", "is missing; every fleet repo needs one (kind: Fleet)"));
        }
        for (String path : paths) {
            byte[] bytes = files.get(path);
            if (path.equals(FLEET_FILE)) {
                ReadResult<Fleet> r = DocumentReader.read(path, bytes, Fleet.class, null);
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
                    ReadResult<Node> r = DocumentReader.read(path, bytes, Node.class, name);
                    problems.addAll(r.problems());
                    if (r.ok()) {
                        nodes.put(name, r.document());
                    }
                }
                case "catalogs" -> {
                    ReadResult<Catalog> r = DocumentReader.read(path, bytes, Catalog.class, name);
                    problems.addAll(r.problems());
                    if (r.ok()) {
                        catalogs.put(path, r.document());
                    }
                }
                default -> {
                    ReadResult<Upgrade> r = DocumentReader.read(path, bytes, Upgrade.class, name);
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
        problems.addAll(FleetRules.check(loaded, files.keySet()));
        return loaded;
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
