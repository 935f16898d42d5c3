package io.gitfleet.reconciler.catalog;

import io.gitfleet.schema.Catalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code url} catalogs of one pass, by URL: those to plan with, why the others could not be had (what the
 * planner's rejection says), and the stale copies in use because a fetch failed.
 */
public record RemoteCatalogs(Map<String, Catalog.Spec> catalogs, SortedMap<String, String> errors,
                             SortedMap<String, String> warnings) {
    public static final RemoteCatalogs NONE = new RemoteCatalogs(Map.of(), new TreeMap<>(), new TreeMap<>());

    public RemoteCatalogs {
        catalogs = Map.copyOf(catalogs);
        errors = Collections.unmodifiableSortedMap(new TreeMap<>(errors));
        warnings = Collections.unmodifiableSortedMap(new TreeMap<>(warnings));
    }

    /** Every fetch that failed this pass, stale copy in use or not, as sentences in URL order. */
    public List<String> failures() {
        SortedMap<String, String> all = new TreeMap<>(errors);
        all.putAll(warnings);
        return new ArrayList<>(all.values());
    }
}
