package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gitfleet.schema.Report;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token file with a line break is refused by its name and shape; the token never reaches a message. */
class ReconcilerClientTest {
    @TempDir
    Path dir;

    @Test
    void aTokenWithALineBreakIsRefusedWithoutPrintingIt() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "s3cret-first-half\ns3cret-second-half\n");
        ReconcilerClient client = new ReconcilerClient(HttpClient.newHttpClient(), "http://127.0.0.1:9", "node-1",
                token);
        Report report = Report.of("node-1", new Report.Status("test", Map.of(), null, null, null, null));
        ServerRejectedException e = assertThrows(ServerRejectedException.class,
                () -> client.roundTrip(report, Duration.ZERO));
        assertEquals("the token file " + token + " must hold the token on one line, without spaces or control "
                + "characters (it has 2 lines)", e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }
}
