package io.gitfleet.reconciler.fault;

import io.gitfleet.reconciler.git.FleetReader;
import io.gitfleet.reconciler.pass.FailureKind;
import io.gitfleet.reconciler.pass.PassFailure;
import io.gitfleet.reconciler.pass.PassResult;
import io.gitfleet.reconciler.plan.FleetSnapshot;
import io.gitfleet.reconciler.plan.Invariants;
import io.gitfleet.schema.Amount;
import io.gitfleet.schema.Fleet;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * One randomized rollout of the campaign: a random fleet in a bare repository behind {@code git daemon}, simulated
 * agents that meet their faults, a reconciler killed at random points and restarted from the status branch, the Git
 * server taken down and back, and operators who promote, pause, resume and retry. Every pass, every agent step and,
 * at the end, every status commit is checked; a broken rule becomes a violation naming the seed and the step.
 */
final class Rollout {
    static final int MAX_STEPS = 1000;
    /** Steps with nothing in flight, every agent idle and heard, after which a rollout is over (e.g. Blocked rows). */
    static final int QUIET_STEPS = 20;
    /** The server's poll: a fetching pass every this many steps (about three minutes). */
    static final int POLL_STEPS = 6;
    private static final Set<UpgradePhase> SETTLED = EnumSet.of(UpgradePhase.Succeeded, UpgradePhase.Failed,
            UpgradePhase.Rejected, UpgradePhase.Cancelled, UpgradePhase.RolledBack);
    private static final String LOST = "did not come back online";

    private final long seed;
    private final Random rnd;
    private final Path dir;
    private final FaultCampaign.GitServer git;
    private final Figures fig;
    private final String url;
    private final FleetRepoWriter repo;
    private final SortedMap<String, CampaignAgent> agents = new TreeMap<>();
    private final Map<String, LoadedFleet> fleets = new HashMap<>();
    private final Set<String> approved = new HashSet<>();
    /** Node/upgrade/attempt rows a pass failed for silence: the node is no longer counted as disrupted. */
    private final Set<String> lost = new HashSet<>();
    private Instant now;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private CampaignReconciler rec;
    private int incarnation;
    private int reconcilerDown;
    private int gitDown;
    private boolean webhook;
    private boolean fetchUntilReady = true;
    private PassResult last;
    private boolean lastCompleted = true;
    /** An agent's report changed something this step: the server's loop runs a pass for it. */
    private boolean reported;
    private int quiet;
    private final java.time.Duration statusInterval;
    private final AgentTimeline timeline;
    private String mainHead;
    private int step;

    Rollout(long seed, Path dir, FaultCampaign.GitServer git, Figures fig) throws IOException {
        this.seed = seed;
        this.rnd = new Random(seed);
        this.dir = dir;
        this.git = git;
        this.fig = fig;
        String name = dir.getFileName() + ".git";
        this.repo = new FleetRepoWriter(git.base().resolve(name));
        this.url = git.url(name);
        this.now = Instant.parse("2026-11-30T00:00:00Z").plusSeconds(rnd.nextInt(7 * 24 * 3600));
        this.statusInterval = java.time.Duration.ofSeconds(5 + rnd.nextInt(240));
        this.timeline = new AgentTimeline(repo.repo, approved, this::fleetAt, lost, fig, this::violation);
    }

    /** Runs the rollout to its end (or the step cap) and checks it. */
    void run() throws IOException {
        fig.rollouts++;
        try {
            setUp();
            rec = start(false);
            for (step = 0; step < MAX_STEPS; step++) {
                now = now.plusSeconds(20 + rnd.nextInt(21));
                chaos();
                operator();
                agents();
                turn();
                if (settled()) {
                    break;
                }
            }
            fig.steps += step;
            if (step >= MAX_STEPS) {
                fig.unfinished.add(seed);
                if (Boolean.getBoolean("gitfleet.faults.debug")) {
                    System.out.println("unsettled " + seed + ": rec " + (rec != null) + " git " + gitDown + " last "
                            + (last == null ? null : last.plan().upgrades().values().stream().map(u -> u.metadata()
                            .name() + " " + u.status().phase() + " " + u.status().message() + " " + u.status().nodes()
                            .stream().map(r -> r.node() + ":" + r.phase() + "#" + r.attempt() + " " + r.message())
                            .toList()).toList() + " failures " + last.failures()));
                    agents.values().forEach(a -> System.out.println("  " + a.name + " " + a.state + " " + (a.task
                            == null ? null : a.task.upgrade() + "#" + a.task.attempt()) + " down " + a.downSteps
                            + " slow " + a.slowSteps + " " + a.version));
                }
            } else {
                fig.finished++;
            }
            finish();
            new CommitWalk(repo.repo, fig, this::fleetAt, this::violation).run();
            finalState();
        } catch (ViolationStop stop) {
            // recorded already; the rest of this rollout would only repeat it
        } finally {
            if (rec != null) {
                rec.close();
            }
            if (!git.up()) {
                git.start();
            }
            repo.close();
        }
    }

