package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.install.CancelledException;
import io.gitfleet.agent.install.HttpImageSource;
import io.gitfleet.agent.install.ImageSource;
import io.gitfleet.agent.install.InstallException;
import io.gitfleet.agent.install.TransferListener;
import io.gitfleet.agent.install.WriteSlotCommand;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.Task;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * DOWNLOADING and WRITING: one streaming pass into the target slot; the first bytes (FLOWING) and a cut that
 * reconnects (RECONNECTING) move the state between the two while it runs, so one handler serves both.
 */
final class TransferHandler implements StateHandler {
    private final StepContext ctx;
    private final Images images;

    TransferHandler(StepContext ctx, Images images) {
        this.ctx = ctx;
        this.images = images;
    }

    @Override
    public Step handle(Task task) throws IOException, InterruptedException {
        Slot target = task.target();
        // RAUC's order: the slot is marked bad (and any pending try of it dropped) before its first byte changes.
        ctx.node().bootloader().markBad(target);
        ctx.machine().update(s -> s.withoutSlotVersion(target.wire()));
        images.written(null);
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
                : new HttpImageSource(images.client(), url, ctx.config().downloadSettings(), listener,
                        ctx.link()::cancelRequested).setTls(ctx.config().tls());
        WriteSlotCommand.Result written;
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
        images.written(written);
        if (ctx.machine().task().state() == State.DOWNLOADING) {
            // A file source never reports flowing; the table only knows WRITTEN from Writing.
            ctx.machine().fire(Event.FLOWING, null);
        }
        return Step.of(Event.WRITTEN, written.expandedBytes() + " bytes written, " + written.compressedBytes()
                + " downloaded");
    }
}
