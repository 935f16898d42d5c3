package io.gitfleet.webhooks;

/** Told about every delivery, so the reconciler can publish counters without this module knowing Prometheus. */
@FunctionalInterface
public interface WebhookMetrics {
    WebhookMetrics NONE = (forge, result) -> { };

    void onDelivery(Forge forge, DeliveryResult result);
}
