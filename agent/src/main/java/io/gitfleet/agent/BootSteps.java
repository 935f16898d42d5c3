package io.gitfleet.agent;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.health.HookRunner;
import io.gitfleet.agent.health.ProcessResult;
import io.gitfleet.agent.health.RunProcessCommand;
import io.gitfleet.agent.install.CommandLine;
import io.gitfleet.agent.install.InstallException;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.Task;
import io.gitfleet.schema.Action;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The handlers from the boot switch on. Each first asks whether a boot happened since the switch was armed
 * (the boot id changed): that is how a handler re-entered after a crash, a power cut or a reboot knows where
 * it stands. All of them are idempotent.
 */
final class BootSteps {
    static final String ROLLED_BACK_BY_BOOTLOADER = "rolled back by bootloader";

    private final StepContext ctx;
    private final DisruptionHooks disruption;

    BootSteps(StepContext ctx) {
        this.ctx = ctx;
        this.disruption = new DisruptionHooks(ctx, () -> { });
    }

    /**
     * The bootloader is set to try the new slot once, then the pre-reboot hooks run. A task told to stage only
     * stops here, before anything is armed, until the same instruction comes without stage-only (activate) or is
     * withdrawn (the staged slot is dropped).
     */
    Step staged(Task task) throws IOException, InterruptedException {
        if (task.spec().isStageOnly() && task.armedBootId() == null) {
            if (ctx.link().cancelRequested()) {
                return Step.of(Event.CANCEL, new io.gitfleet.agent.install.CancelledException().reason());
            }
            return Step.STAGED_AHEAD;
        }
        if (task.armedBootId() == null && task.spec().install() != null && !task.spec().install().upgradeActive()) {
            // install.upgradeActive: false: written and verified, and that is all; the boot stays as it is.
            return Step.of(Event.KEPT_STAGED, "slot " + task.target().wire() + " holds " + task.spec().version()
                    + "; the boot was not switched (install.upgradeActive: false)");
        }
        BootEnv boot = ctx.boot();
        Step booted = afterBoot(task, boot);
        if (booted != null) {
            return booted;
        }
        if (task.armedBootId() == null) {
            ctx.node().bootloader().tryOnce(task.target());
            ctx.machine().updateTask(t -> t.armed(boot.bootId()));
        }
        return preReboot(ctx.machine().task());
    }

    /** Rollback: the previous (good) slot becomes the primary again; no download. */
    Step rollbackStaged(Task task) throws IOException, InterruptedException {
        BootEnv boot = ctx.boot();
        Step booted = afterBoot(task, boot);
        if (booted != null) {
            return booted;
        }
        if (task.armedBootId() == null) {
            ctx.node().bootloader().setPrimary(task.target());
            ctx.machine().updateTask(t -> t.armed(boot.bootId()));
        }
        return preReboot(ctx.machine().task());
    }

    Step rebooting(Task task) throws IOException, InterruptedException {
        Step booted = afterBoot(task, ctx.boot());
        if (booted != null) {
            return booted;
        }
        if (task.manual()) {
            return Step.DORMANT;
        }
        if (ctx.node().rebooter().reboot()) {
            return Step.REBOOTED_IN_PLACE;
        }
        // The machine is going down; if it is still up after the timeout, the reboot did not happen.
        ctx.link().sleep(ctx.rebootTimeout());
        return Step.of(Event.NOT_REBOOTED, "still up " + ctx.rebootTimeout().toSeconds() + " s after asking for a reboot");
    }

    Step checkingHealth(Task task) throws IOException, InterruptedException {
        BootEnv boot = ctx.boot();
        if (task.target() != null && boot.booted() != task.target()) {
            // Another boot came before the slot was confirmed (power cut, watchdog): the bootloader fell back.
            ctx.machine().update(s -> s.withFailedVersion(task.spec().component(), task.spec().version()));
            return Step.of(Event.BOOTED_OTHER, ROLLED_BACK_BY_BOOTLOADER);
        }
        HookRunner.Outcome outcome = ctx.health().check(ctx.hookEnv(task));
        if (!outcome.ok()) {
            if (task.target() != null) {
                // Back to the slot that is known good: never confirm this one, reboot once into the primary.
                String bootId = ctx.boot().bootId();
                ctx.machine().update(s -> s.withFailedVersion(task.spec().component(), task.spec().version())
                        .withTask(s.task().rebootFrom(bootId)));
            }
            return Step.of(Event.FAIL, "health check failed: " + outcome.message());
        }
        if (task.target() != null) {
            ctx.node().bootloader().markGood(task.target());
        } else {
            String digest = task.spec().image() == null ? null : task.spec().image().sha256();
            ctx.machine().update(s -> s.withInstalledImage(task.spec().component(), task.spec().version(), digest));
        }
        return Step.of(Event.HEALTHY, "health checks passed" + (task.target() == null ? ""
                : "; slot " + task.target().wire() + " marked good"));
    }

