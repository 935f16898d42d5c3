package io.gitfleet.reconciler.catalog;

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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Fetches every distinct {@code url} catalog the fleet's upgrades name. A good body is cached; a failed fetch or a
 * body that is not a valid catalog falls back to the last good copy and says so, and with no good copy the URL
 * gets the sentence the planner rejects its upgrades with. Passes that do not refresh (a node report arrived,
 * the repo did not change) reuse the previous outcome instead of asking the server again.
 */
public final class CatalogSources {
    private static final Logger LOG = Logger.getLogger(CatalogSources.class.getName());

    private final CatalogCache cache;
    private final CatalogFetchSettings settings;
    private final HttpClient client;
    private final Map<String, Outcome> last = new HashMap<>();

    public CatalogSources(CatalogCache cache, CatalogFetchSettings settings) {
        this.cache = cache;
        this.settings = settings;
        this.client = FetchCatalogCommand.client(settings);
    }

    /** Sources that cache under {@code DATA_DIR/catalogs}. */
    public static CatalogSources inDataDir(Path dataDir, CatalogFetchSettings settings) {
        return new CatalogSources(new CatalogCache(dataDir.resolve("catalogs")), settings);
    }

    public RemoteCatalogs fetch(LoadedFleet fleet, Instant now) {
        return fetch(fleet, now, true);
    }

    /** {@code refresh} false answers from the previous pass's outcome where there is one. */
    public synchronized RemoteCatalogs fetch(LoadedFleet fleet, Instant now, boolean refresh) {
        Map<String, Catalog.Spec> catalogs = new HashMap<>();
        SortedMap<String, String> errors = new TreeMap<>();
        SortedMap<String, String> warnings = new TreeMap<>();
        SortedSet<String> urls = urls(fleet);
        for (String url : urls) {
            Outcome o = !refresh && last.containsKey(url) ? last.get(url) : fetchOne(url, now);
            last.put(url, o);
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
        return new RemoteCatalogs(catalogs, errors, warnings);
    }

    static SortedSet<String> urls(LoadedFleet fleet) {
        SortedSet<String> out = new TreeSet<>();
        for (Upgrade u : fleet.upgrades().values()) {
            Upgrade.CatalogSource source = u.spec().catalog();
            if (source != null && source.url() != null) {
                out.add(source.url());
            }
        }
        return out;
    }

    private Outcome fetchOne(String url, Instant now) {
        Good good = goodCopy(url);
        try {
            FetchResult r = new FetchCatalogCommand(client).setUrl(url).setSettings(settings)
                    .setEtag(good == null ? null : good.copy().etag()).call();
            if (r instanceof FetchResult.NotModified) {
                // the server confirmed the copy: "fetched at" moves to now
                save(url, new CachedCatalog(good.copy().body(), good.copy().etag(), now));
                return new Outcome(good.catalog(), null, null);
            }
            FetchResult.Fetched f = (FetchResult.Fetched) r;
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
    private Good goodCopy(String url) {
        try {
            return cache.read(url).map(c -> {
                ReadResult<Catalog> doc = read(url, c.body());
                return doc.ok() ? new Good(c, doc.document().spec()) : null;
            }).orElse(null);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the cached copy of catalog " + url + "; fetching it afresh", e);
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
            LOG.log(Level.WARNING, "cannot save the copy of catalog " + url + " under " + cache.dir(), e);
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
