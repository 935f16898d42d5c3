package io.gitfleet.reconciler.pass;

import io.gitfleet.schema.Instruction;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Hands the recorded plan's instructions to the sink. While new starts are held, only nodes that were already in
 * flight before the pass get one: nothing new starts from a commit that was not accepted.
 */
final class InstructStep implements Step {
    private final InstructionSink sink;

    InstructStep(InstructionSink sink) {
        this.sink = sink;
    }

    @Override
    public String name() {
        return "instruct";
    }

    @Override
    public void run(PassState s) {
        SortedMap<String, Instruction> out = new TreeMap<>();
        if (s.plan != null) {
            s.plan.instructions().forEach((node, i) -> {
                if (!s.holdNewStarts || s.inFlightBefore.contains(node)) {
                    out.put(node, i);
                }
            });
        }
        s.instructions = out;
        sink.deliver(out);
    }
}
