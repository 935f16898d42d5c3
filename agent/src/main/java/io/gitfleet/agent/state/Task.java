package io.gitfleet.agent.state;

import io.gitfleet.agent.boot.Slot;
import io.gitfleet.schema.Instruction;
import java.util.HashMap;
import java.util.Map;

/**
 * The one task the agent works on, as persisted. {@code target} is the slot being written (or rolled back to),
 * {@code previous} the slot booted when the task began. {@code armedBootId} is the boot in which the switch was
 * armed (try-once set, primary switched, command done): a different boot id later means a boot happened since.
 * {@code rebootFromBootId} asks for one reboot away from a failed slot. {@code entries} feeds the loop detector.
 */
public record Task(Instruction.Spec spec, State state, Slot target, Slot previous, String armedBootId,
                   String rebootFromBootId, boolean manual, long bytesDone, long bytesTotal, String message,
                   String failureReason, Map<String, Integer> entries, long sinceMillis) {
    public Task {
        entries = entries == null ? Map.of() : Map.copyOf(entries);
    }

    public static Task begin(Instruction.Spec spec, boolean manual, long now) {
        long total = spec.image() == null ? 0 : spec.image().size();
        return new Task(spec, State.IDLE, null, null, null, null, manual, 0, total, null, null, Map.of(), now);
    }

    public boolean sameInstruction(Instruction.Spec other) {
        return other != null && spec.upgrade().equals(other.upgrade()) && spec.attempt() == other.attempt();
    }

    /**
     * Whether a withdrawal may still stop this task safely: before the boot switch, which includes a slot staged
     * ahead (stage only) that nothing has armed yet.
     */
    public boolean cancellable() {
        return state.cancellable() || state == State.STAGED && spec.isStageOnly() && armedBootId == null;
    }

    /** The same task under the activating instruction (same upgrade, attempt and image, no longer stage only). */
    public Task withSpec(Instruction.Spec activating) {
        return new Task(activating, state, target, previous, armedBootId, rebootFromBootId, manual, bytesDone,
                bytesTotal, message, failureReason, entries, sinceMillis);
    }

    public Task enter(State next, long now) {
        Map<String, Integer> counted = new HashMap<>(entries);
        counted.merge(next.name(), 1, Integer::sum);
        return new Task(spec, next, target, previous, armedBootId, rebootFromBootId, manual, bytesDone, bytesTotal,
                message, failureReason, counted, now);
    }

    public Task withSlots(Slot newTarget, Slot newPrevious) {
        return new Task(spec, state, newTarget, newPrevious, armedBootId, rebootFromBootId, manual, bytesDone,
                bytesTotal, message, failureReason, entries, sinceMillis);
    }

    public Task armed(String bootId) {
        return new Task(spec, state, target, previous, bootId, rebootFromBootId, manual, bytesDone, bytesTotal,
                message, failureReason, entries, sinceMillis);
    }

    public Task rebootFrom(String bootId) {
        return new Task(spec, state, target, previous, armedBootId, bootId, manual, bytesDone, bytesTotal, message,
                failureReason, entries, sinceMillis);
    }

    public Task progress(long done, long total) {
        return new Task(spec, state, target, previous, armedBootId, rebootFromBootId, manual, done, total, message,
                failureReason, entries, sinceMillis);
    }

    public Task message(String text) {
        return new Task(spec, state, target, previous, armedBootId, rebootFromBootId, manual, bytesDone, bytesTotal,
                text, failureReason, entries, sinceMillis);
    }

    public Task failed(String reason) {
        return new Task(spec, state, target, previous, armedBootId, rebootFromBootId, manual, bytesDone, bytesTotal,
                message, reason, entries, sinceMillis);
    }
}
