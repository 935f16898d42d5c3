package io.gitfleet.reconciler.catalog;

import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One fetch of a {@code url} catalog: http or https only, allowed hosts only, at most {@value #MAX_REDIRECTS}
 * redirects each checked like the first URL, the whole answer within the timeout, the body within the cap.
 * With the cached copy's ETag set, a 304 says the copy is current. The body is returned unread.
 */
public final class FetchCatalogCommand {
    static final int MAX_REDIRECTS = 3;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final HttpClient client;
    private String url;
    private CatalogFetchSettings settings = CatalogFetchSettings.DEFAULTS;
    private String etag;

    public FetchCatalogCommand(HttpClient client) {
        this.client = client;
    }

    /** A client for these fetches: redirects are followed here, not by the client, so each one is checked. */
    public static HttpClient client(CatalogFetchSettings settings) {
        return HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // one small document: HTTP/1.1 spares plain http the h2c upgrade round
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public FetchCatalogCommand setUrl(String url) {
        this.url = url;
        return this;
    }

    public FetchCatalogCommand setSettings(CatalogFetchSettings settings) {
        this.settings = settings;
        return this;
    }

    /** The ETag of the cached copy, sent as {@code If-None-Match}; null when there is no good copy. */
    public FetchCatalogCommand setEtag(String etag) {
        this.etag = etag;
        return this;
    }

    public FetchResult call() throws CatalogFetchException {
        URI uri = check(parse(url), null);
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        for (int redirects = 0; ; redirects++) {
            HttpResponse<byte[]> r = exchange(uri, deadline);
            int code = r.statusCode();
            if (code == 200) {
                return new FetchResult.Fetched(r.body(), r.headers().firstValue("ETag").orElse(null));
            }
            if (code == 304 && etag != null) {
                return new FetchResult.NotModified();
            }
            if (!REDIRECTS.contains(code)) {
                throw new CatalogFetchException("HTTP " + code + (uri.toString().equals(url) ? "" : " from " + uri));
            }
            String location = r.headers().firstValue("Location").orElseThrow(() ->
                    new CatalogFetchException("HTTP " + code + " without a Location header"));
            if (redirects == MAX_REDIRECTS) {
                throw new CatalogRefusedException("more than " + MAX_REDIRECTS + " redirects");
            }
            uri = check(resolve(uri, location), uri);
        }
    }

    private HttpResponse<byte[]> exchange(URI uri, long deadline) throws CatalogFetchException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw timedOut();
        }
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(uri);
        } catch (IllegalArgumentException e) {
            throw new CatalogRefusedException("not a URL the HTTP client accepts: " + uri);
        }
        request.GET()
                .timeout(Duration.ofNanos(left)) // covers the wait for the headers
                .header("Accept", "application/yaml, application/json;q=0.9, */*;q=0.5")
                .header("User-Agent", "gitfleet-reconciler");
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        AtomicReference<CappedBody> body = new AtomicReference<>();
        HttpResponse.BodyHandler<byte[]> handler = info -> {
            if (info.statusCode() != 200) {
                body.set(CappedBody.skipped());
                return body.get();
            }
            long announced = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            body.set(new CappedBody(settings.maxBytes(), announced));
            if (announced > settings.maxBytes()) {
                body.get().abort(new CatalogTooLargeException(settings.maxBytes()));
            }
            return body.get();
        };
        CompletableFuture<HttpResponse<byte[]>> sent = client.sendAsync(request.build(), handler);
        try {
            return sent.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the request timeout only covers the headers: a body still dribbling in is cut off here
            CatalogFetchException why = timedOut();
            CappedBody b = body.get();
            if (b != null) {
                b.abort(why);
            }
            sent.cancel(true);
            throw why;
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw new CatalogFetchException("interrupted", e);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), uri);
        }
    }

    private CatalogFetchException translate(Throwable t, URI uri) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CatalogFetchException f) {
                return f;
            }
            if (c instanceof HttpConnectTimeoutException) {
                return new CatalogFetchException("cannot connect to " + authority(uri) + " within "
                        + CatalogFetchSettings.seconds(settings.timeout()), c);
            }
            if (c instanceof HttpTimeoutException) {
                return timedOut();
            }
            if (c instanceof ConnectException) {
                return new CatalogFetchException("cannot connect to " + authority(uri), c);
            }
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new CatalogFetchException(message, t);
    }

    private CatalogFetchException timedOut() {
        return new CatalogFetchException("no complete answer within " + CatalogFetchSettings.seconds(settings.timeout()));
    }

    private URI check(URI uri, URI from) throws CatalogRefusedException {
        String where = from == null ? "" : "redirected to " + uri + ": ";
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new CatalogRefusedException(where + "only http and https URLs are fetched, not "
                    + (scheme.isEmpty() ? "a relative URL" : scheme));
        }
        if (uri.getHost() == null) {
            throw new CatalogRefusedException(where + "the URL has no host");
        }
        if (from != null && from.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
            throw new CatalogRefusedException(where + "a redirect from https to plain http is not followed");
        }
        if (!settings.allows(uri.getHost()) && settings.allowedHosts().isEmpty()) {
            throw new CatalogRefusedException(where + "url catalogs are fetched only from the hosts listed in "
                    + "--catalog-allowed-hosts, and none is listed (host " + uri.getHost() + ")");
        }
        if (!settings.allows(uri.getHost())) {
            throw new CatalogRefusedException(where + "host " + uri.getHost() + " is not one of the allowed hosts ("
                    + String.join(", ", settings.allowedHosts()) + ")");
        }
        return uri;
    }

    private static URI parse(String url) throws CatalogRefusedException {
        try {
            return new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new CatalogRefusedException("not a URL: " + url);
        }
    }

    private static URI resolve(URI base, String location) throws CatalogFetchException {
        try {
            return base.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new CatalogFetchException("redirected to a malformed Location: " + location);
        }
    }

    private static String authority(URI uri) {
        return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
}
