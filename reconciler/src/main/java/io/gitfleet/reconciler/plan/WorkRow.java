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
 * Only the fields every loop of a pass reads are copied from the previous record; the rest are read through it
 * until a pass first changes one of them (then {@link Changes} holds them all). A 100,000-node pass over ten
 * upgrades makes a million of these: half the size is half the young collections.
 */
final class WorkRow {
    static final int MAX_TRANSITIONS = 16;
    /** {@link #order} of a row that has none yet. */
    private static final int NO_ORDER = -1;

    final String node;
    private final NodeRow original;
    private boolean dirty;
    /** The cold fields once a pass changed one; null while they are the original's. */
    private Changes changes;

    Role role;
    NodePhase phase;
    private int order;
    boolean canary;
    int attempt;
    /** Instructed to stage only: downloading, writing, verifying or staged, without a boot switch yet. */
    boolean staging;

    /** Set during the pass: a Pending row whose node may move to the target now (rules allow it). */
    boolean eligible;
    /** Set during the pass: the node is no longer selected; the row stays only while its step finishes. */
    boolean deselected;

    /** The fields a pass rarely changes, copied from the original on the first change. */
    private static final class Changes {
        Action action;
        String from;
        String to;
        Integer batch;
        String nonce;
        String slot;
        String message;
        String failureReason;
        Instant since;
        List<Transition> transitions;
        /** The sha256 of the image this attempt was instructed with. */
        String image;
        /** When the disruption of this attempt began: the boot switch was allowed. */
        Instant activatedAt;
    }

    private WorkRow(String node, NodeRow original) {
        this.node = node;
        this.original = original;
    }

    static WorkRow of(NodeRow r) {
        WorkRow w = new WorkRow(r.node(), r);
        w.role = r.role();
        w.phase = r.phase();
        w.order = r.order() == null ? NO_ORDER : r.order();
        w.canary = r.isCanary();
        w.attempt = r.attempt();
        w.staging = r.isStaging();
        return w;
    }

    static WorkRow fresh(String node, Role role, Instant now) {
        WorkRow w = new WorkRow(node, null);
        w.role = role;
        w.phase = NodePhase.Pending;
        w.order = NO_ORDER;
        w.changes = new Changes();
        w.changes.since = now;
        w.changes.transitions = List.of();
        w.dirty = true;
        return w;
    }

    /** The cold fields, copied from the original on first use. */
    private Changes changes() {
        if (changes == null) {
            Changes c = new Changes();
            c.action = original.action();
            c.from = original.from();
            c.to = original.to();
            c.batch = original.batch();
            c.nonce = original.nonce();
            c.slot = original.slot();
            c.message = original.message();
            c.failureReason = original.failureReason();
            c.since = original.since();
            c.transitions = original.transitions();
            c.image = original.image();
            c.activatedAt = original.activatedAt();
            changes = c;
        }
        return changes;
    }

    Action action() {
        return changes != null ? changes.action : original.action();
    }

    String from() {
        return changes != null ? changes.from : original.from();
    }

    String to() {
        return changes != null ? changes.to : original.to();
    }

    Integer batch() {
        return changes != null ? changes.batch : original.batch();
    }

    String nonce() {
        return changes != null ? changes.nonce : original.nonce();
    }

    String slot() {
        return changes != null ? changes.slot : original.slot();
    }

    String message() {
        return changes != null ? changes.message : original.message();
    }

    String failureReason() {
        return changes != null ? changes.failureReason : original.failureReason();
    }

    Instant since() {
        return changes != null ? changes.since : original.since();
    }

    List<Transition> transitions() {
        return changes != null ? changes.transitions : original.transitions();
    }

    String image() {
        return changes != null ? changes.image : original.image();
    }

    Instant activatedAt() {
        return changes != null ? changes.activatedAt : original.activatedAt();
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
        Changes c = changes();
        phase = next;
        c.since = now;
        List<Transition> before = c.transitions;
        List<Transition> t = new ArrayList<>(before.size() + 1);
        t.addAll(before.size() >= MAX_TRANSITIONS
                ? before.subList(before.size() - MAX_TRANSITIONS + 1, before.size()) : before);
        t.add(new Transition(next, now));
        c.transitions = t;
        dirty = true;
    }

    void message(String m) {
        if (!Objects.equals(message(), m)) {
            changes().message = m;
            dirty = true;
        }
    }

    void failureReason(String r) {
        if (!Objects.equals(failureReason(), r)) {
            changes().failureReason = r;
            dirty = true;
        }
    }

    void from(String v) {
        if (!Objects.equals(from(), v)) {
            changes().from = v;
            dirty = true;
        }
    }

    void to(String v) {
        if (!Objects.equals(to(), v)) {
            changes().to = v;
            dirty = true;
        }
    }

    void order(int o) {
        if (order != o) {
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
        if (!Objects.equals(nonce(), n)) {
            changes().nonce = n;
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
        Changes c = changes();
        attempt++;
        c.action = a;
        c.batch = batchNumber;
        canary = canary || isCanary;
        c.slot = slotName;
        c.message = null;
        c.failureReason = null;
        staging = stageOnly;
        c.image = imageSha;
        c.activatedAt = stageOnly ? null : now;
        dirty = true;
        moveTo(NodePhase.Instructed, now);
    }

    /** A row staged ahead may switch its boot slot now: its disruption begins. */
    void activate(int batchNumber, boolean isCanary, Instant now) {
        Changes c = changes();
        staging = false;
        c.activatedAt = now;
        c.batch = batchNumber;
        canary = canary || isCanary;
        c.message = null;
        dirty = true;
    }

    /** The agent went past its boot switch without an activation (an agent that cannot stage only). */
    void disruptedAnyway(Instant now) {
        if (staging) {
            staging = false;
            changes().activatedAt = now;
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
        Changes c = changes();
        return new NodeRow(node, role, phase, c.action, c.from, c.to, order == NO_ORDER ? null : order, c.batch,
                canary, attempt, c.nonce, c.slot, c.message, c.failureReason, c.since, c.transitions,
                staging && phase.inFlight(), c.image, c.activatedAt);
    }
}
