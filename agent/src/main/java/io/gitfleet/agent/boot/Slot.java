package io.gitfleet.agent.boot;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One of the two A/B slots. The wire name ({@code a}, {@code b}) is what reports and state files carry. */
public enum Slot {
    @JsonProperty("a") A,
    @JsonProperty("b") B;

    public Slot other() {
        return this == A ? B : A;
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Slot parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "a" -> A;
            case "b" -> B;
            default -> throw new IllegalArgumentException("not a slot name (a or b): " + text);
        };
    }
}
