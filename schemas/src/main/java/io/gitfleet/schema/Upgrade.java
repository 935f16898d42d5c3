package io.gitfleet.schema;

import java.util.List;
import java.util.Map;

/** {@code upgrades/NAME.yaml}: what to upgrade, where, how fast, with what safety. */
public record Upgrade(String apiVersion, String kind, Metadata metadata, Spec spec) implements Document {
    public static final String KIND = "Upgrade";

    public record Spec(String component, String version, CatalogSource catalog, Selector selector, Strategy strategy,
                       Window window, InstallOptions install, Boolean force, Boolean allowDowngrade, Boolean paused,
                       Boolean promoted, Map<String, String> retry, Boolean rollback) {
        public Spec {
            component = component == null ? "os" : component;
            selector = selector == null ? Selector.ALL : selector;
            strategy = strategy == null ? new Strategy(null, null, null, null, null, null) : strategy;
            install = install == null ? new InstallOptions(null, null) : install;
            force = Boolean.TRUE.equals(force);
            allowDowngrade = Boolean.TRUE.equals(allowDowngrade);
            paused = Boolean.TRUE.equals(paused);
            promoted = Boolean.TRUE.equals(promoted);
            retry = retry == null ? Map.of() : Map.copyOf(retry);
            rollback = Boolean.TRUE.equals(rollback);
        }
    }

    /**
     * Exactly one of {@code ref} (a catalog file in the repo), {@code inline} or {@code url}. A {@code url} catalog
     * is pinned by {@code sha256}, the digest of its content, so the approval covers what the URL serves.
     */
    public record CatalogSource(String ref, Catalog.Spec inline, String url, String sha256) {
        public CatalogSource(String ref, Catalog.Spec inline, String url) {
            this(ref, inline, url, null);
        }
    }

    /** All terms AND-ed; an empty selector selects every node. */
    public record Selector(List<String> nodeNames, List<Role> roles, Map<String, String> matchLabels,
                           String datacenter) {
        public static final Selector ALL = new Selector(null, null, null, null);

        public Selector {
            nodeNames = nodeNames == null ? List.of() : List.copyOf(nodeNames);
            roles = roles == null ? List.of() : List.copyOf(roles);
            matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
        }

        /** Whether this selector picks the node: the planner and a verifying agent ask the same question. */
        public boolean matches(Node node) {
            if (!nodeNames.isEmpty() && !nodeNames.contains(node.name())) {
                return false;
            }
            if (!roles.isEmpty() && !roles.contains(node.role())) {
                return false;
            }
            if (datacenter != null && !datacenter.equals(node.spec().datacenter())) {
                return false;
            }
            for (Map.Entry<String, String> label : matchLabels.entrySet()) {
                if (!label.getValue().equals(node.spec().labels().get(label.getKey()))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** New starts happen only inside the window; nodes already started finish. */
    public record Window(List<String> days, String start, String duration, String timeZone) {
        public Window {
            days = days == null ? List.of() : List.copyOf(days);
            timeZone = timeZone == null ? "UTC" : timeZone;
        }
    }

    /** Passed to the agent's installer. */
    public record InstallOptions(Boolean upgradeActive, Boolean upgradeRecovery) {
        public InstallOptions {
            upgradeActive = upgradeActive == null || upgradeActive;
            upgradeRecovery = Boolean.TRUE.equals(upgradeRecovery);
        }
    }
}
