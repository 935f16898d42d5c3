package io.gitfleet.webhooks;

import tools.jackson.databind.JsonNode;

/** Field access that names the missing field, so a 400 tells the sender what was wrong. */
final class Payload {
    static final String ZERO_SHA = "0000000000000000000000000000000000000000";

    private Payload() {
    }

    /** A required string at a path of field names, e.g. {@code text(body, "pull_request", "head", "sha")}. */
    static String text(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        if (!value.isString() || value.stringValue().isEmpty()) {
            throw new MalformedPayloadException("missing or non-string field " + String.join(".", path));
        }
        return value.stringValue();
    }

    /** An optional string: null when absent, JSON null or not a string. */
    static String optionalText(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isString() && !value.stringValue().isEmpty() ? value.stringValue() : null;
    }

    static int number(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() <= 0) {
            throw new MalformedPayloadException("missing or non-positive integer field " + String.join(".", path));
        }
        return value.intValue();
    }

    /** A project id or similar that some forges send as a number and some as a string. */
    static String id(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        if (value.isIntegralNumber()) {
            return value.asString();
        }
        return text(node, path);
    }

    static boolean flag(JsonNode node, String... path) {
        return at(node, path).asBoolean(false);
    }

    /** A push that deletes its ref has an all-zero new commit. */
    static boolean isDeletion(String after) {
        return after == null || ZERO_SHA.equals(after);
    }

    private static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node;
        for (String field : path) {
            current = current.path(field);
        }
        return current;
    }
}
