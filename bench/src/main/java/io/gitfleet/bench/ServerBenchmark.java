package io.gitfleet.bench;

import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Report;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's benchmarks, each against {@code gitfleet serve} in a process of its own on 127.0.0.1:
 * {@code latency} (merge → instruction for N long-polling agents), {@code throughput} (authenticated reports
 * against {@code /healthz} on the same server, as a ratio), {@code heap} (heap with N long polls open), and
 * {@code goals} (the two goals in one run). Every run checks its preconditions and results: one that does not hold
 * ends the run with one sentence and exit 1 instead of a figure; a missed goal prints FAIL and exits 3.
 * Run: {@code bench/server.sh [MODE] [NODES]}.
 */
public final class ServerBenchmark {
    /** Goal: merge → instruction p99 with 10,000 agents long-polling. */
    static final double LATENCY_P99_GOAL_MS = 1000;
    /** Goal: authenticated reports/s at least this share of the same server's /healthz requests/s. */
    static final double REPORT_RATIO_GOAL = 0.5;
    private static final int CONCURRENCY = 64;

    private final BenchAgents agents = new BenchAgents();
    private final AtomicReference<BenchServer> running = new AtomicReference<>();

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        Integer nodes = args.length > 1 ? Integer.valueOf(args[1]) : null;
        ServerBenchmark b = new ServerBenchmark();
        Path root = Scratch.create();
        BenchCheck.deadline(Duration.ofMinutes(Long.getLong("gitfleet.bench.deadlineMinutes", 20)), () -> {
            b.stopServer();
            try {
                Scratch.remove(root);
            } catch (java.io.IOException | RuntimeException e) {
                System.out.println("the scratch folder " + root + " could not be removed: " + e.getMessage());
            }
        });
        int exit = 0;
        try {
            boolean met = switch (mode) {
                case "latency" -> b.latency(root, nodes == null ? 1000 : nodes, false);
                case "throughput" -> b.throughput(root, nodes == null ? 1000 : nodes);
                case "heap" -> b.heap(root, nodes == null ? 10_000 : nodes);
                case "goals" -> b.throughput(root.resolve("throughput"), 1000)
                        & b.latency(root.resolve("latency"), nodes == null ? 10_000 : nodes, true);
                case "all" -> b.latency(root.resolve("latency-1000"), 1000, false)
                        & b.heap(root.resolve("heap"), 10_000)
                        & b.throughput(root.resolve("throughput"), 1000)
                        & b.latency(root.resolve("latency"), 10_000, true);
                default -> throw new BenchCheck.Failure("unknown mode '" + mode
                        + "': use latency, throughput, heap, goals or all.");
            };
            exit = met ? 0 : BenchCheck.GOAL_MISSED;
        } catch (BenchCheck.Failure f) {
            System.out.println("FAIL: " + f.getMessage());
            exit = BenchCheck.INVALID;
        } finally {
            b.stopServer();
            Scratch.remove(root);
        }
        System.exit(exit);
    }

    private void stopServer() {
        BenchServer s = running.getAndSet(null);
        if (s != null) {
            s.process.destroyForcibly();
        }
    }

    private BenchServer start(BenchFleet fleet, Path root) throws Exception {
        BenchCheck.step("starting the server with " + fleet.nodes + " nodes");
        BenchServer server = BenchServer.start(fleet, root.resolve("data"), "1g");
        running.set(server);
        return server;
    }

    /**
     * Merge → instruction: N agents long-poll, a merge targets them all, each answer is timed. None may be answered
     * before the merge, and every one must be answered 200 with an instruction after it. The agents then report
     * that upgrade completed, and the next merge upgrades them all again, for {@code gitfleet.bench.latencyRounds}
     * merges (default 3). The first is the first merge a fresh server sees: its code runs for the first time, and
     * both JVMs' compilers are busy through it (and, less, through the second). The goal is judged on the last, a
     * server that has rolled out before, as one that runs for weeks has; every round is printed.
     */
    boolean latency(Path root, int nodes, boolean goal) throws Exception {
        int rounds = Integer.getInteger("gitfleet.bench.latencyRounds", 3);
        BenchCheck.require(rounds >= 1, "-Dgitfleet.bench.latencyRounds must be at least 1.");
        BenchFleet fleet = BenchFleet.create(root, nodes);
        try (BenchServer server = start(fleet, root)) {
            agents.register(server, nodes);
            agents.awaitStatusRecorded(fleet);
            double[] first = null;
            double[] last = null;
            for (int r = 1; r <= rounds; r++) {
                Round round = new Round(r);
                if (r > 1) {
                    completeRollout(server, fleet, nodes, new Round(r - 1));
                }
                last = mergeRound(server, nodes, r == 1 ? fleet::mergeUpgrade
                        : () -> fleet.mergeNextUpgrade(round.upgrade(), round.version()),
                        r == 1 ? BenchAgents::body : node -> new Round(round.number() - 1).completed(node));
                first = r == 1 ? last : first;
                print(r == 1 ? "merge 1 of " + rounds + ", the first of a fresh server"
                        : "merge " + r + " of " + rounds, nodes, last);
            }
            double p99 = pct(last, 0.99);
            return !goal || BenchCheck.goal(p99 < LATENCY_P99_GOAL_MS, String.format(
                    "merge -> instruction p99 %.0f ms with %d agents long-polling, merge %d of %d (goal < %.0f ms: "
                            + "%.2f of the goal; the first merge of a fresh server: p99 %.0f ms)", p99, nodes, rounds,
                    rounds, LATENCY_P99_GOAL_MS, p99 / LATENCY_P99_GOAL_MS, pct(first, 0.99)));
        }
    }

    /**
     * The Nth upgrade of every node: the first is {@code os-all} to the stable channel (v1.35.1), the next ones
     * {@code os-rN} to v1.(34+N).1. Each installs into the slot not booted, so the booted slot alternates.
     */
    private record Round(int number) {
        String upgrade() {
            return number == 1 ? "os-all" : "os-r" + number;
        }

        String version() {
            return version(number);
        }

        private static String version(int n) {
            return "v1." + (34 + n) + ".1";
        }

        /** The report of an agent that completed this upgrade: its version booted, the one before in the other slot. */
        String completed(String node) {
            Report.Slot now = new Report.Slot(version(), Report.SlotState.GOOD);
            Report.Slot before = new Report.Slot(version(number - 1), Report.SlotState.GOOD);
            boolean onB = number % 2 == 1;
            return Documents.toJson(Report.of(node, new Report.Status("bench", Map.of("os", version()),
                    new Report.Slots(onB ? "b" : "a", onB ? "b" : "a", null, onB ? before : now, onB ? now : before,
                            null),
                    new Report.Health(true, null), new Report.Task(upgrade(), 1, io.gitfleet.schema.Action.INSTALL,
                    version(), io.gitfleet.schema.NodePhase.Completed, null, null, null, null), null)));
        }
    }

    private static void print(String which, int nodes, double[] ms) {
        System.out.printf("merge -> instruction, %d long-polling agents, %s: min %.0f ms, p50 %.0f ms, p99 %.0f ms, "
                + "max %.0f ms; %d/%d instructed, 0 answered before the merge (load average %s)%n", nodes, which, ms[0],
                pct(ms, 0.5), pct(ms, 0.99), ms[ms.length - 1], nodes, nodes, loadAverage());
    }

    /** What a merge is, for {@link #mergeRound}: commits and pushes it, returns the new head. */
    private interface Merge {
        String push() throws Exception;
    }

    /**
     * One timed merge: N long polls carrying {@code body}, all held, then the merge and its webhook; returns each
     * agent's merge → instruction time in ms, sorted. Fails when a poll is answered before the merge or an agent is
     * not instructed.
     */
    private double[] mergeRound(BenchServer server, int nodes, Merge merge,
                                java.util.function.Function<String, String> body) throws Exception {
        long[] done = new long[nodes];
        int[] codes = new int[nodes];
        AtomicBoolean merged = new AtomicBoolean();
        AtomicInteger early = new AtomicInteger();
        List<CompletableFuture<Integer>> polls = new ArrayList<>();
        BenchCheck.step("opening " + nodes + " long polls");
        long opened = System.nanoTime();
        for (int i = 0; i < nodes; i++) {
            int n = i;
            String node = BenchFleet.name(i);
            polls.add(agents.longPoll(server, node, body.apply(node)).handle((code, err) -> {
                done[n] = System.nanoTime();
                codes[n] = err == null ? code : -1;
                if (!merged.get()) {
                    early.incrementAndGet();
                }
                return codes[n];
            }));
        }
        agents.awaitHeld(server, nodes, early);
        String head = merge.push();
        BenchCheck.require(early.get() == 0, early.get() + " of " + nodes
                + " polls were answered before the merge, so their times would not measure it.");
        int waitS = BenchAgents.POLL_WAIT_S;
        BenchCheck.require(System.nanoTime() - opened < Duration.ofSeconds(waitS - 10).toNanos(),
                "the polls were opened more than " + (waitS - 10) + " s before the merge, so some could "
                        + "time out on their own before it.");
        merged.set(true);
        long start = System.nanoTime();
        BenchCheck.step("waiting for " + nodes + " instructions after the merge");
        int hook = agents.webhook(server, "{\"event\":\"push\",\"ref\":\"refs/heads/main\",\"after\":\"" + head
                + "\"}");
        BenchCheck.require(hook / 100 == 2, "the merge's webhook was answered " + hook + ".");
        try {
            CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get(waitS + 30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // counted below
        }
        long answered = polls.stream().filter(CompletableFuture::isDone).count();
        long instructed = Arrays.stream(codes).filter(c -> c == 200).count();
        BenchCheck.require(instructed == nodes, "only " + instructed + " of " + nodes + " agents were instructed"
                + " after the merge (" + answered + " answered; " + BenchAgents.codeCounts(codes) + ").");
        double[] ms = Arrays.stream(done).mapToDouble(t -> (t - start) / 1e6).sorted().toArray();
        BenchCheck.require(ms[0] >= 0, "an answer came before the merge's webhook was sent.");
        return ms;
    }

    /**
     * Every agent reports {@code round}'s upgrade completed (its version booted and healthy), until the status branch
     * records the upgrade Succeeded and no agent is given an instruction any more, so that the next round's polls
     * are held until its merge.
     */
    private void completeRollout(BenchServer server, BenchFleet fleet, int nodes, Round round) throws Exception {
        BenchCheck.step("the " + nodes + " agents report " + round.upgrade() + " completed");
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        String phase = "";
        long instructed = nodes;
        while (!"Succeeded".equals(phase) || instructed > 0) {
            BenchCheck.require(System.nanoTime() < deadline, "180 s after the agents reported " + round.upgrade()
                    + " completed, the status branch recorded it as '" + phase + "' and " + instructed
                    + " agents were still given an instruction.");
            int[] codes = agents.reportAll(server, nodes, round::completed);
            long other = Arrays.stream(codes).filter(c -> c != 200 && c != 204).count();
            BenchCheck.require(other == 0, other + " completed reports were not answered 200 or 204 ("
                    + BenchAgents.codeCounts(codes) + ").");
            instructed = Arrays.stream(codes).filter(c -> c == 200).count();
            phase = fleet.upgradePhase(round.upgrade());
            if (!"Succeeded".equals(phase) || instructed > 0) {
                Thread.sleep(500);
            }
        }
    }

    /**
     * Authenticated reports against {@code /healthz} on the same server, the same client and concurrency, in
     * rounds that rotate the order: the ratio of their medians is the goal. Reports come three ways: heartbeats
     * (each node's body repeats, as an idle agent's does), changing bodies (a health message that differs every
     * time, as a task's progress does: read by that one value) and bodies read in full (the agent's version string
     * differs every time, a change the server reads and checks whole, as it does a task's change of phase). The
     * goal is judged on the first two, the reports an agent sends nearly always; the third is printed beside them.
     * Every report must be answered 204 (checked, recorded, nothing to do) and every health check 200.
     */
    boolean throughput(Path root, int nodes) throws Exception {
        BenchFleet fleet = BenchFleet.create(root, nodes);
        try (BenchServer server = start(fleet, root); BenchLoad load = new BenchLoad(server.port, CONCURRENCY)) {
            agents.register(server, nodes);
            agents.awaitStatusRecorded(fleet);
            Buffer[] bodies = new Buffer[nodes];
            String[][] changing = new String[nodes][];
            String[][] whole = new String[nodes][];
            for (int i = 0; i < nodes; i++) {
                bodies[i] = Buffer.buffer(BenchAgents.body(BenchFleet.name(i)));
                String marked = BenchAgents.body(BenchFleet.name(i), "#");
                int at = marked.indexOf("\"#\"");
                changing[i] = new String[] {marked.substring(0, at + 1), marked.substring(at + 2)};
                String plain = BenchAgents.body(BenchFleet.name(i));
                int version = plain.indexOf("\"agentVersion\":\"bench\"") + "\"agentVersion\":\"bench".length();
                whole[i] = new String[] {plain.substring(0, version), plain.substring(version)};
            }
            List<Kind> kinds = List.of(
                    new Kind("/healthz", 200, i -> new BenchLoad.Request(HttpMethod.GET, "/healthz", null, null)),
                    new Kind("heartbeat reports", 204, i -> {
                        int k = (int) (i % nodes);
                        String n = BenchFleet.name(k);
                        return new BenchLoad.Request(HttpMethod.POST, "/api/v1/nodes/" + n + "/report",
                                BenchFleet.token(n), bodies[k]);
                    }),
                    new Kind("changing reports", 204, i -> {
                        int k = (int) (i % nodes);
                        String n = BenchFleet.name(k);
                        return new BenchLoad.Request(HttpMethod.POST, "/api/v1/nodes/" + n + "/report",
                                BenchFleet.token(n), Buffer.buffer(changing[k][0] + "ok " + i + changing[k][1]));
                    }),
                    new Kind("reports read in full", 204, i -> {
                        int k = (int) (i % nodes);
                        String n = BenchFleet.name(k);
                        return new BenchLoad.Request(HttpMethod.POST, "/api/v1/nodes/" + n + "/report",
                                BenchFleet.token(n), Buffer.buffer(whole[k][0] + "-" + i + whole[k][1]));
                    }));
            int rounds = Integer.getInteger("gitfleet.bench.rounds", 7);
            Duration length = Duration.ofSeconds(Long.getLong("gitfleet.bench.roundSeconds", 3));
            // the server's JIT and heap take tens of seconds to settle: rounds taken before were 3-8x apart
            int warmups = Integer.getInteger("gitfleet.bench.warmupRounds", 3);
            for (int w = 0; w < warmups; w++) {
                BenchCheck.step("warm-up round " + (w + 1) + " of " + warmups);
                for (Kind kind : kinds) {
                    check(load.run(length, kind.make(), kind.expected()), kind.name(), kind.expected());
                }
            }
            double[][] perSecond = new double[kinds.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                BenchCheck.step("round " + (r + 1) + " of " + rounds);
                StringBuilder line = new StringBuilder("  round " + (r + 1) + ":");
                // rotate the order, so that no kind always follows the same other one (and its garbage)
                for (int j = 0; j < kinds.size(); j++) {
                    int k = (r + j) % kinds.size();
                    Kind kind = kinds.get(k);
                    perSecond[k][r] = check(load.run(length, kind.make(), kind.expected()), kind.name(),
                            kind.expected());
                }
                for (int k = 0; k < kinds.size(); k++) {
                    line.append(String.format(" %s %.0f/s", kinds.get(k).name(), perSecond[k][r]));
                }
                System.out.println(line);
            }
            double health = median(perSecond[0]);
            double heartbeat = median(perSecond[1]) / health;
            double changed = median(perSecond[2]) / health;
            System.out.printf("authenticated reports vs /healthz, same server, %d connections, %d nodes, %d rounds of "
                    + "%d s each: /healthz median %.0f/s, heartbeat reports %.0f/s, changing reports %.0f/s, reports "
                    + "read in full %.0f/s = %.3f x (load average %s)%n", CONCURRENCY, nodes, rounds,
                    length.toSeconds(), health, median(perSecond[1]), median(perSecond[2]), median(perSecond[3]),
                    median(perSecond[3]) / health, loadAverage());
            boolean a = BenchCheck.goal(heartbeat >= REPORT_RATIO_GOAL, String.format(
                    "heartbeat reports/s = %.3f x /healthz requests/s (goal >= %.2f x)", heartbeat, REPORT_RATIO_GOAL));
            boolean b = BenchCheck.goal(changed >= REPORT_RATIO_GOAL, String.format(
                    "changing reports/s = %.3f x /healthz requests/s (goal >= %.2f x)", changed, REPORT_RATIO_GOAL));
            return a & b;
        }
    }

    /** One kind of request of the throughput rounds, with the status every answer must have. */
    private record Kind(String name, int expected, java.util.function.LongFunction<BenchLoad.Request> make) {
    }

    private static double check(BenchLoad.Round round, String what, int expected) {
        BenchCheck.require(round.unexpected().isEmpty(), round.unexpected().values().stream()
                .mapToLong(Long::longValue).sum() + " " + what + " requests were not answered " + expected + " (by "
                + "status, -1 for no answer: " + round.unexpected() + ").");
        BenchCheck.require(round.ok() > 0, "no " + what + " request was answered in " + round.seconds() + " s.");
        return round.perSecond();
    }

    /** Heap with N long polls open: measured only while the server holds all N, and none has been answered. */
    boolean heap(Path root, int nodes) throws Exception {
        BenchFleet fleet = BenchFleet.create(root, nodes);
        try (BenchServer server = start(fleet, root)) {
            agents.register(server, nodes);
            BenchCheck.step("measuring the idle heap");
            double idle = server.heapAfterGcMib();
            AtomicInteger answered = new AtomicInteger();
            BenchCheck.step("opening " + nodes + " long polls");
            long opened = System.nanoTime();
            for (int i = 0; i < nodes; i++) {
                agents.longPoll(server, BenchFleet.name(i)).whenComplete((c, e) -> answered.incrementAndGet());
            }
            agents.awaitHeld(server, nodes, answered);
            BenchCheck.step("measuring the heap with " + nodes + " polls held");
            double used = server.heapAfterGcMib();
            long rss = server.rssMib();
            double still = server.metric("gitfleet_agent_waiting");
            BenchCheck.require(still == nodes && answered.get() == 0, "while the heap was measured the server's "
                    + "held polls fell to " + (long) still + " of " + nodes + " (" + answered.get() + " answered).");
            BenchCheck.require(System.nanoTime() - opened < Duration.ofSeconds(BenchAgents.POLL_WAIT_S).toNanos(),
                    "the heap was measured after the first polls' " + BenchAgents.POLL_WAIT_S
                            + " s wait could have run out.");
            System.out.printf("heap with %d long polls held (-Xmx1g): %.0f MiB used after GC (%.0f MiB before the "
                    + "polls), RSS %d MiB%n", nodes, used, idle, rss);
            return true;
        }
    }

    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
