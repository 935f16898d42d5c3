package io.gitfleet.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gitfleet.schema.Documents;
import io.gitfleet.webhooks.WebhookEvent.Ignored;
import io.gitfleet.webhooks.WebhookEvent.PlanPullRequest;
import io.gitfleet.webhooks.WebhookEvent.Sync;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture, shaped as its forge documents it, read into the event the reconciler should act on. */
class EventParsingTest {

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of(Forge.GITHUB, "push", "github-push.json",
                        new Sync(Forge.GITHUB, "refs/heads/main", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "d1")),
                Arguments.of(Forge.GITHUB, "pull_request", "github-pull-request-opened.json",
                        new PlanPullRequest(Forge.GITHUB, "example-org/fleet", 12,
                                "9f3c1d2e4b5a69788f0e1d2c3b4a5968778695a4", "os-1-35", "main", "d1")),
                Arguments.of(Forge.GITHUB, "pull_request", "github-pull-request-synchronize.json",
                        new PlanPullRequest(Forge.GITHUB, "example-org/fleet", 12,
                                "a7e5b3c1d9f2e4a6b8c0d2e4f6a8b0c2d4e6f8a0", "os-1-35", "main", "d1")),
                Arguments.of(Forge.GITHUB, "pull_request", "github-pull-request-merged.json",
                        new Sync(Forge.GITHUB, "refs/heads/main", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "d1")),
                Arguments.of(Forge.GITHUB, "ping", "github-ping.json", new Ignored(Forge.GITHUB, "ping", "d1")),
                Arguments.of(Forge.GITHUB, "issues", "github-ping.json",
                        new Ignored(Forge.GITHUB, "event issues is not handled", "d1")),
                Arguments.of(Forge.GITLAB, "Push Hook", "gitlab-push.json",
                        new Sync(Forge.GITLAB, "refs/heads/main", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "d1")),
                Arguments.of(Forge.GITLAB, "Merge Request Hook", "gitlab-merge-request-open.json",
                        new PlanPullRequest(Forge.GITLAB, "15", 7, "b83d6e391c22777fca1ed3012fce84f633d7fed0",
                                "os-1-35", "main", "d1")),
                Arguments.of(Forge.GITLAB, "Merge Request Hook", "gitlab-merge-request-update.json",
                        new PlanPullRequest(Forge.GITLAB, "15", 7, "c4f1e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9",
                                "os-1-35", "main", "d1")),
                Arguments.of(Forge.GITLAB, "Merge Request Hook", "gitlab-merge-request-update-title.json",
                        new Ignored(Forge.GITLAB, "merge request update without new commits", "d1")),
                Arguments.of(Forge.GITLAB, "Merge Request Hook", "gitlab-merge-request-merge.json",
                        new Sync(Forge.GITLAB, "refs/heads/main", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "d1")),
                Arguments.of(Forge.GITEA, "push", "gitea-push.json",
                        new Sync(Forge.GITEA, "refs/heads/main", "bffeb74224043ba2feb48d137756c8a9331c449a", "d1")),
                Arguments.of(Forge.GITEA, "pull_request", "gitea-pull-request-opened.json",
                        new PlanPullRequest(Forge.GITEA, "infra/fleet", 3, "3c5c6d1d4e0b9f8a7e6d5c4b3a29180706f5e4d3",
                                "os-1-35", "main", "d1")),
                Arguments.of(Forge.GITEA, "pull_request", "gitea-pull-request-synchronized.json",
                        new PlanPullRequest(Forge.GITEA, "infra/fleet", 3, "5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f",
                                "os-1-35", "main", "d1")),
                Arguments.of(Forge.GITEA, "pull_request", "gitea-pull-request-merged.json",
                        new Sync(Forge.GITEA, "refs/heads/main", "bffeb74224043ba2feb48d137756c8a9331c449a", "d1")),
                Arguments.of(Forge.GENERIC, "", "generic-push.json",
                        new Sync(Forge.GENERIC, "refs/heads/main", "4f2a9c1e7b3d5f6a8c0e2b4d6f8a0c2e4b6d8f0a", "d1")),
                Arguments.of(Forge.GENERIC, "", "generic-pull-request.json",
                        new PlanPullRequest(Forge.GENERIC, "infra/fleet", 42, "8c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d",
                                "os-1-35", "main", "d1")));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("fixtures")
    void readsFixture(Forge forge, String event, String fixture, WebhookEvent expected) {
        assertEquals(expected, parse(forge, event, Deliveries.fixture(fixture)));
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of(Forge.GITHUB, "pull_request", "{\"action\":\"closed\",\"number\":3,"
                        + "\"pull_request\":{\"merged\":false,\"base\":{\"ref\":\"main\"}}}",
                        new Ignored(Forge.GITHUB, "pull request closed without merge", "d1")),
                Arguments.of(Forge.GITHUB, "pull_request", "{\"action\":\"labeled\",\"number\":3}",
                        new Ignored(Forge.GITHUB, "pull_request action labeled is not handled", "d1")),
                Arguments.of(Forge.GITHUB, "push", "{\"ref\":\"refs/heads/old\",\"after\":\""
                        + Payload.ZERO_SHA + "\",\"deleted\":true}",
                        new Ignored(Forge.GITHUB, "push deletes refs/heads/old", "d1")),
                Arguments.of(Forge.GITHUB, "push", "{\"ref\":\"refs/tags/v1\",\"after\":\"abc1234\"}",
                        new Sync(Forge.GITHUB, "refs/tags/v1", "abc1234", "d1")),
                Arguments.of(Forge.GITLAB, "Merge Request Hook", "{\"object_attributes\":{\"action\":\"close\"}}",
                        new Ignored(Forge.GITLAB, "merge request closed without merge", "d1")),
                Arguments.of(Forge.GITLAB, "Push Hook", "{\"ref\":\"refs/heads/x\",\"after\":\""
                        + Payload.ZERO_SHA + "\"}", new Ignored(Forge.GITLAB, "push deletes refs/heads/x", "d1")),
                Arguments.of(Forge.GITLAB, "Merge Request Hook", "{\"project\":{\"id\":\"infra/fleet\"},"
                        + "\"object_attributes\":{\"action\":\"reopen\",\"iid\":2,\"last_commit\":{\"id\":\"abc1234\"},"
                        + "\"source_branch\":\"a\",\"target_branch\":\"main\"}}",
                        new PlanPullRequest(Forge.GITLAB, "infra/fleet", 2, "abc1234", "a", "main", "d1")),
                Arguments.of(Forge.GITEA, "pull_request", "{\"action\":\"closed\",\"number\":3,"
                        + "\"pull_request\":{\"merged\":false}}",
                        new Ignored(Forge.GITEA, "pull request closed without merge", "d1")),
                Arguments.of(Forge.GITEA, "issues", "{}", new Ignored(Forge.GITEA, "event issues is not handled", "d1")),
                Arguments.of(Forge.GENERIC, "", "{\"event\":\"push\",\"ref\":\"main\"}",
                        new Sync(Forge.GENERIC, "refs/heads/main", null, "d1")),
                Arguments.of(Forge.GENERIC, "", "{\"event\":\"pull_request\",\"action\":\"merged\",\"baseRef\":\"main\"}",
                        new Sync(Forge.GENERIC, "refs/heads/main", null, "d1")));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("variants")
    void readsVariant(Forge forge, String event, String json, WebhookEvent expected) {
        assertEquals(expected, parse(forge, event, json.getBytes(StandardCharsets.UTF_8)));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(Forge.GITHUB, "push", "{\"after\":\"abc1234\"}", "missing or non-string field ref"),
                Arguments.of(Forge.GITHUB, "pull_request", "{\"action\":\"opened\",\"number\":\"12\"}",
                        "missing or non-string field repository.full_name"),
                Arguments.of(Forge.GITHUB, "pull_request", "{\"action\":\"opened\",\"number\":-1,"
                        + "\"repository\":{\"full_name\":\"a/b\"}}", "missing or non-positive integer field number"),
                Arguments.of(Forge.GITHUB, "", "{}", "missing X-GitHub-Event header"),
                Arguments.of(Forge.GITLAB, "Merge Request Hook", "{\"object_attributes\":{\"action\":\"open\"}}",
                        "missing or non-string field project.id"),
                Arguments.of(Forge.GITEA, "pull_request", "{\"action\":\"opened\",\"number\":1,"
                        + "\"repository\":{\"full_name\":\"a/b\"},\"pull_request\":{\"head\":{}}}",
                        "missing or non-string field head.sha"),
                Arguments.of(Forge.GENERIC, "", "{\"event\":\"tag\"}", "unknown event tag (push, pull_request or ping)"),
                Arguments.of(Forge.GENERIC, "", "{\"ref\":\"main\"}", "missing or non-string field event"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("malformed")
    void namesWhatIsMissing(Forge forge, String event, String json, String message) {
        MalformedPayloadException e = assertThrows(MalformedPayloadException.class,
                () -> parse(forge, event, json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(message, e.getMessage());
    }

    private static WebhookEvent parse(Forge forge, String event, byte[] body) {
        WebhookRequest request = Deliveries.request(forge, event, "d1", body);
        EventParser parser = EventParser.forForge(forge);
        return parser.parse(request, Documents.MAPPER.readTree(body), parser.deliveryId(request));
    }
}
