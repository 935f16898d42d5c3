package io.gitfleet.agent;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.health.HealthMonitor;
import io.gitfleet.agent.probe.ProbeResult;
import io.gitfleet.agent.probe.Probes;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.StateMachine;
import io.gitfleet.agent.state.StateSaveException;
import io.gitfleet.agent.state.Task;
import io.gitfleet.agent.state.handlers.DisruptionHooks;
import io.gitfleet.agent.state.handlers.StepContext;
import io.gitfleet.schema.Backoff;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's side of the round trip with the reconciler: what a report says, when one is sent (idle: long-poll,
 * with a backoff while the reconciler is away or refuses; working: on every state change and every
 * {@code progressInterval}, short and never stalling the task), and what an answer does (continue, cancel before the
 * boot switch, activate a staged task, or begin a new one). The handlers see it as their {@link StepContext.Link}.
 */
final class ReconcilerLink implements StepContext.Link {
    private static final Duration MIN_IDLE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CHECKPOINT_QUIET = Duration.ofSeconds(30);

    private final AgentConfig config;
    private final NodeSetup node;
    private final ReconcilerClient client;
    private final Clock clock;
    private final Agent.Sleeper sleeper;
    private final Backoff backoff;
    private final HealthMonitor health;
    private final Probes probes;
    private StateMachine machine;
    private DisruptionHooks disruption;
    private volatile boolean cancel;
    private long lastReport = Long.MIN_VALUE / 2;
    private State reported;
    private long quietUntil;
    private String lastProblem;
    /** Why the last state save failed, reported as the node's health until a step succeeds; else null. */
    private volatile String storage;

    /** {@code client}: null for a manual install, which talks to no reconciler. */
    ReconcilerLink(AgentConfig config, NodeSetup node, ReconcilerClient client, Clock clock, Agent.Sleeper sleeper,
                   Backoff backoff, HealthMonitor health, Probes probes) {
        this.config = config;
        this.node = node;
        this.client = client;
        this.clock = clock;
        this.sleeper = sleeper;
        this.backoff = backoff;
        this.health = health;
        this.probes = probes;
    }

    /** A fresh start of the agent (or a boot in place): the state read again; nothing is reported from it yet. */
    void attach(StateMachine machine, DisruptionHooks disruption) {
        this.machine = machine;
        this.disruption = disruption;
        cancel = false;
        reported = null;
    }

    boolean connected() {
        return client != null;
    }

    /** The state the reconciler last heard of from this agent (null: nothing since the start). */
    State reported() {
        return reported;
    }

    /**
     * Idle: report and wait up to {@code longPoll} for an instruction, which begins a task. An answer that comes
     * back at once does not turn the loop into a busy wait; a reconciler that is away or refuses is asked again
     * after a backoff.
     */
    void idle() throws InterruptedException {
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
    void reportOnly() {
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

    /**
     * The state dir cannot be written (full, read-only): the transition did not happen. Exiting would only restart
     * into the same failure, silently; instead the node reports itself unhealthy with the reason, and the step is
     * tried again after a backoff (an instruction that arrives meanwhile is not taken: it could not be saved).
     */
    void storageProblem(StateSaveException e) throws InterruptedException {
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

    /** A step went through: the state dir can be written again. */
    void storageOk() {
        storage = null;
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
                AgentLog.info("the reconciler withdrew " + Agent.describe(task) + "; stopping before the boot switch");
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
                AgentLog.info(Agent.describe(task) + " was replaced by " + spec.upgrade() + " attempt "
                        + spec.attempt() + "; stopping it before the boot switch");
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
            AgentLog.info("the activation of " + Agent.describe(task) + " names image " + asked + " but " + staged
                    + " was staged; dropping the staged slot");
            cancel = true;
            return;
        }
        AgentLog.info("activating " + Agent.describe(task) + ": the boot switch may happen now");
        machine.updateTask(t -> t.withSpec(spec));
    }

    Report report() throws IOException, InterruptedException {
        Task task = machine.task();
        boolean working = task != null && !task.state().terminal();
        // idle, the versions are read from the machine for every report; a working agent's progress reports reuse
        // the last reading (and read again after a boot), so a slow probe cannot slow an install down
        BootEnv boot = node.bootloader() == null ? null : node.bootloader().read();
        Map<String, String> booted = StepContext.probeEnv(node, boot);
        Map<String, ProbeResult> probed = working ? probes.lastOrRead(booted) : probes.read(booted);
        Report.Health now = storage != null ? new Report.Health(false, storage) : health.current(!working);
        return ReportBuilder.build(config, machine.state(), boot, now, probed, disruption.cordon());
    }

    /** A problem is logged once, not once per retry, until another one (or a success) comes. */
    void problem(String message) {
        if (!message.equals(lastProblem)) {
            AgentLog.info(message);
            lastProblem = message;
        }
    }

    private Duration progressInterval() {
        return AgentConfig.duration(config.poll().progressInterval(), Duration.ofSeconds(2));
    }
}
