package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import io.gitfleet.webhooks.DeliveryResult;
import io.gitfleet.webhooks.Forge;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The monitoring the project ships ({@code docs/monitoring/}): the alert rules pass Prometheus's own
 * {@code promtool check rules} (Debian's {@code prometheus} package), and every gitfleet metric that the rules
 * and the Grafana dashboard use is one the server exports, with a HELP line.
 */
class MonitoringIT {
    private static final Path DOCS = Path.of(System.getProperty("basedir", "."), "..", "docs", "monitoring");
    private static final Pattern METRIC = Pattern.compile("\\bgitfleet_[a-z_]+");

    @Test
    void theAlertRulesAreValidPrometheusRules() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assertTrue(Files.isExecutable(promtool), "promtool is missing: apt-get install prometheus (./test installs it)");
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", DOCS.resolve("alerts.yaml").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    void everyMetricTheRulesAndTheDashboardUseIsExported() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            String scrape = sampleScrape(new ServerMetrics(new InstructionBoard(vertx)));
            Set<String> families = new TreeSet<>();
            Matcher help = Pattern.compile("(?m)^# HELP (\\S+) (.*)$").matcher(scrape);
            while (help.find()) {
                assertTrue(!help.group(2).isBlank(), help.group(1) + " has an empty HELP line");
                families.add(help.group(1));
            }
            Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(scrape);
            int types = 0;
            while (type.find()) {
                types++;
            }
            assertEquals(types, families.size(), "every family has a HELP line");
            for (String expected : List.of("gitfleet_build_info", "gitfleet_upgrade_phase",
                    "gitfleet_reconcile_pass_duration_seconds", "jvm_memory_used_bytes", "process_files_open_files")) {
                assertTrue(families.contains(expected), expected + " in " + families);
            }
            assertTrue(scrape.contains("gitfleet_reconcile_pass_duration_seconds_bucket{le="), "a histogram");
            for (String file : List.of("alerts.yaml", "grafana-dashboard.json")) {
                Matcher used = METRIC.matcher(Files.readString(DOCS.resolve(file)));
                while (used.find()) {
                    String name = used.group();
                    String family = name.replaceAll("_(bucket|count|sum|total)$", "");
                    assertTrue(families.contains(name) || families.contains(family)
                            || families.contains(family + "_total"), file + " uses " + name
                            + ", which the server does not export; it exports " + families);
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The scrape after one pass of a small fleet: every family has its series. */
    private static String sampleScrape(ServerMetrics metrics) {
        Instant now = Instant.parse("2026-03-02T10:00:00Z");
        metrics.pass(Duration.ofMillis(120), true);
        metrics.pass(Duration.ofMillis(80), false);
        metrics.steps(Map.of("sync", Duration.ofMillis(30), "plan", Duration.ofMillis(10)));
        metrics.loop("retry");
        metrics.loop("written");
        metrics.agentRequest(200);
        metrics.onDelivery(Forge.GITHUB, DeliveryResult.values()[0]);
        metrics.statuses(List.of(UpgradeStatus.of("os-1-35", new UpgradeStatus.State(UpgradePhase.RollingOut, null,
                null, "os", "stable", "v1.35.1", null, now, null, List.of(new UpgradeStatus.NodeRow("worker-1",
                        Role.WORKER, NodePhase.Writing, null, "v1.34.1", "v1.35.1", 1, 1, null, 1, null, "b", null,
                        null, now, List.of()))))));
        metrics.fleet(FleetStatus.of(new FleetStatus.State("main", null, null, List.of(new FleetStatus.Condition(
                FleetStatus.ConditionType.Stalled, "UnsignedCommit", "m", now)), List.of(), null)));
        metrics.nodes(Map.of("worker-1", new Observation(new Report.Status("t", Map.of(), null, null, null, null),
                now)));
        metrics.statusCommitted(now);
        return metrics.scrape();
    }
}