    /** Stops the rollout at its first violation. */
    static final class ViolationStop extends RuntimeException {
        ViolationStop() {
            super(null, null, false, false);
        }
    }

    void violation(String what) {
        fig.violations.add("seed " + seed + ", step " + step + ": " + what);
        throw new ViolationStop();
    }

    private void setUp() throws IOException {
        int size = 3 + rnd.nextInt(6);
        int controllers = rnd.nextInt(3);
        Map<String, Integer> faults = fig.faults;
        for (int i = 0; i < size; i++) {
            boolean controller = i < controllers;
            String name = (controller ? "cp-" : "w-") + i;
            repo.node(name, new Node.Spec(controller ? Role.CONTROLLER : Role.WORKER, "dc1",
                    Map.of("zone", rnd.nextBoolean() ? "a" : "b"), null));
            String version = new String[] {"v1.34.0", "v1.34.1", "v1.35.0", "v1.35.1"}[rnd.nextInt(4)];
            String digest = rnd.nextBoolean() ? FleetRepoWriter.image(version).sha256() : null;
            agents.put(name, new CampaignAgent(name, controller, version, digest, faults));
        }
        repo.put(FleetRepoWriter.CATALOG, FleetRepoWriter.catalog());
        repo.fleet(new Fleet.Spec(null, null, null, new Fleet.DisruptionBudget(rnd.nextInt(3) == 0 ? null
                : 1 + rnd.nextInt(3)), "15m", "2m", null));
        int upgrades = 1 + rnd.nextInt(2);
        List<String> names = new ArrayList<>(agents.keySet());
        for (int u = 0; u < upgrades; u++) {
            Upgrade.Selector selector = u == 0 && rnd.nextBoolean() ? null : new Upgrade.Selector(
                    names.stream().filter(n -> rnd.nextInt(3) > 0).toList(), null, null, null);
            Strategy.Canary canary = rnd.nextInt(3) == 0 ? new Strategy.Canary(Amount.of(1),
                    rnd.nextBoolean() ? Strategy.Promote.MANUAL : Strategy.Promote.AUTO, null) : null;
            Strategy strategy = new Strategy(Strategy.Order.values()[rnd.nextInt(3)], Amount.of(1 + rnd.nextInt(3)),
                    rnd.nextBoolean() ? null : Amount.of(1 + rnd.nextInt(2)), canary, rnd.nextInt(3) > 0,
                    Amount.of(rnd.nextInt(3)), null, rnd.nextInt(4) == 0 ? Strategy.Staging.ANYTIME : null, null,
                    null, null, null, null);
            repo.upgrade("up-" + u, new Upgrade.Spec("os", rnd.nextBoolean() ? "stable" : "v1.36.0",
                    new Upgrade.CatalogSource(FleetRepoWriter.CATALOG, null, null), selector, strategy, null, null,
                    null, null, null, null, null, null));
        }
        mainHead = approve("The fleet and its upgrades");
        // a pull request nobody merged: nothing of it may ever reach a node
        repo.upgrade("unapproved", new Upgrade.Spec("os", "v1.36.0", new Upgrade.CatalogSource(
                FleetRepoWriter.CATALOG, null, null), null, new Strategy(null, 0, null, null, false, 0), null, null,
                null, null, null, null, null, null));
        repo.commit("pr-1", "An upgrade under review", now);
        repo.docs.remove("upgrades/unapproved.yaml");
    }

    private String approve(String message) throws IOException {
        ObjectId id = repo.commit("main", message, now);
        approved.add(id.name());
        webhook = true;
        return id.name();
    }

    private CampaignReconciler start(boolean freshDisk) throws IOException {
        if (freshDisk) {
            incarnation++;
        }
        fetchUntilReady = true;
        return new CampaignReconciler(dir.resolve("reconciler-" + incarnation), url, clock, now, statusInterval);
    }

    /** The reconciler dies or is armed to die; the Git server goes down or comes back. */
    private void chaos() throws IOException {
        if (gitDown > 0 && --gitDown == 0) {
            git.start();
        } else if (gitDown == 0 && rnd.nextInt(90) == 0) {
            gitDown = 2 + rnd.nextInt(rnd.nextInt(4) == 0 ? 60 : 15);
            git.stop();
            fig.gitOutages++;
        }
        if (rec == null) {
            if (--reconcilerDown <= 0) {
                // a restarted process keeps its data directory; a replacement machine starts empty
                rec = start(rnd.nextBoolean());
            }
            return;
        }
        if (rnd.nextInt(70) == 0) {
            kill("between turns");
        } else if (rnd.nextInt(40) == 0) {
            CampaignReconciler.KillPoint[] points = CampaignReconciler.KillPoint.values();
            rec.arm(points[rnd.nextInt(points.length)], 1 + rnd.nextInt(3));
        }
    }

