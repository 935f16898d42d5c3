package io.gitfleet.reconciler.catalog;

import io.gitfleet.approval.CatalogPin;
import io.gitfleet.schema.Catalog;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.LoadedFleet;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.ReadResult;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.version.CatalogRules;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.stream.Collectors;

/**
 * Fetches every distinct {@code url} catalog the fleet's upgrades name. A good body is cached; a failed fetch or a
 * body that is not a valid catalog falls back to the last good copy and says so, and with no good copy the URL
 * gets the sentence the planner rejects its upgrades with. Passes that do not refresh (a node report arrived,
 * the repo did not change) reuse the previous outcome instead of asking the server again.
 */
public final class CatalogSources {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogSources.class);

    private final CatalogCache cache;
    private final CatalogFetchSettings settings;
    private final HttpClient client;
    private final Map<String, Outcome> last = new HashMap<>();
    /** Fetches under way in the background, by URL (only with {@link #inBackground}). */
    private final Map<String, CompletableFuture<Outcome>> inFlight = new HashMap<>();
    private Executor background;
    private Runnable onFetched = () -> { };
    private Duration firstWait = Duration.ofMillis(500);
    /** The pin each URL's last outcome was got under: a new pin is a new approval, never answered by the old. */
    private final Map<String, String> lastPins = new HashMap<>();

    public CatalogSources(CatalogCache cache, CatalogFetchSettings settings) {
        this.cache = cache;
        this.settings = settings;
        this.client = FetchCatalogCommand.client(settings);
    }

    /** Sources that cache under {@code DATA_DIR/catalogs}. */
    public static CatalogSources inDataDir(Path dataDir, CatalogFetchSettings settings) {
        return new CatalogSources(new CatalogCache(dataDir.resolve("catalogs")), settings);
    }

    /**
     * Fetches on {@code executor} instead of the caller's thread: a pass waits at most a short while for them (a
     * fast server answers within it), then plans with the copy it has (the previous outcome, or the cached copy),
     * and {@code onFetched} asks for another pass when a late fetch completes. So a slow catalog server never holds
     * a pass up for its whole timeout.
     */
    public CatalogSources inBackground(Executor executor, Runnable onFetched) {
        this.background = executor;
        this.onFetched = onFetched;
        return this;
    }

    /** How long a pass waits for background fetches before it plans with the copies it has (default 500 ms). */
    public CatalogSources setFirstWait(Duration wait) {
        this.firstWait = wait;
        return this;
    }

    public RemoteCatalogs fetch(LoadedFleet fleet, Instant now) {
        return fetch(fleet, now, true);
    }

    /** {@code refresh} false answers from the previous pass's outcome where there is one. */
    public synchronized RemoteCatalogs fetch(LoadedFleet fleet, Instant now, boolean refresh) {
        Map<String, Catalog.Spec> catalogs = new HashMap<>();
        SortedMap<String, String> errors = new TreeMap<>();
        SortedMap<String, String> warnings = new TreeMap<>();
        SortedMap<String, SortedSet<String>> pinned = pins(fleet);
        SortedSet<String> urls = new TreeSet<>(pinned.keySet());
        Map<String, CompletableFuture<Outcome>> started = new HashMap<>();
        if (background != null) {
            for (String url : urls) {
                String pin = pinned.get(url).isEmpty() ? null : pinned.get(url).first();
                if (pinned.get(url).size() <= 1 && (refresh || !last.containsKey(url) || !sameKey(url, pin))) {
                    started.put(url, start(url, pin, now));
                }
            }
        }
        long deadline = System.nanoTime() + firstWait.toNanos();
        for (String url : urls) {
            SortedSet<String> pins = pinned.get(url);
            String pin = pins.isEmpty() ? null : pins.first();
            Outcome o = pins.size() > 1 ? new Outcome(null, label(url) + ": upgrades pin it to different sha256 "
                    + "values (" + String.join(", ", pins) + "); one URL serves one content, use one URL per content",
                    null)
                    : started.containsKey(url) ? await(url, pin, started.get(url), deadline)
                    : !refresh && last.containsKey(url) && sameKey(url, pin) ? last.get(url)
                    : fetchOne(url, pin, now);
            last.put(url, o);
            lastPins.put(url, pin);
            if (o.catalog() != null) {
                catalogs.put(url, o.catalog());
            }
            if (o.error() != null) {
                errors.put(url, o.error());
            }
            if (o.warning() != null) {
                warnings.put(url, o.warning());
            }
        }
        last.keySet().retainAll(urls);
        lastPins.keySet().retainAll(urls);
        return new RemoteCatalogs(catalogs, errors, warnings);
    }

    /** The fetch of {@code url} under way, or a new one; its outcome becomes the URL's last one when it lands. */
    private CompletableFuture<Outcome> start(String url, String pin, Instant now) {
        String key = url + "#" + pin;
        CompletableFuture<Outcome> f = inFlight.get(key);
        if (f == null) {
            f = CompletableFuture.supplyAsync(() -> fetchOne(url, pin, now), background);
            inFlight.put(key, f);
            f.whenComplete((o, e) -> landed(url, pin, o, e));
        }
        return f;
    }

    private void landed(String url, String pin, Outcome o, Throwable e) {
        boolean late;
        synchronized (this) {
            inFlight.remove(url + "#" + pin);
            // a fetch under an older pin never stands in for the current one
            boolean current = last.containsKey(url) && sameKey(url, pin);
            late = o != null && current && !o.equals(last.get(url));
            if (o != null && current) {
                last.put(url, o);
            }
        }
        if (e != null) {
            LOG.warn("fetching catalog " + url + " failed", e);
        }
        if (late) {
            onFetched.run();
        }
    }

    /** The fetch's outcome if it lands before the deadline, else what this source has meanwhile. */
    private Outcome await(String url, String pin, CompletableFuture<Outcome> f, long deadline) {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (last.containsKey(url) && sameKey(url, pin)) {
                return last.get(url);
            }
            Good good = goodCopy(url, pin);
            if (good != null) {
                return new Outcome(good.catalog(), null, null);
            }
            return new Outcome(null, label(url) + ": still being fetched (no copy yet)", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, label(url) + ": fetch interrupted", null);
        } catch (ExecutionException e) {
            return new Outcome(null, label(url) + ": fetch failed (" + e.getCause() + ")", null);
        }
    }

    static SortedSet<String> urls(LoadedFleet fleet) {
        return new TreeSet<>(pins(fleet).keySet());
    }

    /** Every {@code url} catalog of the fleet with the sha256 values its upgrades pin it to (none: unpinned). */
    static SortedMap<String, SortedSet<String>> pins(LoadedFleet fleet) {
        SortedMap<String, SortedSet<String>> out = new TreeMap<>();
        for (Upgrade u : fleet.upgrades().values()) {
            Upgrade.CatalogSource source = u.spec().catalog();
            if (source != null && source.url() != null) {
                SortedSet<String> pins = out.computeIfAbsent(source.url(), k -> new TreeSet<>());
                if (source.sha256() != null) {
                    pins.add(source.sha256());
                }
            }
        }
        return out;
    }

    /** A previous outcome may stand in only for the same pin: a new pin is a new approval. */
    private boolean sameKey(String url, String pin) {
        return java.util.Objects.equals(lastPins.get(url), pin);
    }

    private Outcome fetchOne(String url, String pin, Instant now) {
        Good good = goodCopy(url, pin);
        if (pin != null && good != null) {
            // pinned content cannot change without a new pin: the matching copy is the approved catalog
            return new Outcome(good.catalog(), null, null);
        }
        try {
            FetchResult r = new FetchCatalogCommand(client).setUrl(url).setSettings(settings)
                    .setEtag(good == null ? null : good.copy().etag()).call();
            if (r instanceof FetchResult.NotModified) {
                // the server confirmed the copy: "fetched at" moves to now
                save(url, new CachedCatalog(good.copy().body(), good.copy().etag(), now));
                return new Outcome(good.catalog(), null, null);
            }
            FetchResult.Fetched f = (FetchResult.Fetched) r;
            Optional<String> mismatch = CatalogPin.mismatch(f.body(), pin);
            if (mismatch.isPresent()) {
                return failed(url, mismatch.get(), label(url) + ": fetch refused (" + mismatch.get() + ")", good);
            }
            ReadResult<Catalog> doc = read(url, f.body());
            if (!doc.ok()) {
                String reason = "not a valid catalog: " + doc.problems().stream()
                        .map(p -> p.pointer() + ": " + p.message()).collect(Collectors.joining("; "));
                String sentence = doc.problems().stream().map(Problem::toString).collect(Collectors.joining("; "));
                return failed(url, reason, sentence, good);
            }
            save(url, new CachedCatalog(f.body(), f.etag(), now));
            return new Outcome(doc.document().spec(), null, null);
        } catch (CatalogFetchException e) {
            return failed(url, e.getMessage(), label(url) + ": fetch failed (" + e.getMessage() + ")", good);
        }
    }

    private static Outcome failed(String url, String reason, String withoutCopy, Good good) {
        if (good == null) {
            return new Outcome(null, withoutCopy, null);
        }
        return new Outcome(good.catalog(), null, label(url) + ": fetch failed (" + reason + "); using the copy fetched at "
                + good.copy().fetchedAt().truncatedTo(ChronoUnit.SECONDS));
    }

    /** The cached copy when it still reads as a valid catalog: only such a copy may stand in, or earn a 304. */
    private Good goodCopy(String url, String pin) {
        try {
            return cache.read(url).filter(c -> CatalogPin.mismatch(c.body(), pin).isEmpty()).map(c -> {
                ReadResult<Catalog> doc = read(url, c.body());
                return doc.ok() ? new Good(c, doc.document().spec()) : null;
            }).orElse(null);
        } catch (IOException e) {
            LOG.warn("cannot read the cached copy of catalog " + url + "; fetching it afresh", e);
            return null;
        }
    }

    /**
     * The body as a catalog: the schema, then its versions under its own scheme (a body whose versions do not read
     * is not a valid catalog, so it never replaces a good copy). Ranges on other components are the planner's.
     */
    private static ReadResult<Catalog> read(String url, byte[] body) {
        ReadResult<Catalog> doc = DocumentReader.read(label(url), body, Catalog.class, null);
        if (!doc.ok()) {
            return doc;
        }
        List<Problem> problems = CatalogRules.check(label(url), "/spec", doc.document().spec(), null);
        return problems.isEmpty() ? doc : ReadResult.invalid(problems);
    }

    /** A copy that cannot be saved is still used this pass; only the next restart loses it. */
    private void save(String url, CachedCatalog copy) {
        try {
            cache.write(url, copy);
        } catch (IOException e) {
            LOG.warn("cannot save the copy of catalog " + url + " under " + cache.dir(), e);
        }
    }

    private static String label(String url) {
        return "catalog " + url;
    }

    private record Good(CachedCatalog copy, Catalog.Spec catalog) {
    }

    private record Outcome(Catalog.Spec catalog, String error, String warning) {
    }
}
