package io.gitfleet.agent.state.handlers;

import static io.gitfleet.agent.state.Event.*;
import static io.gitfleet.agent.state.State.*;

import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.Task;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Who handles each state: the dispatch map beside {@link io.gitfleet.agent.state.TransitionTable}. Every working
 * state has exactly one handler (a group of states the table treats alike shares one), listed with the events it
 * may produce in that state; {@code HandlersTest} holds each list against the table's row. One instance per agent
 * process start: the handlers keep what a transfer hands on to its verification in memory only.
 */
public final class Handlers {
    /** A state's handler and the events it may produce there (FAIL and CANCEL included, RESTART never). */
    public record Entry(StateHandler handler, Set<Event> events) {
    }

    private final Map<State, Entry> map = new EnumMap<>(State.class);
    private final StepContext ctx;
    private final BootSwitch boot;

    public Handlers(StepContext ctx, DisruptionHooks disruption) {
        this.ctx = ctx;
        this.boot = new BootSwitch(ctx, disruption);
        Images images = new Images(ctx);
        StateHandler transfer = new TransferHandler(ctx, images);
        StateHandler rebooting = new RebootingHandler(ctx, boot);

        on(INSTRUCTED, new InstructedHandler(ctx, images),
                CANCEL, REFUSED, AT_TARGET, IMAGE_CHECKED, ROLLBACK_CHECKED, COMMAND_CHECKED);
        // one streaming pass: FLOWING and RECONNECTING are fired from within it, as the bytes start and stop
        on(DOWNLOADING, transfer, FLOWING, CANCEL, FAIL);
        on(WRITING, transfer, RECONNECTING, WRITTEN, CANCEL, FAIL);
        on(VERIFYING, new VerifyingHandler(ctx, images), CANCEL, FAIL, VERIFIED);
        on(STAGED, new StagedHandler(ctx, boot),
                CANCEL, KEPT_STAGED, BOOTED_TARGET, BOOTED_OTHER, HOOKS_DONE, FAIL);
        on(REBOOTING, rebooting, BOOTED_TARGET, BOOTED_OTHER, NOT_REBOOTED);
        on(CHECKING_HEALTH, new CheckingHealthHandler(ctx), BOOTED_OTHER, FAIL, HEALTHY);
        on(RUNNING_COMMAND, new RunningCommandHandler(ctx, disruption),
                FAIL, COMMAND_DONE, COMMAND_DONE_REBOOT, UNDONE, UNDONE_REBOOT);
        on(ROLLBACK_STAGED, new RollbackStagedHandler(ctx, boot), BOOTED_TARGET, BOOTED_OTHER, HOOKS_DONE, FAIL);
        on(ROLLBACK_REBOOTING, rebooting, BOOTED_TARGET, BOOTED_OTHER, NOT_REBOOTED);
    }

    private void on(State state, StateHandler handler, Event... events) {
        if (map.put(state, new Entry(handler, Collections.unmodifiableSet(EnumSet.of(events[0], events)))) != null) {
            throw new IllegalStateException("two handlers for " + state);
        }
    }

    /** The map, for tests and docs. */
    public Map<State, Entry> entries() {
        return Collections.unmodifiableMap(map);
    }

    /**
     * Runs the handler of the task's state. The event it returns is applied to the state the task is in by then
     * (a transfer moves from Downloading to Writing while it runs), so that is the row it must be listed in.
     */
    public Step run(Task task) throws IOException, InterruptedException {
        Entry entry = map.get(task.state());
        if (entry == null) {
            throw new IllegalStateException("no handler for " + task.state());
        }
        Step step = entry.handler().handle(task);
        assert step.event() == null || declares(ctx.machine().task().state(), step.event())
                : "the handler of " + task.state() + " produced " + step.event() + " in "
                + ctx.machine().task().state() + ", which its entry in Handlers does not list";
        return step;
    }

    boolean declares(State state, Event event) {
        Entry entry = map.get(state);
        return entry != null && entry.events().contains(event);
    }

    /**
     * After a task failed: a written slot that is not running is marked bad, and a node left running an unhealthy
     * new slot reboots once into its primary. Returns true when that reboot happened in place.
     */
    public boolean afterFailure(Task task) throws IOException {
        return boot.afterFailure(task);
    }
}
