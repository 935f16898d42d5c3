package io.gitfleet.agent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.ReadResult;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * The reconciler's side of the agent protocol on 127.0.0.1: checks the bearer token, validates every report
 * against the schema, answers the current instruction or 204, and holds a 204 up to {@code wait} seconds (long
 * poll), answering early when the instruction changes.
 */
public final class FakeReconciler implements AutoCloseable {
    private final HttpServer server;
    private final String token;
    private final List<Report> reports = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<java.math.BigInteger> clientSerials = new ArrayList<>();
    private Instruction instruction;
    private int unavailable;
    private int requests;
    /** Requests being held right now (long poll), and those answered with an instruction while held. */
    private int holding;
    private int answeredWhileHeld;
    private long lastWaitAsked = -1;

    public FakeReconciler(String token) throws IOException {
        this(token, null, false);
    }

    /**
     * Over HTTPS with {@code tls} (null: plain HTTP); {@code needClientAuth}: the handshake fails without a client
     * certificate that {@code tls} trusts.
     */
    public FakeReconciler(String token, javax.net.ssl.SSLContext tls, boolean needClientAuth) throws IOException {
        this.token = token;
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(at, 0);
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(at, 0);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls) {
                @Override
                public void configure(com.sun.net.httpserver.HttpsParameters params) {
                    javax.net.ssl.SSLParameters p = tls.getDefaultSSLParameters();
                    p.setNeedClientAuth(needClientAuth);
                    params.setSSLParameters(p);
                }
            });
            server = https;
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/api/v1/nodes/", this::handle);
        server.start();
    }

    public String url() {
        return (server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http") + "://127.0.0.1:"
                + server.getAddress().getPort();
    }

    /** Serves {@code body} at {@code path} (an image, a catalog) from the same server. */
    public FakeReconciler serve(String path, byte[] body) {
        server.createContext(path, ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        return this;
    }

    public synchronized void instruct(Instruction next) {
        instruction = next;
        notifyAll();
    }

    /** The next {@code times} requests get 503. */
    public synchronized void unavailable(int times) {
        unavailable = times;
    }

    public synchronized int requests() {
        return requests;
    }

    /** The {@code wait} (seconds) the last report asked to be held for; -1 before any. */
    public synchronized long lastWaitAsked() {
        return lastWaitAsked;
    }

    /** How many requests got their instruction while the server held them (not on a later poll). */
    public synchronized int answeredWhileHeld() {
        return answeredWhileHeld;
    }

    /** Waits until a request is being held (an agent waits on its long poll). */
    public synchronized void awaitHeld(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (holding == 0) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("no request held within " + timeout + "; " + requests + " requests");
            }
            wait(left);
        }
    }

    public synchronized List<Report> reports() {
        return List.copyOf(reports);
    }

    /** Schema problems found in reports; a correct agent leaves this empty. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** The task phases reported, consecutive repeats folded. */
    public synchronized List<NodePhase> phases() {
        List<NodePhase> out = new ArrayList<>();
        for (Report r : reports) {
            Report.Task t = r.status().task();
            if (t != null && (out.isEmpty() || out.get(out.size() - 1) != t.phase())) {
                out.add(t.phase());
            }
        }
        return out;
    }

    public synchronized Report last() {
        return reports.isEmpty() ? null : reports.get(reports.size() - 1);
    }

    /** Waits until a report matches; fails with what was reported when it does not come. */
    public Report await(Predicate<Report> condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                for (int i = reports.size() - 1; i >= 0; i--) {
                    if (condition.test(reports.get(i))) {
                        return reports.get(i);
                    }
                }
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("no such report within " + timeout + "; phases " + phases()
                            + "; last " + (reports.isEmpty() ? null : Documents.toJson(last())));
                }
                wait(left);
            }
        }
    }

    public Report awaitPhase(NodePhase phase, Duration timeout) throws InterruptedException {
        return await(r -> r.status().task() != null && r.status().task().phase() == phase, timeout);
    }

    /** The serial of the client certificate of every round trip that presented one (HTTPS only). */
    public synchronized List<java.math.BigInteger> clientSerials() {
        return List.copyOf(clientSerials);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (ex instanceof com.sun.net.httpserver.HttpsExchange https) {
                try {
                    java.security.cert.Certificate[] peer = https.getSSLSession().getPeerCertificates();
                    synchronized (this) {
                        clientSerials.add(((java.security.cert.X509Certificate) peer[0]).getSerialNumber());
                    }
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    // no client certificate
                }
            }
            Instruction answer;
            synchronized (this) {
                requests++;
                if (unavailable > 0) {
                    unavailable--;
                    send(ex, 503, "{\"error\":\"unavailable\",\"reason\":\"starting\"}");
                    return;
                }
                if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    send(ex, 401, "{\"error\":\"unauthenticated\",\"reason\":\"bad token\"}");
                    return;
                }
                ReadResult<Report> read = DocumentReader.read("report", body, Report.class, null);
                if (!read.ok()) {
                    problems.add(read.problems().toString());
                    notifyAll();
                    send(ex, 400, "{\"error\":\"malformed\",\"reason\":\"" + read.problems().size() + " problems\"}");
                    return;
                }
                reports.add(read.document());
                notifyAll();
                long wait = waitSeconds(ex.getRequestURI().getQuery());
                lastWaitAsked = wait;
                long end = System.nanoTime() + Duration.ofSeconds(wait).toNanos();
                Instruction seen = instruction;
                boolean held = false;
                while (instruction == null && seen == null && System.nanoTime() < end) {
                    if (!held) {
                        held = true;
                        holding++;
                        notifyAll();
                    }
                    try {
                        wait(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (held) {
                    holding--;
                    answeredWhileHeld += instruction != null ? 1 : 0;
                }
                answer = instruction;
            }
            if (answer == null) {
                ex.sendResponseHeaders(204, -1);
            } else {
                send(ex, 200, Documents.toJson(answer));
            }
        }
    }

    private static long waitSeconds(String query) {
        if (query != null && query.startsWith("wait=")) {
            return Long.parseLong(query.substring(5));
        }
        return 0;
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