    private void kill(String where) {
        fig.kills.merge(where, 1, Integer::sum);
        rec.close();
        rec = null;
        reconcilerDown = 1 + rnd.nextInt(rnd.nextInt(5) == 0 ? 40 : 4);
    }

    /** What people do: promote a waiting canary, pause and resume, retry a failed node. */
    private void operator() throws IOException {
        if (last == null || last.plan() == null) {
            return;
        }
        for (UpgradeStatus st : last.plan().upgrades().values()) {
            String name = st.metadata().name();
            Upgrade u = repo.upgrade(name);
            if (u == null) {
                continue;
            }
            Upgrade.Spec s = u.spec();
            if (st.status().phase() == UpgradePhase.AwaitingPromotion && !s.promoted() && rnd.nextInt(4) == 0) {
                edit(name, s.paused(), true, s.retry(), "Promote " + name);
            } else if (!s.paused() && rnd.nextInt(300) == 0 && step < MAX_STEPS / 2) {
                edit(name, true, s.promoted(), s.retry(), "Pause " + name);
            } else if (s.paused() && rnd.nextInt(15) == 0) {
                edit(name, false, s.promoted(), s.retry(), "Resume " + name);
            } else if (rnd.nextInt(200) == 0) {
                st.status().nodes().stream().filter(r -> r.phase() == NodePhase.Failed).findFirst().ifPresent(r -> {
                    Map<String, String> retry = new HashMap<>(s.retry());
                    retry.put(r.node(), Integer.toString(rnd.nextInt(1_000_000)));
                    try {
                        edit(name, s.paused(), s.promoted(), retry, "Retry " + r.node() + " in " + name);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }
    }

    private void edit(String name, boolean paused, boolean promoted, Map<String, String> retry, String message)
            throws IOException {
        Upgrade.Spec s = repo.upgrade(name).spec();
        repo.upgrade(name, new Upgrade.Spec(s.component(), s.version(), s.catalog(), s.selector(), s.strategy(),
                s.window(), s.install(), s.force(), s.allowDowngrade(), paused, promoted, retry, s.rollback(),
                s.blackouts(), s.promotedPhase()));
        mainHead = approve(message);
    }

    /** Every agent takes its answer and makes its step; then its timeline is checked. */
    private void agents() {
        boolean answering = rec != null && rec.ready();
        for (CampaignAgent a : agents.values()) {
            CampaignAgent.Answer answer = answering ? new CampaignAgent.Answered(rec.instructionFor(a.name))
                    : CampaignAgent.UNREACHABLE;
            io.gitfleet.schema.Report.Status report = a.step(answer, rnd);
            if (report != null && answering && rec.report(a.name, report, now)) {
                reported = true;
            }
            timeline.taken(a);
        }
        timeline.disruption(agents.values(), fleetAt(mainHead));
        fig.agentStepsChecked += agents.size();
    }

    /**
     * One turn of the reconciler's loop, if it runs, as the server triggers them: a pass when a report changed
     * something, on a webhook, on the poll (fetching), or to retry a pass that did not complete; otherwise only the
     * flush timer. A kill point it meets ends its life.
     */
    private void turn() throws IOException {
        if (rec == null) {
            return;
        }
        boolean poll = step % POLL_STEPS == 0;
        boolean fetch = webhook || fetchUntilReady || poll;
        boolean wanted = fetch || reported || !lastCompleted;
        reported = false;
        PassResult r;
        try {
            if (!wanted) {
                rec.flushDue();
                return;
            }
            r = rec.turn(now, fetch);
        } catch (CampaignReconciler.Killed k) {
            kill(k.getMessage().substring("reconciler killed ".length()));
            return;
        } catch (IOException e) {
            return; // the flush timer's push failed: it is tried again
        }
        fig.passes++;
        lastCompleted = r.completed();
        if (Boolean.getBoolean("gitfleet.faults.debug")) {
            System.out.println("step " + step + " git " + (gitDown == 0 ? "up" : "down") + " fetch " + fetch
                    + " written " + (r.written() == null ? null : r.written().result()) + " instructions "
                    + r.instructions().keySet() + " failures " + r.failures());
            if (r.plan() != null) {
                r.plan().upgrades().values().forEach(u -> System.out.println("    " + u.metadata().name() + " "
                        + u.status().phase() + " " + u.status().nodes().stream().map(x -> x.node() + ":" + x.phase()
                        + "#" + x.attempt()).toList()));
                System.out.println("    events " + r.plan().events());
            }
        }
        if (fetch && r.failures().stream().noneMatch(x -> x.step().equals("sync"))) {
            webhook = false;
        }
        if (r.fleet() != null) {
            fetchUntilReady = false;
        }
        for (PassFailure failure : r.failures()) {
            if (failure.kind() == FailureKind.STALL) {
                violation("the reconciler stalled for a person: " + failure.reason() + ": " + failure.message());
            }
        }
        checkPass(r);
        last = r.plan() != null ? r : last;
    }

    private void checkPass(PassResult r) {
        CampaignReconciler.Seen seen = rec.seen();
        if (r.plan() == null || seen == null || r.plans() != 1 || r.status() == null) {
            return;
        }
        String commit = r.status().status().approvedCommit();
        try {
            Invariants.check(FleetSnapshot.of(commit, r.fleet()), seen.observed(), seen.previous(), r.plan(), now,
                    seen.listeningSince());
        } catch (AssertionError e) {
            violation("pass: " + e.getMessage());
        }
        fig.passesChecked++;
        for (UpgradeStatus st : r.plan().upgrades().values()) {
            for (UpgradeStatus.NodeRow row : st.status().nodes()) {
                if (row.phase() == NodePhase.Failed && LOST.equals(row.failureReason())) {
                    lost.add(row.node() + "/" + st.metadata().name() + "/" + row.attempt());
                }
            }
        }
    }

    /**
     * Every upgrade settled (or nothing moved for {@link #QUIET_STEPS}: rows Blocked by another upgrade's version
     * wait for a person), nothing in flight, every agent done and heard.
     */
    private boolean settled() {
        if (rec == null || !rec.ready() || last == null || gitDown > 0
                || !agents.values().stream().allMatch(a -> a.reachable() && a.state.done())) {
            quiet = 0;
            return false;
        }
        boolean phasesSettled = true;
        for (UpgradeStatus st : last.plan().upgrades().values()) {
            if (st.status().nodes().stream().anyMatch(r -> r.phase().inFlight())) {
                quiet = 0;
                return false;
            }
            phasesSettled &= SETTLED.contains(st.status().phase());
        }
        return phasesSettled || ++quiet >= QUIET_STEPS;
    }

    /** The Git server back, a reconciler running, a last pass and everything it holds committed. */
    private void finish() throws IOException {
        if (gitDown > 0) {
            gitDown = 0;
            git.start();
        }
        if (rec == null) {
            rec = start(false);
        }
        rec.arm(null, 0);
        for (int i = 0; i < 3; i++) {
            now = now.plusSeconds(30);
            for (CampaignAgent a : agents.values()) {
                if (a.reachable() && rec.ready()) {
                    rec.report(a.name, a.report(), now);
                }
            }
            fetchUntilReady = true;
            turn();
        }
        rec.flush();
    }

    /**
     * No transition is lost: what each settled agent last did is what the status branch says of its row, unless the
     * reconciler failed the node for its silence before it was heard again.
     */
    private void finalState() throws IOException {
        SortedMap<String, UpgradeStatus> head = CommitWalk.headUpgrades(repo.repo);
        for (CampaignAgent a : agents.values()) {
            if (a.task == null || !a.state.done() || !a.reachable()) {
                continue;
            }
            UpgradeStatus st = head.get(a.task.upgrade());
            UpgradeStatus.NodeRow row = st == null ? null : st.status().nodes().stream()
                    .filter(r -> r.node().equals(a.name)).findFirst().orElse(null);
            if (row == null || row.attempt() != a.task.attempt()) {
                continue;
            }
            NodePhase expected = a.state.phase;
            boolean cancelled = io.gitfleet.schema.Report.CANCELLED.equals(a.failure);
            // a node failed for its silence stays failed; retried, it is found at the target and skipped
            boolean ok = row.phase() == expected || cancelled && row.phase() == NodePhase.Pending
                    || row.phase() == NodePhase.Failed && LOST.equals(row.failureReason())
                    || row.phase() == NodePhase.Skipped && expected == NodePhase.Completed
                    // an operator retried it: the row waits for its next start
                    || row.phase() == NodePhase.Pending && expected == NodePhase.Failed && row.nonce() != null;
            if (!ok) {
                violation(a.name + " ended " + expected + " (" + a.task.upgrade() + " #" + a.task.attempt()
                        + ") but the status branch says " + row.phase() + " (" + row.message() + ", transitions "
                        + row.transitions() + "): a transition was lost");
            }
        }
    }

    LoadedFleet fleetAt(String commit) {
        return fleets.computeIfAbsent(commit, c -> {
            try {
                return FleetReader.load(repo.repo, ObjectId.fromString(c));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