    /**
     * The command installer: its install command (or, for a rollback, its rollback command), after the drain and
     * pre-reboot hooks, since the command itself may already disrupt. It gets the payload as placeholders, and whole
     * as JSON on stdin and in the file {@code $GITFLEET_PAYLOAD}; it asks for a reboot by exiting with
     * {@link CommandRun#REBOOT_EXIT_CODE} or by creating the file {@code $GITFLEET_REBOOT_REQUIRED}.
     */
    Step runningCommand(Task task) throws IOException, InterruptedException {
        boolean undo = task.spec().action() == Action.ROLLBACK;
        String what = undo ? "the rollback command" : "the install command";
        CommandRun command = new CommandRun(ctx, task);
        try {
            command.argv();
        } catch (InstallException e) {
            return Step.of(Event.FAIL, e.reason());
        }
        HookRunner.Outcome before = disruption.before(task);
        if (!before.ok()) {
            return Step.of(Event.FAIL, "pre-reboot hook failed: " + before.message());
        }
        CommandRun.Outcome run;
        try {
            run = command.call();
        } catch (InstallException e) {
            return Step.of(Event.FAIL, e.reason());
        } catch (IOException e) {
            return Step.of(Event.FAIL, what + " could not start: " + e.getMessage());
        }
        if (!run.ok()) {
            // The reason must fit the report (1024 characters): the head says what, the tail says why.
            return Step.of(Event.FAIL, run.result().describe(what, 900));
        }
        if (undo) {
            // the previous version is not known here: unknown (a probe, or the config, says what runs)
            ctx.machine().update(s -> s.withoutInstalled(task.spec().component()));
        }
        String tail = run.result().tail().strip();
        if (run.reboot()) {
            String bootId = ctx.boot().bootId();
            ctx.machine().updateTask(t -> t.armed(bootId));
            return Step.of(undo ? Event.UNDONE_REBOOT : Event.COMMAND_DONE_REBOOT, tail);
        }
        return Step.of(undo ? Event.UNDONE : Event.COMMAND_DONE, tail);
    }

    /**
     * After a task failed: a written slot that is not running is marked bad (which also drops a pending try),
     * and a node left running an unhealthy new slot reboots once into its primary. Safe to repeat.
     * @return true when that reboot happened in place
     */
    boolean afterFailure(Task task) throws IOException {
        if (task == null || task.target() == null || ctx.node().bootloader() == null) {
            return false;
        }
        BootEnv boot = ctx.boot();
        if (task.spec().action() == Action.ROLLBACK) {
            // A rollback that failed before its reboot (e.g. the drain) leaves the node as it was.
            if (boot.booted() == task.previous() && boot.primary() == task.target()) {
                ctx.node().bootloader().setPrimary(task.previous());
            }
            return false;
        }
        if (boot.booted() != task.target()) {
            if (boot.state(task.target()) != io.gitfleet.schema.Report.SlotState.BAD || boot.tryOnce() == task.target()) {
                ctx.node().bootloader().markBad(task.target());
            }
            return false;
        }
        if (task.rebootFromBootId() != null && task.rebootFromBootId().equals(boot.bootId())) {
            ctx.node().bootloader().markBad(task.target());
            return ctx.node().rebooter().reboot();
        }
        return false;
    }

    private Step preReboot(Task task) throws IOException, InterruptedException {
        if (task.manual()) {
            // A manual install leaves the reboot (and draining before it) to the operator.
            return Step.of(Event.HOOKS_DONE, "set to boot slot " + task.target().wire() + " once; reboot when ready");
        }
        HookRunner.Outcome hooks = disruption.before(task);
        if (!hooks.ok()) {
            return Step.of(Event.FAIL, "pre-reboot hook failed: " + hooks.message());
        }
        return Step.of(Event.HOOKS_DONE, "rebooting");
    }

    /** Null while no boot happened since the switch was armed; otherwise where the boot landed. */
    private Step afterBoot(Task task, BootEnv boot) {
        String armed = task.armedBootId();
        Slot target = task.target();
        boolean bootedTarget = target == null || boot.booted() == target;
        if (armed == null) {
            // Crashed between arming and recording it, then booted: only landing on the target proves the try.
            return target != null && boot.booted() == target && boot.booted() != task.previous()
                    ? Step.of(Event.BOOTED_TARGET, "booted slot " + target.wire()) : null;
        }
        if (armed.equals(boot.bootId())) {
            return null;
        }
        if (bootedTarget) {
            return Step.of(Event.BOOTED_TARGET, target == null ? "rebooted" : "booted slot " + target.wire());
        }
        if (task.spec().action() == Action.ROLLBACK) {
            return Step.of(Event.BOOTED_OTHER, "rollback failed: the bootloader booted slot "
                    + (boot.booted() == null ? "?" : boot.booted().wire()) + ", not " + target.wire());
        }
        ctx.machine().update(s -> s.withFailedVersion(task.spec().component(), task.spec().version()));
        return Step.of(Event.BOOTED_OTHER, ROLLED_BACK_BY_BOOTLOADER);
    }
}
