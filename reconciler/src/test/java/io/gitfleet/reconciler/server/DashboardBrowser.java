package io.gitfleet.reconciler.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium, driven over the DevTools protocol with the JDK's own WebSocket client: one page,
 * JavaScript evaluated in it, screenshots, and the exceptions and console errors it raised. No browser is
 * downloaded: the test uses {@code /usr/bin/chromium} (or the {@code gitfleet.chromium} system property).
 */
final class DashboardBrowser implements AutoCloseable {
    static final String INSTALL_HINT = "the dashboard test drives Debian's headless Chromium and found none at %s;"
            + " install it with: apt-get update && apt-get install -y chromium";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final Path profile;
    private final Path log;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<JsonObject> events = new CopyOnWriteArrayList<>();

    private DashboardBrowser(Process process, Path profile, Path log, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.socket = socket;
    }

    static Path executable() {
        return Path.of(System.getProperty("gitfleet.chromium", "/usr/bin/chromium"));
    }

    /** Starts Chromium on about:blank with a window of {@code width}x{@code height} and attaches to its page. */
    static DashboardBrowser launch(int width, int height) throws Exception {
        Path chromium = executable();
        if (!Files.isExecutable(chromium)) {
            throw new AssertionError(String.format(INSTALL_HINT, chromium));
        }
        Path profile = Files.createTempDirectory("gitfleet-chromium-");
        Path log = profile.resolve("chromium.log");
        Process process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--mute-audio", "--user-data-dir=" + profile.resolve("profile"),
                "--window-size=" + width + "," + height, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = devToolsPort(process, profile.resolve("profile").resolve("DevToolsActivePort"), log);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String page = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (page == null && System.nanoTime() < deadline) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                for (Object target : new JsonArray(list)) {
                    JsonObject t = (JsonObject) target;
                    if ("page".equals(t.getString("type"))) {
                        page = t.getString("webSocketDebuggerUrl");
                        break;
                    }
                }
                if (page == null) {
                    Thread.sleep(100);
                }
            }
            if (page == null) {
                throw new IllegalStateException("Chromium opened no page\n" + tail(log));
            }
            DashboardBrowser[] self = new DashboardBrowser[1];
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(page), new Listener(message -> self[0].receive(message)))
                    .get(10, TimeUnit.SECONDS);
            self[0] = new DashboardBrowser(process, profile, log, socket);
            self[0].call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width)
                    .put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
            return self[0];
        } catch (Exception | AssertionError e) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            deleteTree(profile);
            throw e;
        }
    }

    private static int devToolsPort(Process process, Path portFile, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(portFile)) {
                List<String> lines = Files.readAllLines(portFile);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).trim());
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Chromium exited with " + process.exitValue() + "\n" + tail(log));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Chromium did not open its DevTools port within 20 s\n" + tail(log));
    }

    /** Calls one DevTools method on the page and returns its result. */
    JsonObject call(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true)
                .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonObject reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (reply.containsKey("error")) {
            throw new IllegalStateException(method + " failed: " + reply.getJsonObject("error").encode());
        }
        return reply.getJsonObject("result", new JsonObject());
    }

    /** Evaluates a JavaScript expression in the page and returns its value (JSON-like: String, Boolean, ...). */
    Object eval(String expression) throws Exception {
        JsonObject result = call("Runtime.evaluate", new JsonObject().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (result.containsKey("exceptionDetails")) {
            throw new IllegalStateException("page threw on " + expression + ": "
                    + result.getJsonObject("exceptionDetails").encode());
        }
        Object value = result.getJsonObject("result").getValue("value");
        return value instanceof JsonArray array ? array.getList() : value;
    }

    String text(String expression) throws Exception {
        Object value = eval(expression);
        return value == null ? null : value.toString();
    }

    /** Waits until a JavaScript condition holds in the page; on timeout, fails showing what the page shows. */
    void waitFor(String what, String condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Boolean.TRUE.equals(eval("!!(" + condition + ")"))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "\n--- the page shows:\n" + text("document.body ? document.body.innerText : ''"));
            }
            Thread.sleep(100);
        }
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", new JsonObject().put("url", url));
    }

    /** Saves a PNG of what the window shows, or of the whole page when {@code fullPage}. */
    void screenshot(Path file, boolean fullPage) throws Exception {
        JsonObject params = new JsonObject().put("format", "png");
        if (fullPage) {
            JsonObject size = call("Page.getLayoutMetrics", new JsonObject()).getJsonObject("cssContentSize");
            params.put("captureBeyondViewport", true).put("clip", new JsonObject().put("x", 0).put("y", 0)
                    .put("width", size.getDouble("width")).put("height", size.getDouble("height")).put("scale", 1));
        }
        String data = call("Page.captureScreenshot", params).getString("data");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(data));
    }

    /** The DevTools events received so far whose method matches. */
    List<JsonObject> events(Predicate<String> method) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonObject e : events) {
            if (method.test(e.getString("method"))) {
                out.add(e);
            }
        }
        return out;
    }

    private void receive(String message) {
        JsonObject json = new JsonObject(message);
        Integer id = json.getInteger("id");
        if (id != null) {
            CompletableFuture<JsonObject> answer = pending.remove(id);
            if (answer != null) {
                answer.complete(json);
            }
        } else {
            events.add(json);
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        try {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                socket.abort();
            }
            process.destroy();
            children.forEach(ProcessHandle::destroy);
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            deleteTree(profile);
        }
    }

    String log() {
        return tail(log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no Chromium log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    /** Joins the parts of each text message and hands whole messages on. */
    private static final class Listener implements WebSocket.Listener {
        private final Consumer<String> sink;
        private final StringBuilder parts = new StringBuilder();

        Listener(Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String message = parts.toString();
                parts.setLength(0);
                sink.accept(message);
            }
            webSocket.request(1);
            return null;
        }
    }
}
