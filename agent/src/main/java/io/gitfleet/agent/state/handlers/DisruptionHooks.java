package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.AgentConfig;
import io.gitfleet.agent.AgentLog;

import io.gitfleet.agent.health.HookRunner;
import io.gitfleet.agent.health.ProcessResult;
import io.gitfleet.agent.health.RunProcessCommand;
import io.gitfleet.agent.state.HookLedger;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.Task;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's hooks around a disruption, with ownership of the cordon: before it, the drain (recording first
 * that gitfleet cordons, unless {@code cordonCheck} says someone else already did) and the {@code preReboot} lines;
 * once the task ended, {@code postSuccess}, {@code onFailure} or {@code onCancel}, then the uncordon if, and only
 * if, the cordon is gitfleet's. The record lives in {@link HookLedger}, so a reboot or a crash changes nothing.
 */
public final class DisruptionHooks {
    /** cordonCheck's answers; anything else means it cannot tell, and nothing is drained. */
    static final int CORDONED_BY_SOMEONE_ELSE = 0;
    static final int NOT_CORDONED = 1;

    private final StepContext ctx;
    private final HookLedger ledger;
    private final Runnable reportOnly;

    /** {@code reportOnly}: reports while the end hooks run, without acting on the answer. */
    public DisruptionHooks(StepContext ctx, Runnable reportOnly) {
        this.ctx = ctx;
        this.ledger = new HookLedger(Path.of(ctx.config().stateDir()));
        this.reportOnly = reportOnly;
    }

    /**
     * Drain (with ownership), then the preReboot lines; the first failure stops them and is returned. A hook record
     * that cannot be read or written is such a failure too: nothing is drained that gitfleet could not undo.
     */
    HookRunner.Outcome before(Task task) throws InterruptedException {
        try {
            return drainThenPreReboot(task);
        } catch (IOException e) {
            return new HookRunner.Outcome(false, "cannot record who cordons the node: " + e.getMessage());
        }
    }

    private HookRunner.Outcome drainThenPreReboot(Task task) throws IOException, InterruptedException {
        AgentConfig.Hooks hooks = ctx.config().hooks();
        Map<String, String> env = ctx.hookEnv(task);
        if (hooks.drain() != null && !hooks.drain().isBlank()) {
            HookLedger.Entry entry = ledger.load();
            boolean ours = entry != null && entry.cordon() != null;
            if (!ours) {
                CordonCheck check = checkCordon(hooks, env);
                if (check.problem() != null) {
                    return new HookRunner.Outcome(false, check.problem());
                }
                if (!check.someoneElse()) {
                    // Recorded before the drain runs: a drain that cordons and then fails (or a crash in the middle)
                    // still leaves a cordon that is gitfleet's to undo.
                    ledger.save(new HookLedger.Entry(new Report.Cordon(task.spec().upgrade(), task.spec().attempt(),
                            Instant.ofEpochMilli(System.currentTimeMillis()).toString()),
                            entry == null ? null : entry.ended()));
                } else {
                    AgentLog.info("the node is already cordoned by someone else: draining, but gitfleet will not "
                            + "uncordon it");
                }
            }
            HookRunner.Outcome drained = ctx.hooks().run("drain", List.of(hooks.drain()), env);
            if (!drained.ok()) {
                return drained;
            }
        }
        return ctx.hooks().run("pre-reboot", hooks.preReboot(), env);
    }

    /** What cordonCheck said: cordoned by someone else or not, or why it could not tell. */
    private record CordonCheck(boolean someoneElse, String problem) {
    }

    private CordonCheck checkCordon(AgentConfig.Hooks hooks, Map<String, String> env) throws InterruptedException {
        if (hooks.cordonCheck() == null || hooks.cordonCheck().isBlank()) {
            // Without a check gitfleet cannot tell an operator's cordon apart: it takes the cordon as its own.
            return new CordonCheck(false, null);
        }
        ProcessResult r;
        try {
            r = new RunProcessCommand(List.of("/bin/sh", "-c", hooks.cordonCheck())).setTimeout(timeout())
                    .setEnvironment(env).setHeartbeat(() -> ctx.link().checkpoint(false), ctx.progressInterval())
                    .call();
        } catch (IOException e) {
            return new CordonCheck(false, "cordon check '" + hooks.cordonCheck() + "' could not start: "
                    + e.getMessage());
        }
        if (!r.timedOut() && r.exitCode() == CORDONED_BY_SOMEONE_ELSE) {
            return new CordonCheck(true, null);
        }
        if (!r.timedOut() && r.exitCode() == NOT_CORDONED) {
            return new CordonCheck(false, null);
        }
        return new CordonCheck(false, r.describe("cordon check '" + hooks.cordonCheck() + "'", 600)
                + " (0 means cordoned by someone else, 1 not cordoned; anything else cannot tell)");
    }

