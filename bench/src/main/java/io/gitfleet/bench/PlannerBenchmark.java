package io.gitfleet.reconciler.bench;

import io.gitfleet.reconciler.plan.FleetPlanner;
import io.gitfleet.reconciler.plan.FleetSnapshot;
import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.plan.PlanResult;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Metadata;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Planner pass time on synthetic fleets: N nodes × 10 upgrades, each upgrade a different component over every
 * node (so a pass weighs 10·N rows), 5% of nodes in flight and reporting progress. Prints the median and p90
 * of steady-state passes after warm-up. Run: {@code reconciler/bench/planner.sh [NODES...]}.
 */
public final class PlannerBenchmark {
    private static final int UPGRADES = 10;

    private PlannerBenchmark() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {1_000, 10_000, 100_000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf("%-8s %-9s %-10s %-10s %-10s %-10s%n", "NODES", "UPGRADES", "ROWS", "FIRST_MS", "MEDIAN_MS",
                "P90_MS");
        for (int n : sizes) {
            run(n);
        }
    }

    private static void run(int nodes) {
        LoadedFleet fleet = fleet(nodes);
        FleetSnapshot snap = FleetSnapshot.of("0".repeat(40), fleet);
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        Map<String, Observation> observed = new HashMap<>();
        for (String name : fleet.nodes().keySet()) {
            observed.put(name, new Observation(report(null), now));
        }
        long t0 = System.nanoTime();
        PlanResult result = FleetPlanner.plan(snap, observed, Map.of(), now);
        double first = (System.nanoTime() - t0) / 1e6;
        Map<String, UpgradeStatus> status = new HashMap<>(result.upgrades());
        int passes = nodes >= 100_000 ? 12 : nodes >= 10_000 ? 40 : 200;
        int warmup = passes / 2;
        double[] times = new double[passes - warmup];
        for (int p = 0; p < passes; p++) {
            now = now.plus(Duration.ofSeconds(5));
            // every in-flight node reports its next phase; the rest heartbeat
            for (Instruction i : result.instructions().values()) {
                NodePhase next = p % 3 == 2 ? NodePhase.Completed : NodePhase.Writing;
                observed.put(i.name(), new Observation(report(new Report.Task(i.spec().upgrade(), i.spec().attempt(),
                        i.spec().action(), i.spec().version(), next, null, null, null, null)), now));
            }
            long start = System.nanoTime();
            result = FleetPlanner.plan(snap, observed, status, now);
            long took = System.nanoTime() - start;
            status = new HashMap<>(result.upgrades());
            if (p >= warmup) {
                times[p - warmup] = took / 1e6;
            }
        }
        Arrays.sort(times);
        System.out.printf("%-8d %-9d %-10d %-10.1f %-10.1f %-10.1f%n", nodes, UPGRADES, (long) nodes * UPGRADES, first,
                times[times.length / 2], times[(int) Math.min(times.length - 1, Math.round(times.length * 0.9))]);
    }

    private static Report.Status report(Report.Task task) {
        Map<String, String> components = new HashMap<>();
        for (int u = 0; u < UPGRADES; u++) {
            components.put("c" + u, "v1.0.0");
        }
        return new Report.Status("bench", components, new Report.Slots("a", "a", null, null, null),
                new Report.Health(true, null), task, Map.of());
    }

    private static LoadedFleet fleet(int n) {
        TreeMap<String, Node> nodes = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String name = String.format("node-%06d", i);
            Role role = i < 3 ? Role.CONTROLLER : Role.WORKER;
            nodes.put(name, new Node(Node.API_VERSION, Node.KIND, Metadata.named(name),
                    new Node.Spec(role, "dc" + (i % 4), Map.of("zone", "z" + (i % 8)), null)));
        }
        TreeMap<String, Upgrade> upgrades = new TreeMap<>();
        Map<String, Catalog> catalogs = new HashMap<>();
        int inFlight = Math.max(1, n / 20 / UPGRADES);
        for (int u = 0; u < UPGRADES; u++) {
            String component = "c" + u;
            List<Catalog.Image> images = new ArrayList<>();
            for (String v : List.of("v1.0.0", "v1.1.0", "v1.2.0")) {
                images.add(new Catalog.Image(v, "http://images/" + component + "-" + v, "0".repeat(64), 1 << 30,
                        Map.of(), Map.of()));
            }
            String path = "catalogs/" + component + ".yaml";
            catalogs.put(path, new Catalog(Catalog.API_VERSION, Catalog.KIND, Metadata.named(component),
                    new Catalog.Spec(component, Map.of("stable", "v1.1.0"), images, List.of("v1.2.0"), null)));
            Strategy strategy = new Strategy(Strategy.Order.WORKERS_FIRST, inFlight, null, null, true, n);
            upgrades.put("up-" + u, new Upgrade(Upgrade.API_VERSION, Upgrade.KIND, Metadata.named("up-" + u),
                    new Upgrade.Spec(component, "stable", new Upgrade.CatalogSource(path, null, null), null, strategy,
                            null, null, null, null, null, null, null, null)));
        }
        Fleet fleet = new Fleet(Fleet.API_VERSION, Fleet.KIND, Metadata.named("fleet"), new Fleet.Spec(null, null,
                null, null, "15m", "2m", null));
        return new LoadedFleet(Optional.of(fleet), nodes, catalogs, upgrades, new TreeMap<>(), List.of());
    }
}
