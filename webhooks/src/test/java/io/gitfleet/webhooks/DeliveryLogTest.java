package io.gitfleet.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliveryLogTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-14T10:00:00Z"));

    @Test
    void aRepeatIsSeenOnlyOnce() {
        DeliveryLog log = new DeliveryLog(10, Duration.ofHours(1), clock);
        assertTrue(log.firstSeen("a"));
        assertFalse(log.firstSeen("a"));
        assertTrue(log.firstSeen("b"));
    }

    @Test
    void forgetsTheOldestBeyondCapacity() {
        DeliveryLog log = new DeliveryLog(3, Duration.ofHours(1), clock);
        for (String id : new String[] {"a", "b", "c", "d"}) {
            assertTrue(log.firstSeen(id));
        }
        assertEquals(3, log.size());
        assertFalse(log.firstSeen("d"));
        assertTrue(log.firstSeen("a"), "a was evicted to make room for d");
    }

    @Test
    void forgetsIdsOlderThanTheExpiry() {
        DeliveryLog log = new DeliveryLog(10, Duration.ofMinutes(10), clock);
        log.firstSeen("a");
        clock.advance(Duration.ofMinutes(5));
        log.firstSeen("b");
        clock.advance(Duration.ofMinutes(5));
        assertTrue(log.firstSeen("a"), "a is exactly ten minutes old");
        assertFalse(log.firstSeen("b"));
    }

    @Test
    void staysBoundedUnderAFloodOfNewIds() {
        DeliveryLog log = new DeliveryLog(1000, Duration.ofHours(1), clock);
        for (int i = 0; i < 50_000; i++) {
            log.firstSeen("id-" + i);
        }
        assertEquals(1000, log.size());
    }

    @Test
    void aForgottenIdCountsAsNew() {
        DeliveryLog log = new DeliveryLog(10, Duration.ofHours(1), clock);
        log.firstSeen("a");
        log.forget("a");
        assertTrue(log.firstSeen("a"));
    }
}
