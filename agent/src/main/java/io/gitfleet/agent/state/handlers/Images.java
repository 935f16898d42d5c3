package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.install.AgentTls;
import io.gitfleet.agent.install.HttpImageSource;
import io.gitfleet.agent.install.WriteSlotCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;

/**
 * What the handlers before the boot switch hand on to each other within one process: the HTTP client for images
 * (started by Instructed, used by the transfer) and the transfer's result (checked by Verifying). A restart loses
 * both, which the table allows for: a transfer interrupted by a crash starts over from Downloading.
 */
final class Images {
    private final StepContext ctx;
    private CompletableFuture<HttpClient> client;
    private WriteSlotCommand.Result written;

    Images(StepContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Building an HttpClient loads the TLS stack (a few hundred ms): it starts once an image is known to come over
     * HTTP, so it overlaps the remaining checks, and an idle agent or a file:// install never pays for it.
     */
    void prepareClient() {
        if (client == null) {
            client = CompletableFuture.supplyAsync(() -> {
                try {
                    return HttpImageSource.newClient(ctx.config().downloadSettings(),
                            AgentTls.context(ctx.config().tls()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    HttpClient client() {
        prepareClient();
        return client.join();
    }

    WriteSlotCommand.Result written() {
        return written;
    }

    void written(WriteSlotCommand.Result result) {
        this.written = result;
    }
}
