package io.gitfleet.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds deliveries the way each forge sends them: its headers, its signature over the fixture's bytes. */
final class Deliveries {
    static final String SECRET = "It's a Secret to Everybody";

    private Deliveries() {
    }

    static byte[] fixture(String name) {
        try (InputStream in = Deliveries.class.getResourceAsStream("/payloads/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The headers a forge sends with {@code body}, signed with {@code secret}; {@code event} is the event header. */
    static Map<String, String> headers(Forge forge, String event, String deliveryId, byte[] body, String secret) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        switch (forge) {
            case GITHUB -> {
                h.put("X-GitHub-Event", event);
                h.put("X-GitHub-Delivery", deliveryId);
                h.put("X-GitHub-Hook-ID", "498271634");
                h.put("User-Agent", "GitHub-Hookshot/2c7a4e1");
                h.put("X-Hub-Signature-256", HmacSignatureVerifier.sign("sha256=", key, body));
            }
            case GITLAB -> {
                h.put("X-Gitlab-Event", event);
                h.put("X-Gitlab-Event-UUID", deliveryId);
                h.put("X-Gitlab-Instance", "https://gitlab.example.com");
                h.put("User-Agent", "GitLab/17.11.0");
                h.put("X-Gitlab-Token", secret);
            }
            case GITEA -> {
                h.put("X-Gitea-Event", event);
                h.put("X-Gitea-Event-Type", event);
                h.put("X-Gitea-Delivery", deliveryId);
                h.put("X-Gitea-Signature", HmacSignatureVerifier.sign("", key, body));
            }
            case GENERIC -> {
                h.put("X-Gitfleet-Delivery", deliveryId);
                h.put("X-Gitfleet-Signature", HmacSignatureVerifier.sign("sha256=", key, body));
            }
        }
        return h;
    }

    static WebhookRequest request(Forge forge, String event, String deliveryId, String fixture) {
        byte[] body = fixture(fixture);
        return new WebhookRequest(headers(forge, event, deliveryId, body, SECRET), body);
    }

    static WebhookRequest request(Forge forge, String event, String deliveryId, byte[] body) {
        return new WebhookRequest(headers(forge, event, deliveryId, body, SECRET), body);
    }
}
