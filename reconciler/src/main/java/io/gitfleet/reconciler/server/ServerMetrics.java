package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.webhooks.DeliveryResult;
import io.gitfleet.webhooks.Forge;
import io.gitfleet.webhooks.WebhookMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Prometheus metrics, each family with its HELP text: what the alert rules and the Grafana dashboard in
 * {@code docs/monitoring/} use (rollouts by upgrade and phase, a stalled fleet, the lease, silent nodes, the age of
 * the last status commit), pass and step durations as histograms, webhook deliveries, agent requests, build info,
 * and the JVM's and the process's own.
 */
public final class ServerMetrics implements WebhookMetrics {
    /** Buckets for pass and step durations: a pass costs milliseconds to tens of seconds at 100k nodes. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<NodePhase, AtomicInteger> nodesByPhase = new EnumMap<>(NodePhase.class);
    private final Timer passes;
    private final MultiGauge upgradePhase;
    private final MultiGauge upgradeNodes;
    private final MultiGauge conditions;
    private final MultiGauge nodeLastSeen;
    private final AtomicInteger stalled = new AtomicInteger();
    private final AtomicLong lastStatusCommit = new AtomicLong();
    private final Map<Integer, Counter> agentRequests = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile BooleanSupplier holder = () -> false;

    public ServerMetrics(InstructionBoard board) {
        passes = Timer.builder("gitfleet_reconcile_pass_duration").description("reconcile pass durations")
                .serviceLevelObjectives(BUCKETS).register(registry);
        for (NodePhase p : NodePhase.values()) {
            AtomicInteger n = new AtomicInteger();
            nodesByPhase.put(p, n);
            Gauge.builder("gitfleet_upgrade_nodes", n, AtomicInteger::get).tag("phase", p.name())
                    .description("node rows of all upgrades, by phase").register(registry);
        }
        Gauge.builder("gitfleet_agent_waiting", board, InstructionBoard::waiting)
                .description("agents holding a long poll open").register(registry);
        upgradePhase = MultiGauge.builder("gitfleet_upgrade_phase")
                .description("1 for each upgrade's current phase, 0 for its other phases").register(registry);
        upgradeNodes = MultiGauge.builder("gitfleet_upgrade_phase_nodes")
                .description("node rows of each upgrade, by node phase").register(registry);
        conditions = MultiGauge.builder("gitfleet_fleet_condition")
                .description("1 for each condition the fleet status has now, by type and reason").register(registry);
        nodeLastSeen = MultiGauge.builder("gitfleet_node_last_seen_timestamp_seconds")
                .description("when each node's agent last reported (Unix time); 0: not since this server started")
                .register(registry);
        Gauge.builder("gitfleet_fleet_stalled", stalled, AtomicInteger::get)
                .description("1 while the fleet is Stalled (it needs a person: see its condition's reason)")
                .register(registry);
        Gauge.builder("gitfleet_lease_holder", () -> holder.getAsBoolean() ? 1 : 0)
                .description("1 while this replica holds the lease and acts, 0 while it stands by").register(registry);
        Gauge.builder("gitfleet_status_last_commit_timestamp_seconds", lastStatusCommit, AtomicLong::get)
                .description("when the newest rollout commit on the status branch was made (Unix time)")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Where {@code gitfleet_lease_holder} reads whether this replica acts. */
    public void setHolder(BooleanSupplier holder) {
        this.holder = holder;
    }

    public void pass(Duration took, boolean completed) {
        passes.record(took);
        Counter.builder("gitfleet_reconcile_passes").tag("result", completed ? "completed" : "failed")
                .description("reconcile passes by outcome").register(registry).increment();
    }

    /** How long each named step of a pass took. */
    public void steps(Map<String, Duration> timings) {
        timings.forEach((step, took) -> Timer.builder("gitfleet_pass_step_duration")
                .description("durations of the reconcile pass's steps").tag("step", step)
                .serviceLevelObjectives(BUCKETS).register(registry).record(took));
    }

