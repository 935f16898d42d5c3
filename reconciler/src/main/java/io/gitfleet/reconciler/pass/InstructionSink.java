package io.gitfleet.reconciler.pass;

import io.gitfleet.schema.Instruction;
import java.util.SortedMap;

/**
 * Receives the instructions of a pass, after the status that explains them is recorded: node name → the one
 * instruction for that node. Nodes absent from the map get none. The server hands them to waiting agents.
 */
@FunctionalInterface
public interface InstructionSink {
    InstructionSink NONE = instructions -> { };

    void deliver(SortedMap<String, Instruction> instructions);
}
