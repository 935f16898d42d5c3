package io.gitfleet.reconciler.server;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A node's agent speaking the real wire protocol, stepped by hand from a test. */
final class HttpAgent {
    final String node;
    private final String base;
    private final HttpClient http;
    final Map<String, String> components = new HashMap<>();
    Report.Task task;
    Instruction held;

    HttpAgent(String base, HttpClient http, String node, String os) {
        this.base = base;
        this.http = http;
        this.node = node;
        components.put("os", os);
        components.put("kubernetes", "v1.34.2");
    }

    static String token(String node) {
        return "gitfleet-demo-token-" + node;
    }

    /** One round trip; remembers the instruction it was given (or keeps the last one on 204). */
    Instruction report(int waitSeconds) throws Exception {
        String body = Documents.toJson(Report.of(node, new Report.Status("test", Map.copyOf(components),
                new Report.Slots("a", "a", null, null, null), new Report.Health(true, null), task, null)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes/" + node + "/report?wait="
                        + waitSeconds)).timeout(Duration.ofSeconds(waitSeconds + 20))
                .header("Authorization", "Bearer " + token(node)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
            held = DocumentReader.require("instruction", r.body().getBytes(StandardCharsets.UTF_8), Instruction.class);
            return held;
        }
        if (r.statusCode() == 503) {
            throw new Unavailable(node + ": HTTP 503 " + r.body());
        }
        if (r.statusCode() != 204) {
            throw new AssertionError(node + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return null;
    }

    /** 503: no replica acts right now (a hand-over); a real agent backs off and retries. */
    static final class Unavailable extends AssertionError {
        Unavailable(String message) {
            super(message);
        }
    }

    /** {@link #report}, retried every 100 ms while the server answers 503, for up to {@code patience}. */
    Instruction reportRetrying(int waitSeconds, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return report(waitSeconds);
            } catch (Unavailable e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Takes up the held instruction at {@code phase}, as a real agent reports its progress. */
    void phase(NodePhase phase) {
        Instruction.Spec s = held.spec();
        if (phase == NodePhase.Completed && s.action() == Action.INSTALL) {
            components.put(s.component(), s.version());
        }
        task = new Report.Task(s.upgrade(), s.attempt(), s.action(), s.version(), phase, null, null, null, null);
    }

    /** Walks the held instruction to Completed, reporting each phase. */
    void install() throws Exception {
        for (NodePhase p : new NodePhase[] {NodePhase.Downloading, NodePhase.Writing, NodePhase.Verifying,
            NodePhase.Staged, NodePhase.Rebooting, NodePhase.Completed}) {
            phase(p);
            report(0);
        }
    }
}
