package io.gitfleet.webhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The shared secret of each forge endpoint. A forge without a secret refuses every delivery: there is no
 * "unchecked" mode, because an open endpoint would let anyone trigger syncs and post plans.
 */
public final class WebhookSecrets {
    /** Environment variable of the secret used by every forge that has no secret of its own. */
    public static final String SHARED_VARIABLE = "GITFLEET_WEBHOOK_SECRET";

    private final Map<Forge, byte[]> secrets;

    private WebhookSecrets(Map<Forge, byte[]> secrets) {
        this.secrets = secrets;
    }

    public static WebhookSecrets none() {
        return new WebhookSecrets(new EnumMap<>(Forge.class));
    }

    /** One secret for every forge. */
    public static WebhookSecrets shared(String secret) {
        WebhookSecrets result = none();
        for (Forge forge : Forge.values()) {
            result = result.with(forge, secret);
        }
        return result;
    }

    /** One secret for every forge, read from a file (as {@code gitfleet serve --webhook-secret-file}). */
    public static WebhookSecrets sharedFromFile(Path file) {
        return shared(read(file));
    }

    /**
     * Reads {@code GITFLEET_WEBHOOK_SECRET} (shared) and {@code GITFLEET_WEBHOOK_SECRET_GITHUB}, {@code _GITLAB},
     * {@code _GITEA}, {@code _GENERIC} (per forge, taking precedence). Each may instead be given as a file path in
     * the same name with {@code _FILE} appended, which is how container secrets are usually mounted.
     *
     * @param env usually {@code System.getenv()}
     * @throws UncheckedIOException when a named secret file cannot be read: a misconfiguration, not "no secret"
     */
    public static WebhookSecrets fromEnvironment(Map<String, String> env) {
        String shared = lookup(env, SHARED_VARIABLE);
        WebhookSecrets result = none();
        for (Forge forge : Forge.values()) {
            String own = lookup(env, SHARED_VARIABLE + "_" + forge.name().toUpperCase(Locale.ROOT));
            result = result.with(forge, own != null ? own : shared);
        }
        return result;
    }

    /** A copy with this forge's secret replaced; null or empty removes it (the endpoint then refuses everything). */
    public WebhookSecrets with(Forge forge, String secret) {
        Map<Forge, byte[]> copy = new EnumMap<>(Forge.class);
        copy.putAll(secrets);
        if (secret == null || secret.isEmpty()) {
            copy.remove(forge);
        } else {
            copy.put(forge, secret.getBytes(StandardCharsets.UTF_8));
        }
        return new WebhookSecrets(copy);
    }

    /** The secret's bytes (a copy), or null when the forge has none. */
    public byte[] secretFor(Forge forge) {
        byte[] secret = secrets.get(forge);
        return secret == null ? null : secret.clone();
    }

    public boolean has(Forge forge) {
        return secrets.containsKey(forge);
    }

    /** Names the forges that have a secret, never the secrets. */
    @Override
    public String toString() {
        return "WebhookSecrets" + secrets.keySet();
    }

    private static String lookup(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value != null && !value.isEmpty()) {
            return value;
        }
        String file = env.get(name + "_FILE");
        return file == null || file.isEmpty() ? null : read(Path.of(file));
    }

    /** Editors and {@code echo} end files with a newline that is not part of the secret; only one is removed. */
    static String read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read webhook secret file " + file, e);
        }
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
