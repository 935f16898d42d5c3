package io.gitfleet.bench;

import io.gitfleet.reconciler.cli.GitfleetCommand;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.plan.FleetPlanner;
import io.gitfleet.reconciler.plan.FleetSnapshot;
import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.plan.PlanResult;
import io.gitfleet.reconciler.store.CommitStatusView;
import io.gitfleet.reconciler.store.StatusPaths;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.reconciler.store.WriteResult;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.FleetLoader;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Metadata;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.schema.ReadResult;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The status branch at fleet scale (docs/benchmarks.md). {@code rollout N}: a simulated N-node rollout run to
 * completion through the real planner and the real status store, on a local mirror pushing to a bare repository
 * at a plain path; prints wall time, the branch's growth after {@code git gc}, the remote's pack count, and checks
 * that every document of every status commit is readable (fails with exit 1 otherwise). {@code plan N}: the
 * {@code gitfleet plan} command on an N-node fleet directory, against one planner pass on the same fleet.
 */
public final class ScaleBench {
    /** The reader's cap on one document (SafeYaml): a file past it cannot be read back. */
    static final long MAX_DOCUMENT = 1 << 20;
    static final String FLEET_COMMIT = "0".repeat(40);
    static final String FROM = "v1.34.1";
    static final String TO = "v1.35.1";

    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Path root = Scratch.create();
        List<String> failures = new ArrayList<>();
        try {
            if (what.equals("rollout") || what.equals("all")) {
                rollout(root.resolve("rollout"), nodes, failures);
            }
            if (what.equals("plan") || what.equals("all")) {
                plan(root.resolve("plan"), nodes, failures);
            }
        } finally {
            Scratch.remove(root);
        }
        if (!failures.isEmpty()) {
            failures.forEach(f -> System.out.println("FAILED: " + f));
            System.exit(1);
        }
        System.out.println("all checks passed");
    }

    static LoadedFleet fleet(int n, Strategy strategy) {
        TreeMap<String, Node> nodes = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String name = String.format("node-%06d", i);
            Role role = i < 3 ? Role.CONTROLLER : Role.WORKER;
            nodes.put(name, new Node(Node.API_VERSION, Node.KIND, Metadata.named(name),
                    new Node.Spec(role, "dc" + (i % 4), Map.of("zone", "z" + (i % 8)), null)));
        }
        List<Catalog.Image> images = new ArrayList<>();
        for (String v : List.of(FROM, TO)) {
            images.add(new Catalog.Image(v, "http://images/os-" + v, "0".repeat(64), 1 << 30, Map.of(), Map.of()));
        }
        String path = "catalogs/os.yaml";
        Map<String, Catalog> catalogs = Map.of(path, new Catalog(Catalog.API_VERSION, Catalog.KIND,
                Metadata.named("os"), new Catalog.Spec("os", Map.of("stable", TO), images, List.of(), null)));
        TreeMap<String, Upgrade> upgrades = new TreeMap<>();
        upgrades.put("os-all", new Upgrade(Upgrade.API_VERSION, Upgrade.KIND, Metadata.named("os-all"),
                new Upgrade.Spec("os", "stable", new Upgrade.CatalogSource(path, null, null), null, strategy,
                        null, null, null, null, null, null, null, null)));
        Fleet fleet = new Fleet(Fleet.API_VERSION, Fleet.KIND, Metadata.named("fleet"), new Fleet.Spec(null, null,
                null, new Fleet.DisruptionBudget(null), "30m", "10m", null));
        return new LoadedFleet(Optional.of(fleet), nodes, catalogs, upgrades, new TreeMap<>(), List.of());
    }

    static Report.Status report(String os, Report.Task task) {
        return new Report.Status("bench", Map.of("os", os), new Report.Slots("a", "a", null, null, null),
                new Report.Health(true, null), task, Map.of());
    }

    /** Where a simulated agent is: the instruction it acts on and how many passes it has worked on it. */
    private record Agent(Instruction.Spec spec, int passes) {
    }

    static void rollout(Path dir, int n, List<String> failures) throws Exception {
        Path remote = dir.resolve("remote.git");
        Files.createDirectories(dir);
        BenchFleet.git(dir, "init", "-q", "--bare", remote.toString());
        // a wave of 5% of the fleet; every node takes three passes (instructed, writing, completed)
        FleetSnapshot snap = FleetSnapshot.of(FLEET_COMMIT, fleet(n, new Strategy(Strategy.Order.WORKERS_FIRST,
                Math.max(1, n / 20), null, null, true, 0)));
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        Map<String, Observation> observed = new HashMap<>();
        Map<String, Agent> agents = new HashMap<>();
        long t0 = System.nanoTime();
        long read = 0;
        long plan = 0;
        long record = 0;
        int commits = 0;
        int maxPacks = 0;
        long seeded;
        try (FleetMirror mirror = FleetMirror.open(dir.resolve("mirror.git"), remote.toString(), GitAuth.NONE)) {
            long[] pushed = new long[1];
            io.gitfleet.reconciler.store.StatusRemote timed = new io.gitfleet.reconciler.store.StatusRemote() {
                @Override
                public org.eclipse.jgit.lib.ObjectId refresh(String branch) throws java.io.IOException {
                    return mirror.refresh(branch);
                }

                @Override
                public io.gitfleet.reconciler.store.RefResult push(String branch, org.eclipse.jgit.lib.ObjectId old,
                                                                   org.eclipse.jgit.lib.ObjectId id)
                        throws java.io.IOException {
                    long s = System.nanoTime();
                    try {
                        return mirror.push(branch, old, id);
                    } finally {
                        pushed[0] += System.nanoTime() - s;
                    }
                }

                @Override
                public org.eclipse.jgit.lib.ObjectId refreshRef(String ref) throws java.io.IOException {
                    return mirror.refreshRef(ref);
                }

                @Override
                public io.gitfleet.reconciler.store.RefResult pushRef(String ref, org.eclipse.jgit.lib.ObjectId old,
                                                                      org.eclipse.jgit.lib.ObjectId id)
                        throws java.io.IOException {
                    return mirror.pushRef(ref, old, id);
                }
            };
            StatusStore store = new StatusStore(mirror.repository(), StatusStore.DEFAULT_BRANCH, timed);
            // every node's first report, as the server records it, in one commit
            List<NodeStatus> first = new ArrayList<>();
            for (String name : snap.fleet().nodes().keySet()) {
                observed.put(name, new Observation(report(FROM, null), now));
                first.add(node(name, observed.get(name)));
            }
            store.update(v -> new StatusUpdate().putAll(first).events(List.of("first reports")));
            BenchFleet.git(remote, "gc", "-q");
            seeded = packBytes(remote);
            System.out.printf("rollout: %,d nodes, %,d in flight at most; first reports recorded in %.1f s%n", n,
                    Math.max(1, n / 20), (System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            UpgradePhase phase = null;
            int pass = 0;
            for (; pass < 10_000 && phase != UpgradePhase.Succeeded; pass++) {
                now = now.plus(Duration.ofSeconds(5));
                long a = System.nanoTime();
                Map<String, UpgradeStatus> previous = store.read().upgrades();
                long b = System.nanoTime();
                PlanResult result = FleetPlanner.plan(snap, observed, previous, now);
                long c = System.nanoTime();
                List<NodeStatus> changed = advance(result, observed, agents, now);
                final Instant at = now;
                WriteResult w = store.update(v -> new StatusUpdate().putAll(result.upgrades().values())
                        .putAll(changed).events(result.events()).approvedCommit(FLEET_COMMIT));
                long d = System.nanoTime();
                read += b - a;
                plan += c - b;
                record += d - c;
                commits += w.result() == io.gitfleet.reconciler.store.RefResult.COMMITTED ? 1 : 0;
                maxPacks = Math.max(maxPacks, packs(remote));
                phase = result.upgrades().get("os-all").status().phase();
                if (pass % 20 == 0) {
                    UpgradeStatus.Counts k = result.upgrades().get("os-all").status().counts();
                    System.out.printf("  pass %d at %s: %s, %,d completed, %,d in progress (%.0f s) %s%n", pass, at,
                            phase, k.completed(), k.inProgress(), (System.nanoTime() - t0) / 1e9,
                            Optional.ofNullable(result.upgrades().get("os-all").status().message()).orElse(""));
                }
                if (pass >= 50 && result.instructions().isEmpty() && phase != UpgradePhase.Succeeded) {
                    break;    // nothing moves: the checks below say so
                }
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            if (phase != UpgradePhase.Succeeded) {
                failures.add("rollout: the upgrade is " + phase + " after " + pass + " passes, not Succeeded");
            }
            System.out.printf("rollout: %s after %d passes, %d status commits, %.1f s wall (read %.1f s, plan %.1f s,"
                    + " record %.1f s, push %.1f s)%n", phase, pass, commits, wall, read / 1e9, plan / 1e9,
                    (record - pushed[0]) / 1e9, pushed[0] / 1e9);
            System.out.printf("remote: at most %d packs during the rollout (housekeeping: gc --auto every %d "
                    + "pushes)%n", maxPacks, Integer.getInteger("gitfleet.gcEvery", 16));
            if (maxPacks > 60) {
                failures.add("remote: " + maxPacks + " packs: the remote's object count is not bounded");
            }
            check(mirror.repository(), store, n, failures);
        }
        BenchFleet.git(remote, "gc", "-q");
        long after = packBytes(remote);
        System.out.printf("branch after git gc: %.1f MB with the first reports, %.1f MB after the rollout: "
                + "%.1f MB per rollout of %,d nodes%n", seeded / 1e6, after / 1e6, (after - seeded) / 1e6, n);
        String biggest = BenchFleet.git(remote, "cat-file", "--batch-all-objects",
                "--batch-check=%(objecttype) %(objectsize)").lines().filter(l -> l.startsWith("blob "))
                .map(l -> Long.parseLong(l.substring(5))).max(Long::compare).map(String::valueOf).orElse("0");
        System.out.printf("largest file in the branch's whole history: %,d bytes (reader's cap %,d)%n",
                Long.parseLong(biggest), MAX_DOCUMENT);
        if (Long.parseLong(biggest) > MAX_DOCUMENT) {
            failures.add("a file of " + biggest + " bytes is past the reader's cap");
        }
    }

    /** Moves each instructed node on by one phase; returns the node files that changed. */
    static List<NodeStatus> advance(PlanResult result, Map<String, Observation> observed, Map<String, Agent> agents,
                                    Instant now) {
        List<NodeStatus> changed = new ArrayList<>();
        for (Instruction i : result.instructions().values()) {
            Agent was = agents.get(i.name());
            Agent agent = was != null && was.spec().attempt() == i.spec().attempt()
                    && was.spec().upgrade().equals(i.spec().upgrade()) ? new Agent(i.spec(), was.passes() + 1)
                    : new Agent(i.spec(), 0);
            agents.put(i.name(), agent);
            NodePhase phase = switch (agent.passes()) {
                case 0 -> NodePhase.Writing;
                case 1 -> NodePhase.Staged;
                default -> NodePhase.Completed;
            };
            String os = phase == NodePhase.Completed ? i.spec().version() : FROM;
            observed.put(i.name(), new Observation(report(os, new Report.Task(i.spec().upgrade(), i.spec().attempt(),
                    i.spec().action(), i.spec().version(), phase, null, null, null, null)), now));
            changed.add(node(i.name(), observed.get(i.name())));
        }
        return changed;
    }

    static NodeStatus node(String name, Observation o) {
        Report.Status r = o.report();
        return NodeStatus.of(name, new NodeStatus.State(r.components(), r.slots(), r.health(), r.task(),
                r.failedVersions(), o.receivedAt()));
    }

    /**
     * Every file of the final status commit read back as its kind, through the store's own reader and file by file
     * with the document reader, and the upgrade whole: fails loudly otherwise.
     */
    static void check(Repository repo, StatusStore store, int n, List<String> failures) throws Exception {
        long t0 = System.nanoTime();
        CommitStatusView view = store.read();
        int files = 0;
        int bad = 0;
        long largest = 0;
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(view.treeId());
            tw.setRecursive(true);
            while (tw.next()) {
                String path = tw.getPathString();
                byte[] bytes = reader.open(tw.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes(Integer.MAX_VALUE);
                largest = Math.max(largest, bytes.length);
                Class<? extends io.gitfleet.schema.Document> type = StatusPaths.typeOf(path);
                ReadResult<?> r = type == null ? null : DocumentReader.read(path, bytes, type,
                        StatusPaths.nameOf(path));
                files++;
                if (r == null || !r.ok()) {
                    bad++;
                    if (bad <= 3) {
                        failures.add(path + ": " + (r == null ? "not a status path" : r.problems()));
                    }
                }
            }
        }
        UpgradeStatus up = view.upgrade("os-all").orElse(null);
        int rows = up == null ? 0 : up.status().nodes().size();
        long completed = up == null ? 0 : up.status().nodes().stream()
                .filter(r -> r.phase() == NodePhase.Completed).count();
        int nodeDocs = view.nodes().size();
        System.out.printf("check: %,d files read back in %.1f s, %d unreadable, largest %,d bytes; os-all has %,d rows"
                + " (%,d Completed), %,d node files%n", files, (System.nanoTime() - t0) / 1e9, bad, largest, rows,
                completed, nodeDocs);
        if (bad > 0) {
            failures.add(bad + " unreadable files");
        }
        if (rows != n || completed != n || nodeDocs != n) {
            failures.add("expected " + n + " rows, all Completed, and " + n + " node files; found " + rows + ", "
                    + completed + ", " + nodeDocs);
        }
    }

    static long packBytes(Path repo) throws Exception {
        String out = BenchFleet.git(repo, "count-objects", "-v");
        long kib = 0;
        for (String line : out.split("\n")) {
            if (line.startsWith("size-pack: ") || line.startsWith("size: ")) {
                kib += Long.parseLong(line.substring(line.indexOf(' ') + 1).strip());
            }
        }
        return kib * 1024;
    }

    static int packs(Path repo) throws Exception {
        try (var s = Files.list(repo.resolve("objects/pack"))) {
            return (int) s.filter(p -> p.toString().endsWith(".pack")).count();
        }
    }

    /**
     * {@code gitfleet plan DIR} on an N-node fleet directory with one upgrade and the built-in strategy (one node
     * at a time: N waves), against one planner pass on the same fleet. Goal: seconds at 100,000 nodes.
     */
    static void plan(Path dir, int n, List<String> failures) throws Exception {
        Files.createDirectories(dir.resolve("nodes"));
        Files.createDirectories(dir.resolve("catalogs"));
        Files.createDirectories(dir.resolve("upgrades"));
        Files.writeString(dir.resolve("fleet.yaml"), "apiVersion: gitfleet.io/v1\nkind: Fleet\n"
                + "metadata: {name: fleet}\nspec: {}\n");
        Files.writeString(dir.resolve("catalogs/os.yaml"), """
                apiVersion: gitfleet.io/v1
                kind: Catalog
                metadata: {name: os}
                spec:
                  component: os
                  channels: {stable: v1.35.1}
                  images:
                    - {version: v1.34.1, url: "http://127.0.0.1/os-v1.34.1.img.zst", sha256: %s, size: 1073741824}
                    - {version: v1.35.1, url: "http://127.0.0.1/os-v1.35.1.img.zst", sha256: %s, size: 1073741824}
                """.formatted("ab".repeat(32), "cd".repeat(32)));
        Files.writeString(dir.resolve("upgrades/os-all.yaml"), "apiVersion: gitfleet.io/v1\nkind: Upgrade\n"
                + "metadata: {name: os-all}\nspec: {version: stable, catalog: {ref: catalogs/os.yaml}}\n");
        for (int i = 0; i < n; i++) {
            String name = String.format("node-%06d", i);
            Files.writeString(dir.resolve("nodes/" + name + ".yaml"), "apiVersion: gitfleet.io/v1\nkind: Node\n"
                    + "metadata: {name: " + name + "}\nspec: {role: " + (i < 3 ? "controller" : "worker")
                    + ", datacenter: dc" + (i % 4) + "}\n");
        }
        String at = "2026-11-24T10:00:00Z";
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        int exit = GitfleetCommand.execute(new picocli.CommandLine(new GitfleetCommand()),
                new String[] {"plan", dir.toString(), "--now", at, "-o", "json"},
                new PrintWriter(sink, true, StandardCharsets.UTF_8), new PrintWriter(System.err, true));
        double cli = (System.nanoTime() - t0) / 1e9;
        double cliCpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
        String json = sink.toString(StandardCharsets.UTF_8);
        // one pass of the same fleet, loaded the same way, for the ratio
        LoadedFleet loaded = FleetLoader.load(io.gitfleet.reconciler.cli.FleetDirectory.read(dir));
        Map<String, Observation> observed = new HashMap<>();
        Instant now = Instant.parse(at);
        loaded.nodes().keySet().forEach(name -> observed.put(name, new Observation(report(FROM, null), now)));
        FleetSnapshot snap = FleetSnapshot.of(null, loaded);
        FleetPlanner.plan(snap, observed, Map.of(), now);
        long p0 = threads.getCurrentThreadCpuTime();
        FleetPlanner.plan(snap, observed, Map.of(), now);
        double pass = (threads.getCurrentThreadCpuTime() - p0) / 1e9;
        System.out.printf("plan: gitfleet plan of %,d nodes (one at a time) took %.1f s wall, %.1f s CPU (loading the"
                + " directory included), exit %d, %,d bytes of JSON; one planner pass %.2f s CPU: %.0f× a pass%n", n,
                cli, cliCpu, exit, json.length(), pass, cliCpu / pass);
        if (exit != 0 || !json.contains("\"forecasts\"")) {
            failures.add("plan: exit " + exit + ", no forecast in its output");
        }
        if (!json.contains("node-" + String.format("%06d", n - 1))) {
            failures.add("plan: the last node has no row");
        }
    }
}
