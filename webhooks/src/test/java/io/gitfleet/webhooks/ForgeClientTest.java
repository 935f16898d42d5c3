package io.gitfleet.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each forge's API as its documentation describes it, faked by WireMock: exact paths, auth headers and bodies. */
class ForgeClientTest {
    private static final String SHA = "9f3c1d2e4b5a69788f0e1d2c3b4a5968778695a4";
    private static WireMockServer forge;

    @BeforeAll
    static void start() {
        forge = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        forge.start();
    }

    @AfterAll
    static void stop() {
        forge.stop();
    }

    @BeforeEach
    void reset() {
        forge.resetAll();
        forge.stubFor(post(urlPathEqualTo("/never")).willReturn(aResponse().withStatus(500)));
    }

    private static ForgeClient client(Forge kind, String token) {
        return ForgeClient.create(kind, URI.create(forge.baseUrl() + "/"), token, Duration.ofSeconds(5));
    }

    @Test
    void githubStatus() {
        String path = "/repos/example-org/fleet/statuses/" + SHA;
        forge.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(201).withBody("{\"id\":1}")));
        client(Forge.GITHUB, "ghp_token").postStatus("example-org/fleet", SHA, CommitState.FAILURE,
                "Rejected: upgrades/os.yaml: version v9 is not in the catalog", "gitfleet/plan",
                "https://gitfleet.example/plans/12");
        forge.verify(1, postRequestedFor(urlPathEqualTo(path))
                .withHeader("Authorization", equalTo("Bearer ghp_token"))
                .withHeader("Accept", equalTo("application/vnd.github+json"))
                .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
                .withRequestBody(equalToJson("{\"state\":\"failure\","
                        + "\"description\":\"Rejected: upgrades/os.yaml: version v9 is not in the catalog\","
                        + "\"context\":\"gitfleet/plan\",\"target_url\":\"https://gitfleet.example/plans/12\"}")));
    }

    @Test
    void githubDescriptionIsCutTo140CharactersAndTargetUrlIsOptional() {
        String path = "/repos/example-org/fleet/statuses/" + SHA;
        forge.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(201)));
        client(Forge.GITHUB, "t").postStatus("example-org/fleet", SHA, CommitState.SUCCESS, "x".repeat(200),
                "gitfleet/plan", null);
        forge.verify(postRequestedFor(urlPathEqualTo(path)).withRequestBody(equalToJson(
                "{\"state\":\"success\",\"description\":\"" + "x".repeat(139) + "…\",\"context\":\"gitfleet/plan\"}")));
    }

    @Test
    void githubComment() {
        String path = "/repos/example-org/fleet/issues/12/comments";
        forge.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(201)));
        client(Forge.GITHUB, "ghp_token").postComment("example-org/fleet", 12, "| node | from | to |\n|---|---|---|");
        forge.verify(postRequestedFor(urlPathEqualTo(path))
                .withHeader("Authorization", equalTo("Bearer ghp_token"))
                .withRequestBody(equalToJson("{\"body\":\"| node | from | to |\\n|---|---|---|\"}")));
    }

    @Test
    void gitlabStatusAndNote() {
        String status = "/api/v4/projects/15/statuses/" + SHA;
        String note = "/api/v4/projects/15/merge_requests/7/notes";
        forge.stubFor(post(urlPathEqualTo(status)).willReturn(aResponse().withStatus(201)));
        forge.stubFor(post(urlPathEqualTo(note)).willReturn(aResponse().withStatus(201)));
        ForgeClient gitlab = client(Forge.GITLAB, "glpat-token");
        gitlab.postStatus("15", SHA, CommitState.PENDING, "Computing the plan", "gitfleet/plan", null);
        gitlab.postComment("15", 7, "plan table");
        forge.verify(postRequestedFor(urlPathEqualTo(status))
                .withHeader("PRIVATE-TOKEN", equalTo("glpat-token"))
                .withRequestBody(equalToJson("{\"state\":\"running\",\"name\":\"gitfleet/plan\","
                        + "\"description\":\"Computing the plan\"}")));
        forge.verify(postRequestedFor(urlPathEqualTo(note))
                .withHeader("PRIVATE-TOKEN", equalTo("glpat-token"))
                .withRequestBody(equalToJson("{\"body\":\"plan table\"}")));
    }

    /** Listing and editing comments, per forge: the documented paths, methods, query and auth headers. */
    @Test
    void eachForgeListsAndEditsComments() {
        String list = "[{\"id\": 11, \"body\": \"LGTM\", \"user\": {\"login\": \"ops\"}},"
                + " {\"id\": 42, \"body\": \"plan\", \"system\": false}, {\"id\": 43, \"system\": true}]";
        forge.stubFor(get(urlPathEqualTo("/repos/example-org/fleet/issues/12/comments"))
                .withQueryParam("per_page", equalTo("100")).withHeader("Authorization", equalTo("Bearer gh"))
                .willReturn(okJson(list)));
        forge.stubFor(patch(urlPathEqualTo("/repos/example-org/fleet/issues/comments/42"))
                .withHeader("Authorization", equalTo("Bearer gh")).withRequestBody(equalToJson("{\"body\":\"new\"}"))
                .willReturn(okJson("{}")));
        forge.stubFor(get(urlPathEqualTo("/api/v4/projects/infra%2Ffleet/merge_requests/7/notes"))
                .withQueryParam("per_page", equalTo("100")).withQueryParam("sort", equalTo("asc"))
                .withHeader("PRIVATE-TOKEN", equalTo("gl")).willReturn(okJson(list)));
        forge.stubFor(put(urlPathEqualTo("/api/v4/projects/infra%2Ffleet/merge_requests/7/notes/42"))
                .withHeader("PRIVATE-TOKEN", equalTo("gl")).withRequestBody(equalToJson("{\"body\":\"new\"}"))
                .willReturn(okJson("{}")));
        forge.stubFor(get(urlPathEqualTo("/api/v1/repos/infra/fleet/issues/3/comments"))
                .withHeader("Authorization", equalTo("token gt")).willReturn(okJson(list)));
        forge.stubFor(patch(urlPathEqualTo("/api/v1/repos/infra/fleet/issues/comments/42"))
                .withHeader("Authorization", equalTo("token gt")).withRequestBody(equalToJson("{\"body\":\"new\"}"))
                .willReturn(okJson("{}")));
        List<ForgeClient.Comment> expected = List.of(new ForgeClient.Comment(11, "LGTM"),
                new ForgeClient.Comment(42, "plan"));
        ForgeClient github = client(Forge.GITHUB, "gh");
        assertEquals(expected, github.comments("example-org/fleet", 12));
        github.editComment("example-org/fleet", 12, 42, "new");
        ForgeClient gitlab = client(Forge.GITLAB, "gl");
        assertEquals(expected, gitlab.comments("infra/fleet", 7));
        gitlab.editComment("infra/fleet", 7, 42, "new");
        ForgeClient gitea = client(Forge.GITEA, "gt");
        assertEquals(expected, gitea.comments("infra/fleet", 3));
        gitea.editComment("infra/fleet", 3, 42, "new");
        // each edit matched its stub (method, path, token, body), or the forge's 404 would have thrown
        forge.verify(1, patchRequestedFor(urlPathEqualTo("/repos/example-org/fleet/issues/comments/42")));
        forge.verify(1, putRequestedFor(urlPathEqualTo("/api/v4/projects/infra%2Ffleet/merge_requests/7/notes/42")));
        forge.verify(1, patchRequestedFor(urlPathEqualTo("/api/v1/repos/infra/fleet/issues/comments/42")));
    }

    @Test
    void gitlabProjectPathIsEncodedAndFailureMapsToFailed() {
        forge.stubFor(post(urlPathEqualTo("/api/v4/projects/infra%2Ffleet/statuses/" + SHA))
                .willReturn(aResponse().withStatus(201)));
        client(Forge.GITLAB, "t").postStatus("infra/fleet", SHA, CommitState.ERROR, "could not plan", "gitfleet/plan",
                "https://gitfleet.example");
        forge.verify(postRequestedFor(urlPathEqualTo("/api/v4/projects/infra%2Ffleet/statuses/" + SHA))
                .withRequestBody(equalToJson("{\"state\":\"failed\",\"name\":\"gitfleet/plan\","
                        + "\"description\":\"could not plan\",\"target_url\":\"https://gitfleet.example\"}")));
    }

    @Test
    void gitlabRefusingToRepeatTheSameStateIsNotAnError() {
        String path = "/api/v4/projects/15/statuses/" + SHA;
        forge.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(400)
                .withBody("{\"message\":\"Cannot transition status via :run from :running\"}")));
        client(Forge.GITLAB, "t").postStatus("15", SHA, CommitState.PENDING, "again", "gitfleet/plan", null);

        forge.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(400)
                .withBody("{\"message\":\"state is invalid\"}")));
        ForgeApiException e = assertThrows(ForgeApiException.class,
                () -> client(Forge.GITLAB, "t").postStatus("15", SHA, CommitState.PENDING, "x", "gitfleet/plan", null));
        assertEquals(400, e.statusCode());
    }

    @Test
    void giteaStatusAndComment() {
        String status = "/api/v1/repos/infra/fleet/statuses/" + SHA;
        String comment = "/api/v1/repos/infra/fleet/issues/3/comments";
        forge.stubFor(post(urlPathEqualTo(status)).willReturn(aResponse().withStatus(201)));
        forge.stubFor(post(urlPathEqualTo(comment)).willReturn(aResponse().withStatus(201)));
        ForgeClient gitea = client(Forge.GITEA, "gitea-token");
        gitea.postStatus("infra/fleet", SHA, CommitState.ERROR, "could not plan", "gitfleet/plan", null);
        gitea.postComment("infra/fleet", 3, "plan table");
        forge.verify(postRequestedFor(urlPathEqualTo(status))
                .withHeader("Authorization", equalTo("token gitea-token"))
                .withRequestBody(equalToJson("{\"state\":\"error\",\"description\":\"could not plan\","
                        + "\"context\":\"gitfleet/plan\"}")));
        forge.verify(postRequestedFor(urlPathEqualTo(comment))
                .withHeader("Authorization", equalTo("token gitea-token"))
                .withRequestBody(equalToJson("{\"body\":\"plan table\"}")));
    }

    @Test
    void aRefusalNamesTheStatusAndPathAndSaysWhetherToRetry() {
        String path = "/repos/example-org/fleet/statuses/" + SHA;
        forge.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(404)
                .withBody("{\"message\":\"Not Found\"}")));
        ForgeApiException notFound = assertThrows(ForgeApiException.class, () -> client(Forge.GITHUB, "t")
                .postStatus("example-org/fleet", SHA, CommitState.SUCCESS, "ok", "gitfleet/plan", null));
        assertEquals(404, notFound.statusCode());
        assertEquals(path, notFound.path());
        assertEquals("POST " + path + " answered 404: {\"message\":\"Not Found\"}", notFound.getMessage());
        assertFalse(notFound.retryable());

        forge.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(502)));
        ForgeApiException badGateway = assertThrows(ForgeApiException.class, () -> client(Forge.GITHUB, "t")
                .postStatus("example-org/fleet", SHA, CommitState.SUCCESS, "ok", "gitfleet/plan", null));
        assertTrue(badGateway.retryable());
    }

    @Test
    void aSlowForgeTimesOut() {
        String path = "/repos/example-org/fleet/statuses/" + SHA;
        forge.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(201).withFixedDelay(2000)));
        ForgeClient impatient = ForgeClient.create(Forge.GITHUB, URI.create(forge.baseUrl()), "t",
                Duration.ofMillis(200));
        ForgeApiException e = assertThrows(ForgeApiException.class, () -> impatient
                .postStatus("example-org/fleet", SHA, CommitState.SUCCESS, "ok", "gitfleet/plan", null));
        assertEquals(0, e.statusCode());
        assertTrue(e.retryable());
    }

    @Test
    void refusesValuesThatWouldChangeThePath() {
        ForgeClient github = client(Forge.GITHUB, "t");
        assertThrows(IllegalArgumentException.class, () -> github.postStatus("example-org/fleet", "../../admin",
                CommitState.SUCCESS, "ok", "c", null));
        assertThrows(IllegalArgumentException.class, () -> github.postStatus("example-org/fleet/x", SHA,
                CommitState.SUCCESS, "ok", "c", null));
        assertEquals(0, forge.getAllServeEvents().size());
    }
}
