package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.pass.PassOptions;
import io.gitfleet.reconciler.pass.ReconcilePass;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.Backoff;
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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gitfleet serve}: wires and runs one process with the reconcile loop ({@link ReconcileLoop}, which owns
 * every trigger and runs the passes), the lease on a thread of its own ({@link Replica}), the agent API, webhooks,
 * the read API, the dashboard and metrics. Event loops never touch Git. Several replicas may serve one fleet repo:
 * only the one holding the lease runs passes; the others serve reads and forward agents to it
 * ({@code docs/replicas.md}).
 */
public final class ReconcilerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcilerServer.class);

    private final ServerSettings settings;
    private final Clock clock;
    private final Vertx vertx;
    private final FleetMirror mirror;
    private final StatusWriter writer;
    private final ReportBook reports = new ReportBook();
    private final InstructionBoard board;
    private final ServerMetrics metrics;
    private final ServerState state;
    private final LeaseKeeper lease;
    private final Replica replica;
    private final ReconcileLoop loop;
    /** The loop's thread: passes, pull-request plans, status flushes, a standby's looks. */
    private final ScheduledExecutorService loopThread = thread("gitfleet-pass");
    /** The lease's own thread: a long pass never delays a renewal. */
    private final ScheduledExecutorService leaseThread = thread("gitfleet-lease");
    /** Fetches of {@code url} catalogs, so that a slow catalog server never holds a pass up. */
    private final ExecutorService catalogThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "gitfleet-catalog");
        t.setDaemon(true);
        return t;
    });
    private final Health health;
    private final ServerLoopParts parts;
    /** Posts the rollout statuses to the forge, so that a slow forge never holds up a pass. */
    private final ScheduledExecutorService forgeThread = thread("gitfleet-forge");
    /** HTTPS ({@code --tls-cert}), or null for plain HTTP. */
    private final ServerTls tls;
    private HttpServer http;
    private final java.util.concurrent.atomic.AtomicLong leaseTicks = new java.util.concurrent.atomic.AtomicLong();

    public ReconcilerServer(ServerSettings settings, Clock clock) throws IOException {
        this(settings, clock, new Hooks());
    }

    /** Test hooks: a step run at the start of every pass (to hold it busy). */
    static final class Hooks {
        Runnable beforePass = () -> { };
    }

    ReconcilerServer(ServerSettings settings, Clock clock, Hooks hooks) throws IOException {
        this.settings = settings;
        this.clock = clock;
        this.vertx = Vertx.vertx();
        this.mirror = FleetMirror.open(settings.dataDir().resolve("mirror"), settings.repoUrl(), settings.auth())
                .clearLocksOfADeadPredecessor();
        // a long fetch or push (a first clone of a big fleet repo) logs a line every few seconds
        Logger transfers = LoggerFactory.getLogger(FleetMirror.class);
        mirror.setProgress(io.gitfleet.reconciler.git.TransferProgress.every(Duration.ofSeconds(5), transfers::info));
        StatusStore store = new StatusStore(mirror.repository(), settings.statusBranch(), mirror);
        if (settings.security().signingKey() != null) {
            store.setSigner(io.gitfleet.reconciler.store.CommitSigner.sshKey(settings.security().signingKey(),
                    mirror.repository()));
        }
        this.tls = settings.security().tls() == null ? null : ServerTls.load(settings.security().tls());
        this.lease = new LeaseKeeper(store, clock).setDuration(settings.replica().lease());
        this.writer = new StatusWriter(store, settings.statusInterval(), clock).setGuard(lease);
        this.board = new InstructionBoard(vertx);
        this.metrics = new ServerMetrics(board);
        this.state = new ServerState(settings, mirror.repository(), reports);
        ReconcileLoop[] self = new ReconcileLoop[1];
        this.replica = new Replica(lease, board, writer, vertx, clock, () -> {
            // before acting: what is forgotten here must not include a report taken once acting
            reports.reset(clock.instant());
            writer.discard();
        }).onActing(() -> self[0].sync());
        CatalogSources catalogs = CatalogSources.inDataDir(settings.dataDir(), settings.catalogs())
                .inBackground(catalogThreads, () -> self[0].report());
        // a gate run that lands asks for a pass (from the mirror), as a late catalog does
        ReconcilePass pass = new ReconcilePass(mirror, writer, reports, replica, catalogs,
                new PassOptions(settings.approvedBranch(), null, false, settings.dataDir().resolve("keys")),
                new io.gitfleet.reconciler.gate.GateRunner().onResult(() -> self[0].report()), false);
        PullRequestPlans plans = new PullRequestPlans(mirror, writer, reports, settings.forge(), settings.publicUrl());
        StandbyView standby = new StandbyView(store, mirror, state);
        // the loop turns every second; stuck: no turn for a lease plus three Git timeouts
        this.health = new Health(clock, settings.replica().lease().plus(settings.auth().timeout().multipliedBy(3)),
                replica::acting);
        this.parts = new ServerLoopParts(replica, standby, reports, writer, pass, hooks.beforePass, state, metrics, plans,
                health);
        this.loop = new ReconcileLoop(parts, clock, (task, nanos) -> {
            try {
                loopThread.schedule(task, nanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down: nothing more runs
            }
        }, System::nanoTime,
                new Backoff(Duration.ofSeconds(1), settings.poll(), new java.util.Random()));
        self[0] = loop;
    }

    /**
     * Posts a commit status per upgrade to the forge ({@code gitfleet/upgrade/NAME}) that follows its rollout, on the
     * commit that last changed its manifest (docs/webhooks.md). Needs {@code settings.forge()}; call before
     * {@link #start()}.
     *
     * @param repository the forge's name of the fleet repo ({@code owner/name}; GitLab: project id or path)
     */
    public ReconcilerServer postRolloutStatuses(String repository) {
        if (settings.forge() == null || repository == null || repository.isBlank()) {
            return this;
        }
        io.gitfleet.webhooks.SyncCoalescer.Scheduler onForgeThread = (task, nanos) -> {
            try {
                forgeThread.schedule(task, nanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down: what is not posted now is posted by the next start (the memory file says what was)
            }
        };
        io.gitfleet.webhooks.StatusPoster poster = new io.gitfleet.webhooks.StatusPoster(settings.forge(), repository,
                onForgeThread, new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new java.util.Random()),
                settings.dataDir().resolve("forge-statuses.properties"));
        parts.setRollouts(new RolloutStatuses(mirror.repository(), poster, onForgeThread, settings.publicUrl()));
        LOG.atInfo().log(() -> "forge: posting a status per upgrade to " + repository);
        return this;
    }

    /** One thread; timers not yet due are dropped at shutdown instead of being waited for. */
    private static ScheduledExecutorService thread(String name) {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return e;
    }

    /**
     * Starts listening and takes part in the lease: the replica that gets it runs the first pass at once; the
     * others stand by. Returns the port it listens on.
     */
    public int start() throws Exception {
        metrics.setHolder(replica::acting);
        AgentApi agents = new AgentApi(state::tokens, reports, board, loop::report, metrics, clock)
                .setPeers(settings.replica()).setReady(state::ready)
                .setClientCertificates(tls != null && tls.clientCertificates());
        AgentForwarder standby = new AgentForwarder(vertx, replica::id, replica::holder, settings.replica());
        Handler<RoutingContext> report = ctx -> {
            if (replica.acting()) {
                agents.report(ctx);
            } else {
                // the standby checks the agent's token itself: the token is never handed on
                agents.authenticate(ctx);
                standby.forward(ctx);
            }
        };
        io.vertx.ext.web.Router router = HttpApi.router(vertx, HttpLimits.DEFAULTS, health, agents, report,
                new StatusApi(state), metrics, WebhookSettings.defaults(settings.secrets()), new Triage());
        HttpApi.readiness(router, this::readiness);
        if (settings.security().readToken() != null) {
            ReadAccess.mount(router, settings.security().readToken());
        }
        http = HttpApi.server(vertx, HttpLimits.DEFAULTS, router, tls)
                .listen(settings.port(), settings.host()).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        int port = http.actualPort();
        if (tls != null) {
            long every = Math.max(100, tls.settings().reloadEvery().toMillis());
            vertx.setPeriodic(every, every, id -> vertx.executeBlocking(() -> tls.reload(http), false));
        }
        String host = settings.host().equals("0.0.0.0") || settings.host().equals("::") ? hostname() : settings.host();
        lease.setReplica(settings.replica().id() != null ? settings.replica().id() : hostname() + ":" + port)
                .setUrl(settings.replica().url() != null ? settings.replica().url()
                        : (tls != null ? "https://" : "http://") + host + ":" + port);
        Duration renew = settings.replica().renewEvery();
        Runnable leaseTick = () -> {
            replica.tick();
            state.lease(replica.seen());
            leaseTicks.incrementAndGet();
        };
        // the first look at the lease comes before the loop's first turn: a replica that gets it starts acting
        // before it shows or plans anything
        leaseThread.submit(leaseTick).get();
        leaseThread.scheduleAtFixedRate(leaseTick, renew.toMillis(), renew.toMillis(), TimeUnit.MILLISECONDS);
        loop.start(settings.poll(), Duration.ofSeconds(1), renew);
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

    /** HTTPS, for tests: the certificate in use and a reload now. Null without TLS. */
    ServerTls tls() {
        return tls;
    }

    HttpServer http() {
        return http;
    }

    public boolean acting() {
        return replica.acting();
    }

    /**
     * {@code /readyz}: ready once the fleet is loaded; the role tells the lease holder (acts) from a standby (serves
     * reads, forwards agents), so a load balancer can send agents to any ready replica.
     */
    Map<String, Object> readiness() {
        Map<String, Object> r = new java.util.LinkedHashMap<>();
        java.util.Optional<String> problem = health.problem();
        r.put("status", problem.isEmpty() ? "ok" : "failing");
        r.put("ready", state.ready() && problem.isEmpty());
        problem.ifPresent(p -> r.put("reason", io.gitfleet.reconciler.git.GitUrls.redact(p)));
        if (!state.ready()) {
            r.put("reason", "the fleet is not loaded yet: the first pass has not completed");
        }
        r.put("role", replica.acting() ? "holder" : "standby");
        r.put("replica", replica.id());
        r.put("holder", replica.acting() ? replica.id() : replica.holder());
        return r;
    }

    /** Fetch the fleet repo, then plan: what a webhook for the approved branch and the poll timer ask for. */
    public void requestSync() {
        loop.sync();
    }

    /** Webhooks that concern this fleet: pushes to its approved branch, pull requests into it. */
    private final class Triage implements io.gitfleet.webhooks.WebhookTriage {
        @Override
        public String ignoreReason(WebhookEvent event) {
            String approved = state.approvedBranch();
            if (event instanceof WebhookEvent.Sync sync && !WebhookFilter.isApprovedBranchPush(event, approved)) {
                return "a push to " + sync.ref() + ", not to the approved branch " + approved;
            }
            if (event instanceof WebhookEvent.PlanPullRequest pr && !WebhookFilter.isPlanFor(event, approved)) {
                return "pull request " + pr.number() + " targets " + pr.baseRef() + ", not the approved branch "
                        + approved + ": not planned";
            }
            return null;
        }

        @Override
        public void accept(WebhookEvent event) {
            onWebhook(event);
        }
    }

    private void onWebhook(WebhookEvent event) {
        if (WebhookFilter.isApprovedBranchPush(event, state.approvedBranch())) {
            requestSync();
        } else if (event instanceof WebhookEvent.PlanPullRequest pr
                && WebhookFilter.isPlanFor(event, state.approvedBranch())) {
            loop.planPullRequest(pr);
        }
    }

    public ServerState state() {
        return state;
    }

    /** The loop, for tests: retries, turns, plan requests waiting. */
    ReconcileLoop loop() {
        return loop;
    }

    /** How many times this replica looked at the lease (acquired, renewed or stood by), for tests. */
    long leaseTicks() {
        return leaseTicks.get();
    }

    /** Stops cleanly: the pending status is committed and the lease released, so another replica acts at once. */
    @Override
    public void close() throws Exception {
        // the loop ends first, while the lease thread still keeps the lease: the last flush needs it
        loop.stop();
        loopThread.shutdown();
        loopThread.awaitTermination(30, TimeUnit.SECONDS);
        catalogThreads.shutdownNow();
        forgeThread.shutdown();
        forgeThread.awaitTermination(10, TimeUnit.SECONDS);
        try {
            if (replica.acting()) {
                writer.flush();
            }
        } finally {
            leaseThread.shutdown();
            leaseThread.awaitTermination(30, TimeUnit.SECONDS);
            try {
                if (lease.replica() != null) {
                    lease.release();
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("lease: could not release it; it runs out by itself", e);
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
        loop.stop();
        leaseThread.shutdownNow();
        loopThread.shutdownNow();
        catalogThreads.shutdownNow();
        forgeThread.shutdownNow();
        loopThread.awaitTermination(30, TimeUnit.SECONDS);
        leaseThread.awaitTermination(30, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        mirror.close();
    }
}
