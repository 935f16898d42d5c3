package io.gitfleet.agent;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.install.CancelledException;
import io.gitfleet.agent.install.HttpImageSource;
import io.gitfleet.agent.install.ImageSource;
import io.gitfleet.agent.install.InstallException;
import io.gitfleet.agent.install.TransferListener;
import io.gitfleet.agent.install.VerifySlotCommand;
import io.gitfleet.agent.install.WriteSlotCommand;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.Task;
import io.gitfleet.agent.state.TaskPlanner;
import io.gitfleet.agent.state.VersionRatchet;
import io.gitfleet.schema.Action;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The handlers up to the boot switch: check the instruction, stream the image, verify it. */
final class InstallSteps {
    private final StepContext ctx;
    private CompletableFuture<HttpClient> images;
    private final VersionRatchet ratchet;
    private WriteSlotCommand.Result written;

    InstallSteps(StepContext ctx) {
        this.ctx = ctx;
        this.ratchet = new VersionRatchet(Path.of(ctx.config().stateDir()));
    }

    /**
     * Building an HttpClient loads the TLS stack (a few hundred ms): it starts once an image is known to come over
     * HTTP, so it overlaps the remaining checks, and an idle agent or a file:// install never pays for it.
     */
    private void prepareClient() {
        if (images == null) {
            images = CompletableFuture.supplyAsync(() -> {
                try {
                    return HttpImageSource.newClient(ctx.config().downloadSettings(),
                            io.gitfleet.agent.install.AgentTls.context(ctx.config().tls()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    Step instructed(Task task) throws IOException {
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
                        ctx.probes().read(Agent.probeEnv(ctx.node(), boot))), boot,
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
                prepareClient();
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

    /** Downloading and Writing: one streaming pass; cuts and resumes move the state between the two. */
    Step transfer(Task task) throws IOException, InterruptedException {
        Slot target = task.target();
        // RAUC's order: the slot is marked bad (and any pending try of it dropped) before its first byte changes.
        ctx.node().bootloader().markBad(target);
        ctx.machine().update(s -> s.withoutSlotVersion(target.wire()));
        written = null;
        var image = task.spec().image();
        TransferListener listener = new TransferListener() {
            @Override
            public void flowing() {
                if (ctx.machine().task().state() == State.DOWNLOADING) {
                    ctx.machine().fire(Event.FLOWING, null);
                    ctx.link().checkpoint(true);
                }
            }

            @Override
            public void reconnecting(long offset, String why) {
                if (ctx.machine().task().state() == State.WRITING) {
                    ctx.machine().fire(Event.RECONNECTING, "reconnecting: " + why);
                    ctx.link().checkpoint(true);
                }
            }

            @Override
            public void restarting(String why) {
                reconnecting(0, why + "; starting over from byte 0");
            }

            @Override
            public void progress(long done, long total) {
                ctx.machine().progress(done, total);
                ctx.link().checkpoint(false);
            }
        };
        URI url = URI.create(image.url());
        ImageSource source = ImageSource.isFile(url) ? ImageSource.file(Path.of(url))
                : new HttpImageSource(client(), url, ctx.config().downloadSettings(), listener,
                        ctx.link()::cancelRequested).setTls(ctx.config().tls());
        try {
            written = new WriteSlotCommand().setSource(source).setSlot(target.wire(), ctx.node().slot(target))
                    .setBootedSlot(ctx.node().slot(task.previous())).setRootDevice(ctx.node().rootDevice())
                    .setDeclaredSize(image.size()).setMaxWindow(ctx.config().maxWindowBytes()).setListener(listener)
                    .setCancelled(ctx.link()::cancelRequested)
                    .call();
        } catch (CancelledException e) {
            return Step.of(Event.CANCEL, e.reason());
        } catch (InstallException e) {
            return Step.of(Event.FAIL, e.reason());
        }
        if (ctx.machine().task().state() == State.DOWNLOADING) {
            // A file source never reports flowing; the table only knows WRITTEN from Writing.
            ctx.machine().fire(Event.FLOWING, null);
        }
        return Step.of(Event.WRITTEN, written.expandedBytes() + " bytes written, " + written.compressedBytes()
                + " downloaded");
    }

    Step verifying(Task task) throws IOException, InterruptedException {
        if (ctx.link().cancelRequested()) {
            return Step.of(Event.CANCEL, new CancelledException().reason());
        }
        if (written == null) {
            return Step.of(Event.FAIL, "internal error: verification without a finished transfer");
        }
        var image = task.spec().image();
        try {
            new VerifySlotCommand(ctx.node().slot(task.target()), image.sha256(), image.size()).call(written);
        } catch (InstallException e) {
            return Step.of(Event.FAIL, e.reason());
        }
        ctx.machine().update(s -> s.withSlotImage(task.target().wire(), task.spec().version(), image.sha256()));
        if (task.spec().install() != null && task.spec().install().upgradeRecovery()) {
            return writeRecovery(task);
        }
        return Step.of(Event.VERIFIED, "sha256 and size match; slot " + task.target().wire() + " synced");
    }

    /**
     * {@code install.upgradeRecovery}: the same image, downloaded again and checked the same way, into the recovery
     * slot the config names. The bootloader never selects it; an operator boots it by hand when all else failed.
     * A crash here resumes from the download, as any interrupted transfer does.
     */
    private Step writeRecovery(Task task) throws IOException, InterruptedException {
        var image = task.spec().image();
        Path recovery = Path.of(ctx.config().slots().recovery());
        ctx.machine().update(s -> s.withoutSlotVersion(ReportBuilder.RECOVERY));
        ctx.machine().updateTask(t -> t.message("writing the recovery slot"));
        ctx.link().checkpoint(true);
        TransferListener listener = new TransferListener() {
            @Override
            public void progress(long done, long total) {
                ctx.machine().progress(done, total);
                ctx.link().checkpoint(false);
            }
        };
        URI url = URI.create(image.url());
        ImageSource source = ImageSource.isFile(url) ? ImageSource.file(Path.of(url))
                : new HttpImageSource(client(), url, ctx.config().downloadSettings(), listener,
                        ctx.link()::cancelRequested);
        try {
            WriteSlotCommand.Result result = new WriteSlotCommand().setSource(source)
                    .setSlot(ReportBuilder.RECOVERY, recovery).setBootedSlot(ctx.node().slot(task.previous()))
                    .setRootDevice(ctx.node().rootDevice()).setDeclaredSize(image.size())
                    .setMaxWindow(ctx.config().maxWindowBytes()).setListener(listener)
                    .setCancelled(ctx.link()::cancelRequested).call();
            new VerifySlotCommand(recovery, image.sha256(), image.size()).call(result);
        } catch (CancelledException e) {
            return Step.of(Event.CANCEL, e.reason());
        } catch (InstallException e) {
            return Step.of(Event.FAIL, "recovery slot: " + e.reason());
        }
        ctx.machine().update(s -> s.withSlotImage(ReportBuilder.RECOVERY, task.spec().version(), image.sha256()));
        return Step.of(Event.VERIFIED, "sha256 and size match; slot " + task.target().wire()
                + " and the recovery slot synced");
    }

    private HttpClient client() {
        prepareClient();
        return images.join();
    }
}
