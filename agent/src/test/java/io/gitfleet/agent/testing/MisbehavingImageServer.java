package io.gitfleet.agent.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP/1.1 file server on 127.0.0.1 written on raw sockets, so it can misbehave exactly: cut the
 * connection (TCP reset) after N bytes, ignore Range, answer 503 first. Honest otherwise: ETag, 206 and
 * Content-Range like nginx.
 */
public final class MisbehavingImageServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** One request as the server saw it. */
    public record Seen(String range, String ifRange, int status) {
    }

    private final ServerSocket socket;
    private final Thread thread;
    private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requests = new AtomicInteger();
    private volatile byte[] body;
    private volatile String etag;
    private volatile long cutAt = -1;
    private volatile int cutTimes;
    private volatile boolean ignoreRange;
    private volatile int unavailableTimes;
    private volatile long stallAt = -1;
    private volatile long stallMillis;

    public MisbehavingImageServer(byte[] body) throws IOException {
        this.body = body;
        this.etag = "\"v" + java.util.Arrays.hashCode(body) + "\"";
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "image-server");
        thread.setDaemon(true);
        thread.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/image.img.zst");
    }

    /** The first {@code times} responses stop (with a reset) once the body reaches absolute offset {@code at}. */
    public MisbehavingImageServer cutAt(long at, int times) {
        this.cutAt = at;
        this.cutTimes = times;
        return this;
    }

    /** The first response stops for {@code millis} once the body reaches {@code at} (a slow link, a busy mirror). */
    public MisbehavingImageServer stallAt(long at, long millis) {
        this.stallAt = at;
        this.stallMillis = millis;
        return this;
    }

    public MisbehavingImageServer ignoreRange() {
        this.ignoreRange = true;
        return this;
    }

    public MisbehavingImageServer unavailable(int times) {
        this.unavailableTimes = times;
        return this;
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                handle(s);
            } catch (IOException e) {
                // A client that hung up, or the server closing: next.
            }
        }
    }

    private void handle(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        String line = in.readLine();
        if (line == null) {
            return;
        }
        String range = null;
        String ifRange = null;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("range:")) {
                range = line.substring(6).trim();
            } else if (lower.startsWith("if-range:")) {
                ifRange = line.substring(9).trim();
            }
        }
        int n = requests.getAndIncrement();
        OutputStream out = s.getOutputStream();
        if (n < unavailableTimes) {
            seen.add(new Seen(range, ifRange, 503));
            out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return;
        }
        byte[] b = body;
        long start = 0;
        int status = 200;
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (m != null && m.matches() && !ignoreRange && (ifRange == null || ifRange.equals(etag))) {
            start = Long.parseLong(m.group(1));
            status = 206;
        }
        seen.add(new Seen(range, ifRange, status));
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(status == 206 ? " Partial Content" : " OK")
                .append("\r\nContent-Type: application/zstd\r\nETag: ").append(etag)
                .append("\r\nAccept-Ranges: ").append(ignoreRange ? "none" : "bytes")
                .append("\r\nContent-Length: ").append(b.length - start).append("\r\nConnection: close\r\n");
        if (status == 206) {
            head.append("Content-Range: bytes ").append(start).append('-').append(b.length - 1).append('/')
                    .append(b.length).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        long end = b.length;
        if (cutTimes > 0 && cutAt > start && cutAt < end) {
            cutTimes--;
            end = cutAt;
            out.write(b, (int) start, (int) (end - start));
            out.flush();
            s.shutdownOutput();     // the bytes before the cut arrive, then end of stream
            // Wait until the client has read up to the end of stream and hung up, however slow it is: a reset sent
            // earlier would discard bytes still unread in its socket buffer, and where it resumes would depend on
            // the machine's load. (The timeout only bounds a client that never hangs up.)
            s.setSoTimeout(60_000);
            try {
                while (s.getInputStream().read() >= 0) {
                    // the client sends nothing more on this connection; drain until it closes
                }
            } catch (IOException ignored) {
                // reset or timeout: the client is gone either way
            }
            s.setSoLinger(true, 0);   // close with a reset, as a dropped link looks
            return;
        }
        long stall = stallAt;
        if (stall > start && stall < end) {
            stallAt = -1;
            out.write(b, (int) start, (int) (stall - start));
            out.flush();
            sleep(stallMillis);
            start = stall;
        }
        out.write(b, (int) start, (int) (end - start));
        out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
