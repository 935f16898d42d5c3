package io.gitfleet.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A closed-loop HTTP load: {@code concurrency} keep-alive connections, each sending its next request as soon as
 * the last one is answered, for a fixed time. The same client and concurrency serve every kind of request, so
 * that two kinds measured in alternating rounds can be compared as a ratio.
 */
final class BenchLoad implements AutoCloseable {
    /** One request to send: its method, path, headers and body (null for none). */
    record Request(HttpMethod method, String path, String token, Buffer body) {
    }

    /** What a round did: answers with the expected status, and the others by status (-1: no answer). */
    record Round(long ok, java.util.Map<Integer, Long> unexpected, double seconds) {
        double perSecond() {
            return ok / seconds;
        }
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpClient client;
    private final int port;
    private final int concurrency;

    BenchLoad(int port, int concurrency) {
        this.port = port;
        this.concurrency = concurrency;
        this.client = vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true)
                .setConnectTimeout(30_000)).with(new PoolOptions().setHttp1MaxSize(concurrency)).build();
    }

    /** Sends {@code make(i)} for i = 0, 1, … on every connection for {@code length}; each answer must be {@code expected}. */
    Round run(Duration length, LongFunction<Request> make, int expected) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        java.util.Map<Integer, Long> unexpected = new ConcurrentHashMap<>();
        CountDownLatch workers = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        long end = start + length.toNanos();
        for (int w = 0; w < concurrency; w++) {
            vertx.runOnContext(v -> send(make, next, end, expected, ok, unexpected, workers));
        }
        if (!workers.await(length.toSeconds() + 60, TimeUnit.SECONDS)) {
            throw new BenchCheck.Failure("the load's requests were not answered within 60 s of the round's end ("
                    + workers.getCount() + " of " + concurrency + " connections still waiting).");
        }
        return new Round(ok.get(), java.util.Map.copyOf(unexpected), (System.nanoTime() - start) / 1e9);
    }

    private void send(LongFunction<Request> make, AtomicLong next, long end, int expected, AtomicLong ok,
                      java.util.Map<Integer, Long> unexpected, CountDownLatch workers) {
        if (System.nanoTime() >= end) {
            workers.countDown();
            return;
        }
        Request r = make.apply(next.getAndIncrement());
        RequestOptions options = new RequestOptions().setMethod(r.method()).setHost("127.0.0.1").setPort(port)
                .setURI(r.path()).setIdleTimeout(60_000);
        if (r.token() != null) {
            options.putHeader("Authorization", "Bearer " + r.token());
        }
        if (r.body() != null) {
            options.putHeader("Content-Type", "application/json");
        }
        client.request(options)
                .compose(req -> r.body() == null ? req.send() : req.send(r.body()))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(done -> {
                    int code = done.succeeded() ? done.result() : -1;
                    if (code == expected) {
                        ok.incrementAndGet();
                    } else {
                        unexpected.merge(code, 1L, Long::sum);
                    }
                    send(make, next, end, expected, ok, unexpected, workers);
                });
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the run is over; a slow close loses nothing
        }
    }
}
