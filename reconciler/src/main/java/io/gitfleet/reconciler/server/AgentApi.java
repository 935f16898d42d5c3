package io.gitfleet.reconciler.server;

import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.ReadResult;
import io.gitfleet.schema.Report;
import io.gitfleet.schema.ReportDelta;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code POST /api/v1/nodes/{node}/report}: the agent's round trip. The agent proves who it is with its bearer
 * token, reports, and gets its instruction (200) or nothing (204), possibly after a long poll
 * ({@code ?wait=SECONDS}, at most {@link #MAX_WAIT}). A report that changes something triggers a pass.
 */
public final class AgentApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgentApi.class);
    public static final int BODY_LIMIT = 64 * 1024;
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** Bodies up to this size are remembered per node, to recognise a repeated report (most are heartbeats). */
    static final int REMEMBERED_BODY = 4 * 1024;
    /** Set on a request whose token {@link #authenticate} accepted, so that it is checked once, not twice. */
    private static final String AUTHENTICATED = "gitfleet.authenticated";

    private final Supplier<NodeTokens> tokens;
    private final ReportBook reports;
    private final InstructionBoard board;
    private final Runnable triggerPass;
    private final ServerMetrics metrics;
    private final Clock clock;
    private ReplicaSettings peers = ReplicaSettings.DEFAULTS;
    private java.util.function.BooleanSupplier ready = () -> true;
    private boolean clientCertificates;
    /**
     * Each node's last accepted report, with its exact bytes. Reading a report is a pure function of its bytes
     * (strict JSON, the jar's own schema, the record), so a body identical to the last one read gets the same
     * verdict and the same document without parsing and validating it again; any other body is read in full.
     */
    private final java.util.Map<String, Accepted> lastAccepted = new java.util.concurrent.ConcurrentHashMap<>();

    private record Accepted(byte[] body, Report report) {
    }

    public AgentApi(Supplier<NodeTokens> tokens, ReportBook reports, InstructionBoard board, Runnable triggerPass,
                    ServerMetrics metrics, Clock clock) {
        this.tokens = tokens;
        this.reports = reports;
        this.board = board;
        this.triggerPass = triggerPass;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Whether the server has loaded the fleet (and so its nodes' tokens): before that an agent is told to come back
     * ({@code 503 not_ready}), not that its token is wrong.
     */
    public AgentApi setReady(java.util.function.BooleanSupplier ready) {
        this.ready = ready;
        return this;
    }

    /**
     * {@code serve --tls-client-ca}: an agent's round trip must come over a connection whose client certificate the
     * client CA signed (the TLS layer checked the signature; here: that there is one). Forwarded round trips are
     * exempt: the standby checked the agent's certificate, and the peer secret vouches for the standby.
     */
    public AgentApi setClientCertificates(boolean required) {
        this.clientCertificates = required;
        return this;
    }

    /** The replicas whose forwarded round trips this one accepts (with their shared secret). */
    public AgentApi setPeers(ReplicaSettings peers) {
        this.peers = peers;
        return this;
    }

    public void report(RoutingContext ctx) {
        String node = ctx.pathParam("node");
        if (!Boolean.TRUE.equals(ctx.get(AUTHENTICATED))) {
            authenticate(ctx);
        }
        Duration wait = waitParam(ctx);
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ApiError.badRequest("the body must be a Report document (JSON)");
        }
        Report report = read(node, body.getBytes());
        if (!node.equals(report.name())) {
            throw ApiError.forbidden("a node can only report for itself: the report is for " + report.name());
        }
        if (reports.record(node, report.status(), clock.instant())) {
            triggerPass.run();
        }
        Promise<Void> gone = Promise.promise();
        ctx.response().closeHandler(v -> gone.tryComplete());
        board.next(node, report.status().task(), wait, gone.future()).onComplete(done -> {
            if (ctx.response().closed()) {
                return;
            }
            if (done.failed()) {
                ApiError.write(ctx, done.cause());
                return;
            }
            Optional<Instruction> instruction = done.result();
            int status = instruction.isPresent() ? 200 : 204;
            metrics.agentRequest(status);
            if (instruction.isPresent()) {
                ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                        .end(Buffer.buffer(Documents.toJsonBytes(instruction.get())));
            } else {
                ctx.response().setStatusCode(204).end();
            }
        });
    }

    /**
     * The report in {@code bytes}, read and validated: the node's last one when the bytes are the same, that one with
     * one value changed when only that value differs (and is valid), otherwise read in full.
     */
    private Report read(String node, byte[] bytes) {
        Accepted last = lastAccepted.get(node);
        if (last != null && java.util.Arrays.equals(last.body(), bytes)) {
            return last.report();
        }
        // a body that differs from the node's last one in one value (a health message, a task's progress) is
        // checked by that value alone (ReportDelta); any other body is read and checked in full
        Report report = last == null ? null : ReportDelta.read(last.body(), last.report(), bytes).orElse(null);
        if (report == null) {
            ReadResult<Report> read = DocumentReader.read("report", bytes, Report.class, null);
            if (!read.ok()) {
                Problem p = read.problems().get(0);
                throw new ApiError(400, "invalid_report", p.pointer() + ": " + p.message());
            }
            report = read.document();
        }
        // only a report for this node, from this node (authenticated above), is remembered, so the memory held
        // is one body per node of the fleet at most
        if (bytes.length <= REMEMBERED_BODY && node.equals(report.name())) {
            lastAccepted.put(node, new Accepted(bytes, report));
        }
        return report;
    }

    /**
     * Lets in the node named in the path by its own token, or a round trip forwarded by a configured peer that
     * checked the node's token itself and presents the replicas' shared secret instead.
     */
    void authenticate(RoutingContext ctx) {
        if (!ready.getAsBoolean()) {
            metrics.agentRequest(503);
            throw ApiError.notReady("the server has not loaded the fleet yet; retry shortly", 5);
        }
        String node = ctx.pathParam("node");
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            metrics.agentRequest(401);
            throw ApiError.unauthenticated("send the node's token as 'Authorization: Bearer TOKEN'");
        }
        String presented = header.substring(7).strip();
        String forwardedBy = ctx.request().getHeader(AgentForwarder.FORWARDED_BY);
        if (forwardedBy != null) {
            String secret = peers.peerSecret();
            if (!peers.peers().containsKey(forwardedBy) || secret == null || !MessageDigest.isEqual(
                    secret.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
                metrics.agentRequest(401);
                throw ApiError.unauthenticated("a forwarded round trip must come from a configured peer "
                        + "(--peer) with the peer secret");
            }
            ctx.put(AUTHENTICATED, true);
            return;
        }
        if (clientCertificates && !hasClientCertificate(ctx)) {
            metrics.agentRequest(401);
            LOG.warn("refused a round trip for node {} from {}: no client certificate", node,
                    ctx.request().remoteAddress());
            throw ApiError.unauthenticated("this server requires a client certificate signed by its client CA "
                    + "(tls.certFile and tls.keyFile in the agent's config)");
        }
        switch (tokens.get().check(node, presented)) {
            case OK -> ctx.put(AUTHENTICATED, true);
            case OTHER_NODE -> {
                metrics.agentRequest(403);
                LOG.warn("refused a round trip for node {} from {}: the token belongs to another node", node,
                        ctx.request().remoteAddress());
                throw ApiError.forbidden("this token belongs to another node; a node can only speak for itself");
            }
            default -> {
                metrics.agentRequest(401);
                LOG.warn("refused a round trip for node {} from {}: unknown node or wrong token", node,
                        ctx.request().remoteAddress());
                throw ApiError.unauthenticated("unknown node or wrong token");
            }
        }
    }

    private static boolean hasClientCertificate(RoutingContext ctx) {
        if (!ctx.request().isSSL()) {
            return false;
        }
        try {
            return !ctx.request().connection().peerCertificates().isEmpty();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return false;
        }
    }

    private static Duration waitParam(RoutingContext ctx) {
        String wait = ctx.request().getParam("wait");
        if (wait == null || wait.isEmpty()) {
            return Duration.ZERO;
        }
        try {
            long seconds = Long.parseLong(wait);
            if (seconds < 0) {
                throw ApiError.badRequest("wait must be a number of seconds from 0 to " + MAX_WAIT.toSeconds());
            }
            return Duration.ofSeconds(Math.min(seconds, MAX_WAIT.toSeconds()));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("wait must be a number of seconds from 0 to " + MAX_WAIT.toSeconds());
        }
    }
}
