package io.gitfleet.webhooks;

import java.util.Map;
import java.util.TreeMap;

/** One delivery as received: headers (looked up case-insensitively) and the raw body. */
public record WebhookRequest(Map<String, String> headers, byte[] body) {
    public WebhookRequest {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        headers = java.util.Collections.unmodifiableMap(copy);
        body = body == null ? new byte[0] : body;
    }

    /** The header's value, or null. */
    public String header(String name) {
        return headers.get(name);
    }
}
