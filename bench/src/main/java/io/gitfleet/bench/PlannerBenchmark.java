package io.gitfleet.bench;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Planner pass time on synthetic fleets, on JMH: N nodes × 10 upgrades, each upgrade a different component over every
 * node (so a pass weighs 10·N rows), 5% of nodes in flight and reporting progress. Each measured call is one pass;
 * between passes (outside the timing) the clock moves 5 s, every instructed node reports its next phase and the
 * pass's upgrade status becomes the next pass's input, as in the server's loop. A rollout takes 600 passes at every
 * size; after {@value #ROLLOUT_PASSES} the fleet starts over from the first wave (outside the timing), so the
 * measured passes are mid-rollout ones at every size, not a finished fleet's. Sample mode gives the median and p90
 * of those passes after JMH's warm-up. Run: {@code bench/planner.sh [NODES...]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class PlannerBenchmark {
    private static final int UPGRADES = 10;
    private static final int ROLLOUT_PASSES = 300;

    @Param({"1000", "10000", "100000"})
    public int nodes;

    private FleetSnapshot snap;
    private final Map<String, Observation> observed = new HashMap<>();
    private Map<String, UpgradeStatus> status = Map.of();
    private PlanResult result;
    private Instant now = Instant.parse("2026-11-24T10:00:00Z");
    private int passes;

    /** The fleet, every node's first heartbeat and the first pass (which starts the first wave). */
    @Setup(Level.Trial)
    public void fleet() {
        snap = FleetSnapshot.of("0".repeat(40), fleet(nodes));
        firstWave();
    }

    private void firstWave() {
        observed.clear();
        for (String name : snap.fleet().nodes().keySet()) {
            observed.put(name, new Observation(report(null), now));
        }
        result = FleetPlanner.plan(snap, observed, Map.of(), now);
        status = new HashMap<>(result.upgrades());
    }

    /** Before each pass: 5 s later, every in-flight node reports its next phase; the rest only heartbeat. */
    @Setup(Level.Invocation)
    public void reports() {
        now = now.plus(Duration.ofSeconds(5));
        if (passes > 0 && passes % ROLLOUT_PASSES == 0) {
            firstWave();
        }
        NodePhase next = passes++ % 3 == 2 ? NodePhase.Completed : NodePhase.Writing;
        for (Instruction i : result.instructions().values()) {
            observed.put(i.name(), new Observation(report(new Report.Task(i.spec().upgrade(), i.spec().attempt(),
                    i.spec().action(), i.spec().version(), next, null, null, null, null)), now));
        }
        // the others heartbeat (agents long-poll): without it, nodes fall silent after silentAfter (2 min, 24
        // passes) and the fleet stalls, so the passes would time a fleet waiting on silent nodes
        for (Map.Entry<String, Observation> e : observed.entrySet()) {
            if (!e.getValue().receivedAt().equals(now)) {
                e.setValue(new Observation(e.getValue().report(), now));
            }
        }
    }

    /** The pass's upgrade status is the next pass's input; a pass that instructs no one times a stalled fleet. */
    @TearDown(Level.Invocation)
    public void carry() {
        if (result.instructions().isEmpty()) {
            throw new IllegalStateException("pass " + passes + " instructed no node: the benchmark's fleet stalled,"
                    + " so it would time a fleet waiting instead of a rollout");
        }
        status = new HashMap<>(result.upgrades());
    }

    @Benchmark
    public PlanResult pass() {
        result = FleetPlanner.plan(snap, observed, status, now);
        return result;
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
