package io.gitfleet.schema;

import java.util.List;
import java.util.Map;

/** {@code upgrades/NAME.yaml}: what to upgrade, where, how fast, with what safety. */
public record Upgrade(String apiVersion, String kind, Metadata metadata, Spec spec) implements Document {
    public static final String KIND = "Upgrade";

    public record Spec(String component, String version, CatalogSource catalog, Selector selector, Strategy strategy,
                       Window window, InstallOptions install, Boolean force, Boolean allowDowngrade, Boolean paused,
                       Boolean promoted, Map<String, String> retry, Boolean rollback, List<Blackout> blackouts,
                       Integer promotedPhase) {
        public Spec {
            blackouts = blackouts == null ? List.of() : List.copyOf(blackouts);
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

        /** The spec as it was before blackouts and phased promotion. */
        public Spec(String component, String version, CatalogSource catalog, Selector selector, Strategy strategy,
                    Window window, InstallOptions install, Boolean force, Boolean allowDowngrade, Boolean paused,
                    Boolean promoted, Map<String, String> retry, Boolean rollback) {
            this(component, version, catalog, selector, strategy, window, install, force, allowDowngrade, paused,
                    promoted, retry, rollback, null, null);
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

    /**
     * Boot switches happen only inside the window, and only when the node's expected disruption ends before it
     * closes. {@code datacenters} gives a datacenter its own window: each field it sets replaces the base one.
     */
    public record Window(List<String> days, String start, String duration, String timeZone,
                         Map<String, Window> datacenters) {
        public Window {
            days = days == null ? null : List.copyOf(days);
            datacenters = datacenters == null ? Map.of() : Map.copyOf(datacenters);
        }

        public Window(List<String> days, String start, String duration, String timeZone) {
            this(days, start, duration, timeZone, null);
        }

        /** The window that applies in {@code datacenter}: the base one with that datacenter's fields over it. */
        public Window in(String datacenter) {
            Window o = datacenter == null ? null : datacenters.get(datacenter);
            if (o == null) {
                return this;
            }
            return new Window(o.days != null ? o.days : days, o.start != null ? o.start : start,
                    o.duration != null ? o.duration : duration, o.timeZone != null ? o.timeZone : timeZone, null);
        }

        public List<String> dayList() {
            return days == null ? List.of() : days;
        }

        public String zone() {
            return timeZone == null ? "UTC" : timeZone;
        }
    }

    /** No boot switch from {@code from} until {@code until} (RFC 3339 with an offset), e.g. a year-end freeze. */
    public record Blackout(String from, String until, String reason) {
        public java.time.Instant fromInstant() {
            return java.time.OffsetDateTime.parse(from).toInstant();
        }

        public java.time.Instant untilInstant() {
            return java.time.OffsetDateTime.parse(until).toInstant();
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
