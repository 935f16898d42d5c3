package io.gitfleet.agent;

import io.gitfleet.agent.health.HealthMonitor;
import io.gitfleet.agent.probe.ProbeResult;
import io.gitfleet.agent.probe.Probes;
import io.gitfleet.agent.probe.VersionProbe;
import io.gitfleet.schema.Backoff;
import io.gitfleet.agent.health.HookRunner;
import io.gitfleet.agent.state.AgentState;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.LoopDetector;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.StateMachine;
import io.gitfleet.agent.state.StateSaveException;
import io.gitfleet.agent.state.StateStore;
import io.gitfleet.agent.state.Task;
import io.gitfleet.agent.state.VersionRatchet;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The agent's loop. Idle: report and long-poll for an instruction, backing off when the reconciler is away.
 * Working: run the current state's handler, apply its event to the table, report — one thread, so the order
 * of events is the order of the code. Handlers report progress (and learn of a cancel) through checkpoints.
 */
public final class Agent implements StepContext.Link {
    /** How the loop waits; tests pass one that does not really sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Duration MIN_IDLE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CHECKPOINT_QUIET = Duration.ofSeconds(30);

    private final AgentConfig config;
    private final NodeSetup node;
    private final ReconcilerClient client;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Backoff backoff;
    private final StateStore store;
    private final LoopDetector loops;
    private final HookRunner hooks;
    private final HealthMonitor health;
    private final GitVerifier verifier;
    private final VersionRatchet ratchet;
    private final Consumer<Task> onTransition;
    private final Probes probes;
    private StateMachine machine;
    private InstallSteps installSteps;
    private BootSteps bootSteps;
    private StepContext ctx;
    private DisruptionHooks disruption;
    private volatile boolean stopped;
    private volatile boolean cancel;
    private volatile Thread runner;
    private long lastReport = Long.MIN_VALUE / 2;
    private State reported;
    private long quietUntil;
    private String lastProblem;
    /** Why the last state save failed, reported as the node's health until a step succeeds; else null. */
    private volatile String storage;

    public Agent(AgentConfig config, NodeSetup node, ReconcilerClient client, Clock clock, Sleeper sleeper,
                 RandomGenerator random, Consumer<Task> onTransition) {
        this.config = config;
        this.node = node;
        this.client = client;
        this.clock = clock;
        this.sleeper = sleeper;
        this.onTransition = onTransition;
        this.backoff = new Backoff(AgentConfig.duration(config.poll().backoffMin(), Duration.ofSeconds(1)),
                AgentConfig.duration(config.poll().backoffMax(), Duration.ofSeconds(60)), random);
        this.store = new StateStore(Path.of(config.stateDir()));
        this.loops = new LoopDetector(config.loop().limit() == null ? LoopDetector.DEFAULT_LIMIT : config.loop().limit(),
                config.loop().transferLimit() == null ? LoopDetector.TRANSFER_LIMIT : config.loop().transferLimit());
        // A drain can take minutes: keep reporting while hooks run, or the reconciler thinks the node is gone.
        this.hooks = new HookRunner(AgentConfig.duration(config.hooks().timeout(), Duration.ofMinutes(5)),
                () -> checkpoint(false), progressInterval());
        this.health = new HealthMonitor(hooks, config.hooks().health(), clock, Duration.ofMinutes(1));
        this.verifier = config.verifyGit() == null || config.verifyGit().url() == null ? null
                : GitVerifier.open(config.verifyGit().url(), config.verifyGit().branch(),
                        Path.of(config.stateDir(), "fleet.git"), Path.of(config.stateDir()), clock)
                        .setTls(config.tls());
        this.ratchet = new VersionRatchet(Path.of(config.stateDir()));
        this.probes = probes(config);
    }

    /** The version probes of the config's components; each sees the node and its component in its environment. */
    static Probes probes(AgentConfig config) {
        Map<String, VersionProbe> probes = new LinkedHashMap<>();
        Map<String, Map<String, String>> env = new HashMap<>();
        for (ComponentConfig c : config.managed()) {
            if (c.probe() != null) {
                probes.put(c.name(), c.probe().build(config.root()));
                env.put(c.name(), Map.of("GITFLEET_NODE", config.node(), "GITFLEET_COMPONENT", c.name()));
            }
        }
        return new Probes(probes, env);
    }

