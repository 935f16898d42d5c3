package io.gitfleet.webhooks;

/** Checks that a delivery came from someone who holds the shared secret. */
public interface SignatureVerifier {

    /**
     * @param request the delivery; signatures are over its raw body bytes, never over re-serialised JSON
     * @param secret  the endpoint's secret; null or empty means the endpoint refuses everything
     */
    Verification verify(WebhookRequest request, byte[] secret);

    /**
     * What the headers alone decide, before a byte of the body is read: a missing or malformed signature (or, for
     * a token, a wrong one) is refused at once, so unauthenticated senders cost no memory. VALID here only means
     * "read the body and {@link #verify} it".
     *
     * @param request the delivery's headers (its body is not used)
     */
    Verification precheck(WebhookRequest request, byte[] secret);

    /** For the forge's own signature scheme. */
    static SignatureVerifier forForge(Forge forge) {
        return switch (forge) {
            case GITHUB -> new HmacSignatureVerifier("X-Hub-Signature-256", "sha256=");
            case GITEA -> new HmacSignatureVerifier("X-Gitea-Signature", "");
            case GENERIC -> new HmacSignatureVerifier("X-Gitfleet-Signature", "sha256=");
            case GITLAB -> new TokenVerifier("X-Gitlab-Token");
        };
    }
}
