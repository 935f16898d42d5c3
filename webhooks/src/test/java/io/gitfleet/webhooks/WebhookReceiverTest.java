package io.gitfleet.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One delivery from end to end without HTTP: what the sink sees, what the forge is told, what is counted. */
class WebhookReceiverTest {
    private final List<WebhookEvent> sunk = new ArrayList<>();
    private final WebhookCounters counters = new WebhookCounters();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-14T10:00:00Z"));
    private final WebhookReceiver receiver = new WebhookReceiver(
            WebhookSettings.defaults(WebhookSecrets.shared(Deliveries.SECRET)).withMetrics(counters).withClock(clock),
            sunk::add);

    @Test
    void aSignedPushIsHandedOnOnce() {
        WebhookReply reply = receiver.receive(Forge.GITHUB, Deliveries.request(Forge.GITHUB, "push", "d1", "github-push.json"));
        assertEquals(DeliveryResult.ACCEPTED, reply.result());
        assertEquals(Map.of("accepted", "sync", "deliveryId", "d1"), reply.document());
        assertEquals(1, sunk.size());
        assertEquals(1, counters.count(Forge.GITHUB, DeliveryResult.ACCEPTED));
    }

    @Test
    void aRepeatedDeliveryIdIsAcknowledgedButNotActedOn() {
        WebhookRequest request = Deliveries.request(Forge.GITLAB, "Merge Request Hook", "uuid-1",
                "gitlab-merge-request-open.json");
        assertEquals(DeliveryResult.ACCEPTED, receiver.receive(Forge.GITLAB, request).result());
        WebhookReply again = receiver.receive(Forge.GITLAB, request);
        assertEquals(DeliveryResult.DUPLICATE, again.result());
        assertEquals(200, again.httpStatus());
        assertEquals("duplicate", again.document().get("accepted"));
        assertEquals(1, sunk.size());
        assertEquals(1, counters.count(Forge.GITLAB, DeliveryResult.DUPLICATE));
    }

    @Test
    void gitlabPrefersTheIdempotencyKeyThatSurvivesRetries() {
        byte[] body = Deliveries.fixture("gitlab-push.json");
        Map<String, String> first = new HashMap<>(Deliveries.headers(Forge.GITLAB, "Push Hook", "uuid-a", body,
                Deliveries.SECRET));
        first.put("Idempotency-Key", "key-1");
        Map<String, String> retry = new HashMap<>(first);
        retry.put("X-Gitlab-Event-UUID", "uuid-b");
        receiver.receive(Forge.GITLAB, new WebhookRequest(first, body));
        assertEquals(DeliveryResult.DUPLICATE, receiver.receive(Forge.GITLAB, new WebhookRequest(retry, body)).result());
    }

    @Test
    void deliveriesWithoutAnIdAreNotDeduplicated() {
        byte[] body = Deliveries.fixture("generic-push.json");
        Map<String, String> headers = new HashMap<>(Deliveries.headers(Forge.GENERIC, "", "x", body, Deliveries.SECRET));
        headers.remove("X-Gitfleet-Delivery");
        receiver.receive(Forge.GENERIC, new WebhookRequest(headers, body));
        receiver.receive(Forge.GENERIC, new WebhookRequest(headers, body));
        assertEquals(2, sunk.size());
    }

    @Test
    void aWrongSignatureDoesNothingAndRevealsNothing() {
        byte[] body = Deliveries.fixture("github-push.json");
        WebhookRequest forged = new WebhookRequest(
                Deliveries.headers(Forge.GITHUB, "push", "d1", body, "guessed"), body);
        WebhookReply reply = receiver.receive(Forge.GITHUB, forged);
        assertEquals(DeliveryResult.UNAUTHORIZED, reply.result());
        assertEquals(Map.of("error", "unauthorized", "reason", "the signature does not match the body"),
                reply.document());
        assertTrue(sunk.isEmpty());
        // The forged delivery id was not remembered: the real delivery with that id still goes through.
        assertEquals(DeliveryResult.ACCEPTED,
                receiver.receive(Forge.GITHUB, Deliveries.request(Forge.GITHUB, "push", "d1", "github-push.json")).result());
        assertEquals(1, counters.count(Forge.GITHUB, DeliveryResult.UNAUTHORIZED));
    }

    @Test
    void aForgeWithoutASecretRefusesEvenCorrectlyShapedDeliveries() {
        WebhookReceiver gitlabOnly = new WebhookReceiver(
                WebhookSettings.defaults(WebhookSecrets.none().with(Forge.GITLAB, Deliveries.SECRET)), sunk::add);
        WebhookReply reply = gitlabOnly.receive(Forge.GITHUB,
                Deliveries.request(Forge.GITHUB, "push", "d1", "github-push.json"));
        assertEquals(DeliveryResult.UNAUTHORIZED, reply.result());
        assertTrue(sunk.isEmpty());
    }

    @Test
    void malformedBodiesAreRefusedWithTheReason() {
        assertMalformed("{not json", "the body is not valid JSON");
        assertMalformed("[1,2]", "the body is not a JSON object");
        assertMalformed("", "the body is not a JSON object");
        assertMalformed("{\"ref\":7}", "missing or non-string field ref");
        assertTrue(sunk.isEmpty());
        assertEquals(4, counters.count(Forge.GITHUB, DeliveryResult.MALFORMED));
    }

    @Test
    void aFormEncodedHookIsAskedToSendJson() {
        byte[] body = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>(Deliveries.headers(Forge.GITHUB, "push", "d1", body,
                Deliveries.SECRET));
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        assertEquals(DeliveryResult.UNSUPPORTED_MEDIA_TYPE,
                receiver.receive(Forge.GITHUB, new WebhookRequest(headers, body)).result());
    }

    @Test
    void ignoredEventsReachTheSinkForLoggingAndSayWhy() {
        WebhookReply reply = receiver.receive(Forge.GITHUB, Deliveries.request(Forge.GITHUB, "ping", "p1", "github-ping.json"));
        assertEquals(DeliveryResult.IGNORED, reply.result());
        assertEquals(Map.of("accepted", "ignored", "deliveryId", "p1", "reason", "ping"), reply.document());
        assertInstanceOf(WebhookEvent.Ignored.class, sunk.get(0));
    }

    @Test
    void whenTheSinkFailsTheForgesRetryIsActedOn() {
        List<WebhookEvent> taken = new ArrayList<>();
        boolean[] fail = {true};
        WebhookReceiver flaky = new WebhookReceiver(WebhookSettings.defaults(WebhookSecrets.shared(Deliveries.SECRET)),
                event -> {
                    if (fail[0]) {
                        throw new IllegalStateException("queue full");
                    }
                    taken.add(event);
                });
        WebhookRequest request = Deliveries.request(Forge.GITEA, "push", "g1", "gitea-push.json");
        assertEquals(500, flaky.receive(Forge.GITEA, request).httpStatus());
        fail[0] = false;
        assertEquals(DeliveryResult.ACCEPTED, flaky.receive(Forge.GITEA, request).result());
        assertEquals(1, taken.size());
    }

    private void assertMalformed(String json, String reasonStart) {
        WebhookReply reply = receiver.receive(Forge.GITHUB,
                Deliveries.request(Forge.GITHUB, "push", "m-" + json.hashCode(), json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(DeliveryResult.MALFORMED, reply.result());
        assertEquals(400, reply.httpStatus());
        assertTrue(reply.reason().startsWith(reasonStart), reply.reason());
    }
}
