package io.gitfleet.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Serves the demo's image files on 127.0.0.1, as a remote image host would. */
public final class ImageServer implements AutoCloseable {
    private final HttpServer server;

    public ImageServer(Path dir) throws IOException {
        this(dir, 0);
    }

    /** {@code bytesPerSecond} > 0 paces every response (the end-to-end tests widen the Writing window with it). */
    public ImageServer(Path dir, long bytesPerSecond) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring(1);
            Path file = dir.resolve(name).normalize();
            if (!file.startsWith(dir) || name.contains("/") || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/zstd");
            exchange.sendResponseHeaders(200, Files.size(file));
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                if (bytesPerSecond <= 0) {
                    in.transferTo(out);
                } else {
                    byte[] chunk = new byte[(int) Math.max(1, Math.min(64 * 1024, bytesPerSecond / 10))];
                    for (int n; (n = in.read(chunk)) > 0; ) {
                        out.write(chunk, 0, n);
                        out.flush();
                        Thread.sleep(n * 1000L / bytesPerSecond);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (bytesPerSecond > 0) {
            // paced responses must not queue behind each other on the dispatcher thread
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "image-server");
                t.setDaemon(true);
                return t;
            }));
        }
        server.start();
    }

    public String url(String file) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + file;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
