package io.gitfleet.reconciler.catalog;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import com.github.tomakehurst.wiremock.core.Options;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code url} catalogs fetched from a real HTTP server (WireMock on 127.0.0.1), through the on-disk cache. */
class CatalogFetchIT {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    static WireMockServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                // no Content-Length: the cap must be enforced while the body streams
                .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.ALWAYS)
                .notifier(new Slf4jNotifier(false)));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private CatalogSources sources(CatalogFetchSettings settings) {
        return CatalogSources.inDataDir(tmp, settings);
    }

    private static FetchCatalogCommand command(CatalogFetchSettings settings, String url) {
        return new FetchCatalogCommand(FetchCatalogCommand.client(settings)).setSettings(settings).setUrl(url);
    }

    @Test
    void goodCatalogIsFetchedAndCached() throws Exception {
        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(200).withHeader("ETag", "\"v1\"")
                .withBody(Catalogs.GOOD)));
        String url = url("/os.yaml");
        RemoteCatalogs r = sources(CatalogFetchSettings.DEFAULTS).fetch(Catalogs.naming(url, url), T0);
        assertEquals(List.of(), r.failures());
        assertEquals("v1.35.1", r.catalogs().get(url).channels().get("stable"));
        server.verify(1, getRequestedFor(urlEqualTo("/os.yaml")).withHeader("If-None-Match", absent()));
        CachedCatalog copy = new CatalogCache(tmp.resolve("catalogs")).read(url).orElseThrow();
        assertEquals("\"v1\"", copy.etag());
        assertEquals(T0, copy.fetchedAt());
    }

    @Test
    void notModifiedServesTheCachedCopy() throws Exception {
        String url = url("/os.yaml");
        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(200).withHeader("ETag", "\"v1\"")
                .withBody(Catalogs.GOOD)));
        sources(CatalogFetchSettings.DEFAULTS).fetch(Catalogs.naming(url), T0);
        server.stubFor(get("/os.yaml").withHeader("If-None-Match", equalTo("\"v1\""))
                .willReturn(aResponse().withStatus(304).withHeader("ETag", "\"v1\"")));

        // a new instance, as after a restart: the copy comes from disk
        RemoteCatalogs r = sources(CatalogFetchSettings.DEFAULTS).fetch(Catalogs.naming(url), T0.plusSeconds(60));
        assertEquals(List.of(), r.failures());
        assertEquals("v1.35.1", r.catalogs().get(url).channels().get("stable"));
        server.verify(1, getRequestedFor(urlEqualTo("/os.yaml")).withHeader("If-None-Match", equalTo("\"v1\"")));
        assertEquals(T0.plusSeconds(60), new CatalogCache(tmp.resolve("catalogs")).read(url).orElseThrow().fetchedAt(),
                "a 304 confirms the copy");
    }

    @Test
    void serverErrorKeepsTheLastGoodCopyAndSaysSo() throws Exception {
        String url = url("/os.yaml");
        CatalogSources sources = sources(CatalogFetchSettings.DEFAULTS);
        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(500).withBody("down")));
        RemoteCatalogs never = sources.fetch(Catalogs.naming(url), T0);
        assertEquals("catalog " + url + ": fetch failed (HTTP 500)", never.errors().get(url));
        assertTrue(never.catalogs().isEmpty());

        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(200).withBody(Catalogs.GOOD)));
        assertEquals(List.of(), sources.fetch(Catalogs.naming(url), T0.plusSeconds(1)).failures());

        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(500).withBody("down")));
        RemoteCatalogs stale = sources.fetch(Catalogs.naming(url), T0.plusSeconds(120));
        assertEquals("v1.35.1", stale.catalogs().get(url).channels().get("stable"), "the last good copy");
        assertEquals(List.of(), List.copyOf(stale.errors().values()));
        assertEquals("catalog " + url + ": fetch failed (HTTP 500); using the copy fetched at 2026-03-02T10:00:01Z",
                stale.warnings().get(url));

        RemoteCatalogs reused = sources.fetch(Catalogs.naming(url), T0.plusSeconds(121), false);
        assertEquals(stale, reused, "a pass that does not refresh reuses the outcome");
        server.verify(3, getRequestedFor(urlEqualTo("/os.yaml")));
    }

    @Test
    void bodyOverTheCapIsRefusedWhileStreaming() throws Exception {
        server.stubFor(get("/tiny").willReturn(aResponse().withStatus(200).withBody("x")));
        HttpResponse<Void> tiny = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/tiny")))
                .build(), HttpResponse.BodyHandlers.discarding());
        assertTrue(tiny.headers().firstValue("Content-Length").isEmpty(), "the server sends no length: "
                + tiny.headers().map());

        byte[] huge = new byte[16 << 20];
        java.util.Arrays.fill(huge, (byte) '#');
        // 64 chunks of 256 KiB, one every 125 ms: all of it would take 8 s, the cap is passed after about 2 s
        server.stubFor(get("/huge.yaml").willReturn(aResponse().withStatus(200).withBody(huge)
                .withChunkedDribbleDelay(64, 8_000)));
        CatalogFetchSettings settings = new CatalogFetchSettings(List.of(), 0, Duration.ofSeconds(30));
        long start = System.nanoTime();
        CatalogTooLargeException e = assertThrows(CatalogTooLargeException.class,
                () -> command(settings, url("/huge.yaml")).call());
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals("larger than 4 MiB", e.getMessage());
        assertTrue(ms < 6_000, "stopped reading at the cap, not at the end (" + ms + " ms)");

        RemoteCatalogs r = sources(new CatalogFetchSettings(List.of(), 64 << 10, null))
                .fetch(Catalogs.naming(url("/huge.yaml")), T0);
        assertEquals("catalog " + url("/huge.yaml") + ": fetch failed (larger than 64 KiB)",
                r.errors().get(url("/huge.yaml")));
    }

    @Test
    void slowServerHitsTheTimeout() {
        CatalogFetchSettings settings = new CatalogFetchSettings(List.of(), 0, Duration.ofMillis(500));
        server.stubFor(get("/slow-headers").willReturn(aResponse().withStatus(200).withBody(Catalogs.GOOD)
                .withFixedDelay(3_000)));
        server.stubFor(get("/slow-body").willReturn(aResponse().withStatus(200).withBody(Catalogs.GOOD)
                .withChunkedDribbleDelay(10, 3_000)));
        for (String path : List.of("/slow-headers", "/slow-body")) {
            long start = System.nanoTime();
            CatalogFetchException e = assertThrows(CatalogFetchException.class, () -> command(settings, url(path)).call());
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals("no complete answer within 0.5 s", e.getMessage(), path);
            assertTrue(ms < 2_000, path + " gave up after " + ms + " ms");
        }
    }

    @Test
    void redirectsAreCheckedLikeTheFirstUrl() throws Exception {
        CatalogFetchSettings onlyIp = new CatalogFetchSettings(List.of("127.0.0.1"), 0, null);
        server.stubFor(get("/moved").willReturn(aResponse().withStatus(302).withHeader("Location", "/os.yaml")));
        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(200).withBody(Catalogs.GOOD)));
        assertTrue(command(onlyIp, url("/moved")).call() instanceof FetchResult.Fetched, "a redirect within the rules");

        String elsewhere = "http://localhost:" + server.port() + "/os.yaml";
        server.stubFor(get("/away").willReturn(aResponse().withStatus(301).withHeader("Location", elsewhere)));
        server.resetRequests();
        CatalogRefusedException e = assertThrows(CatalogRefusedException.class,
                () -> command(onlyIp, url("/away")).call());
        assertEquals("redirected to " + elsewhere + ": host localhost is not one of the allowed hosts (127.0.0.1)",
                e.getMessage());
        server.verify(1, anyRequestedFor(anyUrl()));

        server.stubFor(get("/to-file").willReturn(aResponse().withStatus(307).withHeader("Location",
                "file:///etc/passwd")));
        assertEquals("redirected to file:///etc/passwd: only http and https URLs are fetched, not file",
                assertThrows(CatalogRefusedException.class, () -> command(onlyIp, url("/to-file")).call()).getMessage());

        for (int i = 0; i < 4; i++) {
            server.stubFor(get("/loop" + i).willReturn(aResponse().withStatus(302).withHeader("Location",
                    "/loop" + (i + 1))));
        }
        assertEquals("more than 3 redirects", assertThrows(CatalogRefusedException.class,
                () -> command(onlyIp, url("/loop0")).call()).getMessage());
    }

    @Test
    void otherSchemesAndHostsAreRefusedBeforeAnyRequest() {
        CatalogFetchSettings onlyOne = new CatalogFetchSettings(List.of("catalogs.example.net"), 0, null);
        assertEquals("only http and https URLs are fetched, not ftp", assertThrows(CatalogRefusedException.class,
                () -> command(CatalogFetchSettings.DEFAULTS, "ftp://127.0.0.1/os.yaml").call()).getMessage());
        assertEquals("only http and https URLs are fetched, not file", assertThrows(CatalogRefusedException.class,
                () -> command(CatalogFetchSettings.DEFAULTS, "file:///etc/passwd").call()).getMessage());
        assertEquals("host 127.0.0.1 is not one of the allowed hosts (catalogs.example.net)",
                assertThrows(CatalogRefusedException.class, () -> command(onlyOne, url("/os.yaml")).call())
                        .getMessage());
        RemoteCatalogs r = sources(CatalogFetchSettings.DEFAULTS).fetch(Catalogs.naming("file:///etc/passwd"), T0);
        assertEquals("catalog file:///etc/passwd: fetch failed (only http and https URLs are fetched, not file)",
                r.errors().get("file:///etc/passwd"));
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void invalidBodyGivesThePointerSentenceAndNeverReplacesAGoodCopy() throws Exception {
        String url = url("/os.yaml");
        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(200).withBody(Catalogs.INVALID)));
        CatalogSources sources = sources(CatalogFetchSettings.DEFAULTS);
        String error = sources.fetch(Catalogs.naming(url), T0).errors().get(url);
        assertTrue(error.startsWith("catalog " + url + ": /spec/images/0/sha256: 'not-a-digest' must be a sha256 "
                + "digest"), error);

        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(200).withBody(Catalogs.GOOD)));
        sources.fetch(Catalogs.naming(url), T0.plusSeconds(1));
        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(200).withBody(Catalogs.INVALID)));
        RemoteCatalogs r = sources.fetch(Catalogs.naming(url), T0.plusSeconds(2));
        assertEquals("v1.35.1", r.catalogs().get(url).channels().get("stable"));
        String warning = r.warnings().get(url);
        assertTrue(warning.startsWith("catalog " + url + ": fetch failed (not a valid catalog: /spec/images/0/sha256: ")
                && warning.endsWith("; using the copy fetched at 2026-03-02T10:00:01Z"), warning);
        assertEquals(Catalogs.GOOD, new String(new CatalogCache(tmp.resolve("catalogs")).read(url).orElseThrow().body(),
                StandardCharsets.UTF_8));
    }

    @Test
    void aBodyWhoseVersionsDoNotReadUnderItsSchemeNeverReplacesAGoodCopy() throws Exception {
        String url = url("/os.yaml");
        CatalogSources sources = sources(CatalogFetchSettings.DEFAULTS);
        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(200).withBody(Catalogs.GOOD)));
        sources.fetch(Catalogs.naming(url), T0);
        String dotted = Catalogs.GOOD.replace("v1.35.1", "40.20240616.3.0");
        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(200).withBody(dotted)));
        RemoteCatalogs r = sources.fetch(Catalogs.naming(url), T0.plusSeconds(1));
        assertEquals("v1.35.1", r.catalogs().get(url).channels().get("stable"));
        assertEquals("catalog " + url + ": fetch failed (not a valid catalog: /spec/images/0/version: "
                + "'40.20240616.3.0' is not a version under versionScheme semver (SemVer 2.0, such as v1.35.1 or "
                + "1.36.0-rc.1); set spec.versionScheme: dotted to read it; /spec/channels/stable: '40.20240616.3.0' "
                + "is not a version under versionScheme semver (SemVer 2.0, such as v1.35.1 or 1.36.0-rc.1); set "
                + "spec.versionScheme: dotted to read it); using the copy fetched at 2026-03-02T10:00:00Z",
                r.warnings().get(url));

        server.stubFor(get("/os.yaml").willReturn(aResponse().withStatus(200).withBody(dotted.replace(
                "component: os", "component: os\n  versionScheme: dotted"))));
        RemoteCatalogs fixed = sources.fetch(Catalogs.naming(url), T0.plusSeconds(2));
        assertEquals("40.20240616.3.0", fixed.catalogs().get(url).channels().get("stable"));
        assertEquals("dotted", fixed.catalogs().get(url).versionScheme());
    }
}
