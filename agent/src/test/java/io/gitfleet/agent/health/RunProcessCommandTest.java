package io.gitfleet.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunProcessCommandTest {
    @Test
    void keepsOnlyTheTailOfALongOutput() throws Exception {
        ProcessResult r = new RunProcessCommand(List.of("/bin/sh", "-c", "seq 1 100000; echo the end >&2; exit 7"))
                .setTailBytes(64).call();
        assertEquals(7, r.exitCode());
        assertTrue(r.tail().startsWith("…"));
        assertTrue(r.tail().endsWith("99999\n100000\nthe end\n"), r.tail());
        assertEquals("x exited with 7: …000\nthe end", r.describe("x", 12));
    }

    @Test
    void killsAtTheTimeout() throws Exception {
        long start = System.nanoTime();
        ProcessResult r = new RunProcessCommand(List.of("/bin/sh", "-c", "echo started; sleep 30"))
                .setTimeout(Duration.ofMillis(300)).call();
        assertTrue(r.timedOut());
        assertTrue(System.nanoTime() - start < 10_000_000_000L);
        assertTrue(r.describe("x").startsWith("x timed out: started"), r.describe("x"));
    }
}
