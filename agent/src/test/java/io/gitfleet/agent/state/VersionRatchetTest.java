package io.gitfleet.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The version ratchet: only ever raised, kept apart from state.json, and never silently forgotten. */
class VersionRatchetTest {
    @TempDir
    Path dir;

    @Test
    void theRecordOnlyGoesUpAndSurvivesANewInstance() throws IOException {
        new VersionRatchet(dir).record("os", "v1.2.0");
        new VersionRatchet(dir).record("os", "v1.10.0");
        new VersionRatchet(dir).record("os", "v1.9.9");
        new VersionRatchet(dir).record("kubernetes", "1.34.1");
        assertEquals(Map.of("os", "v1.10.0", "kubernetes", "1.34.1"), new VersionRatchet(dir).load());
    }

    @Test
    void aCorruptStateFileDoesNotTouchIt() throws IOException {
        new VersionRatchet(dir).record("os", "v2.0.0");
        Files.writeString(dir.resolve("state.json"), "{\"format\": 1, \"task\": {\"spec\":");
        assertThrows(IOException.class, () -> new StateStore(dir).load());
        assertEquals(Map.of("os", "v2.0.0"), new VersionRatchet(dir).load());
    }

    @Test
    void aCorruptRecordIsAnErrorNamingTheFileNeverAnEmptyRecord() throws IOException {
        Files.writeString(dir.resolve(VersionRatchet.FILE), "{\"os\": ");
        IOException e = assertThrows(IOException.class, () -> new VersionRatchet(dir).load());
        assertTrue(e.getMessage().startsWith("the version record " + dir.resolve(VersionRatchet.FILE)
                + " is unreadable"), e.getMessage());
        assertThrows(IOException.class, () -> new VersionRatchet(dir).record("os", "v3.0.0"));
    }

    @Test
    void refusalRules() {
        assertEquals(Optional.empty(), VersionRatchet.refusal("os", "v2.0.0", "v2.0.0", "v1.0.0", false));
        assertEquals(Optional.empty(), VersionRatchet.refusal("os", "v2.1.0", null, null, false));
        assertEquals(Optional.of("refusing a downgrade: os v1.5.0 is older than v2.0.0, the highest version this"
                        + " node installed, and the approved manifest does not set allowDowngrade"),
                VersionRatchet.refusal("os", "v1.5.0", "v2.0.0", "v1.0.0", false));
        assertEquals(Optional.of("refusing a downgrade: os v1.5.0 is older than v1.6.0, the version this node runs,"
                        + " and the approved manifest does not set allowDowngrade"),
                VersionRatchet.refusal("os", "v1.5.0", null, "v1.6.0", false));
        assertEquals(Optional.empty(), VersionRatchet.refusal("os", "v1.5.0", "v2.0.0", "v2.0.0", true));
        assertEquals(Optional.of("refusing a downgrade: os v2.0.0-rc.1 is older than v2.0.0, the highest version"
                        + " this node installed, and the approved manifest does not set allowDowngrade"),
                VersionRatchet.refusal("os", "v2.0.0-rc.1", "v2.0.0", null, false));
    }
}
