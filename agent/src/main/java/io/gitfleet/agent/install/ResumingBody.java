package io.gitfleet.agent.install;

import io.gitfleet.schema.Backoff;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compressed image as one stream, whatever happens to the connections under it: a cut reconnects with
 * {@code Range: bytes=N-} (and {@code If-Range}), a 206 from the wrong offset or a 200 ends in
 * {@link RestartFromZeroException}, never in spliced bytes. Also the throughput watchdog and the cancel check,
 * which is why the body is polled with a timeout.
 */
final class ResumingBody extends InputStream {
    /** With 128 KiB socket buffers: at most ~3 MiB of body waiting for the decompressor. */
    private static final int QUEUE_CHUNKS = 24;
    private static final long POLL_MILLIS = 200;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    private final HttpImageSource source;
    private final DownloadSettings settings;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private BodyQueue body;
    private ByteBuffer current;
    private boolean flowing;
    private boolean eof;
    private long position;
    private long total = -1;
    private String validator;
    private int failures;
    private final Backoff backoff;
    private long windowStart;
    private long windowBytes;

    ResumingBody(HttpImageSource source) throws IOException {
        this.source = source;
        this.settings = source.settings();
        this.backoff = new Backoff(settings.retryBase(), settings.retryCap(), new java.util.Random());
        connect();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (eof || !nextChunk()) {
                eof = true;
                return -1;
            }
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        position += n;
        windowBytes += n;
        return n;
    }

    @Override
    public void close() {
        if (body != null) {
            body.cancel();
        }
    }

    private boolean nextChunk() throws IOException {
        if (!pending.isEmpty()) {
            current = pending.poll();
            return true;
        }
        while (true) {
            checkCancelled();
            checkSpeed();
            Object item;
            try {
                item = body.poll(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while downloading");
            }
            if (item == null) {
                continue;
            }
            if (item instanceof List<?> buffers) {
                for (Object buffer : buffers) {
                    pending.add((ByteBuffer) buffer);
                }
                if (!flowing) {
                    flowing = true;
                    failures = 0;
                    backoff.reset();
                    source.listener().flowing();
                }
                current = pending.poll();
                return true;
            }
            if (item == BodyQueue.END) {
                if (total >= 0 && position < total) {
                    reconnect("the connection closed after " + position + " of " + total + " bytes");
                    continue;
                }
                return false;
            }
            reconnect("the connection was cut after " + position + " bytes: " + ((BodyQueue.Failure) item).cause());
        }
    }

    private void reconnect(String why) throws IOException {
        body.cancel();
        flowing = false;
        source.listener().reconnecting(position, why);
        failed(why);
        connect();
    }

    private void connect() throws IOException {
        while (true) {
            checkCancelled();
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
            try {
                response = source.get(position, validator);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while connecting");
            } catch (IOException e) {
                java.util.Optional<String> tls = AgentTls.refusal(e, source.tls());
                if (tls.isPresent()) {
                    // a certificate refused is a configuration matter: retrying cannot change it
                    throw new TransferException(new DownloadFailedException("download failed: " + source.describe()
                            + ": " + tls.get()));
                }
                failed("cannot reach " + source.describe() + ": " + e);
                continue;
            }
            int status = response.statusCode();
            if (status == 200 || status == 206) {
                long start = 0;
                if (status == 206) {
                    Matcher m = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
                    start = m.matches() ? Long.parseLong(m.group(1)) : -1;
                    if (total < 0 && m.matches() && !m.group(3).equals("*")) {
                        total = Long.parseLong(m.group(3));
                    }
                }
                if (start != position) {
                    discard(response);
                    throw new RestartFromZeroException("the server answered a resume from byte " + position
                            + (status == 200 ? " with the whole image (HTTP 200, Range ignored or the file changed)"
                            : " from byte " + start));
                }
                if (status == 200) {
                    total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                    validator = validatorOf(response);
                }
                attach(response);
                return;
            }
            discard(response);
            if (status == 416) {
                throw new RestartFromZeroException("the server has no bytes from " + position + " (HTTP 416)");
            }
            if (status >= 500 || status == 408 || status == 429) {
                failed("HTTP " + status + " from " + source.describe());
                continue;
            }
            throw new TransferException(new DownloadFailedException("download failed: HTTP " + status + " from "
                    + source.describe()));
        }
    }

    private void attach(HttpResponse<Flow.Publisher<List<ByteBuffer>>> response) {
        body = new BodyQueue(QUEUE_CHUNKS);
        response.body().subscribe(body);
        windowStart = System.nanoTime();
        windowBytes = 0;
    }

    /** Counts a failed connection and waits (full jitter); gives up after maxAttempts in a row. */
    private void failed(String why) throws IOException {
        failures++;
        if (failures >= settings.maxAttempts()) {
            throw new TransferException(new DownloadFailedException("download failed after " + failures
                    + " attempts: " + why));
        }
        long sleep = backoff.next().toMillis();
        long until = System.nanoTime() + sleep * 1_000_000;
        try {
            for (long left = sleep; left > 0; left = (until - System.nanoTime()) / 1_000_000) {
                checkCancelled();
                Thread.sleep(Math.min(left, POLL_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    private void checkCancelled() throws TransferException {
        if (source.cancelled()) {
            throw new TransferException(new CancelledException());
        }
    }

    private void checkSpeed() throws TransferException {
        long elapsed = System.nanoTime() - windowStart;
        long window = settings.lowSpeedTime().toNanos();
        if (settings.minBytesPerSecond() <= 0 || elapsed < window) {
            return;
        }
        long rate = (long) (windowBytes * 1e9 / elapsed);
        if (rate < settings.minBytesPerSecond()) {
            throw new TransferException(new TooSlowException(rate, settings.minBytesPerSecond(),
                    Math.max(1, elapsed / 1_000_000_000L)));
        }
        windowStart = System.nanoTime();
        windowBytes = 0;
    }

    private static String validatorOf(HttpResponse<?> response) {
        String etag = response.headers().firstValue("ETag").orElse(null);
        if (etag != null && !etag.startsWith("W/")) {
            return etag;
        }
        return response.headers().firstValue("Last-Modified").orElse(null);
    }

    private static void discard(HttpResponse<Flow.Publisher<List<ByteBuffer>>> response) {
        response.body().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
    }
}
