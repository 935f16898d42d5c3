package io.gitfleet.reconciler.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code url} catalogs served slowly (each request waits on a latch the test opens): fetched in the background,
 * they never hold the caller up; it plans with what it has, and hears when a late fetch lands.
 */
class SlowCatalogIT {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path tmp;
    private HttpServer server;
    /** Each request waits until the test opens this gate. */
    private volatile CountDownLatch gate = new CountDownLatch(1);
    /** Released once per request that reached the server. */
    private final Semaphore arrived = new Semaphore(0);
    private final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            CountDownLatch mine = gate;
            arrived.release();
            try {
                mine.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = Catalogs.GOOD.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        gate.countDown();
        server.stop(0);
        background.shutdownNow();
    }

    @Test
    void slowCatalogsNeverHoldThePassUp() throws Exception {
        String a = "http://127.0.0.1:" + server.getAddress().getPort() + "/a.yaml";
        String b = "http://127.0.0.1:" + server.getAddress().getPort() + "/b.yaml";
        Semaphore landed = new Semaphore(0);
        CatalogSources sources = CatalogSources.inDataDir(tmp, CatalogFetchSettings.DEFAULTS)
                .inBackground(background, landed::release).setFirstWait(Duration.ZERO);

        RemoteCatalogs first = sources.fetch(Catalogs.naming(a, b), T0, true);
        assertTrue(first.catalogs().isEmpty(), "nothing fetched yet: " + first);
        assertEquals(2, first.errors().size());
        assertTrue(first.errors().get(a).contains("still being fetched"), first.errors().get(a));

        RemoteCatalogs again = sources.fetch(Catalogs.naming(a, b), T0.plusSeconds(1), true);
        assertEquals(2, again.errors().size(), "a second pass does not start another fetch of the same URL");

        assertTrue(arrived.tryAcquire(2, 30, TimeUnit.SECONDS), "one request per URL reached the server");
        assertEquals(0, arrived.availablePermits(), "the second pass started no fetch of its own");
        CountDownLatch first0 = gate;
        gate = new CountDownLatch(1);
        first0.countDown();
        assertTrue(landed.tryAcquire(2, 30, TimeUnit.SECONDS), "each late fetch asks for another pass");
        RemoteCatalogs after = sources.fetch(Catalogs.naming(a, b), T0.plusSeconds(2), false);
        assertEquals(2, after.catalogs().size(), after.toString());
        assertTrue(after.errors().isEmpty(), after.toString());

        // served slowly again: the pass plans with the copies it has while the new fetches run
        RemoteCatalogs stale = sources.fetch(Catalogs.naming(a, b), T0.plusSeconds(3), true);
        assertEquals(2, stale.catalogs().size(), "the last good copies stand in: " + stale);
    }
}
