package io.gitfleet.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Delivery ids seen recently, so a forge's retry of a delivery we already handled is not acted on twice.
 * Bounded in both size and age: forges retry within minutes, and an attacker sending endless new ids must
 * not grow memory.
 */
public final class DeliveryLog {
    private final int capacity;
    private final Duration expiry;
    private final Clock clock;
    // Insertion order is arrival order, so the eldest entry is both the least recent and the first to expire.
    private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();

    public DeliveryLog(int capacity, Duration expiry, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.expiry = expiry;
        this.clock = clock;
    }

    /** Records the id; true if it was not seen within the expiry, false for a repeat. */
    public synchronized boolean firstSeen(String deliveryId) {
        Instant now = clock.instant();
        expire(now);
        if (seen.containsKey(deliveryId)) {
            return false;
        }
        seen.put(deliveryId, now);
        if (seen.size() > capacity) {
            Iterator<String> eldest = seen.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return true;
    }

    /** Forgets an id, so that a retry of a delivery we failed to act on is tried again. */
    public synchronized void forget(String deliveryId) {
        seen.remove(deliveryId);
    }

    public synchronized int size() {
        return seen.size();
    }

    private void expire(Instant now) {
        Instant cutoff = now.minus(expiry);
        Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator();
        while (it.hasNext() && !it.next().getValue().isAfter(cutoff)) {
            it.remove();
        }
    }
}
