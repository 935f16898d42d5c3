package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.state.Task;
import java.io.IOException;

/** ROLLBACK_STAGED: the previous (good) slot becomes the primary again, then the drain and pre-reboot hooks. */
final class RollbackStagedHandler implements StateHandler {
    private final StepContext ctx;
    private final BootSwitch boot;

    RollbackStagedHandler(StepContext ctx, BootSwitch boot) {
        this.ctx = ctx;
        this.boot = boot;
    }

    @Override
    public Step handle(Task task) throws IOException, InterruptedException {
        BootEnv env = ctx.boot();
        Step booted = boot.afterBoot(task, env);
        if (booted != null) {
            return booted;
        }
        if (task.armedBootId() == null) {
            ctx.node().bootloader().setPrimary(task.target());
            ctx.machine().updateTask(t -> t.armed(env.bootId()));
        }
        return boot.preReboot(ctx.machine().task());
    }
}
