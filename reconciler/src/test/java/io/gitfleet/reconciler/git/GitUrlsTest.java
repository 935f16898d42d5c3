package io.gitfleet.reconciler.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** A password in a remote URL never reaches what gitfleet prints. */
class GitUrlsTest {
    @Test
    void aPasswordIsSplitOffTheUrl() {
        assertEquals(new GitUrls.Split("https://ops@git.example/fleet.git", "ops", "S3CRET"),
                GitUrls.split("https://ops:S3CRET@git.example/fleet.git"));
        assertEquals(new GitUrls.Split("https://git.example/fleet.git", null, "tok"),
                GitUrls.split("https://:tok@git.example/fleet.git"));
        assertEquals(new GitUrls.Split("https://ops@git.example/f.git", null, null),
                GitUrls.split("https://ops@git.example/f.git"));
        assertEquals(new GitUrls.Split("/srv/fleet.git", null, null), GitUrls.split("/srv/fleet.git"));
    }

    @Test
    void textAboutARemoteIsRedacted() {
        String text = "cannot fetch https://ops:S3CRET@git.example/fleet.git: https://ops:S3CRET@git.example/fleet.git:"
                + " not authorized";
        String redacted = GitUrls.redact(text);
        assertFalse(redacted.contains("S3CRET"), redacted);
        assertEquals("cannot fetch https://ops:***@git.example/fleet.git: https://ops:***@git.example/fleet.git:"
                + " not authorized", redacted);
    }

    @Test
    void aFailedFetchNamesNoPasswordInItsMessageOrCause() {
        FetchFailedException e = new FetchFailedException("https://ops:S3CRET@127.0.0.1:1/fleet.git",
                new java.io.IOException("https://ops:S3CRET@127.0.0.1:1/fleet.git: connection refused"));
        assertFalse(e.getMessage().contains("S3CRET"), e.getMessage());
        assertFalse(e.getCause().toString().contains("S3CRET"), e.getCause().toString());
    }
}
