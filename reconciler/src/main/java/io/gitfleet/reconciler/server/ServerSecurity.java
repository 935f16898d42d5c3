package io.gitfleet.reconciler.server;

import java.nio.file.Path;

/**
 * What {@code gitfleet serve} guards beyond the agents' tokens and the webhooks' signatures (docs/server.md,
 * "Access"): HTTPS, the read token, and the key that signs status commits. Each is off when null.
 *
 * @param tls        {@code --tls-cert}, {@code --tls-key}, {@code --tls-client-ca}
 * @param readToken  {@code --read-token-file}: the read API, dashboard and metrics need it
 * @param signingKey {@code --signing-key}: the SSH private key that signs status commits
 */
public record ServerSecurity(ServerTls.Settings tls, String readToken, Path signingKey) {
    public static final ServerSecurity NONE = new ServerSecurity(null, null, null);
}
