package io.gitfleet.version;

/** Whether one node may move to the target: proceed, already there, or refused (blocked or a downgrade). */
public sealed interface NodeVerdict permits NodeVerdict.Proceed, NodeVerdict.AtTarget, Rejection {

    record Proceed() implements NodeVerdict {
    }

    record AtTarget() implements NodeVerdict {
    }

    NodeVerdict PROCEED = new Proceed();
    NodeVerdict AT_TARGET = new AtTarget();
}
