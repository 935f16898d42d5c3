package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Kind;
import io.gitfleet.schema.Problem;
import io.gitfleet.schema.SchemaCheck;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The operator's dashboard in a real headless Chromium, against a real Vert.x server that serves the page and
 * fixture answers of the JSON API. The assertions read what a person would see ({@code innerText}).
 */
class DashboardIT {
    private static final Duration RENDER = Duration.ofSeconds(10);
    /** Two polls (2 s apart) and some slack for a busy machine. */
    private static final Duration NEXT_POLLS = Duration.ofSeconds(8);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static DashboardFixtureServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DashboardFixtureServer.start("rollout");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void servesTheFilesFromTheClasspathWithStrictHeaders() throws Exception {
        HttpResponse<String> page = get("");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElse(""));
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.startsWith("default-src 'self'"), csp);
        assertTrue(page.body().contains("src=\"/dashboard/dashboard.js\""), page.body());
        assertFalse(page.body().matches("(?s).*(https?:)?//[a-z].*"), "the page loads nothing from elsewhere");

        for (Map.Entry<String, String> file : Map.of("dashboard/dashboard.js", "text/javascript",
                "dashboard/dashboard.css", "text/css", "dashboard/index.html", "text/html").entrySet()) {
            HttpResponse<String> response = get(file.getKey());
            assertEquals(200, response.statusCode(), file.getKey());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith(file.getValue()));
            assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElse(""));
            assertTrue(response.headers().firstValue("Content-Security-Policy").isPresent());
        }
        assertEquals(404, get("dashboard/nothing.js").statusCode());
        assertEquals(404, get("dashboard/..%2Fdashboard%2Fdashboard.js").statusCode());

        String etag = page.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(304, again.statusCode());
    }

    /** The fixtures stay true to the API contract: upgrade documents are valid UpgradeStatus documents. */
    @Test
    void fixturesFollowTheApiContract() {
        for (String variant : DashboardFixtureServer.VARIANTS) {
            JsonArray upgrades = new JsonObject(new String(DashboardFixtureServer.fixture(variant + "/upgrades.json"),
                    StandardCharsets.UTF_8)).getJsonArray("upgrades");
            assertEquals(2, upgrades.size());
            for (int i = 0; i < upgrades.size(); i++) {
                JsonObject doc = upgrades.getJsonObject(i);
                JsonNode tree = Documents.MAPPER.readTree(doc.encode());
                List<Problem> problems = SchemaCheck.get().check(variant + "/upgrades.json#" + i,
                        Kind.UPGRADE_STATUS, tree, null);
                assertEquals(List.of(), problems);
                JsonObject status = doc.getJsonObject("status");
                JsonObject counts = status.getJsonObject("counts");
                assertEquals(status.getJsonArray("nodes").size(), counts.getInteger("total"));
                int sum = 0;
                for (String key : counts.fieldNames()) {
                    sum += key.equals("total") ? 0 : counts.getInteger(key);
                }
                assertEquals(counts.getInteger("total"), sum, variant + ": counts add up to the total");
            }
        }
    }

    @Test
    void showsTheRolloutFollowsItAndWarnsWhenTheReconcilerIsDown() throws Exception {
        server.show("rollout");
        server.down(false);
        try (DashboardBrowser browser = DashboardBrowser.launch(1400, 1000)) {
            browser.navigate(server.url());
            browser.waitFor("the os-1-35 card at 2/9", progressIs("os-1-35", "2/9"), RENDER);

            seesTheRollout(browser);
            leavesAnUnchangedPageAlone(browser);
            browser.screenshot(target("dashboard.png"), 0, 0);
            browser.screenshot(target("dashboard-full.png"), 1400, 2600);
            filtersAndOpensTheDetailViews(browser);

            server.show("stalled");
            browser.waitFor("the os-1-35 card at 3/9 after the rollout moved", progressIs("os-1-35", "3/9"),
                    NEXT_POLLS);
            seesTheRolloutMoveOnAndTheStall(browser);
            browser.screenshot(target("dashboard-stalled.png"), 1400, 2600);
            assertEquals("[]", browser.text("JSON.stringify(window.__csp)"), "no Content-Security-Policy violation");
            assertEquals(List.of(), browser.errors(), "no uncaught exception, no console error");

            server.down(true);
            browser.waitFor("the unreachable banner", visible("unreachable-banner"), NEXT_POLLS);
            String banner = seen(browser, "[data-testid=unreachable-banner]");
            assertTrue(banner.matches("Reconciler unreachable — last update \\d\\d:\\d\\d:\\d\\d \\(HTTP 503 from .*\\)"),
                    banner);
            assertTrue(seen(browser, "[data-testid=upgrade-os-1-35]").contains("3/9 done"),
                    "the last state stays on screen");
            assertEquals(Boolean.TRUE, browser.eval("document.getElementById('content').classList.contains('stale')"));

            server.down(false);
            browser.waitFor("the unreachable banner to go once the reconciler answers again",
                    "!(" + visible("unreachable-banner") + ")", NEXT_POLLS);
            assertEquals("[]", browser.text("JSON.stringify(window.__csp)"), "no Content-Security-Policy violation");
            // while the API answered 503 Chromium logged the failed loads; nothing else may be there
            assertEquals(List.of(), browser.errors().stream().filter(e -> !e.contains("503")).toList(),
                    "no uncaught exception, no console error");
        }
    }

    private static void seesTheRollout(DashboardBrowser browser) throws Exception {
        assertEquals("fleet", seen(browser, "[data-testid=fleet-name]"));
        assertEquals("3f9c2e1", seen(browser, "[data-testid=approved-commit]"));
        assertEquals("main", seen(browser, "[data-testid=approved-branch]"));
        assertEquals("Ready", seen(browser, "[data-testid=condition-Ready]"));
        assertEquals(Boolean.FALSE, browser.eval(visible("stalled-banner")));
        assertEquals(Boolean.FALSE, browser.eval(visible("unreachable-banner")));
        assertTrue(seen(browser, "[data-testid=updated]").matches("updated \\d\\d:\\d\\d:\\d\\d"));

        String os = seen(browser, "[data-testid=upgrade-os-1-35]");
        for (String expected : List.of("os-1-35", "RollingOut", "os stable → v1.35.1", "2/9 done", "1 in progress",
                "1 failed", "1 blocked", "4 pending", "worker-4 is writing")) {
            assertTrue(os.contains(expected), "os-1-35 card shows '" + expected + "':\n" + os);
        }
        assertEquals("RollingOut", seen(browser, "[data-testid=upgrade-os-1-35] [data-testid=upgrade-phase]"));
        assertEquals(List.of(2L, 9L), List.of(((Number) browser.eval(
                "document.querySelector('[data-testid=upgrade-os-1-35] progress').value")).longValue(),
                ((Number) browser.eval("document.querySelector('[data-testid=upgrade-os-1-35] progress').max"))
                        .longValue()));
        String k8s = seen(browser, "[data-testid=upgrade-kubernetes-1-35]");
        for (String expected : List.of("Paused", "0/9 done", "9 pending", "PausedInSpec", "kubernetes v1.35.0")) {
            assertTrue(k8s.contains(expected), "kubernetes-1-35 card shows '" + expected + "':\n" + k8s);
        }

        // one row per node and upgrade: the paused kubernetes rows never hide the rollout's rows
        assertEquals(List.of("Writing", "Failed", "Blocked", "Pending", "Completed"), groups(browser));
        assertEquals(List.of("worker-4"), nodesIn(browser, "Writing", "os-1-35"));
        assertEquals(List.of("worker-3"), nodesIn(browser, "Failed", "os-1-35"));
        assertEquals(List.of("worker-5"), nodesIn(browser, "Blocked", "os-1-35"));
        assertEquals(List.of("worker-6", "cp-1", "cp-2", "cp-3"), nodesIn(browser, "Pending", "os-1-35"));
        assertEquals(List.of("worker-1", "worker-2"), nodesIn(browser, "Completed", "os-1-35"));
        assertEquals(9, nodesIn(browser, "Pending", "kubernetes-1-35").size(), "every node's kubernetes row");

        String writing = seen(browser, "[data-testid=node-worker-4--os-1-35]");
        for (String expected : List.of("worker", "os-1-35", "v1.34.1 → v1.35.1", "Writing",
                "1.1 GiB / 1.7 GiB (61%)", "writing image to slot b", "2s ago")) {
            assertTrue(writing.contains(expected), "worker-4 row shows '" + expected + "':\n" + writing);
        }
        String failed = seen(browser, "[data-testid=node-worker-3--os-1-35]");
        for (String expected : List.of("Failed", "image sha256 mismatch: got <9f2c41d0e7…>, want <8aaf68fb4e50…>",
                "unhealthy: slot b failed verification", "gitfleet retry os-1-35 worker-3")) {
            assertTrue(failed.contains(expected), "worker-3 row shows '" + expected + "':\n" + failed);
        }
        assertTrue(seen(browser, "[data-testid=node-worker-3--kubernetes-1-35]").contains(
                "gitfleet resume kubernetes-1-35"), "a paused upgrade's rows say how to resume it");
        assertEquals(0L, ((Number) browser.eval(
                "document.querySelectorAll('[data-testid=node-message] *:not(div)').length")).longValue(),
                "agent text is shown as text, never as markup");
        assertTrue(seen(browser, "[data-testid=node-worker-5--os-1-35]")
                .contains("kubernetes v1.33.4 on worker-5 does not satisfy >=v1.34.0"));
        assertTrue(seen(browser, "[data-testid=node-cp-3--os-1-35]").contains("never"));
        assertTrue(seen(browser, "[data-testid=node-worker-1--os-1-35]").contains("canary"));

        List<?> commits = (List<?>) browser.eval(
                "[...document.querySelectorAll('[data-testid=history] li')].map(li => li.innerText)");
        assertEquals(6, commits.size());
        String newest = commits.get(0).toString();
        assertTrue(newest.startsWith("c41e7a2") && newest.contains("os-1-35: worker-4 Downloading → Writing (2/9)"),
                newest);
        assertFalse(newest.contains("reported Writing"), "only the first line of the message: " + newest);
        assertEquals("https://git.example.net/infra/fleet/commit/c41e7a2f09b8d6e5c4b3a2918f7e6d5c4b3a2910",
                browser.text("document.querySelector('[data-testid=commit-c41e7a2] a').href"));
        assertEquals("https://git.example.net/infra/fleet/commit/9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d",
                browser.text("(a => a && a.href)(document.querySelector('[data-testid=commit-9e0d1c2] a'))"),
                "a commit without its own url is linked through the commit template");
        assertEquals("https://git.example.net/infra/fleet/pull/12",
                browser.text("document.querySelector('[data-testid=commit-7a6b5c4] [data-testid=pull-link]').href"));
        assertEquals("https://git.example.net/infra/fleet/commit/3f9c2e1b7a4d5c6e8f90a1b2c3d4e5f6a7b8c9d0",
                browser.text("document.querySelector('[data-testid=commit-7a6b5c4] [data-testid=approved-commit-link]')"
                        + ".href"));
    }

    /** The filter narrows every node row; the node and upgrade views show one of each; history shows it all. */
    private static void filtersAndOpensTheDetailViews(DashboardBrowser browser) throws Exception {
        browser.type("[data-testid=filter]", "dc2");
        browser.waitFor("only dc2's rows", "document.querySelectorAll('tr[data-node]').length === 4", RENDER);
        assertEquals(List.of("worker-5", "worker-6"), strings(browser.eval(
                "[...new Set([...document.querySelectorAll('tr[data-node]')].map(r => r.dataset.node))].sort()")));
        browser.type("[data-testid=filter]", "zone=b failed");
        browser.waitFor("no row", "document.querySelectorAll('tr[data-node]').length === 0", RENDER);
        assertTrue(seen(browser, "[data-testid=nodes]").contains("No node matches the filter."));
        browser.type("[data-testid=filter]", "");
        browser.waitFor("every row again", "document.querySelectorAll('tr[data-node]').length === 18", RENDER);

        browser.click("[data-testid=node-worker-4--os-1-35] [data-testid=node-link]");
        browser.waitFor("worker-4's page", visible("node-view"), RENDER);
        String node = seen(browser, "[data-testid=node-view]");
        assertEquals("node worker-4", seen(browser, "[data-testid=node-view] h2").toLowerCase(java.util.Locale.ROOT));
        for (String expected : List.of("Datacenter", "dc1", "os-1-35", "kubernetes-1-35", "writing image to slot b")) {
            assertTrue(node.contains(expected), "the node view shows '" + expected + "':\n" + node);
        }
        assertTrue(seen(browser, "[data-testid=slot-a]").matches("slot a\\s+v1.34.1\\s+good\\s+booted, active"),
                seen(browser, "[data-testid=slot-a]"));
        assertTrue(seen(browser, "[data-testid=slot-b]").matches("slot b\\s+v1.35.1\\s+bad"),
                seen(browser, "[data-testid=slot-b]"));
        assertEquals(List.of("Writing", "Downloading", "Instructed"), strings(browser.eval(
                "[...document.querySelectorAll('[data-testid=node-transitions] [data-testid=transition-phase]')]"
                        + ".map(e => e.innerText)")));
        assertTrue(seen(browser, "[data-testid=node-task]").contains("Writing"));

        browser.navigate(server.url() + "#/upgrade/kubernetes-1-35");
        browser.waitFor("the kubernetes-1-35 page", visible("upgrade-view"), RENDER);
        assertEquals("gitfleet resume kubernetes-1-35", seen(browser, "[data-testid=upgrade-next]"));
        assertEquals(9L, ((Number) browser.eval("document.querySelectorAll('tr[data-node]').length")).longValue());

        browser.click("[data-testid=nav-history]");
        browser.waitFor("the history page", visible("history-view"), RENDER);
        assertEquals(6L, ((Number) browser.eval("document.querySelectorAll('[data-testid=history] li').length"))
                .longValue());
        browser.click("[data-testid=nav-overview]");
        browser.waitFor("the overview again", progressIs("os-1-35", "2/9"), RENDER);
    }

    /** A poll that brings nothing new leaves the DOM as it is: no flicker, no lost selection. */
    private static void leavesAnUnchangedPageAlone(DashboardBrowser browser) throws Exception {
        browser.eval("document.querySelector('[data-testid=\"node-worker-4--os-1-35\"]').dataset.probe = 'kept'");
        String updated = seen(browser, "[data-testid=updated]");
        browser.waitFor("another poll", "document.querySelector('[data-testid=updated]').innerText !== "
                + Json.encode(updated), NEXT_POLLS);
        assertEquals("kept", browser.text(
                "document.querySelector('[data-testid=\"node-worker-4--os-1-35\"]').dataset.probe"));
    }

    private static void seesTheRolloutMoveOnAndTheStall(DashboardBrowser browser) throws Exception {
        browser.waitFor("the stalled banner", visible("stalled-banner"), RENDER);
        String stalled = seen(browser, "[data-testid=stalled-banner]");
        for (String expected : List.of("Stalled (InvalidFleet):", "approved commit 7d41c0a has 1 problem; still acting"
                + " on 3f9c2e1", "upgrades/os-1-35.yaml/spec/strategy/maxUnavailable: must be an integer")) {
            assertTrue(stalled.contains(expected), "stalled banner shows '" + expected + "':\n" + stalled);
        }
        assertTrue(browser.text("document.title").startsWith("⚠ stalled"));

        String os = seen(browser, "[data-testid=upgrade-os-1-35]");
        assertTrue(os.contains("0 blocked") && os.contains("1 failed") && os.contains("1 in progress"), os);
        assertEquals(List.of("Downloading", "Failed", "Pending", "Completed"), groups(browser));
        assertEquals(List.of("worker-5"), nodesIn(browser, "Downloading", "os-1-35"));
        assertEquals(List.of("worker-1", "worker-2", "worker-4"), nodesIn(browser, "Completed", "os-1-35"));
        String downloading = seen(browser, "[data-testid=node-worker-5--os-1-35]");
        for (String expected : List.of("256 MiB / 1.7 GiB (14%)",
                "downloading <https://images.example.net/os/monok8s-v1.35.1.img.zst> & checking sha256")) {
            assertTrue(downloading.contains(expected), "worker-5 row shows '" + expected + "':\n" + downloading);
        }
        assertTrue(seen(browser, "[data-testid=node-worker-4--os-1-35]").contains("v1.35.1"));

        List<?> commits = (List<?>) browser.eval(
                "[...document.querySelectorAll('[data-testid=history] li')].map(li => li.innerText)");
        assertEquals(8, commits.size());
        assertTrue(commits.get(0).toString().startsWith("f60a9b8"), commits.get(0).toString());
        assertEquals("https://git.example.net/infra/fleet/commit/f60a9b8",
                browser.text("(a => a && a.href.slice(0, 50))(document.querySelector('[data-testid=commit-f60a9b8] a'))"),
                "a javascript: url is never made a link: the commit template links the sha instead");
    }

    private static String progressIs(String upgrade, String progress) {
        return "(document.querySelector('[data-testid=upgrade-" + upgrade + "] [data-testid=upgrade-progress]')"
                + " || {innerText: ''}).innerText.startsWith(" + Json.encode(progress + " ") + ")";
    }

    private static String visible(String testid) {
        return "(e => !!e && !e.hidden && e.getClientRects().length > 0)(document.querySelector('[data-testid="
                + testid + "]'))";
    }

    /** What a person sees in the first element matching a selector, or null when there is none. */
    private static String seen(DashboardBrowser browser, String selector) {
        return browser.text("(e => e ? e.innerText.trim() : null)(document.querySelector(" + Json.encode(selector)
                + "))");
    }

    private static List<String> groups(DashboardBrowser browser) {
        return strings(browser.eval("[...document.querySelectorAll('[data-testid^=phase-group-]')]"
                + ".map(g => g.querySelector('[data-testid=group-phase]').innerText)"));
    }

    /** The nodes of one upgrade in one phase group, in the order shown. */
    private static List<String> nodesIn(DashboardBrowser browser, String phase, String upgrade) {
        return strings(browser.eval("[...document.querySelectorAll('[data-testid=phase-group-" + phase
                + "] tr[data-node]')].filter(r => r.dataset.testid.endsWith('--" + upgrade + "'))"
                + ".map(r => r.dataset.node)"));
    }

    private static List<String> strings(Object value) {
        assertNotNull(value);
        return ((List<?>) value).stream().map(Object::toString).toList();
    }

    private static Path target(String file) {
        return Path.of(System.getProperty("basedir", "."), "target", file);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
