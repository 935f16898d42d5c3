package io.gitfleet.reconciler.gate;

import io.gitfleet.reconciler.plan.GateResults;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Durations;
import io.gitfleet.schema.Strategy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Runs an upgrade's external gates, the I/O at the edge of a promotion: a command must exit 0 within its timeout;
 * a Prometheus instant query must answer with an empty vector. Anything else (a non-zero exit, a timeout, series
 * in the answer, an HTTP error, an unreachable server) is a gate that did not pass, with the reason; it never
 * passes by default.
 */
public final class RunGatesCommand {
    /** A gate without its own {@code timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_OUTPUT = 400;

    private List<Strategy.Gate> gates = List.of();
    private Clock clock = Clock.systemUTC();
    private HttpClient http;

    public RunGatesCommand setGates(List<Strategy.Gate> gates) {
        this.gates = List.copyOf(gates);
        return this;
    }

    public RunGatesCommand setClock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public RunGatesCommand setHttpClient(HttpClient client) {
        this.http = client;
        return this;
    }

    /** Runs every gate (one after the other) and returns their results, stamped with when the run began. */
    public GateResults call() throws InterruptedException {
        var at = clock.instant();
        List<GateResults.Result> out = new ArrayList<>();
        for (Strategy.Gate g : gates) {
            Duration timeout = g.timeout() == null ? DEFAULT_TIMEOUT : Durations.parse(g.timeout());
            String failure = g.command() != null ? command(g.command(), timeout) : prometheus(g.prometheus(), timeout);
            out.add(new GateResults.Result(g.toString(), failure == null, failure));
        }
        return new GateResults(at, out);
    }

    private static String command(List<String> argv, Duration timeout) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            return "could not start " + argv.get(0) + ": " + e.getMessage();
        }
        // the output is drained on its own thread so a chatty command cannot block on a full pipe
        var output = new java.util.concurrent.CompletableFuture<String>();
        Thread reader = new Thread(() -> output.complete(drain(p.getInputStream())), "gate-output");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return "timed out after " + Durations.format(timeout);
        }
        String text = output.getNow("").strip();
        if (p.exitValue() == 0) {
            return null;
        }
        reader.join(1000);
        text = output.getNow(text).strip();
        return "exited with " + p.exitValue() + (text.isEmpty() ? "" : ": " + tail(text));
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private String prometheus(Strategy.Prometheus q, Duration timeout) throws InterruptedException {
        String base = q.url().endsWith("/") ? q.url().substring(0, q.url().length() - 1) : q.url();
        URI uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(q.query(), StandardCharsets.UTF_8));
        HttpClient client = http != null ? http : HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return q.url() + " is unreachable: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage());
        }
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + " from " + q.url() + ": " + tail(response.body());
        }
        JsonNode answer;
        try {
            answer = Documents.MAPPER.readTree(response.body());
        } catch (RuntimeException e) {
            return q.url() + " did not answer with JSON";
        }
        if (!"success".equals(answer.path("status").asString(""))) {
            return "the query failed: " + answer.path("error").asString("status " + answer.path("status"));
        }
        JsonNode data = answer.path("data");
        if (!"vector".equals(data.path("resultType").asString(""))) {
            return "the query returned a " + data.path("resultType").asString("?") + ", not an instant vector";
        }
        JsonNode result = data.path("result");
        if (result.isEmpty()) {
            return null;
        }
        return "the query returned " + result.size() + " series, e.g. " + tail(result.get(0).path("metric")
                .toString());
    }

    private static String tail(String text) {
        return text.length() <= MAX_OUTPUT ? text : "…" + text.substring(text.length() - MAX_OUTPUT);
    }
}
