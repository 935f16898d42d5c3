package io.gitfleet.vm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Serves the zstd images on 127.0.0.1 (the guest reaches it through QEMU's guestfwd). It counts the bytes it has
 * sent, so a test can act while a transfer is under way, and can be paced to make the Writing phase long enough
 * to cut the power in.
 */
final class ImageServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private volatile long bytesPerSecond;

    ImageServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "image-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void serve(String name, Path file) {
        files.put("/" + name, file);
    }

    /** 0 = as fast as the link allows. */
    void pace(long perSecond) {
        bytesPerSecond = perSecond;
    }

    long sent() {
        return sent.get();
    }

    long requests() {
        return requests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            Path file = files.get(ex.getRequestURI().getPath());
            if (file == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            long size = Files.size(file);
            ex.getResponseHeaders().set("Content-Type", "application/zstd");
            if ("HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            // No Range support: a resumed transfer starts over from byte 0, which the agent handles.
            ex.sendResponseHeaders(200, size);
            long started = System.nanoTime();
            long done = 0;
            try (InputStream in = Files.newInputStream(file); OutputStream out = ex.getResponseBody()) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    done += n;
                    sent.addAndGet(n);
                    long rate = bytesPerSecond;
                    if (rate > 0) {
                        long due = started + done * 1_000_000_000L / rate;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
