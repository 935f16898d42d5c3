package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.ComponentConfig;
import io.gitfleet.agent.GitVerifier;
import io.gitfleet.agent.ReportBuilder;
import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.install.CancelledException;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.Task;
import io.gitfleet.agent.state.TaskPlanner;
import io.gitfleet.agent.state.VersionRatchet;
import io.gitfleet.schema.Action;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * INSTRUCTED: check the instruction against the node (its components, what it runs, the approved branch, the
 * version ratchet) and decide what the task does: nothing (at target), write an image, run a command, roll back.
 */
final class InstructedHandler implements StateHandler {
    private final StepContext ctx;
    private final Images images;
    private final VersionRatchet ratchet;

    InstructedHandler(StepContext ctx, Images images) {
        this.ctx = ctx;
        this.images = images;
        this.ratchet = new VersionRatchet(Path.of(ctx.config().stateDir()));
    }

    @Override
    public Step handle(Task task) throws IOException {
        if (ctx.link().cancelRequested()) {
            return Step.of(Event.CANCEL, new CancelledException().reason());
        }
        ComponentConfig component = ctx.component(task);
        if (component == null || component.kind() == null) {
            return Step.of(Event.REFUSED, "this node's agent does not install " + task.spec().component()
                    + "; it installs " + String.join(", ", ctx.config().managed().stream()
                    .filter(c -> c.kind() != null).map(ComponentConfig::name).toList()) + " (components in its config)");
        }
        BootEnv boot = ctx.boot();
        // decided on what the machine runs now, read again for this decision
        var abilities = ReportBuilder.capabilities(ctx.config());
        var facts = new TaskPlanner.Facts(component.kind(), component.name(),
                ReportBuilder.versions(ctx.config(), ctx.machine().state(), boot,
                        ctx.probes().read(StepContext.probeEnv(ctx.node(), boot))), boot,
                boot.booted(), ctx.machine().state(), new TaskPlanner.Abilities(abilities.recoverySlot(),
                        component.kind() == TaskPlanner.Installer.COMMAND && component.command() != null
                                && !component.command().rollback().isEmpty()));
        TaskPlanner.Decision decision = TaskPlanner.plan(task.spec(), facts);
        if (!(decision instanceof TaskPlanner.AtTarget) && !(decision instanceof TaskPlanner.Refuse)
                && ctx.verifier() != null && !task.manual()) {
            Optional<String> refusal = verify(task, facts);
            if (refusal.isPresent()) {
                return Step.of(Event.REFUSED, refusal.get());
            }
        }
        if (decision instanceof TaskPlanner.AtTarget at) {
            return Step.of(Event.AT_TARGET, "already at " + at.version());
        }
        if (decision instanceof TaskPlanner.Refuse refuse) {
            return Step.of(Event.REFUSED, refuse.reason());
        }
        if (decision instanceof TaskPlanner.WriteImage w) {
            Optional<String> scheme = remoteImageRefusal(task);
            if (scheme.isPresent()) {
                return Step.of(Event.REFUSED, scheme.get());
            }
            if (!task.spec().image().url().regionMatches(true, 0, "file:", 0, 5)) {
                images.prepareClient();
            }
            ctx.machine().updateTask(t -> t.withSlots(w.target(), w.previous()));
            return Step.of(Event.IMAGE_CHECKED, "writing slot " + w.target().wire());
        }
        if (decision instanceof TaskPlanner.RollBack r) {
            ctx.machine().updateTask(t -> t.withSlots(r.target(), r.previous()));
            return Step.of(Event.ROLLBACK_CHECKED, "rolling back to slot " + r.target().wire());
        }
        return Step.of(Event.COMMAND_CHECKED);
    }

    /**
     * An image named by the reconciler comes over http(s) only: a {@code file://} URL (or any other scheme) would
     * let whoever speaks for the reconciler write a file of the node into a slot, or probe the node's files through
     * the error it causes. The refusal names the scheme, never anything about the file. {@code gitfleet-agent
     * install} (a person at the node) may still name a local file.
     */
    private static Optional<String> remoteImageRefusal(Task task) {
        if (task.manual()) {
            return Optional.empty();
        }
        String url = task.spec().image().url();
        String scheme;
        try {
            scheme = URI.create(url).getScheme();
        } catch (IllegalArgumentException e) {
            return Optional.of("refusing the image URL from the reconciler: it is not a valid URL");
        }
        if (scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return Optional.empty();
        }
        return Optional.of("refusing the image URL from the reconciler: only http and https images are downloaded, "
                + "not " + (scheme == null ? "a URL without a scheme" : scheme + ":"));
    }

    /**
     * verifyGit: the approved branch must say what the instruction says, and an install below the highest version
     * this node installed needs the approved manifest's {@code allowDowngrade}. A rollback is the manifest's own
     * explicit gesture ({@code rollback: true}), so the ratchet does not apply to it.
     */
    private Optional<String> verify(Task task, TaskPlanner.Facts facts) {
        GitVerifier.Verdict verdict = ctx.verifier().check(ctx.config().node(), task.spec());
        if (verdict instanceof GitVerifier.Refused r) {
            return Optional.of(r.reason());
        }
        if (task.spec().action() == Action.ROLLBACK) {
            return Optional.empty();
        }
        String component = task.spec().component();
        String highest;
        try {
            highest = ratchet.load().get(component);
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
        return VersionRatchet.refusal(component, task.spec().version(), highest, facts.versions().get(component),
                ((GitVerifier.Approved) verdict).allowDowngrade());
    }
}
