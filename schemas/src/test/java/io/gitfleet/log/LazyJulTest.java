package io.gitfleet.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's start ({@link LogLine#fromEnvironmentLazyJul()}), in a JVM of its own since java.util.logging starts
 * once per JVM: nothing starts java.util.logging, and when something does, its lines come out as gitfleet's.
 */
class LazyJulTest {
    /** The process under test. */
    public static final class Probe {
        public static void main(String[] args) {
            LogLine.fromEnvironmentLazyJul();
            System.out.println("configured by " + System.getProperty("java.util.logging.config.class"));
            java.util.logging.Logger.getLogger("jdk.sample").warning("from java.util.logging");
            java.util.logging.Logger.getLogger("jdk.sample").fine("below the level");
            org.slf4j.LoggerFactory.getLogger("io.gitfleet.sample").info("from SLF4J");
        }
    }

    @Test
    void javaUtilLoggingIsBridgedWhenItStartsAndSlf4jSaysNothingOfItsOwn() throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName())).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        List<String> lines = err.lines().toList();
        assertEquals(2, lines.size(), err);
        assertTrue(lines.get(0).endsWith(" WARN  jdk.sample: from java.util.logging"), err);
        assertTrue(lines.get(1).endsWith(" INFO  sample: from SLF4J"), err);
        assertEquals("configured by " + LogLine.JulSetup.class.getName(), out.strip());
    }
}
