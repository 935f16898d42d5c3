package io.gitfleet.webhooks;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import io.gitfleet.schema.Documents;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The whole life of one delivery, without HTTP: verify, parse, de-duplicate, hand to the sink, count.
 * The order matters: nothing about an unverified body is looked at, not even whether it is JSON.
 */
public final class WebhookReceiver {
    private final WebhookSettings settings;
    private final Consumer<WebhookEvent> sink;
    private final DeliveryLog deliveries;
    private final Map<Forge, SignatureVerifier> verifiers = new EnumMap<>(Forge.class);
    private final Map<Forge, EventParser> parsers = new EnumMap<>(Forge.class);

    /** @param sink receives every verified, new event (Ignored ones too, for logging); runs on the caller's thread */
    public WebhookReceiver(WebhookSettings settings, Consumer<WebhookEvent> sink) {
        this.settings = settings;
        this.sink = sink;
        this.deliveries = new DeliveryLog(settings.deliveryCapacity(), settings.deliveryExpiry(), settings.clock());
        for (Forge forge : Forge.values()) {
            verifiers.put(forge, SignatureVerifier.forForge(forge));
            parsers.put(forge, EventParser.forForge(forge));
        }
    }

    public WebhookReply receive(Forge forge, WebhookRequest request) {
        WebhookReply reply = decide(forge, request);
        settings.metrics().onDelivery(forge, reply.result());
        return reply;
    }

    /**
     * For the HTTP layer, before it reads the body: a refusal (no secret, no or malformed signature, a wrong
     * token) counted as a delivery, or null when the body is worth reading.
     */
    public WebhookReply precheck(Forge forge, WebhookRequest headersOnly) {
        Verification v = verifiers.get(forge).precheck(headersOnly, settings.secrets().secretFor(forge));
        if (v == Verification.VALID) {
            return null;
        }
        WebhookReply reply = new WebhookReply(DeliveryResult.UNAUTHORIZED, null, v.reason());
        settings.metrics().onDelivery(forge, reply.result());
        return reply;
    }

    /** For the HTTP layer, when too many bodies are being read at once: try again later. */
    public WebhookReply busy(Forge forge) {
        WebhookReply reply = new WebhookReply(DeliveryResult.BUSY, null,
                "too many deliveries are being received at once; retry later");
        settings.metrics().onDelivery(forge, reply.result());
        return reply;
    }

    /** For the HTTP layer, which refuses an oversized body before there is a request to receive. */
    public WebhookReply tooLarge(Forge forge) {
        WebhookReply reply = tooLargeReply();
        settings.metrics().onDelivery(forge, reply.result());
        return reply;
    }

    private WebhookReply decide(Forge forge, WebhookRequest request) {
        Verification verification = verifiers.get(forge).verify(request, settings.secrets().secretFor(forge));
        if (verification != Verification.VALID) {
            return new WebhookReply(DeliveryResult.UNAUTHORIZED, null, verification.reason());
        }
        if (request.body().length > settings.bodyLimit()) {
            return tooLargeReply();
        }
        if (!isJson(request.header("Content-Type"))) {
            return new WebhookReply(DeliveryResult.UNSUPPORTED_MEDIA_TYPE, null,
                    "send the payload as application/json (the webhook's content type setting)");
        }
        EventParser parser = parsers.get(forge);
        String deliveryId = parser.deliveryId(request);
        WebhookEvent event;
        try {
            JsonNode body = Documents.MAPPER.readTree(request.body());
            if (body == null || !body.isObject()) {
                return malformed("the body is not a JSON object");
            }
            event = parser.parse(request, body, deliveryId);
        } catch (JacksonException e) {
            return malformed("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (MalformedPayloadException e) {
            return malformed(e.getMessage());
        }
        if (deliveryId != null && !deliveries.firstSeen(deliveryId)) {
            return new WebhookReply(DeliveryResult.DUPLICATE, event, "delivery " + deliveryId + " was already handled");
        }
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            if (deliveryId != null) {
                deliveries.forget(deliveryId);
            }
            return new WebhookReply(DeliveryResult.FAILED, event, "the reconciler could not take the event");
        }
        boolean ignored = event instanceof WebhookEvent.Ignored;
        return new WebhookReply(ignored ? DeliveryResult.IGNORED : DeliveryResult.ACCEPTED, event,
                ignored ? ((WebhookEvent.Ignored) event).reason() : null);
    }

    private WebhookReply tooLargeReply() {
        return new WebhookReply(DeliveryResult.TOO_LARGE, null,
                "the body is larger than " + settings.bodyLimit() + " bytes");
    }

    private static WebhookReply malformed(String reason) {
        return new WebhookReply(DeliveryResult.MALFORMED, null, reason);
    }

    /** No Content-Type is read as JSON (curl scripts); a form-encoded GitHub hook is refused with a hint. */
    private static boolean isJson(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json");
    }
}
