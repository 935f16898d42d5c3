package io.gitfleet.reconciler.catalog;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body kept only up to a cap: bytes are counted as they arrive, one buffer list at a time, and the
 * download is cancelled the moment the count passes the cap, so a huge or endless body is never held whole.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long maxBytes;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out;
    private volatile Flow.Subscription subscription;
    private long received;

    CappedBody(long maxBytes, long expected) {
        this.maxBytes = maxBytes;
        this.out = new ByteArrayOutputStream((int) Math.max(1024, Math.min(expected, Math.min(maxBytes, 1 << 20))));
    }

    /** A body nobody reads (a redirect, a 304, an error page): the connection is dropped instead of drained. */
    static CappedBody skipped() {
        CappedBody b = new CappedBody(0, 0);
        b.result.complete(new byte[0]);
        return b;
    }

    /** Ends the download from outside (the deadline passed, or the headers already announce too much). */
    void abort(Throwable why) {
        result.completeExceptionally(why);
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (result.isDone()) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : buffers) {
            received += b.remaining();
            if (received > maxBytes) {
                abort(new CatalogTooLargeException(maxBytes));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            out.writeBytes(chunk);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(out.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}