    /**
     * Once per ended task: its outcome's hooks, then the uncordon when the cordon is gitfleet's. A failing hook
     * cannot change how the task ended; it is logged and put in the task's message. A failed uncordon keeps the
     * record (and the report's {@code cordon}) and is tried again at the next start and the next task's end.
     */
    public void afterEnd(Task task) throws IOException, InterruptedException {
        if (task == null || !task.state().terminal() || task.state() == State.IDLE) {
            return;
        }
        HookLedger.Entry entry = ledger.load();
        String key = HookLedger.key(task);
        if (entry != null && key.equals(entry.ended()) && entry.cordon() == null) {
            return;
        }
        boolean endHooksDue = entry == null || !key.equals(entry.ended());
        AgentConfig.Hooks hooks = ctx.config().hooks();
        Map<String, String> env = new HashMap<>(ctx.hookEnv(task));
        List<String> lines = List.of();
        String kind = null;
        switch (task.state()) {
            case COMPLETED, ROLLED_BACK -> {
                lines = hooks.postSuccess();
                kind = "post-success";
                env.put("GITFLEET_RESULT", "succeeded");
            }
            case FAILED -> {
                boolean cancelled = Report.CANCELLED.equals(task.failureReason());
                lines = cancelled ? hooks.onCancel() : hooks.onFailure();
                kind = cancelled ? "on-cancel" : "on-failure";
                env.put("GITFLEET_RESULT", cancelled ? "cancelled" : "failed");
                env.put("GITFLEET_REASON", task.failureReason() == null ? "" : task.failureReason());
            }
            default -> env.put("GITFLEET_RESULT", "skipped");
        }
        // Not the loop's heartbeat: its answer could start the next task while this one's hooks still run. These
        // reports only say that the node is alive (with the cordon it still holds).
        HookRunner quiet = new HookRunner(timeout(), reportOnly, ctx.progressInterval());
        if (endHooksDue && kind != null && !lines.isEmpty()) {
            HookRunner.Outcome outcome = quiet.run(kind, lines, env);
            if (!outcome.ok()) {
                note(outcome.message());
            }
        }
        Report.Cordon cordon = entry == null ? null : entry.cordon();
        if (cordon != null) {
            HookRunner.Outcome un = quiet.run("uncordon", List.of(hooks.uncordon()), env);
            if (un.ok()) {
                AgentLog.info("uncordoned the node gitfleet cordoned for " + cordon.upgrade() + "#"
                        + cordon.attempt());
                cordon = null;
            } else {
                note(un.message() + "; the node stays cordoned by gitfleet, the uncordon is tried again later");
            }
        }
        ledger.save(new HookLedger.Entry(cordon, key));
    }

    /** Marks the ended task as handled without running anything: an agent that ran before end hooks existed. */
    public void adopt(Task task) throws IOException {
        if (ledger.load() == null) {
            ledger.save(new HookLedger.Entry(null, task == null || !task.state().terminal() ? null
                    : HookLedger.key(task)));
        }
    }

    /** Gitfleet's cordon, for the report; null when it holds none (or the record cannot be read). */
    public Report.Cordon cordon() {
        try {
            HookLedger.Entry entry = ledger.load();
            return entry == null ? null : entry.cordon();
        } catch (IOException e) {
            return null;
        }
    }

    private void note(String message) {
        AgentLog.info(message);
        Task t = ctx.machine().task();
        if (t != null) {
            ctx.machine().updateTask(x -> x.message(x.message() == null ? message : x.message() + "; " + message));
        }
    }

    private Duration timeout() {
        return AgentConfig.duration(ctx.config().hooks().timeout(), Duration.ofMinutes(5));
    }
}
