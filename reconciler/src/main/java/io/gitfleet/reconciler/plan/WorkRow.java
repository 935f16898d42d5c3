package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.UpgradeStatus.NodeRow;
import io.gitfleet.schema.UpgradeStatus.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One node's row while a pass works on it. Mutable for the length of a pass; {@link #toRecord()} hands back
 * the previous record untouched when nothing changed, so unchanged rows cost no allocation and no diff.
 */
final class WorkRow {
    static final int MAX_TRANSITIONS = 16;

    final String node;
    private final NodeRow original;
    private boolean dirty;

    Role role;
    NodePhase phase;
    Action action;
    String from;
    String to;
    Integer order;
    Integer batch;
    boolean canary;
    int attempt;
    String nonce;
    String slot;
    String message;
    String failureReason;
    Instant since;
    List<Transition> transitions;
    /** Instructed to stage only: downloading, writing, verifying or staged, without a boot switch yet. */
    boolean staging;
    /** The sha256 of the image this attempt was instructed with. */
    String image;
    /** When the disruption of this attempt began: the boot switch was allowed. */
    Instant activatedAt;

    /** Set during the pass: a Pending row whose node may move to the target now (rules allow it). */
    boolean eligible;
    /** Set during the pass: the node is no longer selected; the row stays only while its step finishes. */
    boolean deselected;

    private WorkRow(String node, NodeRow original) {
        this.node = node;
        this.original = original;
    }

    static WorkRow of(NodeRow r) {
        WorkRow w = new WorkRow(r.node(), r);
        w.role = r.role();
        w.phase = r.phase();
        w.action = r.action();
        w.from = r.from();
        w.to = r.to();
        w.order = r.order();
        w.batch = r.batch();
        w.canary = r.isCanary();
        w.attempt = r.attempt();
        w.nonce = r.nonce();
        w.slot = r.slot();
        w.message = r.message();
        w.failureReason = r.failureReason();
        w.since = r.since();
        w.transitions = r.transitions();
        w.staging = r.isStaging();
        w.image = r.image();
        w.activatedAt = r.activatedAt();
        return w;
    }

    static WorkRow fresh(String node, Role role, Instant now) {
        WorkRow w = new WorkRow(node, null);
        w.role = role;
        w.phase = NodePhase.Pending;
        w.since = now;
        w.transitions = List.of();
        w.dirty = true;
        return w;
    }

    NodePhase originalPhase() {
        return original == null ? null : original.phase();
    }

    boolean isNew() {
        return original == null;
    }

    void moveTo(NodePhase next, Instant now) {
        if (next == phase) {
            return;
        }
        phase = next;
        since = now;
        List<Transition> t = new ArrayList<>(transitions.size() + 1);
        t.addAll(transitions.size() >= MAX_TRANSITIONS
                ? transitions.subList(transitions.size() - MAX_TRANSITIONS + 1, transitions.size()) : transitions);
        t.add(new Transition(next, now));
        transitions = t;
        dirty = true;
    }

    void message(String m) {
        if (!Objects.equals(message, m)) {
            message = m;
            dirty = true;
        }
    }

    void failureReason(String r) {
        if (!Objects.equals(failureReason, r)) {
            failureReason = r;
            dirty = true;
        }
    }

    void from(String v) {
        if (!Objects.equals(from, v)) {
            from = v;
            dirty = true;
        }
    }

    void to(String v) {
        if (!Objects.equals(to, v)) {
            to = v;
            dirty = true;
        }
    }

    void order(int o) {
        if (order == null || order != o) {
            order = o;
            dirty = true;
        }
    }

    void role(Role r) {
        if (role != r) {
            role = r;
            dirty = true;
        }
    }

    void nonce(String n) {
        if (!Objects.equals(nonce, n)) {
            nonce = n;
            dirty = true;
        }
    }

    /** Starts a new attempt of {@code action}: the agent will echo the attempt number in its reports. */
    void start(Action a, int batchNumber, boolean isCanary, String slotName, Instant now) {
        start(a, batchNumber, isCanary, slotName, now, false, null);
    }

    /**
     * Starts a new attempt; {@code stageOnly}: download, write and verify, no boot switch until {@link #activate};
     * otherwise the node's disruption begins now.
     */
    void start(Action a, int batchNumber, boolean isCanary, String slotName, Instant now, boolean stageOnly,
               String imageSha) {
        attempt++;
        action = a;
        batch = batchNumber;
        canary = canary || isCanary;
        slot = slotName;
        message = null;
        failureReason = null;
        staging = stageOnly;
        image = imageSha;
        activatedAt = stageOnly ? null : now;
        dirty = true;
        moveTo(NodePhase.Instructed, now);
    }

    /** A row staged ahead may switch its boot slot now: its disruption begins. */
    void activate(int batchNumber, boolean isCanary, Instant now) {
        staging = false;
        activatedAt = now;
        batch = batchNumber;
        canary = canary || isCanary;
        message = null;
        dirty = true;
    }

    /** The agent went past its boot switch without an activation (an agent that cannot stage only). */
    void disruptedAnyway(Instant now) {
        if (staging) {
            staging = false;
            activatedAt = now;
            dirty = true;
        }
    }

    /** Disrupted or about to be: in flight and not merely staging ahead. */
    boolean disruptive() {
        return phase.inFlight() && !staging;
    }

    NodeRow toRecord() {
        if (!dirty && original != null) {
            return original;
        }
        return new NodeRow(node, role, phase, action, from, to, order, batch, canary, attempt, nonce, slot, message,
                failureReason, since, transitions, staging && phase.inFlight(), image, activatedAt);
    }
}