    /** The loop's own events: {@code retry} (a pass retried after a RETRY failure), and plan requests. */
    public void loop(String what) {
        if (what.equals("retry")) {
            Counter.builder("gitfleet_reconcile_retries").description("passes retried after a transient failure")
                    .register(registry).increment();
        } else {
            Counter.builder("gitfleet_pull_request_plans").tag("result", what)
                    .description("pull-request plan requests: written, failed, or superseded by a newer one")
                    .register(registry).increment();
        }
    }

    public void statuses(Collection<UpgradeStatus> upgrades) {
        Map<NodePhase, Integer> counts = new EnumMap<>(NodePhase.class);
        List<MultiGauge.Row<?>> phases = new ArrayList<>();
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (UpgradeStatus u : upgrades) {
            Map<NodePhase, Integer> mine = new EnumMap<>(NodePhase.class);
            for (UpgradeStatus.NodeRow r : u.status().nodes()) {
                counts.merge(r.phase(), 1, Integer::sum);
                mine.merge(r.phase(), 1, Integer::sum);
            }
            for (UpgradePhase p : UpgradePhase.values()) {
                phases.add(MultiGauge.Row.of(Tags.of("upgrade", u.name(), "phase", p.name()),
                        p == u.status().phase() ? 1 : 0));
            }
            mine.forEach((p, n) -> rows.add(MultiGauge.Row.of(Tags.of("upgrade", u.name(), "phase", p.name()), n)));
        }
        nodesByPhase.forEach((p, n) -> n.set(counts.getOrDefault(p, 0)));
        upgradePhase.register(phases, true);
        upgradeNodes.register(rows, true);
    }

    /** The fleet's conditions as the last pass (or a standby's look) left them. */
    public void fleet(FleetStatus fleet) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        boolean isStalled = false;
        if (fleet != null) {
            for (FleetStatus.Condition c : fleet.status().conditions()) {
                rows.add(MultiGauge.Row.of(Tags.of("type", c.type().name(), "reason",
                        c.reason() == null ? "" : c.reason()), 1));
                isStalled |= c.type().name().equals("Stalled");
            }
        }
        conditions.register(rows, true);
        stalled.set(isStalled ? 1 : 0);
    }

    /** When each node last reported, for the "node silent" alert. */
    public void nodes(Map<String, Observation> reports) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        reports.forEach((node, o) -> rows.add(MultiGauge.Row.of(Tags.of("node", node),
                o.receivedAt().equals(Instant.EPOCH) ? 0 : o.receivedAt().getEpochSecond())));
        nodeLastSeen.register(rows, true);
    }

    public void statusCommitted(Instant at) {
        lastStatusCommit.set(at.getEpochSecond());
    }

    public void agentRequest(int status) {
        // every round trip counts: look the counter up once per status, not through a builder each time
        agentRequests.computeIfAbsent(status, s -> Counter.builder("gitfleet_agent_requests")
                .tag("status", Integer.toString(s))
                .description("agent round trips by HTTP status (401/403: refused tokens, 503: not ready or no leader)")
                .register(registry)).increment();
    }

    @Override
    public void onDelivery(Forge forge, DeliveryResult result) {
        Counter.builder("gitfleet_webhook_deliveries").tag("forge", forge.name().toLowerCase(Locale.ROOT))
                .tag("result", result.label()).description("webhook deliveries by forge and outcome")
                .register(registry).increment();
    }

    /**
     * The exposition, with {@code gitfleet_build_info} written by hand: the Prometheus client reserves the
     * {@code _info} suffix and would rename the gauge, and the name is the one dashboards expect.
     */
    public String scrape() {
        return registry.scrape() + BUILD_INFO;
    }

    private static final String BUILD_INFO = "# HELP gitfleet_build_info the running gitfleet's version (always 1)\n"
            + "# TYPE gitfleet_build_info gauge\n"
            + "gitfleet_build_info{java=\"" + BuildInfo.javaVersion() + "\",version=\"" + BuildInfo.version()
            + "\"} 1\n";
}
