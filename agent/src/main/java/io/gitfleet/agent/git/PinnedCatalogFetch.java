package io.gitfleet.agent.git;

import io.gitfleet.agent.state.AtomicFile;
import io.gitfleet.approval.CatalogPin;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.ReadResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The content of a {@code url} catalog pinned by the approved manifest's {@code sha256}, for a verifying agent.
 * Kept by digest in the state dir (content-addressed: a copy that matches its name is the approved content, so it
 * is never fetched again); otherwise fetched, size-capped, and refused unless its digest is the pinned one.
 */
public final class PinnedCatalogFetch {
    static final int MAX_BYTES = 4 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Path dir;
    private HttpClient client;
    private io.gitfleet.agent.install.AgentTls.Files tls;

    public PinnedCatalogFetch(Path dir) {
        this.dir = dir;
    }

    /** The agent's {@code tls} block: a private CA for catalog hosts too. */
    public PinnedCatalogFetch setTls(io.gitfleet.agent.install.AgentTls.Files tls) {
        this.tls = tls;
        client = null;
        return this;
    }

    public Catalog.Spec get(String url, String sha256) throws IOException {
        Path copy = dir.resolve(sha256 + ".catalog");
        byte[] body = null;
        if (Files.exists(copy)) {
            byte[] kept = Files.readAllBytes(copy);
            if (CatalogPin.mismatch(kept, sha256).isEmpty()) {
                body = kept;
            }
        }
        if (body == null) {
            body = fetch(url);
            Optional<String> mismatch = CatalogPin.mismatch(body, sha256);
            if (mismatch.isPresent()) {
                throw new IOException(mismatch.get());
            }
            AtomicFile.write(copy, body);
        }
        ReadResult<Catalog> doc = DocumentReader.read("catalog " + url, body, Catalog.class, null);
        if (!doc.ok()) {
            throw new IOException("not a valid catalog: " + doc.problems().get(0));
        }
        return doc.document().spec();
    }

    private byte[] fetch(String url) throws IOException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IOException("only http and https catalogs are fetched, not " + scheme);
        }
        if (client == null) {
            // redirects are not followed: the pin makes the source irrelevant, but not its reach into the network
            client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                    .sslContext(io.gitfleet.agent.install.AgentTls.context(tls)).build();
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET()
                .header("User-Agent", "gitfleet-agent").build();
        try {
            HttpResponse<InputStream> r;
            try {
                r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                java.util.Optional<String> refused = io.gitfleet.agent.install.AgentTls.refusal(e, tls);
                if (refused.isPresent()) {
                    throw new IOException(uri.getHost() + ": " + refused.get(), e);
                }
                throw e;
            }
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    throw new IOException("HTTP " + r.statusCode());
                }
                // the request timeout covers the headers only: a body dribbling in is cut off at the deadline
                CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return in.readNBytes(MAX_BYTES + 1);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                byte[] bytes;
                try {
                    bytes = read.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    read.cancel(true);
                    throw new IOException("no complete answer within " + TIMEOUT.toSeconds() + " s");
                } catch (ExecutionException e) {
                    throw new IOException(e.getCause().getMessage(), e.getCause());
                }
                if (bytes.length > MAX_BYTES) {
                    throw new IOException("larger than " + (MAX_BYTES >> 20) + " MiB");
                }
                return bytes;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
