package io.gitfleet.reconciler.fault;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A node's agent for the fault campaign, following the real agent's transition table (agent module,
 * {@code state/TransitionTable}): a transfer restarts from Downloading after a crash or power cut, everything past the
 * boot switch resumes where it was, a power cut while the new slot is armed or on trial boots it, and the
 * bootloader's boot counting falls back when the trial boot is cut before the slot was marked good. One fault is
 * drawn per task, at one state: crash, power cut, bad image, silence, slowness or fallback.
 */
final class CampaignAgent {
    /** The agent's states (agent module {@code State}), with the phase each one reports. */
    enum State {
        IDLE(NodePhase.Pending), INSTRUCTED(NodePhase.Instructed), SKIPPED(NodePhase.Skipped),
        DOWNLOADING(NodePhase.Downloading), WRITING(NodePhase.Writing), VERIFYING(NodePhase.Verifying),
        STAGED(NodePhase.Staged), REBOOTING(NodePhase.Rebooting), CHECKING_HEALTH(NodePhase.Rebooting),
        COMPLETED(NodePhase.Completed), FAILED(NodePhase.Failed);

        final NodePhase phase;

        State(NodePhase phase) {
            this.phase = phase;
        }

        boolean done() {
            return this == IDLE || phase.terminal();
        }

        /** Before the boot switch: no instruction in an answer stops the task here, safely. */
        boolean cancellable() {
            return this == INSTRUCTED || this == DOWNLOADING || this == WRITING || this == VERIFYING;
        }

        /** Past the boot switch: the node is unavailable whatever the reconciler says. */
        boolean switched() {
            return this == REBOOTING || this == CHECKING_HEALTH;
        }
    }

    enum Fault { CRASH, POWER_CUT, BAD_IMAGE, SILENCE, SLOWNESS, FALLBACK }

    /** The answer to a report: the reconciler was unreachable, or it answered with an instruction or none. */
    sealed interface Answer permits Unreachable, Answered {
    }

    record Unreachable() implements Answer {
    }

    record Answered(Instruction instruction) implements Answer {
    }

    static final Answer UNREACHABLE = new Unreachable();

    final String name;
    final boolean controller;
    String version;
    String digest;
    final List<String> fellBack = new ArrayList<>();
    State state = State.IDLE;
    Instruction.Spec task;
    String failure;
    boolean stageOnly;
    /** The fault drawn for the current task: at which state, of which kind; null when none is left. */
    State faultAt;
    Fault fault;
    /** Steps the agent stays unreachable (network silence, a reboot, a power cut, a restart). */
    int downSteps;
    /** Steps the current state takes at least (slowness). */
    int slowSteps;
    /** Faults injected, by kind and state, for the campaign's figures. */
    final Map<String, Integer> injected;
    /** Every instruction this agent ever took up: the timeline the campaign checks. */
    final List<Instruction.Spec> taken = new ArrayList<>();

    CampaignAgent(String name, boolean controller, String version, String digest, Map<String, Integer> injected) {
        this.name = name;
        this.controller = controller;
        this.version = version;
        this.digest = digest;
        this.injected = injected;
    }

    /** Whether the agent can report this step (not down, not rebooting). */
    boolean reachable() {
        return downSteps == 0;
    }

    /**
     * One step of the agent: act on the last answer, make progress, maybe meet its fault. Returns the report it
     * sends, or null while it is down.
     */
    Report.Status step(Answer answer, Random rnd) {
        if (downSteps > 0) {
            downSteps--;
            if (downSteps == 0 && state == State.REBOOTING) {
                boot();
            }
            return null;
        }
        if (answer instanceof Answered a) {
            take(a.instruction(), rnd);
        }
        if (fault != null && state == faultAt) {
            meet(rnd);
            if (downSteps > 0) {
                return null;
            }
        }
        progress(rnd);
        return downSteps > 0 ? null : report();
    }

    private void take(Instruction instruction, Random rnd) {
        if (instruction == null) {
            if (state.cancellable() || state == State.STAGED && stageOnly) {
                fail(Report.CANCELLED);
            }
            return;
        }
        Instruction.Spec s = instruction.spec();
        boolean same = task != null && task.upgrade().equals(s.upgrade()) && task.attempt() == s.attempt();
        if (same) {
            if (stageOnly && !s.isStageOnly()) {
                stageOnly = false; // the activation of what was staged
            }
            return;
        }
        if (!state.done() && !state.cancellable() && !(state == State.STAGED && stageOnly)) {
            return; // past the boot switch: the agent finishes its task first
        }
        task = s;
        taken.add(s);
        failure = null;
        stageOnly = s.isStageOnly();
        slowSteps = 0;
        if (s.nonce() != null) {
            fellBack.remove(s.version());
        }
        boolean atTarget = s.action() == Action.INSTALL && s.version().equals(version)
                && (digest == null || digest.equals(s.image().sha256())) && !Boolean.TRUE.equals(s.force());
        state = atTarget ? State.SKIPPED : State.DOWNLOADING;
        drawFault(rnd);
    }

