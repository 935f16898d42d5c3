package io.gitfleet.webhooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookSecretsTest {
    @TempDir
    Path dir;

    @Test
    void sharedSecretServesEveryForgeUnlessOneHasItsOwn() {
        WebhookSecrets secrets = WebhookSecrets.fromEnvironment(Map.of(
                "GITFLEET_WEBHOOK_SECRET", "shared", "GITFLEET_WEBHOOK_SECRET_GITLAB", "gitlab-token"));
        assertEquals("shared", text(secrets.secretFor(Forge.GITHUB)));
        assertEquals("shared", text(secrets.secretFor(Forge.GENERIC)));
        assertEquals("gitlab-token", text(secrets.secretFor(Forge.GITLAB)));
    }

    @Test
    void readsFilesAndDropsOneTrailingNewline() throws IOException {
        Files.writeString(dir.resolve("github"), "from-file\n");
        Files.writeString(dir.resolve("gitea"), "crlf\r\n");
        Files.writeString(dir.resolve("generic"), "two\n\n");
        WebhookSecrets secrets = WebhookSecrets.fromEnvironment(Map.of(
                "GITFLEET_WEBHOOK_SECRET_GITHUB_FILE", dir.resolve("github").toString(),
                "GITFLEET_WEBHOOK_SECRET_GITEA_FILE", dir.resolve("gitea").toString(),
                "GITFLEET_WEBHOOK_SECRET_GENERIC_FILE", dir.resolve("generic").toString()));
        assertEquals("from-file", text(secrets.secretFor(Forge.GITHUB)));
        assertEquals("crlf", text(secrets.secretFor(Forge.GITEA)));
        assertEquals("two\n", text(secrets.secretFor(Forge.GENERIC)));
        assertNull(secrets.secretFor(Forge.GITLAB));
    }

    @Test
    void sharedFileAsTheServeFlagGivesIt() throws IOException {
        Path file = Files.writeString(dir.resolve("secret"), "s3cret\n");
        WebhookSecrets secrets = WebhookSecrets.sharedFromFile(file);
        for (Forge forge : Forge.values()) {
            assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), secrets.secretFor(forge));
        }
    }

    @Test
    void emptyMeansNoSecretNeverNoCheck() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        WebhookSecrets secrets = WebhookSecrets.fromEnvironment(Map.of("GITFLEET_WEBHOOK_SECRET", "",
                "GITFLEET_WEBHOOK_SECRET_GITHUB_FILE", empty.toString()));
        for (Forge forge : Forge.values()) {
            assertFalse(secrets.has(forge));
        }
    }

    @Test
    void anUnreadableFileIsAnErrorNotAnEmptySecret() {
        assertThrows(UncheckedIOException.class, () -> WebhookSecrets.fromEnvironment(
                Map.of("GITFLEET_WEBHOOK_SECRET_FILE", dir.resolve("missing").toString())));
    }

    @Test
    void neverPrintsTheSecret() {
        assertEquals("WebhookSecrets[GITHUB]", WebhookSecrets.none().with(Forge.GITHUB, "hunter2").toString());
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
