package io.gitfleet.agent.state;

import io.gitfleet.schema.Instruction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Applies {@link TransitionTable} to the persisted {@link AgentState}. Each transition is saved (fsync, rename,
 * fsync dir) before the new state's handler runs, so whatever happens next, a restart resumes from it.
 */
public final class StateMachine {
    private final StateStore store;
    private final LoopDetector loops;
    private final Clock clock;
    private final Consumer<Task> onTransition;
    private AgentState state;

    public StateMachine(StateStore store, AgentState state, LoopDetector loops, Clock clock, Consumer<Task> onTransition) {
        this.store = store;
        this.state = state;
        this.loops = loops;
        this.clock = clock;
        this.onTransition = onTransition;
    }

    public synchronized AgentState state() {
        return state;
    }

    public synchronized Task task() {
        return state.task();
    }

    /** Accepts a new instruction: an unseen retry nonce clears the fell-back mark of its version. */
    public synchronized Task begin(Instruction.Spec spec, boolean manual) {
        AgentState next = state;
        String nonce = spec.nonce();
        if (nonce != null && !nonce.isEmpty() && !next.seenNonces().contains(nonce)) {
            next = next.withRetry(nonce, spec.component(), spec.version());
        }
        Task task = Task.begin(spec, manual, clock.millis());
        state = next.withTask(task);
        return fire(Event.INSTRUCT, null);
    }

    /** Moves the task along the table and saves it; a failure reason goes with FAIL, REFUSED, CANCEL, BOOTED_OTHER. */
    public synchronized Task fire(Event event, String detail) {
        Task task = state.task();
        if (task == null) {
            throw new IllegalStateException("no task to apply " + event + " to");
        }
        Optional<State> to = TransitionTable.next(task.state(), event);
        if (to.isEmpty()) {
            throw new IllegalStateException("no transition from " + task.state() + " on " + event);
        }
        State next = to.get();
        String reason = next == State.FAILED ? detail : null;
        Optional<String> loop = loops.check(task.entries(), next);
        if (loop.isPresent()) {
            next = State.FAILED;
            reason = loop.get();
        }
        Task moved = task.enter(next, clock.millis()).failed(reason);
        if (next != State.FAILED && detail != null) {
            moved = moved.message(detail);
        }
        save(state.withTask(moved));
        onTransition.accept(moved);
        return moved;
    }

    /** Persists a change that is not a transition (slot versions, the armed boot id, …). */
    public synchronized AgentState update(UnaryOperator<AgentState> change) {
        save(change.apply(state));
        return state;
    }

    public synchronized Task updateTask(UnaryOperator<Task> change) {
        return update(s -> s.withTask(change.apply(s.task()))).task();
    }

    /** Byte progress: kept in memory and reported, not worth an fsync per buffer. */
    public synchronized void progress(long done, long total) {
        if (state.task() != null) {
            state = state.withTask(state.task().progress(done, total));
        }
    }

    private void save(AgentState next) {
        try {
            store.save(next);
        } catch (IOException e) {
            // e names the file and the system's reason (a full partition, a failing disk).
            throw new UncheckedIOException("cannot save the agent state: " + e.getMessage(), e);
        }
        state = next;
    }
}
