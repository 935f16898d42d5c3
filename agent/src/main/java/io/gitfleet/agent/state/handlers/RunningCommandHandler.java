package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.health.HookRunner;
import io.gitfleet.agent.install.InstallException;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.Task;
import io.gitfleet.schema.Action;
import java.io.IOException;

/**
 * RUNNING_COMMAND, the command installer: its install command (or, for a rollback, its rollback command), after
 * the drain and pre-reboot hooks, since the command itself may already disrupt. It gets the payload as placeholders,
 * and whole as JSON on stdin and in the file {@code $GITFLEET_PAYLOAD}; it asks for a reboot by exiting with
 * {@link CommandRun#REBOOT_EXIT_CODE} or by creating the file {@code $GITFLEET_REBOOT_REQUIRED}.
 */
final class RunningCommandHandler implements StateHandler {
    private final StepContext ctx;
    private final DisruptionHooks disruption;

    RunningCommandHandler(StepContext ctx, DisruptionHooks disruption) {
        this.ctx = ctx;
        this.disruption = disruption;
    }

    @Override
    public Step handle(Task task) throws IOException, InterruptedException {
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
}
