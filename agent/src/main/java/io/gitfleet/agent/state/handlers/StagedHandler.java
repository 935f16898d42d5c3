package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.install.CancelledException;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.Task;
import java.io.IOException;

/**
 * STAGED: the bootloader is set to try the new slot once, then the pre-reboot hooks run. A task told to stage only
 * stops here, before anything is armed, until the same instruction comes without stage-only (activate) or is
 * withdrawn (the staged slot is dropped).
 */
final class StagedHandler implements StateHandler {
    private final StepContext ctx;
    private final BootSwitch boot;

    StagedHandler(StepContext ctx, BootSwitch boot) {
        this.ctx = ctx;
        this.boot = boot;
    }

    @Override
    public Step handle(Task task) throws IOException, InterruptedException {
        if (task.spec().isStageOnly() && task.armedBootId() == null) {
            if (ctx.link().cancelRequested()) {
                return Step.of(Event.CANCEL, new CancelledException().reason());
            }
            return Step.STAGED_AHEAD;
        }
        if (task.armedBootId() == null && task.spec().install() != null && !task.spec().install().upgradeActive()) {
            // install.upgradeActive: false: written and verified, and that is all; the boot stays as it is.
            return Step.of(Event.KEPT_STAGED, "slot " + task.target().wire() + " holds " + task.spec().version()
                    + "; the boot was not switched (install.upgradeActive: false)");
        }
        BootEnv env = ctx.boot();
        Step booted = boot.afterBoot(task, env);
        if (booted != null) {
            return booted;
        }
        if (task.armedBootId() == null) {
            ctx.node().bootloader().tryOnce(task.target());
            ctx.machine().updateTask(t -> t.armed(env.bootId()));
        }
        return boot.preReboot(ctx.machine().task());
    }
}
