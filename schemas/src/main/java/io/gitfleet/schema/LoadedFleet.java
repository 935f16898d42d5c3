package io.gitfleet.schema;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A fleet as read from one commit (or one directory): the documents that are valid, and every problem found.
 * One bad file never hides the others. {@code fleet} is empty when {@code fleet.yaml} is missing or invalid:
 * then the fleet-wide policy is unknown and nothing new may start.
 *
 * @param catalogs     valid catalogs by repo path ({@code catalogs/main.yaml})
 * @param brokenUpgrades upgrade names whose manifest exists but is not valid
 */
public record LoadedFleet(Optional<Fleet> fleet, SortedMap<String, Node> nodes, Map<String, Catalog> catalogs,
                          SortedMap<String, Upgrade> upgrades, SortedMap<String, List<Problem>> brokenUpgrades,
                          List<Problem> problems) {

    public boolean clean() {
        return problems.isEmpty();
    }

    /** The catalog an upgrade names by {@code ref} or carries {@code inline}; empty for {@code url} or a bad ref. */
    public Optional<Catalog.Spec> localCatalog(Upgrade upgrade) {
        Upgrade.CatalogSource source = upgrade.spec().catalog();
        if (source == null) {
            return Optional.empty();
        }
        if (source.inline() != null) {
            return Optional.of(source.inline());
        }
        if (source.ref() != null) {
            return Optional.ofNullable(catalogs.get(source.ref())).map(Catalog::spec);
        }
        return Optional.empty();
    }
}
