package io.gitfleet.reconciler.cli;

import io.gitfleet.reconciler.server.ReconcilerServer;
import io.gitfleet.reconciler.server.ReplicaSettings;
import io.gitfleet.reconciler.server.ServerSecurity;
import io.gitfleet.reconciler.server.ServerTls;
import io.gitfleet.reconciler.server.ServerSettings;
import io.gitfleet.reconciler.store.StatusStore;
import io.gitfleet.webhooks.Forge;
import io.gitfleet.webhooks.ForgeClient;
import io.gitfleet.webhooks.WebhookSecrets;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gitfleet serve}: the reconciler as a long-running process. */
@Command(name = "serve", description = "Run the reconciler: Git sync, planner, status branch, agent API, webhooks, "
        + "dashboard and metrics.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    RemoteOptions remote;

    @Mixin
    CatalogOptions catalogs;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            description = "where to listen (default 127.0.0.1:8080; 0.0.0.0:8443 behind a TLS proxy for a real fleet)")
    String listen;

    @Option(names = "--branch", paramLabel = "BRANCH", defaultValue = "main",
            description = "the approved branch until the status branch records the one fleet.yaml names")
    String branch;

    @Option(names = "--status-branch", paramLabel = "BRANCH", defaultValue = StatusStore.DEFAULT_BRANCH)
    String statusBranch;

    @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "60s",
            description = "fetch this often when no webhook arrives (default 60s)")
    String poll;

    @Option(names = "--status-interval", paramLabel = "DURATION", defaultValue = "5s",
            description = "at most one status commit per interval (default 5s)")
    String statusInterval;

    @Option(names = "--webhook-secret-file", paramLabel = "FILE",
            description = "shared webhook secret (else $GITFLEET_WEBHOOK_SECRET and its per-forge variants)")
    Path webhookSecretFile;

    @Option(names = "--forge", paramLabel = "github|gitlab|gitea",
            description = "post pull-request plans as commit statuses and comments to this forge")
    String forge;

    @Option(names = "--forge-url", paramLabel = "URL", description = "the forge's API base URL")
    URI forgeUrl;

    @Option(names = "--forge-token-file", paramLabel = "FILE", description = "token for the forge's API")
    Path forgeTokenFile;

    @Option(names = "--forge-repo", paramLabel = "OWNER/NAME",
            description = "the fleet repo's name on the forge, where each upgrade's rollout status is posted (GitLab: "
                    + "the project id or path); default: the path of an http(s) or ssh --repo URL")
    String forgeRepo;

    @Option(names = "--public-url", paramLabel = "URL", description = "this server's URL, linked from commit statuses")
    String publicUrl;

    @Option(names = "--replica-id", paramLabel = "NAME",
            description = "this replica's name in the lease (default: hostname:port)")
    String replicaId;

    @Option(names = "--advertise-url", paramLabel = "URL",
            description = "the URL this replica writes into its lease, for people reading the status branch (default: "
                    + "http://HOST:PORT as it listens); never used to forward agents")
    String advertiseUrl;

    @Option(names = "--peer", paramLabel = "NAME=URL",
            description = "another replica and where to forward agents while it holds the lease (repeat per replica); "
                    + "a lease holder that is not listed here is never forwarded to")
    Map<String, String> peers = new LinkedHashMap<>();

    @Option(names = "--peer-secret-file", paramLabel = "FILE",
            description = "the secret replicas present to each other when forwarding (the same file on every replica; "
                    + "agents' tokens are never forwarded)")
    Path peerSecretFile;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "15s",
            description = "the acting replica's lease (refs/gitfleet/lease), renewed every third of it (default 15s)")
    String lease;

    @Option(names = "--commit-url", paramLabel = "TEMPLATE",
            description = "the dashboard links commits here, {sha} filled in, e.g. "
                    + "https://github.com/ops/fleet/commit/{sha}")
    String commitUrl;

    @Option(names = "--pull-request-url", paramLabel = "TEMPLATE",
            description = "the dashboard links pull requests here, {number} filled in, e.g. "
                    + "https://github.com/ops/fleet/pull/{number}")
    String pullRequestUrl;

    @Option(names = "--accept-history", paramLabel = "SHA",
            description = "before serving, accept this head of the approved branch (and the status branch as it is) "
                    + "after a history rewrite, a rewound status branch or a refused signature")
    String acceptHistory;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "serve HTTPS with this PEM certificate (its chain after it); read again when it changes")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "the PEM private key of --tls-cert (PKCS#8, unencrypted: openssl pkcs8 -topk8 -nocrypt)")
    Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
            description = "mutual TLS: agents must present a client certificate signed by a CA in this PEM file")
    Path tlsClientCa;

    @Option(names = "--tls-reload", paramLabel = "DURATION", defaultValue = "30s",
            description = "how often the TLS files are checked for a renewal (default 30s)")
    String tlsReload;

    @Option(names = "--read-token-file", paramLabel = "FILE",
            description = "the read API, dashboard and /metrics need this token (Bearer, or the password of HTTP "
                    + "Basic); without it they are open to whoever reaches --listen")
    Path readTokenFile;

    @Option(names = "--signing-key", paramLabel = "FILE",
            description = "sign every status commit with this SSH private key (git verify-commit with gpg.format=ssh "
                    + "checks them)")
    Path signingKey;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "${env:GITFLEET_LOG_LEVEL:-info}",
            description = "error, warn, info or debug (debug adds stack traces) (default ${DEFAULT-VALUE})")
    String logLevel;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "${env:GITFLEET_LOG_FORMAT:-text}",
            description = "text (one line per event; under systemd, journald's priority prefix and no timestamp) or "
                    + "json (one object per line) (default ${DEFAULT-VALUE})")
    String logFormat;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try {
            io.gitfleet.log.LogLine.configure(io.gitfleet.log.LogLine.Level.parse(logLevel),
                    io.gitfleet.log.LogLine.Format.parse(logFormat));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new UsageException("--listen " + listen + ": give HOST:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("--listen " + listen + ": the port must be a number");
        }
        Path dataDir = remote.dataDir != null ? remote.dataDir : Path.of(System.getProperty("user.home"), ".local",
                "share", "gitfleet");
        Files.createDirectories(dataDir);
        remote.dataDir = dataDir;
        WebhookSecrets secrets = webhookSecretFile != null
                ? WebhookSecrets.shared(SecretFiles.read("--webhook-secret-file", webhookSecretFile))
                : WebhookSecrets.fromEnvironment(System.getenv());
        if (acceptHistory != null) {
            spec.commandLine().getOut().println(HistoryAcceptance.accept(remote.mirror(), statusBranch, branch,
                    acceptHistory));
        }
        ServerSettings settings = new ServerSettings(remote.repo, remote.auth(), dataDir, listen.substring(0, colon),
                port, branch, statusBranch, UsageException.duration("--poll", poll),
                UsageException.duration("--status-interval", statusInterval),
                secrets, forgeClient(), publicUrl, catalogs.settings(), replica()).withSecurity(security());
        for (String[] t : new String[][] {{"--commit-url", commitUrl, "{sha}"},
            {"--pull-request-url", pullRequestUrl, "{number}"}}) {
            if (t[1] != null && (!t[1].matches("^https?://.+") || !t[1].contains(t[2]))) {
                throw new UsageException(t[0] + " " + t[1] + ": give an http(s) URL containing " + t[2]);
            }
        }
        ReconcilerServer server;
        try {
            server = new ReconcilerServer(settings, Clock.systemUTC());
        } catch (java.io.IOException e) {
            if (signingKey != null && e.getMessage() != null && e.getMessage().contains(signingKey.toString())) {
                throw new UsageException("--signing-key " + signingKey + ": " + e.getMessage());
            }
            if (tlsCert != null) {
                throw new UsageException("TLS: " + e.getMessage());
            }
            throw e;
        }
        server.state().setLinks(commitUrl, pullRequestUrl);
        if (settings.forge() != null) {
            String repository = forgeRepo != null ? forgeRepo : ForgeUrls.repository(remote.repo);
            if (repository == null) {
                spec.commandLine().getErr().println("gitfleet: no rollout statuses are posted: --repo " + remote.repo
                        + " does not name the forge's repository; give --forge-repo OWNER/NAME");
            }
            server.postRolloutStatuses(repository);
        }
        int actual = server.start();
        spec.commandLine().getOut().println("gitfleet serving " + remote.repo + " on " + (tlsCert != null ? "https" : "http") + "://" + listen.substring(0, colon)
                + ":" + actual + "/ (dashboard), agents at /api/v1/nodes/NAME/report");
        spec.commandLine().getOut().flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("gitfleet: shutdown: " + e.getMessage());
            }
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    private ServerSecurity security() throws java.io.IOException {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new UsageException("--tls-cert and --tls-key go together");
        }
        if (tlsClientCa != null && tlsCert == null) {
            throw new UsageException("--tls-client-ca needs --tls-cert and --tls-key");
        }
        ServerTls.Settings tls = tlsCert == null ? null : new ServerTls.Settings(tlsCert, tlsKey, tlsClientCa,
                UsageException.duration("--tls-reload", tlsReload));
        String readToken = null;
        if (readTokenFile != null) {
            readToken = SecretFiles.read("--read-token-file", readTokenFile).strip();
            if (readToken.length() < 16) {
                throw new UsageException("--read-token-file " + readTokenFile + ": the token must have at least 16 "
                        + "characters");
            }
        }
        return new ServerSecurity(tls, readToken, signingKey);
    }

    private ReplicaSettings replica() {
        try {
            for (Map.Entry<String, String> p : peers.entrySet()) {
                URI uri = URI.create(p.getValue());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new UsageException("--peer " + p.getKey() + "=" + p.getValue() + ": give an http(s) URL");
                }
            }
            return new ReplicaSettings(replicaId, advertiseUrl, UsageException.duration("--lease", lease), peers,
                    peerSecretFile == null ? null : SecretFiles.read("--peer-secret-file", peerSecretFile).strip());
        } catch (IllegalArgumentException e) {
            throw new UsageException("replica settings: " + e.getMessage());
        }
    }

    private ForgeClient forgeClient() throws java.io.IOException {
        if (forge == null) {
            return null;
        }
        Forge f;
        try {
            f = Forge.valueOf(forge.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--forge " + forge + ": give github, gitlab or gitea");
        }
        if (forgeUrl == null || forgeTokenFile == null) {
            throw new UsageException("--forge needs --forge-url and --forge-token-file");
        }
        return ForgeClient.create(f, forgeUrl, SecretFiles.read("--forge-token-file", forgeTokenFile).strip(), Duration.ofSeconds(10));
    }
}
