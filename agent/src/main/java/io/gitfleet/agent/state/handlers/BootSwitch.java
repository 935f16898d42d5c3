package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.health.HookRunner;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.Task;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Report;
import java.io.IOException;

/**
 * What the handlers from the boot switch on share. Each first asks whether a boot happened since the switch was
 * armed (the boot id changed): that is how a handler re-entered after a crash, a power cut or a reboot knows where
 * it stands. All of them are idempotent. The cleanup after a failed task lives here too: it undoes a switch.
 */
final class BootSwitch {
    static final String ROLLED_BACK_BY_BOOTLOADER = "rolled back by bootloader";

    private final StepContext ctx;
    private final DisruptionHooks disruption;

    BootSwitch(StepContext ctx, DisruptionHooks disruption) {
        this.ctx = ctx;
        this.disruption = disruption;
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
            if (boot.state(task.target()) != Report.SlotState.BAD || boot.tryOnce() == task.target()) {
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

    Step preReboot(Task task) throws IOException, InterruptedException {
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
    Step afterBoot(Task task, BootEnv boot) {
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
