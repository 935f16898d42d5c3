package io.gitfleet.version;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog's images list is the version order, first the oldest: for versions no rule can order (code names,
 * build ids). Any string is a version if the list holds it exactly; one it does not hold is unknown.
 */
public final class ListScheme implements VersionScheme {
    private final Map<String, Integer> position = new HashMap<>();

    ListScheme(List<String> order) {
        for (int i = 0; i < order.size(); i++) {
            position.putIfAbsent(order.get(i), i);
        }
    }

    @Override
    public String wire() {
        return "list";
    }

    @Override
    public String describe() {
        return "one of the catalog's image versions, whose list order is the version order";
    }

    @Override
    public boolean parses(String text) {
        return text != null && position.containsKey(text);
    }

    @Override
    public int compare(String a, String b) {
        return Integer.compare(index(a), index(b));
    }

    /** A version is the same as itself, even where the list is not known (the agent). */
    @Override
    public boolean same(String a, String b) {
        return a != null && a.equals(b);
    }

    /** {@code maxMinorStep} counts places in the list: 1 allows only the next image. */
    @Override
    public String stepTooLarge(String from, String to, int step) {
        int skipped = index(to) - index(from) - 1;
        if (skipped < step) {
            return null;
        }
        String next = position.entrySet().stream().filter(e -> e.getValue() == index(from) + step)
                .map(Map.Entry::getKey).findFirst().orElse("?");
        return from + " → " + to + " skips " + (skipped == 1 ? "a version" : skipped + " versions")
                + " of the catalog's list; upgrade to " + next + " first";
    }

    private int index(String v) {
        Integer i = v == null ? null : position.get(v);
        if (i == null) {
            throw new IllegalArgumentException("'" + v + "' is not in the catalog's list of versions");
        }
        return i;
    }
}
