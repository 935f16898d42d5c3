package io.gitfleet.reconciler.server;

import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.webhooks.DeliveryResult;
import io.gitfleet.webhooks.Forge;
import io.gitfleet.webhooks.WebhookMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Prometheus metrics: reconcile passes and durations, nodes by phase, webhook deliveries, agent requests. */
public final class ServerMetrics implements WebhookMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<NodePhase, AtomicInteger> nodesByPhase = new EnumMap<>(NodePhase.class);
    private final Timer passes;

    public ServerMetrics(InstructionBoard board) {
        passes = Timer.builder("gitfleet_reconcile_pass_duration").description("reconcile pass durations")
                .publishPercentiles(0.5, 0.99).register(registry);
        for (NodePhase p : NodePhase.values()) {
            AtomicInteger n = new AtomicInteger();
            nodesByPhase.put(p, n);
            Gauge.builder("gitfleet_upgrade_nodes", n, AtomicInteger::get).tag("phase", p.name())
                    .description("node rows of all upgrades, by phase").register(registry);
        }
        Gauge.builder("gitfleet_agent_waiting", board, InstructionBoard::waiting)
                .description("agents holding a long poll open").register(registry);
    }

    public void pass(Duration took, boolean completed) {
        passes.record(took);
        Counter.builder("gitfleet_reconcile_passes").tag("result", completed ? "completed" : "failed")
                .register(registry).increment();
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
        for (UpgradeStatus u : upgrades) {
            for (UpgradeStatus.NodeRow r : u.status().nodes()) {
                counts.merge(r.phase(), 1, Integer::sum);
            }
        }
        nodesByPhase.forEach((p, n) -> n.set(counts.getOrDefault(p, 0)));
    }

    public void agentRequest(int status) {
        Counter.builder("gitfleet_agent_requests").tag("status", Integer.toString(status)).register(registry)
                .increment();
    }

    @Override
    public void onDelivery(Forge forge, DeliveryResult result) {
        Counter.builder("gitfleet_webhook_deliveries").tag("forge", forge.name().toLowerCase(java.util.Locale.ROOT))
                .tag("result", result.label()).register(registry).increment();
    }

    public String scrape() {
        return registry.scrape();
    }
}
