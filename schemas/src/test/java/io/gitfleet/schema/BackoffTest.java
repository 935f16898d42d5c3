package io.gitfleet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void fullJitterUnderAnExponentialCeilingCappedAtTheMaximum() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(1));
        long[] ceilings = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
        Set<Long> seen = new HashSet<>();
        for (long ceiling : ceilings) {
            long wait = b.next().toMillis();
            assertTrue(wait >= 0 && wait <= ceiling, wait + " > " + ceiling);
            seen.add(wait);
        }
        assertTrue(seen.size() > 5, "waits are spread, not in lockstep");
        b.reset();
        assertEquals(1000, b.ceilingMillis());
    }
}
