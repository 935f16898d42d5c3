package io.gitfleet.reconciler.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.gitfleet.reconciler.plan.GateResults;
import io.gitfleet.schema.Strategy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gates against a small Prometheus stub on 127.0.0.1 and real processes. */
class RunGatesCommandIT {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

    private HttpServer prometheus;
    private volatile int status = 200;
    private volatile String body;
    private final List<String> queries = new ArrayList<>();

    @BeforeEach
    void stub() throws Exception {
        prometheus = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        prometheus.createContext("/api/v1/query", ex -> {
            synchronized (queries) {
                queries.add(ex.getRequestURI().getRawQuery());
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        prometheus.start();
    }

    @AfterEach
    void stop() {
        prometheus.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + prometheus.getAddress().getPort();
    }

    private GateResults.Result run(Strategy.Gate gate) throws Exception {
        GateResults r = new RunGatesCommand().setGates(List.of(gate)).setClock(CLOCK).call();
        assertEquals(CLOCK.instant(), r.at());
        return r.results().get(0);
    }

    private Strategy.Gate query(String base) {
        return new Strategy.Gate(null, "5s", new Strategy.Prometheus(base, "ALERTS{severity=\"page\"}"));
    }

    @Test
    void anEmptyVectorPassesAndTheQueryIsSentEncoded() throws Exception {
        body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
        GateResults.Result r = run(query(url()));
        assertTrue(r.passed(), r.reason());
        assertNull(r.reason());
        assertEquals("prometheus ALERTS{severity=\"page\"}", r.gate());
        assertEquals(List.of("query=ALERTS%7Bseverity%3D%22page%22%7D"), queries);
    }

    @Test
    void anySeriesInTheAnswerHoldsThePromotion() throws Exception {
        body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
                + "{\"alertname\":\"NodeDown\",\"instance\":\"w-1\"},\"value\":[1,\"1\"]}]}}";
        GateResults.Result r = run(query(url() + "/"));
        assertFalse(r.passed());
        assertEquals("the query returned 1 series, e.g. {\"alertname\":\"NodeDown\",\"instance\":\"w-1\"}", r.reason());
    }

    @Test
    void anErrorOrAnUnreachableServerNeverPasses() throws Exception {
        status = 503;
        body = "overloaded";
        GateResults.Result r = run(query(url()));
        assertFalse(r.passed());
        assertEquals("HTTP 503 from " + url() + ": overloaded", r.reason());

        status = 200;
        body = "{\"status\":\"error\",\"error\":\"parse error at char 7\"}";
        assertEquals("the query failed: parse error at char 7", run(query(url())).reason());

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        GateResults.Result down = run(query("http://127.0.0.1:" + closed));
        assertFalse(down.passed());
        assertTrue(down.reason().startsWith("http://127.0.0.1:" + closed + " is unreachable: "), down.reason());
    }

    @Test
    void aCommandPassesOnExitZeroOnlyAndIsBoundedByItsTimeout() throws Exception {
        assertTrue(run(new Strategy.Gate(List.of("true"), null, null)).passed());
        GateResults.Result failed = run(new Strategy.Gate(List.of("sh", "-c", "echo 3 pods pending; exit 2"), null,
                null));
        assertFalse(failed.passed());
        assertEquals("exited with 2: 3 pods pending", failed.reason());
        GateResults.Result slow = run(new Strategy.Gate(List.of("sleep", "30"), "200ms", null));
        assertEquals("timed out after 200ms", slow.reason());
        assertEquals("could not start /nonexistent/check: Cannot run program \"/nonexistent/check\": error=2, No such "
                + "file or directory", run(new Strategy.Gate(List.of("/nonexistent/check"), null, null)).reason());
    }
}