    private void drawFault(Random rnd) {
        fault = null;
        if (rnd.nextInt(3) == 0) {
            return;
        }
        fault = Fault.values()[rnd.nextInt(Fault.values().length)];
        faultAt = switch (fault) {
            case BAD_IMAGE -> rnd.nextBoolean() ? State.WRITING : State.VERIFYING;
            case FALLBACK -> State.REBOOTING;
            default -> new State[] {State.DOWNLOADING, State.WRITING, State.VERIFYING, State.STAGED, State.REBOOTING,
                State.CHECKING_HEALTH, State.COMPLETED}[rnd.nextInt(7)];
        };
    }

    /** The drawn fault happens now, in the state it was drawn for. */
    private void meet(Random rnd) {
        Fault f = fault;
        fault = null;
        injected.merge(f + " at " + state, 1, Integer::sum);
        switch (f) {
            case CRASH -> {
                // the process restarts: a transfer starts over, the rest resumes
                downSteps = 1 + rnd.nextInt(2);
                restart();
            }
            case POWER_CUT -> {
                downSteps = 2 + rnd.nextInt(6);
                if (state == State.STAGED && !stageOnly && rnd.nextBoolean() || state == State.REBOOTING) {
                    state = State.REBOOTING; // the armed slot is tried on this boot
                } else if (state == State.CHECKING_HEALTH) {
                    // the trial boot was cut before the slot was marked good: boot counting falls back
                    fellBack(rnd);
                } else {
                    restart();
                }
            }
            case SILENCE -> downSteps = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 40 : 8);
            case SLOWNESS -> slowSteps = 5 + rnd.nextInt(rnd.nextInt(3) == 0 ? 40 : 10);
            case BAD_IMAGE -> fail("sha256 mismatch: the image is not the catalog's");
            case FALLBACK -> fellBack(rnd);
            default -> throw new IllegalStateException();
        }
    }

    private void restart() {
        if (state == State.INSTRUCTED || state == State.WRITING || state == State.VERIFYING) {
            state = State.DOWNLOADING;
        }
    }

    private void progress(Random rnd) {
        if (state.done() || state == State.STAGED && stageOnly) {
            return;
        }
        if (slowSteps > 0) {
            slowSteps--;
            return;
        }
        if (rnd.nextInt(3) == 0) {
            return;
        }
        switch (state) {
            case INSTRUCTED -> state = State.DOWNLOADING;
            case DOWNLOADING -> state = State.WRITING;
            case WRITING -> state = State.VERIFYING;
            case VERIFYING -> state = State.STAGED;
            case STAGED -> {
                state = State.REBOOTING;
                downSteps = 1 + rnd.nextInt(4); // the machine is down while it reboots
            }
            case CHECKING_HEALTH -> {
                state = State.COMPLETED;
                version = task.version();
                digest = task.image().sha256();
            }
            default -> {
            }
        }
    }

    /** Up again after a reboot with the new slot armed: the trial boot, or the bootloader's fallback. */
    private void boot() {
        if (fault == Fault.FALLBACK && faultAt == State.REBOOTING) {
            return; // met on the next step
        }
        state = State.CHECKING_HEALTH;
    }

    private void fellBack(Random rnd) {
        if (!fellBack.contains(task.version())) {
            fellBack.add(task.version());
        }
        fail("rolled back by bootloader");
    }

    private void fail(String why) {
        state = State.FAILED;
        failure = why;
        slowSteps = 0;
    }

    Report.Status report() {
        Report.Task t = task == null ? null : new Report.Task(task.upgrade(), task.attempt(), task.action(),
                task.version(), state.phase, null, null, null, state == State.FAILED ? failure : null);
        Map<String, String> digests = new HashMap<>();
        if (digest != null) {
            digests.put("os", digest);
        }
        return new Report.Status("campaign", Map.of("os", version), new Report.Slots("a", "a", null, null, null),
                new Report.Health(true, null), t, fellBack.isEmpty() ? Map.of() : Map.of("os", List.copyOf(fellBack)),
                digests, null);
    }
}
