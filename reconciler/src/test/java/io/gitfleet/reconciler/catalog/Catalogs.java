package io.gitfleet.reconciler.catalog;

import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Metadata;
import io.gitfleet.schema.Upgrade;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Catalog bodies and fleets naming {@code url} catalogs, for the fetch tests. */
final class Catalogs {
    static final String GOOD = """
            apiVersion: gitfleet.io/v1
            kind: Catalog
            metadata:
              name: os
            spec:
              component: os
              channels:
                stable: v1.35.1
              images:
                - version: v1.35.1
                  url: https://images.example.net/os/monok8s-v1.35.1.img.zst
                  sha256: 8aaf68fbf4e5065ae2fe760fa575216995f570c5f8e3c6b742d4a6afaddd8636
                  size: 1858076672
            """;

    /** Valid YAML, but the image's sha256 is not one. */
    static final String INVALID = GOOD.replace("8aaf68fbf4e5065ae2fe760fa575216995f570c5f8e3c6b742d4a6afaddd8636",
            "not-a-digest");

    private Catalogs() {
    }

    /** A fleet with one upgrade per URL (upgrade-0, upgrade-1, …). */
    static LoadedFleet naming(String... urls) {
        TreeMap<String, Upgrade> upgrades = new TreeMap<>();
        for (int i = 0; i < urls.length; i++) {
            String name = "upgrade-" + i;
            upgrades.put(name, new Upgrade("gitfleet.io/v1", Upgrade.KIND, new Metadata(name, Map.of()),
                    new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource(null, null, urls[i]), null, null, null,
                            null, null, null, null, null, null, null)));
        }
        return new LoadedFleet(Optional.empty(), new TreeMap<>(), Map.of(), upgrades, new TreeMap<>(), List.of());
    }
}
