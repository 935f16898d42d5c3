package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.Task;
import java.io.IOException;

/**
 * REBOOTING and ROLLBACK_REBOOTING: ask for the reboot, or notice that it happened (the boot id changed) and where
 * it landed. A manual install leaves the reboot to the operator.
 */
final class RebootingHandler implements StateHandler {
    private final StepContext ctx;
    private final BootSwitch boot;

    RebootingHandler(StepContext ctx, BootSwitch boot) {
        this.ctx = ctx;
        this.boot = boot;
    }

    @Override
    public Step handle(Task task) throws IOException, InterruptedException {
        Step booted = boot.afterBoot(task, ctx.boot());
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
}
