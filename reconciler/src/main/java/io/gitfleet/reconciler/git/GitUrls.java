package io.gitfleet.reconciler.git;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps passwords out of what gitfleet prints. A remote given as {@code https://user:SECRET@host/…} is split into
 * the URL without the password and the credentials, so the URL can be logged and written into conditions; and any
 * text about a remote is redacted before it is shown, in case a URL with a password reached it another way.
 */
public final class GitUrls {
    /** {@code scheme://user:password@}: the password ends at the last '@' before the host. */
    private static final Pattern USERINFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@:\\s]*):([^/\\s]*)@");

    private GitUrls() {
    }

    /** A URL and the credentials that were in it (null when it had no password). */
    public record Split(String url, String user, String password) {
    }

    public static Split split(String url) {
        Matcher m = USERINFO.matcher(url);
        if (!m.lookingAt()) {
            return new Split(url, null, null);
        }
        String rest = url.substring(m.end());
        return new Split(m.group(1) + (m.group(2).isEmpty() ? "" : m.group(2) + "@") + rest,
                m.group(2).isEmpty() ? null : m.group(2), m.group(3));
    }

    /** The text with every URL password replaced by {@code ***}. */
    public static String redact(String text) {
        return text == null ? null : USERINFO.matcher(text).replaceAll("$1$2:***@");
    }
}
