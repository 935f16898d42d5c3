package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.health.HookRunner;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.Task;
import java.io.IOException;

/**
 * CHECKING_HEALTH: up again in the new slot (or after the command installer), the health hooks decide; healthy, the
 * slot is marked good. A boot into another slot before that means the bootloader fell back.
 */
final class CheckingHealthHandler implements StateHandler {
    private final StepContext ctx;

    CheckingHealthHandler(StepContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Step handle(Task task) throws IOException, InterruptedException {
        BootEnv boot = ctx.boot();
        if (task.target() != null && boot.booted() != task.target()) {
            // Another boot came before the slot was confirmed (power cut, watchdog): the bootloader fell back.
            ctx.machine().update(s -> s.withFailedVersion(task.spec().component(), task.spec().version()));
            return Step.of(Event.BOOTED_OTHER, BootSwitch.ROLLED_BACK_BY_BOOTLOADER);
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
}
