package io.gitfleet.webhooks;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** In-memory counters per forge and result; enough for {@code /metrics} and for tests. */
public final class WebhookCounters implements WebhookMetrics {
    private final Map<Forge, Map<DeliveryResult, LongAdder>> counts = new EnumMap<>(Forge.class);

    public WebhookCounters() {
        for (Forge forge : Forge.values()) {
            Map<DeliveryResult, LongAdder> byResult = new EnumMap<>(DeliveryResult.class);
            for (DeliveryResult result : DeliveryResult.values()) {
                byResult.put(result, new LongAdder());
            }
            counts.put(forge, byResult);
        }
    }

    @Override
    public void onDelivery(Forge forge, DeliveryResult result) {
        counts.get(forge).get(result).increment();
    }

    public long count(Forge forge, DeliveryResult result) {
        return counts.get(forge).get(result).sum();
    }

    public long total(DeliveryResult result) {
        long sum = 0;
        for (Forge forge : Forge.values()) {
            sum += count(forge, result);
        }
        return sum;
    }
}
