package io.gitfleet.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One line per event, whatever the API (SLF4J or java.util.logging), in text, for journald, or as JSON. */
class LogLineTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @AfterEach
    void reset() {
        LogLine.configure(LogLine.Level.INFO, LogLine.Format.TEXT);
        LogLine.redirect(System.err, false);
    }

    private String[] lines() {
        return bytes.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void aFailureIsOneLineWithItsCausesAndNoStackTrace() {
        LogLine.configure(LogLine.Level.INFO, LogLine.Format.TEXT);
        LogLine.redirect(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        LoggerFactory.getLogger("io.gitfleet.reconciler.server.ReconcileLoop").warn("pass failed",
                new IllegalStateException("cannot fetch\nthe repo", new IOException("connection refused")));
        java.util.logging.Logger.getLogger("io.gitfleet.reconciler.server.Replica").info("lease: a acquired it");
        LoggerFactory.getLogger("x").debug("not shown at info");
        String[] lines = lines();
        assertEquals(2, lines.length, String.join("\n", lines));
        assertTrue(lines[0].matches("\\S+Z WARN  ReconcileLoop: pass failed: IllegalStateException: cannot fetch the "
                + "repo; caused by IOException: connection refused"), lines[0]);
        assertTrue(lines[1].endsWith("INFO  Replica: lease: a acquired it"), lines[1]);
    }

    @Test
    void journaldGetsThePriorityAndNoTimestampAndJsonIsOneObject() {
        LogLine.redirect(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        LoggerFactory.getLogger("io.gitfleet.agent.Agent").info("resuming os-1-35#1 (WRITING)");
        LogLine.configure(LogLine.Level.DEBUG, LogLine.Format.JSON);
        LoggerFactory.getLogger("io.gitfleet.webhooks.WebhookReceiver").debug("webhook \"x\"\u001b[31m");
        String[] lines = lines();
        assertEquals("<6>Agent: resuming os-1-35#1 (WRITING)", lines[0]);
        assertTrue(lines[1].matches("\\{\"time\":\"[^\"]+\",\"level\":\"debug\",\"logger\":\"WebhookReceiver\","
                + "\"message\":\"webhook \\\\\"x\\\\\"\\?\\[31m\"}"), lines[1]);
    }

    @Test
    void badSettingsAreNamed() {
        assertEquals("log level loud: give error, warn, info or debug", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> LogLine.Level.parse("loud")).getMessage());
        assertEquals("log format xml: give text or json", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> LogLine.Format.parse("xml")).getMessage());
    }
}
