package io.gitfleet.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the webhook endpoints behave.
 *
 * @param bodyLimit        bytes; larger deliveries get 413 without being buffered (GitHub caps payloads at 25 MB,
 *                         but pushes that matter to gitfleet are small)
 * @param deliveryCapacity delivery ids remembered for de-duplication
 * @param deliveryExpiry   how long a delivery id is remembered
 * @param maxReading       bodies read at once across the webhook endpoints (each up to {@code bodyLimit}); more
 *                         are answered 503 before their body is read, so the heap they may take is bounded
 */
public record WebhookSettings(WebhookSecrets secrets, long bodyLimit, int deliveryCapacity, Duration deliveryExpiry,
                              Clock clock, WebhookMetrics metrics, int maxReading) {
    public static final int DEFAULT_MAX_READING = 16;

    public WebhookSettings(WebhookSecrets secrets, long bodyLimit, int deliveryCapacity, Duration deliveryExpiry,
                           Clock clock, WebhookMetrics metrics) {
        this(secrets, bodyLimit, deliveryCapacity, deliveryExpiry, clock, metrics, DEFAULT_MAX_READING);
    }

    public static final long DEFAULT_BODY_LIMIT = 1024 * 1024;
    public static final int DEFAULT_DELIVERY_CAPACITY = 10_000;
    public static final Duration DEFAULT_DELIVERY_EXPIRY = Duration.ofHours(24);

    public WebhookSettings {
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(deliveryExpiry, "deliveryExpiry");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
        if (bodyLimit < 1) {
            throw new IllegalArgumentException("bodyLimit must be positive");
        }
        if (maxReading < 1) {
            throw new IllegalArgumentException("maxReading must be positive");
        }
    }

    public static WebhookSettings defaults(WebhookSecrets secrets) {
        return new WebhookSettings(secrets, DEFAULT_BODY_LIMIT, DEFAULT_DELIVERY_CAPACITY, DEFAULT_DELIVERY_EXPIRY,
                Clock.systemUTC(), WebhookMetrics.NONE);
    }

    public WebhookSettings withBodyLimit(long limit) {
        return new WebhookSettings(secrets, limit, deliveryCapacity, deliveryExpiry, clock, metrics, maxReading);
    }

    public WebhookSettings withMetrics(WebhookMetrics listener) {
        return new WebhookSettings(secrets, bodyLimit, deliveryCapacity, deliveryExpiry, clock, listener, maxReading);
    }

    public WebhookSettings withClock(Clock newClock) {
        return new WebhookSettings(secrets, bodyLimit, deliveryCapacity, deliveryExpiry, newClock, metrics, maxReading);
    }

    public WebhookSettings withMaxReading(int max) {
        return new WebhookSettings(secrets, bodyLimit, deliveryCapacity, deliveryExpiry, clock, metrics, max);
    }
}
