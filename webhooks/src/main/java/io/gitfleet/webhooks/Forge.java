package io.gitfleet.webhooks;

import java.util.Locale;

/** The forges gitfleet talks to; GENERIC is a plain HMAC-signed JSON hook for anything else (CI, scripts). */
public enum Forge {
    GITHUB,
    GITLAB,
    GITEA,
    GENERIC;

    /** The last path segment of the forge's endpoint, {@code /hooks/<id>}, and its key in settings. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String path() {
        return "/hooks/" + id();
    }
}
