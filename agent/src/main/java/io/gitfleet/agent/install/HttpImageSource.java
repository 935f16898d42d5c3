package io.gitfleet.agent.install;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.BooleanSupplier;

/** An image served over HTTP(S), read from byte 0 and resumed with {@code Range} after a cut. */
public final class HttpImageSource implements ImageSource {
    /**
     * The JDK client reads the socket in 16 KiB buffers by default and hands each one over separately; for one
     * long body that caps it near 300 MB/s on two cores. 128 KiB gets close to the wire (measured: ~1.2 GB/s
     * from a local server). A system property read once: set it before the first HttpClient of the JVM.
     */
    static final String BUFSIZE_PROPERTY = "jdk.httpclient.bufsize";

    static {
        tune();
    }

    /** Sets the client's buffer size unless the operator chose one; call before any HttpClient is built. */
    public static void tune() {
        if (System.getProperty(BUFSIZE_PROPERTY) == null) {
            System.setProperty(BUFSIZE_PROPERTY, Integer.toString(128 * 1024));
        }
    }

    private final HttpClient client;
    private final URI url;
    private final DownloadSettings settings;
    private final TransferListener listener;
    private final BooleanSupplier cancelled;
    private AgentTls.Files tls;

    public HttpImageSource(HttpClient client, URI url, DownloadSettings settings, TransferListener listener,
                           BooleanSupplier cancelled) {
        this.client = client;
        this.url = url;
        this.settings = settings;
        this.listener = listener;
        this.cancelled = cancelled;
    }

    /** The client the agent uses for images: HTTP/1.1 (nothing to gain from h2 for one big body). */
    public static HttpClient newClient(DownloadSettings settings) {
        return newClient(settings, null);
    }

    /** The same, with the agent's TLS ({@code tls} in its config; null: the JDK's CAs). */
    public static HttpClient newClient(DownloadSettings settings, javax.net.ssl.SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder();
        if (tls != null) {
            b.sslContext(tls);
        }
        return b.version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout()).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /**
     * Ends the JDK 17 HttpClient's selector threads (their loop stops when interrupted). A one-shot command calls
     * this before it exits: a thread blocked in epoll counts as "in native", and the JVM's exit waits 300 ms for
     * such threads. JDK 21's HttpClient.close() makes this unnecessary.
     */
    public static void releaseSelectorThreads() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
                t.interrupt();
                try {
                    t.join(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The config's {@code tls} block, named in the sentence of a TLS failure. */
    public HttpImageSource setTls(AgentTls.Files tls) {
        this.tls = tls;
        return this;
    }

    AgentTls.Files tls() {
        return tls;
    }

    @Override
    public InputStream open() throws IOException {
        return new ResumingBody(this);
    }

    @Override
    public String describe() {
        return url.toString();
    }

    DownloadSettings settings() {
        return settings;
    }

    TransferListener listener() {
        return listener;
    }

    boolean cancelled() {
        return cancelled.getAsBoolean();
    }

    /** One GET from {@code offset}; {@code validator} (ETag or Last-Modified) guards the resume. */
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> get(long offset, String validator)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).GET().timeout(settings.responseTimeout())
                .header("Accept-Encoding", "identity");
        if (offset > 0) {
            request.header("Range", "bytes=" + offset + "-");
            if (validator != null) {
                request.header("If-Range", validator);
            }
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofPublisher());
    }
}
