package io.gitfleet.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.gitfleet.schema.Plan;
import io.gitfleet.schema.Problem;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plan reaches the pull request as GitHub shows it: a status that can block the merge, then the table. */
class PostPlanCommandTest {
    private static final String SHA = "9f3c1d2e4b5a69788f0e1d2c3b4a5968778695a4";
    private static final String STATUS = "/repos/example-org/fleet/statuses/" + SHA;
    private static final String COMMENT = "/repos/example-org/fleet/issues/12/comments";
    private static WireMockServer github;

    @BeforeAll
    static void start() {
        github = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        github.start();
    }

    @AfterAll
    static void stop() {
        github.stop();
    }

    @BeforeEach
    void reset() {
        github.resetAll();
        github.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(201)));
    }

    private static PostPlanCommand command() {
        ForgeClient client = ForgeClient.create(Forge.GITHUB, URI.create(github.baseUrl()), "t", Duration.ofSeconds(5));
        return new PostPlanCommand(client).setPullRequest("example-org/fleet", 12, SHA);
    }

    @Test
    void aRejectedPlanFailsTheStatusWithTheFirstProblemThenComments() {
        Plan.State plan = new Plan.State(12, SHA, null, false, List.of(
                new Problem("upgrades/os.yaml", "/spec/version", "v9.0.0 is not in catalog main"),
                new Problem("nodes/n1.yaml", "/spec/role", "must be controller or worker")), null);
        assertEquals(CommitState.FAILURE, command().setPlan(plan).setComment("| node | to |").call());
        github.verify(postRequestedFor(urlPathEqualTo(STATUS)).withRequestBody(equalToJson(
                "{\"state\":\"failure\",\"context\":\"gitfleet/plan\","
                        + "\"description\":\"Rejected (+1 more): upgrades/os.yaml: v9.0.0 is not in catalog main\"}")));
        github.verify(postRequestedFor(urlPathEqualTo(COMMENT)).withRequestBody(equalToJson(
                "{\"body\":\"<!-- gitfleet:plan -->\\n| node | to |\"}")));
        List<ServeEvent> served = github.getAllServeEvents(); // newest first
        assertEquals(List.of("POST " + COMMENT, "GET " + COMMENT + "?per_page=100", "POST " + STATUS),
                served.stream().map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl()).toList());
    }

    @Test
    void aNewPushEditsThePlanCommentInsteadOfAddingOne() {
        github.stubFor(get(urlPathEqualTo(COMMENT)).willReturn(okJson("[{\"id\": 7, \"body\": \"Looks risky\"},"
                + " {\"id\": 8, \"body\": \"> <!-- gitfleet:plan -->\\n> quoted by a reviewer\"},"
                + " {\"id\": 9, \"body\": \"<!-- gitfleet:plan -->\\nthe first plan\"}]")));
        github.stubFor(patch(urlPathEqualTo("/repos/example-org/fleet/issues/comments/9"))
                .willReturn(okJson("{}")));
        command().setPlan(new Plan.State(12, SHA, null, true, null, null)).setComment("the second plan").call();
        github.verify(patchRequestedFor(urlPathEqualTo("/repos/example-org/fleet/issues/comments/9"))
                .withRequestBody(equalToJson("{\"body\":\"<!-- gitfleet:plan -->\\nthe second plan\"}")));
        github.verify(0, postRequestedFor(urlPathEqualTo(COMMENT)));
    }

    @Test
    void whenTheEditIsRefusedANewCommentIsPosted() {
        github.stubFor(get(urlPathEqualTo(COMMENT)).willReturn(okJson(
                "[{\"id\": 9, \"body\": \"<!-- gitfleet:plan -->\\nposted with another token\"}]")));
        github.stubFor(patch(anyUrl()).willReturn(aResponse().withStatus(403)));
        command().setPlan(new Plan.State(12, SHA, null, true, null, null)).setComment("the plan").call();
        github.verify(postRequestedFor(urlPathEqualTo(COMMENT)).withRequestBody(equalToJson(
                "{\"body\":\"<!-- gitfleet:plan -->\\nthe plan\"}")));
    }

    @Test
    void anAcceptedPlanSucceedsAndNoCommentIsPostedWithoutOne() {
        Plan.Row row = new Plan.Row("os", null, "node-1", null, "v1.34.0", "v1.35.1", 1, 1, false, "Pending", null);
        assertEquals(CommitState.SUCCESS, command().setPlan(new Plan.State(12, SHA, null, true, null, List.of(row)))
                .setTargetUrl("https://gitfleet.example/plans/12").call());
        github.verify(postRequestedFor(urlPathEqualTo(STATUS)).withRequestBody(equalToJson(
                "{\"state\":\"success\",\"context\":\"gitfleet/plan\",\"description\":\"The plan would be accepted: 1 node\","
                        + "\"target_url\":\"https://gitfleet.example/plans/12\"}")));
        assertEquals(1, github.getAllServeEvents().size());
    }

    @Test
    void whenTheStatusIsRefusedNoCommentIsPosted() {
        github.stubFor(post(urlPathEqualTo(STATUS)).willReturn(aResponse().withStatus(403)));
        assertThrows(ForgeApiException.class,
                () -> command().setPlan(new Plan.State(12, SHA, null, true, null, null)).setComment("x").call());
        assertEquals(1, github.getAllServeEvents().size());
    }

    @Test
    void descriptionsForEveryVerdict() {
        assertEquals("The plan would be accepted", PostPlanCommand.describe(new Plan.State(1, SHA, null, true, null, null)));
        assertEquals("The plan would be rejected", PostPlanCommand.describe(new Plan.State(1, SHA, null, false, null, null)));
        assertEquals("Rejected: a.yaml: bad", PostPlanCommand.describe(new Plan.State(1, SHA, null, false,
                List.of(new Problem("a.yaml", "/", "bad")), null)));
    }
}
