package io.gitfleet.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code gitfleet serve} in a process of its own, so that its heap and CPU are its own. */
final class BenchServer implements AutoCloseable {
    static final String SECRET = "bench-secret";
    private static final HttpClient METRICS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    final Process process;
    final String base;
    final int port;

    private BenchServer(Process process, int port) {
        this.process = process;
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
    }

    private Path log;

    /** The server log's last line, for a sentence about why it stopped. */
    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(empty log)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static BenchServer start(BenchFleet fleet, Path data, String xmx) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path secret = data.resolve("secret");
        Files.createDirectories(data);
        Files.writeString(secret, SECRET);
        String jar = Path.of(BenchServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + xmx));
        String extra = System.getenv("GITFLEET_BENCH_SERVER_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", jar, "io.gitfleet.reconciler.cli.GitfleetCommand", "serve", "--repo", fleet.bare.toString(),
                "--listen", "127.0.0.1:" + port, "--data-dir", data.resolve("server").toString(), "--poll", "1h",
                "--webhook-secret-file", secret.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(data.resolve("server.log").toFile())
                .start();
        BenchServer server = new BenchServer(p, port);
        server.log = data.resolve("server.log");
        server.awaitNodes(fleet.nodes);
        return server;
    }

    private void awaitNodes(int nodes) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new BenchCheck.Failure("the server exited while starting: " + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes"))
                                .timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && count(r.body(), "\"name\"") >= nodes) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new BenchCheck.Failure("the server did not list its " + nodes + " nodes within 3 min of starting.");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    /** A gauge or counter from /metrics. */
    double metric(String name) throws Exception {
        HttpResponse<String> r = METRICS.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new BenchCheck.Failure("/metrics answered " + r.statusCode() + ".");
        }
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
    }

    /** Used heap after a full collection, in MiB, read with jcmd. */
    double heapAfterGcMib() throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, Long.toString(process.pid()), "GC.run");
        String info = run(jcmd, Long.toString(process.pid()), "GC.heap_info");
        Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new BenchCheck.Failure("jcmd GC.heap_info printed no heap figure: " + info.strip());
        }
        return Long.parseLong(m.group(2)) / 1024.0;
    }

    long rssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new BenchCheck.Failure(String.join(" ", cmd) + " failed: " + out.strip());
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
