package io.gitfleet.version;

/** An expected refusal, with a reason code and a sentence for people. */
public record Rejection(Reason reason, String message) implements TargetResolution, NodeVerdict {
}