    /** Runs until {@link #stop()}. Holds {@code STATE_DIR/agent.lock} so that one agent owns the node. */
    public void run() throws IOException, InterruptedException {
        runner = Thread.currentThread();
        Files.createDirectories(Path.of(config.stateDir()));
        try (FileChannel lockFile = FileChannel.open(Path.of(config.stateDir(), "agent.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(lockFile)) {
            if (lock == null) {
                throw new IOException("another gitfleet-agent is running on " + config.stateDir());
            }
            boolean started = false;
            while (!stopped) {
                try {
                    if (!started) {
                        start();
                        started = true;
                    }
                    step();
                    storage = null;
                } catch (StateSaveException e) {
                    storageProblem(e);
                }
            }
        } finally {
            runner = null;
        }
    }

    /**
     * The state dir cannot be written (full, read-only): the transition did not happen. Exiting would only restart
     * into the same failure, silently; instead the node reports itself unhealthy with the reason, and the step is
     * tried again after a backoff (an instruction that arrives meanwhile is not taken: it could not be saved).
     */
    private void storageProblem(StateSaveException e) throws InterruptedException {
        storage = e.reason();
        problem(storage);
        if (client != null && machine != null) {
            try {
                client.roundTrip(report(), Duration.ZERO, CHECKPOINT_TIMEOUT);
            } catch (ServerUnavailableException | ServerRejectedException | IOException x) {
                problem(x.getMessage());
            }
        }
        sleeper.sleep(backoff.next());
    }

    /** Null when another process (or, in tests, another agent in this JVM) holds the node. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    public void stop() {
        stopped = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }

    /** What a fresh process does: read the state, resume an unfinished task, finish a failed one's cleanup. */
    void start() throws IOException {
        AgentState state = store.load();
        if (store.recovered() != null) {
            AgentLog.info(store.recovered());
        }
        machine = new StateMachine(store, state, loops, clock, this::transitioned);
        ctx = new StepContext(config, node, machine, hooks, health, verifier, this, probes);
        // a fresh process, or a boot in place: what the machine runs is read again
        probes.stale();
        installSteps = new InstallSteps(ctx);
        bootSteps = new BootSteps(ctx);
        disruption = new DisruptionHooks(ctx, this::reportOnly);
        disruption.adopt(machine.task());
        cancel = false;
        reported = null;
        Task task = machine.task();
        if (task != null && !task.state().terminal()) {
            AgentLog.info("resuming " + describe(task) + " after a restart");
            machine.fire(Event.RESTART, null);
        }
        if (machine.task() != null && machine.task().state() == State.FAILED && bootSteps.afterFailure(machine.task())) {
            start();
            return;
        }
        ended(machine.task());
    }

    /**
     * The end hooks of a task that ended (and a leftover uncordon), unless the node is about to reboot away from a
     * failed slot: then they run after that boot, on the system that stays.
     */
    private void ended(Task task) throws IOException {
        if (task == null || !task.state().terminal()) {
            return;
        }
        if (task.target() != null && task.rebootFromBootId() != null && node.bootloader() != null) {
            var boot = ctx.boot();
            if (task.rebootFromBootId().equals(boot.bootId()) && boot.booted() == task.target()) {
                return;
            }
        }
        try {
            disruption.afterEnd(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            problem(e.getMessage());
        }
    }

    private void step() throws IOException, InterruptedException {
        Task task = machine.task();
        if (task == null || task.state().terminal()) {
            idleRoundTrip();
            return;
        }
        if (task.state() != reported) {
            // Say where we are before working there: the reconciler sees every state the task enters.
            checkpoint(true);
            task = machine.task();
            if (task.state().terminal()) {
                return;
            }
        }
        Step step = handle(task);
        if (step == Step.REBOOTED_IN_PLACE) {
            start();
            return;
        }
        if (step == Step.DORMANT || step == Step.STAGED_AHEAD) {
            idleRoundTrip();
            return;
        }
        Task after = machine.fire(step.event(), step.detail());
        if (after.state() == State.FAILED && bootSteps.afterFailure(after)) {
            start();
        } else {
            ended(after);
        }
    }

    private Step handle(Task task) throws IOException, InterruptedException {
        return switch (task.state()) {
            case INSTRUCTED -> installSteps.instructed(task);
            case DOWNLOADING, WRITING -> installSteps.transfer(task);
            case VERIFYING -> installSteps.verifying(task);
            case STAGED -> bootSteps.staged(task);
            case REBOOTING, ROLLBACK_REBOOTING -> bootSteps.rebooting(task);
            case CHECKING_HEALTH -> bootSteps.checkingHealth(task);
            case RUNNING_COMMAND -> bootSteps.runningCommand(task);
            case ROLLBACK_STAGED -> bootSteps.rollbackStaged(task);
            default -> throw new IllegalStateException("no handler for " + task.state());
        };
    }

    private void idleRoundTrip() throws InterruptedException {
        if (client == null) {
            stopped = true;
            return;
        }
        long started = clock.millis();
        Duration longPoll = AgentConfig.duration(config.poll().longPoll(), Duration.ofSeconds(30));
        try {
            State sent = machine.task() == null ? null : machine.task().state();
            Optional<Instruction> answer = client.roundTrip(report(), longPoll);
            reported = sent;
            lastReport = clock.millis();
            backoff.reset();
            lastProblem = null;
            apply(answer);
            long elapsed = clock.millis() - started;
            if (answer.isEmpty() && elapsed < MIN_IDLE_INTERVAL.toMillis()) {
                // A server that does not hold the request must not turn the loop into a busy wait.
                sleeper.sleep(MIN_IDLE_INTERVAL.minusMillis(elapsed));
            }
        } catch (ServerUnavailableException | ServerRejectedException | IOException e) {
            problem(e.getMessage());
            sleeper.sleep(backoff.next());
        }
    }

    @Override
    public void checkpoint(boolean force) {
        long now = clock.millis();
        if (client == null || now < quietUntil
                || (!force && now - lastReport < progressInterval().toMillis())) {
            return;
        }
        lastReport = now;
        try {
            State sent = machine.task() == null ? null : machine.task().state();
            Optional<Instruction> answer = client.roundTrip(report(), Duration.ZERO, CHECKPOINT_TIMEOUT);
            reported = sent;
            apply(answer);
        } catch (ServerUnavailableException | ServerRejectedException | IOException e) {
            // The task goes on without the reconciler (it reports once it is done), and does not keep
            // stalling on a server that is away: no progress reports for a while.
            quietUntil = clock.millis() + CHECKPOINT_QUIET.toMillis();
            problem(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A report while a task's end hooks run: the reconciler keeps hearing from the node, and the answer is dropped
     * (a new instruction is taken up by the next round trip, after the hooks).
     */
    private void reportOnly() {
        long now = clock.millis();
        if (client == null || now < quietUntil || now - lastReport < progressInterval().toMillis()) {
            return;
        }
        lastReport = now;
        try {
            client.roundTrip(report(), Duration.ZERO, CHECKPOINT_TIMEOUT);
        } catch (ServerUnavailableException | ServerRejectedException | IOException e) {
            quietUntil = clock.millis() + CHECKPOINT_QUIET.toMillis();
            problem(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean cancelRequested() {
        return cancel;
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        sleeper.sleep(duration);
    }

    /** The answer to a report: continue, cancel before the boot switch, or start a new task. */
    private void apply(Optional<Instruction> answer) {
        Task task = machine.task();
        boolean working = task != null && !task.state().terminal();
        if (answer.isEmpty()) {
            if (working && task.cancellable() && !task.manual() && !cancel) {
                AgentLog.info("the reconciler withdrew " + describe(task) + "; stopping before the boot switch");
                cancel = true;
            }
            return;
        }
        Instruction.Spec spec = answer.get().spec();
        if (task != null && task.sameInstruction(spec)) {
            if (working && task.spec().isStageOnly() && !spec.isStageOnly()) {
                activate(task, spec);
            }
            return;
        }
        if (working) {
            if (task.cancellable() && !task.manual() && !cancel) {
                AgentLog.info(describe(task) + " was replaced by " + spec.upgrade() + " attempt " + spec.attempt()
                        + "; stopping it before the boot switch");
                cancel = true;
            }
            return;
        }
        cancel = false;
        AgentLog.info("instructed: " + spec.upgrade() + " attempt " + spec.attempt() + ", " + spec.action() + " "
                + spec.component() + " " + spec.version());
        machine.begin(spec, false);
    }

    /**
     * A task staged ahead may go on to its boot switch only for the very image it staged: an activation naming
     * another digest drops the staged slot instead (the reconciler then stages the right one).
     */
    private void activate(Task task, Instruction.Spec spec) {
        String staged = task.spec().image() == null ? null : task.spec().image().sha256();
        String asked = spec.image() == null ? null : spec.image().sha256();
        if (staged == null || !staged.equals(asked)) {
            AgentLog.info("the activation of " + describe(task) + " names image " + asked + " but " + staged
                    + " was staged; dropping the staged slot");
            cancel = true;
            return;
        }
        AgentLog.info("activating " + describe(task) + ": the boot switch may happen now");
        machine.updateTask(t -> t.withSpec(spec));
    }

    Report report() throws IOException, InterruptedException {
        Task task = machine.task();
        boolean working = task != null && !task.state().terminal();
        // idle, the versions are read from the machine for every report; a working agent's progress reports reuse
        // the last reading (and read again after a boot), so a slow probe cannot slow an install down
        io.gitfleet.agent.boot.BootEnv boot = node.bootloader() == null ? null : node.bootloader().read();
        Map<String, String> booted = probeEnv(node, boot);
        Map<String, ProbeResult> probed = working ? probes.lastOrRead(booted) : probes.read(booted);
        Report.Health now = storage != null ? new Report.Health(false, storage) : health.current(!working);
        return ReportBuilder.build(config, machine.state(), boot, now, probed, disruption.cordon());
    }

    /**
     * What a probe may need to know of the A/B slots: the slot booted and its device (its root file system, which a
     * probe can read when it is not mounted at the config's root).
     */
    static Map<String, String> probeEnv(NodeSetup node, io.gitfleet.agent.boot.BootEnv boot) {
        if (boot == null || boot.booted() == null || node.slot(boot.booted()) == null) {
            return Map.of();
        }
        return Map.of("GITFLEET_BOOTED_SLOT", boot.booted().wire(),
                "GITFLEET_BOOTED_SLOT_DEVICE", node.slot(boot.booted()).toString());
    }

    private void transitioned(Task task) {
        if (task.state() == State.COMPLETED && task.spec().action() == Action.INSTALL
                && (task.spec().install() == null || task.spec().install().upgradeActive())) {
            try {
                ratchet.record(task.spec().component(), task.spec().version());
            } catch (IOException e) {
                AgentLog.info("cannot record " + task.spec().component() + " " + task.spec().version()
                        + " as installed: " + e.getMessage());
            }
        }
        AgentLog.info(describe(task) + " → " + task.state().phase()
                + (task.failureReason() != null ? ": " + task.failureReason()
                : task.message() != null ? " (" + task.message() + ")" : ""));
        onTransition.accept(task);
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            AgentLog.info(message);
            lastProblem = message;
        }
    }

    private Duration progressInterval() {
        return AgentConfig.duration(config.poll().progressInterval(), Duration.ofSeconds(2));
    }

    /**
     * One install by hand, without a server: the same checks, writer and bootloader step as an instructed one.
     * Returns the task as it ended: Rebooting (set for the next boot), Skipped or Failed.
     */
    public Task installOnce(Instruction.Spec spec) throws IOException, InterruptedException {
        Files.createDirectories(Path.of(config.stateDir()));
        try (FileChannel lockFile = FileChannel.open(Path.of(config.stateDir(), "agent.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(lockFile)) {
            if (lock == null) {
                throw new IOException("the gitfleet-agent service is running on " + config.stateDir()
                        + "; stop it first (systemctl stop gitfleet-agent)");
            }
            runner = Thread.currentThread();
            start();
            Task current = machine.task();
            if (current != null && !current.state().terminal()) {
                throw new IOException("a task is in progress (" + describe(current) + "); let the agent finish it");
            }
            machine.begin(spec, true);
            while (!stopped) {
                step();
            }
            return machine.task();
        } finally {
            runner = null;
        }
    }

    /** The state machine, for the manual install and tests. */
    StateMachine machine() {
        return machine;
    }

    private static String describe(Task task) {
        return task.spec().upgrade() + "#" + task.spec().attempt() + " (" + task.state() + ")";
    }
}
