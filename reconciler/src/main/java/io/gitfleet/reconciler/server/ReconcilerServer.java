package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetReader;
import io.gitfleet.reconciler.pass.PassOptions;
import io.gitfleet.reconciler.pass.PassResult;
import io.gitfleet.reconciler.pass.ReconcilePass;
import io.gitfleet.reconciler.pass.RecordedObservations;
import io.gitfleet.reconciler.plan.Observation;
import io.gitfleet.reconciler.store.CommitStatusView;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.FleetStatus;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.webhooks.SyncCoalescer;
import io.gitfleet.webhooks.WebhookEvent;
import io.gitfleet.webhooks.WebhookFilter;
import io.gitfleet.webhooks.WebhookSettings;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jgit.lib.ObjectId;

/**
 * {@code gitfleet serve}: one process with the reconcile loop, the agent API, webhooks, the read API, the dashboard
 * and metrics. Passes run one at a time on one thread; webhooks, changed reports and the poll timer only trigger
 * them (bursts coalesce). Event loops never touch Git. Several replicas may serve one fleet repo: only the one
 * holding the lease on the status branch runs passes; the others serve reads and forward agents to it
 * ({@code docs/replicas.md}).
 */
public final class ReconcilerServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReconcilerServer.class.getName());
    private static final Duration SLOW_PASS = Duration.ofMillis(Long.getLong("gitfleet.slowPassMs", 500));

    private final ServerSettings settings;
    private final Clock clock;
    private final Vertx vertx;
    private final FleetMirror mirror;
    private final StatusWriter writer;
    private final ReportBook reports = new ReportBook();
    private final InstructionBoard board;
    private final ServerMetrics metrics;
    private final ReconcilePass pass;
    private final ServerState state;
    private final PullRequestPlans plans;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gitfleet-pass");
        t.setDaemon(true);
        return t;
    });
    private final SyncCoalescer passes;
    private final AtomicBoolean fetchRequested = new AtomicBoolean(true);
    private final LeaseKeeper lease;
    private final Replica replica;
    private final Health health;
    private AgentForwarder forwarder;
    private HttpServer http;
    /** What a standby last showed: the status commit, and the fleet at the commit the holder acted on. */
    private ObjectId standbyHead;
    private LoadedFleet standbyFleet;
    private String standbyFleetCommit;
    /** The node reports a standby last read, and the {@code nodes/} tree they came from. */
    private Map<String, Observation> standbyReports = Map.of();
    private ObjectId standbyNodesTree;

    public ReconcilerServer(ServerSettings settings, Clock clock) throws IOException {
        this.settings = settings;
        this.clock = clock;
        this.vertx = Vertx.vertx();
        this.mirror = FleetMirror.open(settings.dataDir().resolve("mirror"), settings.repoUrl(), settings.auth());
        StatusStore store = new StatusStore(mirror.repository(), settings.statusBranch(), mirror);
        this.lease = new LeaseKeeper(store, clock).setDuration(settings.replica().lease());
        this.writer = new StatusWriter(store, settings.statusInterval(), clock).setGuard(lease);
        this.board = new InstructionBoard(vertx);
        this.replica = new Replica(lease, board, writer, vertx, clock, this::onAcquired);
        this.metrics = new ServerMetrics(board);
        this.health = new Health(clock, settings.replica().lease().plus(settings.auth().timeout().multipliedBy(3)),
                replica::acting);
        this.pass = new ReconcilePass(mirror, writer, reports, replica,
                CatalogSources.inDataDir(settings.dataDir(), settings.catalogs()),
                new PassOptions(settings.approvedBranch(), null, false, settings.dataDir().resolve("keys")));
        this.state = new ServerState(settings, mirror.repository(), reports);
        this.plans = new PullRequestPlans(mirror, writer, reports, settings.forge(), settings.publicUrl());
        this.passes = new SyncCoalescer(this::runPass, Duration.ofMillis(50), SyncCoalescer.Scheduler.of(loop),
                System::nanoTime, e -> LOG.log(Level.WARNING, "reconcile pass failed", e));
    }

    /**
     * Starts listening and takes part in the lease: the replica that gets it runs the first pass at once; the
     * others stand by. Returns the port it listens on.
     */
    public int start() throws Exception {
        AgentApi agents = new AgentApi(state::tokens, reports, board, passes::trigger, metrics, clock)
                .setPeers(settings.replica());
        forwarder = new AgentForwarder(vertx, replica::id, replica::holder, settings.replica());
        AgentForwarder standby = forwarder;
        Handler<RoutingContext> report = ctx -> {
            if (replica.acting()) {
                agents.report(ctx);
            } else {
                // the standby checks the agent's token itself: the token is never handed on
                agents.authenticate(ctx);
                standby.forward(ctx);
            }
        };
        http = HttpApi.server(vertx, HttpLimits.DEFAULTS, HttpApi.router(vertx, HttpLimits.DEFAULTS, health, agents,
                        report,
                        new StatusApi(state), metrics, WebhookSettings.defaults(settings.secrets()), this::onWebhook))
                .listen(settings.port(), settings.host()).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        int port = http.actualPort();
        String host = settings.host().equals("0.0.0.0") || settings.host().equals("::") ? hostname() : settings.host();
        lease.setReplica(settings.replica().id() != null ? settings.replica().id() : hostname() + ":" + port)
                .setUrl(settings.replica().url() != null ? settings.replica().url() : "http://" + host + ":" + port);
        long renew = settings.replica().renewEvery().toMillis();
        loop.scheduleAtFixedRate(this::leaseTick, 0, renew, TimeUnit.MILLISECONDS);
        long poll = settings.poll().toMillis();
        loop.scheduleWithFixedDelay(this::requestSync, poll, poll, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(this::flushDue, 1, 1, TimeUnit.SECONDS);
        return port;
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** This replica's name in the lease, and whether it holds the lease now. */
    public String replicaId() {
        return replica.id();
    }

    public boolean acting() {
        return replica.acting();
    }

    /** A standby looks at the shared branch first, so that it decides (and shows) what is there now. */
    private void leaseTick() {
        health.tick();
        if (!replica.acting()) {
            try {
                writer.store().refresh();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "standby fetch failed", e);
            }
        }
        replica.tick();
        if (!replica.acting()) {
            showStandby();
        }
    }

    /** On the pass thread: a replica that (re)gains the lease starts from the status branch, then plans. */
    private void onAcquired() {
        reports.reset(clock.instant());
        writer.discard();
        requestSync();
    }

    /** The read API of a standby: the status branch as the holder wrote it, and the fleet it acted on. */
    private void showStandby() {
        try {
            ObjectId head = writer.store().head();
            if (head == null || head.equals(standbyHead)) {
                return;
            }
            CommitStatusView view = writer.store().read();
            FleetStatus fs = view.fleet().orElse(null);
            String applied = fs == null ? null : fs.status().lastAppliedCommit();
            if (applied != null && !applied.equals(standbyFleetCommit)) {
                standbyFleet = FleetReader.load(mirror.repository(), ObjectId.fromString(applied));
                standbyFleetCommit = applied;
            }
            // the holder's lease renewals move the branch every third of the lease without touching nodes/:
            // node files are parsed again only when their tree changed
            ObjectId nodesTree = view.subtree("nodes");
            if (nodesTree == null || !nodesTree.equals(standbyNodesTree)) {
                standbyReports = Map.copyOf(new RecordedObservations().observations(view));
                standbyNodesTree = nodesTree;
            }
            state.standby(fs, view.upgrades(), standbyFleet, standbyReports);
            standbyHead = head.copy();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "standby: cannot read the status branch", e);
        }
    }

    /** Fetch the fleet repo, then plan: what a webhook for the approved branch and the poll timer ask for. */
    public void requestSync() {
        fetchRequested.set(true);
        passes.trigger();
    }

    private void onWebhook(WebhookEvent event) {
        if (WebhookFilter.isApprovedBranchPush(event, state.approvedBranch())) {
            requestSync();
        } else if (event instanceof WebhookEvent.PlanPullRequest pr) {
            loop.execute(() -> {
                if (replica.acting()) {
                    plans.plan(pr, state.upgrades(), clock.instant());
                }
            });
        }
    }

    private void runPass() {
        if (!replica.acting()) {
            // a standby only fetches (webhooks and the poll still trigger it) and shows what the holder wrote
            if (fetchRequested.getAndSet(false)) {
                try {
                    writer.store().refresh();
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "standby fetch failed", e);
                }
            }
            showStandby();
            return;
        }
        long start = System.nanoTime();
        try {
            List<NodeStatus> changed = reports.drainChanged();
            if (!changed.isEmpty()) {
                writer.submit(view -> new StatusUpdate().putAll(changed));
            }
            PassResult result = pass.run(clock.instant(), fetchRequested.getAndSet(false));
            state.update(result);
            health.passed(result);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (took.compareTo(SLOW_PASS) > 0) {
                LOG.info(() -> "slow pass: " + took.toMillis() + " ms (" + String.join(", ", result.timings().entrySet()
                        .stream().map(e -> e.getKey() + " " + e.getValue().toMillis() + " ms").toList()) + ")");
            }
            metrics.pass(Duration.ofNanos(System.nanoTime() - start), result.completed());
            metrics.statuses(state.upgrades().values());
        } catch (IOException | RuntimeException e) {
            metrics.pass(Duration.ofNanos(System.nanoTime() - start), false);
            LOG.log(Level.WARNING, "reconcile pass failed", e);
        }
    }

    private void flushDue() {
        if (!replica.acting()) {
            return;
        }
        try {
            writer.flushIfDue();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "status flush failed; it is retried", e);
        }
    }

    public ServerState state() {
        return state;
    }

    /** Stops cleanly: the pending status is committed and the lease released, so another replica acts at once. */
    @Override
    public void close() throws Exception {
        loop.shutdown();
        loop.awaitTermination(30, TimeUnit.SECONDS);
        try {
            if (replica.acting()) {
                writer.flush();
            }
        } finally {
            try {
                if (lease.replica() != null) {
                    lease.release();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "lease: could not release it; it runs out by itself", e);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                mirror.close();
            }
        }
    }

    /**
     * Dies as a killed process would, for tests: timers and HTTP stop, nothing is flushed, the lease is not
     * released (it runs out by itself).
     */
    void crash() throws Exception {
        loop.shutdownNow();
        loop.awaitTermination(30, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        mirror.close();
    }
}
