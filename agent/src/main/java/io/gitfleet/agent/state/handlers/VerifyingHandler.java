package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.ReportBuilder;
import io.gitfleet.agent.install.CancelledException;
import io.gitfleet.agent.install.HttpImageSource;
import io.gitfleet.agent.install.ImageSource;
import io.gitfleet.agent.install.InstallException;
import io.gitfleet.agent.install.TransferListener;
import io.gitfleet.agent.install.VerifySlotCommand;
import io.gitfleet.agent.install.WriteSlotCommand;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.Task;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** VERIFYING: the written slot's digest and size (and, with {@code install.upgradeRecovery}, the recovery slot). */
final class VerifyingHandler implements StateHandler {
    private final StepContext ctx;
    private final Images images;

    VerifyingHandler(StepContext ctx, Images images) {
        this.ctx = ctx;
        this.images = images;
    }

    @Override
    public Step handle(Task task) throws IOException, InterruptedException {
        if (ctx.link().cancelRequested()) {
            return Step.of(Event.CANCEL, new CancelledException().reason());
        }
        WriteSlotCommand.Result written = images.written();
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
                : new HttpImageSource(images.client(), url, ctx.config().downloadSettings(), listener,
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
}
