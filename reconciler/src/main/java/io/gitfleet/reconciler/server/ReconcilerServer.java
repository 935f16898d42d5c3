package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.catalog.CatalogSources;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.pass.PassOptions;
import io.gitfleet.reconciler.pass.PassResult;
import io.gitfleet.reconciler.pass.ReconcilePass;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.reconciler.store.StatusUpdate;
import io.gitfleet.reconciler.store.StatusWriter;
import io.gitfleet.schema.NodeStatus;
import io.gitfleet.webhooks.SyncCoalescer;
import io.gitfleet.webhooks.WebhookEvent;
import io.gitfleet.webhooks.WebhookFilter;
import io.gitfleet.webhooks.WebhookSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code gitfleet serve}: one process with the reconcile loop, the agent API, webhooks, the read API, the dashboard
 * and metrics. Passes run one at a time on one thread; webhooks, changed reports and the poll timer only trigger
 * them (bursts coalesce). Event loops never touch Git.
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
    private HttpServer http;

    public ReconcilerServer(ServerSettings settings, Clock clock) throws IOException {
        this.settings = settings;
        this.clock = clock;
        this.vertx = Vertx.vertx();
        this.mirror = FleetMirror.open(settings.dataDir().resolve("mirror"), settings.repoUrl(), settings.auth());
        StatusStore store = new StatusStore(mirror.repository(), settings.statusBranch(), mirror);
        this.writer = new StatusWriter(store, settings.statusInterval(), clock);
        this.board = new InstructionBoard(vertx);
        this.metrics = new ServerMetrics(board);
        this.pass = new ReconcilePass(mirror, writer, reports, board,
                CatalogSources.inDataDir(settings.dataDir(), settings.catalogs()),
                new PassOptions(settings.approvedBranch(), null, false, settings.dataDir().resolve("keys")));
        this.state = new ServerState(settings, mirror.repository(), reports);
        this.plans = new PullRequestPlans(mirror, writer, reports, settings.forge(), settings.publicUrl());
        this.passes = new SyncCoalescer(this::runPass, Duration.ofMillis(50), SyncCoalescer.Scheduler.of(loop),
                System::nanoTime, e -> LOG.log(Level.WARNING, "reconcile pass failed", e));
    }

    /** Starts listening and runs the first pass; returns the port it listens on. */
    public int start() throws Exception {
        AgentApi agents = new AgentApi(state::tokens, reports, board, passes::trigger, metrics, clock);
        http = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setIdleTimeout(0))
                .requestHandler(HttpApi.router(vertx, agents, new StatusApi(state), metrics,
                        WebhookSettings.defaults(settings.secrets()), this::onWebhook))
                .listen(settings.port(), settings.host()).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        requestSync();
        long poll = settings.poll().toMillis();
        loop.scheduleWithFixedDelay(this::requestSync, poll, poll, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(this::flushDue, 1, 1, TimeUnit.SECONDS);
        return http.actualPort();
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
            loop.execute(() -> plans.plan(pr, state.upgrades(), clock.instant()));
        }
    }

    private void runPass() {
        long start = System.nanoTime();
        try {
            List<NodeStatus> changed = reports.drainChanged();
            if (!changed.isEmpty()) {
                writer.submit(view -> new StatusUpdate().putAll(changed));
            }
            PassResult result = pass.run(clock.instant(), fetchRequested.getAndSet(false));
            state.update(result);
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
        try {
            writer.flushIfDue();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "status flush failed; it is retried", e);
        }
    }

    public ServerState state() {
        return state;
    }

    @Override
    public void close() throws Exception {
        loop.shutdown();
        loop.awaitTermination(30, TimeUnit.SECONDS);
        try {
            writer.flush();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            mirror.close();
        }
    }
}
