package io.gitfleet.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoopDetectorTest {
    final LoopDetector detector = new LoopDetector(3, 10);

    @Test
    void stopsAtTheLimitOfEachState() {
        assertEquals(Optional.empty(), detector.check(Map.of("REBOOTING", 2), State.REBOOTING));
        assertEquals(Optional.of("loop detected: entered REBOOTING (Rebooting) 4 times, the limit is 3"),
                detector.check(Map.of("REBOOTING", 3), State.REBOOTING));
    }

    @Test
    void transfersMayResumeMoreOften() {
        assertEquals(Optional.empty(), detector.check(Map.of("DOWNLOADING", 9), State.DOWNLOADING));
        assertEquals(true, detector.check(Map.of("DOWNLOADING", 10), State.DOWNLOADING).isPresent());
    }

    @Test
    void endingATaskIsNeverALoop() {
        assertEquals(Optional.empty(), detector.check(Map.of("FAILED", 99), State.FAILED));
    }
}
