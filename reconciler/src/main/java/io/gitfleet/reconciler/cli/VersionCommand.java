package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.server.BuildInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gitfleet version [--server URL]}: this client's version, and a running server's. */
@Command(name = "version", description = "This gitfleet's version, and with --server a running server's.")
final class VersionCommand implements Callable<Integer> {
    @Option(names = "--server", paramLabel = "URL", description = "a gitfleet serve URL, e.g. http://127.0.0.1:8080")
    URI server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        spec.commandLine().getOut().println("client  gitfleet " + BuildInfo.version() + " (Java "
                + BuildInfo.javaVersion() + ")");
        if (server == null) {
            return 0;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(server.resolve("/api/v1/version")).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("--server " + server + ": cannot be reached (" + e.getMessage() + ")");
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("--server " + server + ": answered HTTP " + r.statusCode()
                    + " to /api/v1/version (is it a gitfleet server?)");
        }
        tools.jackson.databind.JsonNode doc = io.gitfleet.schema.Documents.MAPPER.readTree(r.body());
        spec.commandLine().getOut().println("server  gitfleet " + doc.path("version").asString("?") + " (Java "
                + doc.path("java").asString("?") + ") at " + server);
        return 0;
    }
}
