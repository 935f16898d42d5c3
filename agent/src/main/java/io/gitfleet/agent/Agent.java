package io.gitfleet.agent;

import io.gitfleet.agent.health.HealthMonitor;
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
import io.gitfleet.agent.state.handlers.DisruptionHooks;
import io.gitfleet.agent.state.handlers.Handlers;
import io.gitfleet.agent.state.handlers.Step;
import io.gitfleet.agent.state.handlers.StepContext;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
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
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The agent's loop. Idle: report and long-poll for an instruction ({@link ReconcilerLink}). Working: run the current
 * state's handler ({@link Handlers}), apply its event to the table, report — one thread, so the order of events is
 * the order of the code. Handlers report progress (and learn of a cancel) through the link's checkpoints.
 */
public final class Agent {
    /** How the loop waits; tests pass one that does not really sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final AgentConfig config;
    private final NodeSetup node;
    private final Clock clock;
    private final StateStore store;
    private final LoopDetector loops;
    private final HookRunner hooks;
    private final HealthMonitor health;
    private final GitVerifier verifier;
    private final VersionRatchet ratchet;
    private final Consumer<Task> onTransition;
    private final Probes probes;
    private final ReconcilerLink link;
    private StateMachine machine;
    private StepContext ctx;
    private Handlers handlers;
    private DisruptionHooks disruption;
    private volatile boolean stopped;
    private volatile Thread runner;

    public Agent(AgentConfig config, NodeSetup node, ReconcilerClient client, Clock clock, Sleeper sleeper,
                 RandomGenerator random, Consumer<Task> onTransition) {
        this.config = config;
        this.node = node;
        this.clock = clock;
        this.onTransition = onTransition;
        this.store = new StateStore(Path.of(config.stateDir()));
        this.loops = new LoopDetector(config.loop().limit() == null ? LoopDetector.DEFAULT_LIMIT : config.loop().limit(),
                config.loop().transferLimit() == null ? LoopDetector.TRANSFER_LIMIT : config.loop().transferLimit());
        // A drain can take minutes: keep reporting while hooks run, or the reconciler thinks the node is gone.
        this.hooks = new HookRunner(AgentConfig.duration(config.hooks().timeout(), Duration.ofMinutes(5)),
                this::heartbeat, progressInterval());
        this.health = new HealthMonitor(hooks, config.hooks().health(), clock, Duration.ofMinutes(1));
        this.verifier = config.verifyGit() == null || config.verifyGit().url() == null ? null
                : GitVerifier.open(config.verifyGit().url(), config.verifyGit().branch(),
                        Path.of(config.stateDir(), "fleet.git"), Path.of(config.stateDir()), clock)
                        .setTls(config.tls());
        this.ratchet = new VersionRatchet(Path.of(config.stateDir()));
        this.probes = probes(config);
        Backoff backoff = new Backoff(AgentConfig.duration(config.poll().backoffMin(), Duration.ofSeconds(1)),
                AgentConfig.duration(config.poll().backoffMax(), Duration.ofSeconds(60)), random);
        this.link = new ReconcilerLink(config, node, client, clock, sleeper, backoff, health, probes);
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
                    link.storageOk();
                } catch (StateSaveException e) {
                    link.storageProblem(e);
                }
            }
        } finally {
            runner = null;
        }
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
        ctx = new StepContext(config, node, machine, hooks, health, verifier, link, probes);
        // a fresh process, or a boot in place: what the machine runs is read again
        probes.stale();
        // one set of hooks for the handlers and the end of a task: the cordon has one owner
        disruption = new DisruptionHooks(ctx, link::reportOnly);
        handlers = null;
        link.attach(machine, disruption);
        disruption.adopt(machine.task());
        Task task = machine.task();
        if (task != null && !task.state().terminal()) {
            AgentLog.info("resuming " + describe(task) + " after a restart");
            machine.fire(Event.RESTART, null);
        }
        if (machine.task() != null && machine.task().state() == State.FAILED
                && handlers().afterFailure(machine.task())) {
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
            link.problem(e.getMessage());
        }
    }

    private void step() throws IOException, InterruptedException {
        Task task = machine.task();
        if (task == null || task.state().terminal()) {
            idle();
            return;
        }
        if (task.state() != link.reported()) {
            // Say where we are before working there: the reconciler sees every state the task enters.
            link.checkpoint(true);
            task = machine.task();
            if (task.state().terminal()) {
                return;
            }
        }
        Step step = handlers().run(task);
        if (step == Step.REBOOTED_IN_PLACE) {
            start();
            return;
        }
        if (step == Step.DORMANT || step == Step.STAGED_AHEAD) {
            idle();
            return;
        }
        Task after = machine.fire(step.event(), step.detail());
        if (after.state() == State.FAILED && handlers().afterFailure(after)) {
            start();
        } else {
            ended(after);
        }
    }

    /**
     * The handlers, made when a task first needs them: an idle agent never loads their classes (its footprint is
     * measured, docs/benchmarks-agent.md). Made again after every start, as a fresh process would.
     */
    private Handlers handlers() {
        if (handlers == null) {
            handlers = new Handlers(ctx, disruption);
        }
        return handlers;
    }

    /** Idle (or waiting for the operator, or staged ahead): one round trip; without a reconciler, the end. */
    private void idle() throws InterruptedException {
        if (!link.connected()) {
            stopped = true;
            return;
        }
        link.idle();
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

    /** A hook's heartbeat: the link is made after the hooks, as its reports carry their health checks. */
    private void heartbeat() {
        link.checkpoint(false);
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

    static String describe(Task task) {
        return task.spec().upgrade() + "#" + task.spec().attempt() + " (" + task.state() + ")";
    }
}
