package io.gitfleet.agent.install;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The body of one HTTP response as a bounded queue. It requests one more chunk from the client only when one is
 * taken, so a slow disk holds the download back instead of growing the heap, and the reader can wait with a
 * timeout (the JDK's InputStream body cannot), which is what the throughput watchdog and cancellation need.
 */
final class BodyQueue implements Flow.Subscriber<List<ByteBuffer>> {
    static final Object END = new Object();

    /** The body failed (connection cut, reset). */
    record Failure(Throwable cause) {
    }

    private final int capacity;
    private final ArrayBlockingQueue<Object> items;
    private volatile Flow.Subscription subscription;

    BodyQueue(int capacity) {
        this.capacity = capacity;
        this.items = new ArrayBlockingQueue<>(capacity + 2);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(capacity);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        items.add(item);
    }

    @Override
    public void onError(Throwable t) {
        items.add(new Failure(t));
    }

    @Override
    public void onComplete() {
        items.add(END);
    }

    /** A {@code List<ByteBuffer>}, {@link #END}, a {@link Failure}, or null after the timeout. */
    Object poll(long millis) throws InterruptedException {
        Object item = items.poll(millis, TimeUnit.MILLISECONDS);
        if (item instanceof List<?> && subscription != null) {
            subscription.request(1);
        }
        return item;
    }

    void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
