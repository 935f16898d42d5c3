package io.gitfleet.agent;

import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.ReadResult;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * One round trip with the reconciler: {@code POST /api/v1/nodes/{node}/report?wait=S} with the report, answered
 * by an instruction (200) or nothing (204). The token is read from its file on every call, so it can rotate.
 */
public final class ReconcilerClient {
    private static final int MAX_ANSWER_BYTES = 1 << 20;

    private final HttpClient http;
    private final URI endpoint;
    private final String node;
    private final Path tokenFile;
    private io.gitfleet.agent.install.AgentTls.Files tls;

    public ReconcilerClient(HttpClient http, String server, String node, Path tokenFile) {
        this.http = http;
        String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        this.endpoint = URI.create(base + "/api/v1/nodes/" + node + "/report");
        this.node = node;
        this.tokenFile = tokenFile;
    }

    /** The config's {@code tls} block: a TLS failure is then told with the field that decides it. */
    public ReconcilerClient setTls(io.gitfleet.agent.install.AgentTls.Files tls) {
        this.tls = tls;
        return this;
    }

    public Optional<Instruction> roundTrip(Report report, Duration wait)
            throws ServerUnavailableException, ServerRejectedException, InterruptedException {
        return roundTrip(report, wait, wait.plusSeconds(30));
    }

    /** {@code timeout} bounds the whole exchange; progress reports use a short one so a slow server cannot stall a write. */
    public Optional<Instruction> roundTrip(Report report, Duration wait, Duration timeout)
            throws ServerUnavailableException, ServerRejectedException, InterruptedException {
        String token;
        try {
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ServerRejectedException(0, "cannot read the token file " + tokenFile + ": " + e.getMessage());
        }
        if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            // said by the file's name and shape, never its content: the HTTP client's own error prints the header
            throw new ServerRejectedException(0, "the token file " + tokenFile + " must hold the token on one line, "
                    + "without spaces or control characters (it has " + token.lines().count() + " lines)");
        }
        io.gitfleet.agent.install.AgentTls.refresh(tls);
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "?wait=" + wait.toSeconds()))
                .timeout(timeout).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Documents.toJsonBytes(report))).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ServerUnavailableException("cannot reach " + endpoint + ": "
                    + io.gitfleet.agent.install.AgentTls.refusal(e, tls).orElse(e.toString()), e);
        }
        int status = response.statusCode();
        byte[] body = response.body();
        if (status == 204) {
            return Optional.empty();
        }
        if (status == 200) {
            if (body.length > MAX_ANSWER_BYTES) {
                throw new ServerUnavailableException("the instruction is " + body.length + " bytes; refused", null);
            }
            ReadResult<Instruction> read = DocumentReader.read("instruction from " + endpoint.getHost(), body,
                    Instruction.class, null);
            if (!read.ok()) {
                throw new ServerUnavailableException("the reconciler sent an invalid instruction: "
                        + read.problems().stream().map(Object::toString).collect(Collectors.joining("; ")), null);
            }
            Instruction instruction = read.document();
            if (!node.equals(instruction.name())) {
                throw new ServerUnavailableException("the reconciler sent an instruction for "
                        + instruction.name() + " to " + node, null);
            }
            return Optional.of(instruction);
        }
        String reason = errorReason(body);
        if (status >= 500) {
            throw new ServerUnavailableException("the reconciler answered " + status + reason, null);
        }
        throw new ServerRejectedException(status, "the reconciler refused the report: " + status + reason);
    }

    private static String errorReason(byte[] body) {
        try {
            JsonNode tree = Documents.MAPPER.readTree(body);
            return ": " + tree.path("error").asString("") + " " + tree.path("reason").asString("");
        } catch (RuntimeException e) {
            return "";
        }
    }
}
