package io.gitfleet.reconciler.server;

import io.gitfleet.reconciler.pass.InstructionSink;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.Report;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The instruction each node should hold, and the agents waiting for theirs (long poll). A pass delivers its
 * instructions here; every waiting agent whose instruction changed (new, or withdrawn) is answered at once, on
 * its own event loop. The others are answered when their wait runs out.
 */
public final class InstructionBoard implements InstructionSink {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InstructionBoard.class);
    private final Vertx vertx;
    private final Map<String, Instruction> current = new ConcurrentHashMap<>();
    private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    public InstructionBoard(Vertx vertx) {
        this.vertx = vertx;
    }

    private record Waiter(Promise<Optional<Instruction>> promise, Context context, AtomicBoolean done) {
        void answer(Optional<Instruction> instruction) {
            if (done.compareAndSet(false, true)) {
                context.runOnContext(v -> promise.tryComplete(instruction));
            }
        }
    }

    /** Above this many new instructions in one delivery, one summary line is logged instead of one per node. */
    static final int LOGGED_ONE_BY_ONE = 50;

    @Override
    public void deliver(SortedMap<String, Instruction> instructions) {
        // the waiting agents are answered first; logging 10,000 lines before the last of them would delay it
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Instruction> e : instructions.entrySet()) {
            Instruction before = current.put(e.getKey(), e.getValue());
            if (!sameTask(before, e.getValue())) {
                wake(e.getKey());
                changed.add(e.getKey());
            }
        }
        List<String> withdrawn = new ArrayList<>();
        for (String node : List.copyOf(current.keySet())) {
            if (!instructions.containsKey(node)) {
                current.remove(node);
                wake(node);
                withdrawn.add(node);
            }
        }
        if (changed.size() <= LOGGED_ONE_BY_ONE) {
            for (String node : changed) {
                Instruction.Spec i = instructions.get(node).spec();
                LOG.info("instruction for {}: {} #{} {} {} {}", node, i.upgrade(), i.attempt(), i.action(),
                        i.component(), i.version());
            }
        } else {
            Map<String, Integer> byTask = new java.util.TreeMap<>();
            for (String node : changed) {
                Instruction.Spec i = instructions.get(node).spec();
                byTask.merge(i.upgrade() + " #" + i.attempt() + " " + i.action() + " " + i.component() + " "
                        + i.version(), 1, Integer::sum);
            }
            LOG.info("instructions for {} nodes (first {}, last {}): {}", changed.size(), changed.get(0),
                    changed.get(changed.size() - 1), byTask);
        }
        if (withdrawn.size() <= LOGGED_ONE_BY_ONE) {
            withdrawn.forEach(node -> LOG.info("instruction for {} withdrawn", node));
        } else {
            LOG.info("instructions for {} nodes withdrawn (first {}, last {})", withdrawn.size(), withdrawn.get(0),
                    withdrawn.get(withdrawn.size() - 1));
        }
    }

    public Optional<Instruction> current(String node) {
        return Optional.ofNullable(current.get(node));
    }

    public int waiting() {
        return waiting.get();
    }

    /**
     * Answers an agent's round trip: at once if the board holds an instruction the agent has not taken up yet (or
     * {@code wait} is zero), otherwise when its instruction changes or {@code wait} runs out. Call on an event loop.
     */
    public Future<Optional<Instruction>> next(String node, Report.Task agentTask, Duration wait) {
        return next(node, agentTask, wait, Promise.<Void>promise().future());
    }

    /**
     * As {@link #next(String, Report.Task, Duration)}; when {@code abandoned} completes (the agent's connection
     * closed or was reset) the waiter is dropped at once instead of when its wait runs out.
     */
    public Future<Optional<Instruction>> next(String node, Report.Task agentTask, Duration wait, Future<?> abandoned) {
        Instruction now = current.get(node);
        boolean news = now != null && (agentTask == null || !now.spec().upgrade().equals(agentTask.upgrade())
                || now.spec().attempt() != agentTask.attempt());
        if (news || wait.isZero()) {
            return Future.succeededFuture(Optional.ofNullable(now));
        }
        Context context = vertx.getOrCreateContext();
        Promise<Optional<Instruction>> promise = Promise.promise();
        Waiter waiter = new Waiter(promise, context, new AtomicBoolean());
        waiters.computeIfAbsent(node, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(waiter);
        waiting.incrementAndGet();
        long timer = vertx.setTimer(Math.max(1, wait.toMillis()), t -> waiter.answer(current(node)));
        abandoned.onComplete(gone -> waiter.answer(Optional.empty()));
        return promise.future().onComplete(done -> {
            vertx.cancelTimer(timer);
            List<Waiter> list = waiters.get(node);
            if (list != null) {
                list.remove(waiter);
            }
            waiting.decrementAndGet();
        });
    }

    private void wake(String node) {
        List<Waiter> list = waiters.get(node);
        if (list == null) {
            return;
        }
        Optional<Instruction> instruction = current(node);
        for (Waiter w : new ArrayList<>(list)) {
            w.answer(instruction);
        }
    }

    private static boolean sameTask(Instruction a, Instruction b) {
        return a != null && b != null && a.spec().upgrade().equals(b.spec().upgrade())
                && a.spec().attempt() == b.spec().attempt() && Objects.equals(a.spec().action(), b.spec().action());
    }
}
