package io.gitfleet.reconciler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.gitfleet.reconciler.git.FleetMirror;
import io.gitfleet.reconciler.git.FleetRepos;
import io.gitfleet.reconciler.git.GitAuth;
import io.gitfleet.reconciler.git.GitDaemon;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.webhooks.WebhookSecrets;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status branch is not a source of trust: anyone who can push to it can write a lease naming any holder and
 * any URL. A standby forwards agents only to a configured peer, at the URL configured for it, and never with the
 * agent's own token.
 */
class LeaseTrustIT {
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final String SECRET = "replicas-share-this-secret";

    @TempDir
    Path tmp;
    private GitDaemon daemon;
    private ReconcilerServer holder;
    private ReconcilerServer standby;
    private HttpServer listener;
    /** Every request that reached the listener: its Authorization header and its body. */
    private final List<String[]> received = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        for (ReconcilerServer s : new ReconcilerServer[] {holder, standby}) {
            if (s != null) {
                s.close();
            }
        }
        if (listener != null) {
            listener.stop(0);
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    /**
     * A lease pushed by an attacker, naming a holder that no replica was told of and the attacker's URL, far in the
     * future: the standby refuses to forward (503), and nothing reaches that URL.
     */
    @Test
    void aLeaseNamingAnUnknownHolderIsNeverForwardedTo() throws Exception {
        String attacker = listen();
        String standbyUrl = twoReplicas(Map.of("replica-a", "http://127.0.0.1:" + holderPort));
        seizeLease("mallory", attacker);
        ServerIT.eventually("the holder sees the seized lease and stands by", () -> !holder.acting());

        HttpAgent agent = new HttpAgent(standbyUrl, http, "worker-1", "v1.34.1");
        String[] last = new String[1];
        ServerIT.eventually("the standby names the seized lease's holder and refuses to forward", () -> {
            last[0] = assertThrows(HttpAgent.Unavailable.class, () -> agent.report(0)).getMessage();
            return last[0].contains("held by mallory, which is not one of replica-b's configured peers");
        });
        assertEquals(List.of(), received, "nothing reached the URL written on the status branch: " + last[0]);
    }

    /**
     * A lease naming a configured peer but carrying another URL: the standby forwards to the URL the operator
     * configured for that peer, and what it sends is the replicas' secret, not the agent's token.
     */
    @Test
    void aConfiguredPeerIsReachedAtItsConfiguredUrlWithThePeerSecret() throws Exception {
        String peer = listen();
        String standbyUrl = twoReplicas(Map.of("replica-a", "http://127.0.0.1:" + holderPort, "replica-x", peer));
        String elsewhere = "http://127.0.0.1:" + ReplicasIT.freePort();
        seizeLease("replica-x", elsewhere);
        ServerIT.eventually("the holder sees replica-x's lease and stands by", () -> !holder.acting());

        HttpAgent agent = new HttpAgent(standbyUrl, http, "worker-1", "v1.34.1");
        ServerIT.eventually("the standby knows replica-x holds the lease", () -> {
            try {
                agent.report(0);
                return true;
            } catch (HttpAgent.Unavailable e) {
                return false;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(1, received.size(), "one forwarded round trip");
        assertEquals("Bearer " + SECRET, received.get(0)[0], "the peer secret, never the agent's token");
        assertFalse(received.get(0)[1].isEmpty(), "the report itself is forwarded");
    }

    /** A forwarded round trip without the peer secret (or from a replica nobody configured) is refused. */
    @Test
    void aForwardedRoundTripNeedsThePeerSecret() throws Exception {
        String standbyUrl = twoReplicas(Map.of("replica-a", "http://127.0.0.1:" + holderPort));
        String holderUrl = "http://127.0.0.1:" + holderPort;
        for (String[] attempt : new String[][] {{"replica-b", "Bearer " + HttpAgent.token("worker-1")},
            {"replica-b", "Bearer wrong-secret-of-enough-length"}, {"mallory", "Bearer " + SECRET}}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(holderUrl
                    + "/api/v1/nodes/worker-1/report")).header("Authorization", attempt[1])
                    .header(AgentForwarder.FORWARDED_BY, attempt[0]).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), String.join(" / ", attempt) + ": " + r.body());
        }
        assertTrue(standbyUrl.startsWith("http://"));
    }

    private final int holderPort = ReplicasIT.freePort();

    /** replica-a holding the lease and replica-b standing by with the given peers; replica-b's URL. */
    private String twoReplicas(Map<String, String> standbyPeers) throws Exception {
        FleetRepos repos = FleetRepos.create(tmp.resolve("repos"));
        daemon = GitDaemon.serve(repos.bare.getParent());
        String url = daemon.url("fleet.git");
        int standbyPort = ReplicasIT.freePort();
        holder = new ReconcilerServer(settings(url, "replica-a", holderPort,
                Map.of("replica-b", "http://127.0.0.1:" + standbyPort)), Clock.systemUTC());
        holder.start();
        ServerIT.eventually("replica-a holds the lease and loaded the fleet",
                () -> holder.acting() && !holder.state().inventory().isEmpty());
        standby = new ReconcilerServer(settings(url, "replica-b", standbyPort, standbyPeers), Clock.systemUTC());
        standby.start();
        ServerIT.eventually("replica-b loaded the fleet", () -> !standby.state().inventory().isEmpty());
        return "http://127.0.0.1:" + standbyPort;
    }

    private ServerSettings settings(String url, String id, int port, Map<String, String> peers) {
        return new ServerSettings(url, GitAuth.NONE, tmp.resolve("data-" + id), "127.0.0.1", port, "main",
                "gitfleet/status", Duration.ofHours(1), Duration.ofMillis(200), WebhookSecrets.shared("s"), null, null)
                .withReplica(new ReplicaSettings(id, null, LEASE, peers, SECRET));
    }

    /** Writes, as someone with push access to the status branch would, a lease for {@code name} at {@code url}. */
    private void seizeLease(String name, String url) throws Exception {
        try (FleetMirror mirror = FleetMirror.open(tmp.resolve("data-" + name), daemon.url("fleet.git"),
                GitAuth.NONE)) {
            Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
            new LeaseKeeper(new StatusStore(mirror.repository(), "gitfleet/status", mirror), ahead)
                    .setReplica(name).setUrl(url).setDuration(Duration.ofDays(365)).call();
        }
    }

    /** A plain HTTP listener on 127.0.0.1 that records what reaches it and answers 204; its URL. */
    private String listen() throws Exception {
        listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        listener.createContext("/", exchange -> {
            received.add(new String[] {String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        listener.start();
        return "http://127.0.0.1:" + listener.getAddress().getPort();
    }
}
