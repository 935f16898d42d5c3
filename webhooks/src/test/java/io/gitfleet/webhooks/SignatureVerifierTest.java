package io.gitfleet.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignatureVerifierTest {
    private static final byte[] SECRET = Deliveries.SECRET.getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(Forge.class)
    void acceptsTheForgesOwnSignature(Forge forge) {
        assertEquals(Verification.VALID, verify(forge, signed(forge), BODY, SECRET));
    }

    @ParameterizedTest
    @EnumSource(Forge.class)
    void refusesEverythingWithoutASecret(Forge forge) {
        assertEquals(Verification.NO_SECRET, verify(forge, signed(forge), BODY, null));
        assertEquals(Verification.NO_SECRET, verify(forge, signed(forge), BODY, new byte[0]));
    }

    @ParameterizedTest
    @EnumSource(Forge.class)
    void refusesAnUnsignedRequest(Forge forge) {
        Map<String, String> headers = signed(forge);
        headers.remove(signatureHeader(forge));
        assertEquals(Verification.MISSING, verify(forge, headers, BODY, SECRET));
    }

    @ParameterizedTest
    @EnumSource(Forge.class)
    void refusesAnotherSecret(Forge forge) {
        assertEquals(Verification.INVALID, verify(forge, signed(forge), BODY, "another".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @EnumSource(value = Forge.class, names = {"GITHUB", "GITEA", "GENERIC"})
    void refusesATamperedBody(Forge forge) {
        byte[] tampered = "{\"ref\":\"refs/heads/evil\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(Verification.INVALID, verify(forge, signed(forge), tampered, SECRET));
    }

    @ParameterizedTest
    @EnumSource(value = Forge.class, names = {"GITHUB", "GITEA", "GENERIC"})
    void refusesGarbageAndTruncatedSignatures(Forge forge) {
        String header = signatureHeader(forge);
        Map<String, String> headers = signed(forge);
        String good = headers.get(header);
        for (String bad : new String[] {good.substring(0, good.length() - 2), good + "00", flipLast(good), "zz" + good,
                "sha1=" + good.substring(good.length() - 40), "sha256=", "x"}) {
            headers.put(header, bad);
            assertEquals(Verification.INVALID, verify(forge, headers, BODY, SECRET), bad);
        }
    }

    @Test
    void upperCaseHexIsTheSameSignature() {
        Map<String, String> headers = signed(Forge.GITEA);
        headers.put("X-Gitea-Signature", headers.get("X-Gitea-Signature").toUpperCase(Locale.ROOT));
        assertEquals(Verification.VALID, verify(Forge.GITEA, headers, BODY, SECRET));
    }

    @Test
    void githubSignatureMatchesGitHubsDocumentedExample() {
        // From GitHub's "Validating webhook deliveries": secret "It's a Secret to Everybody", body "Hello, World!".
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("x-hub-signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
        assertEquals(Verification.VALID, verify(Forge.GITHUB, headers, body, SECRET));
    }

    @Test
    void gitlabTokenMustMatchExactly() {
        Map<String, String> headers = signed(Forge.GITLAB);
        headers.put("X-Gitlab-Token", Deliveries.SECRET + " ");
        assertEquals(Verification.INVALID, verify(Forge.GITLAB, headers, BODY, SECRET));
        headers.put("X-Gitlab-Token", Deliveries.SECRET.substring(1));
        assertEquals(Verification.INVALID, verify(Forge.GITLAB, headers, BODY, SECRET));
    }

    private static String flipLast(String hex) {
        return hex.substring(0, hex.length() - 1) + (hex.endsWith("0") ? "1" : "0");
    }

    private static Map<String, String> signed(Forge forge) {
        return new TreeMap<>(Deliveries.headers(forge, "push", "d1", BODY, Deliveries.SECRET));
    }

    private static String signatureHeader(Forge forge) {
        return switch (forge) {
            case GITHUB -> "X-Hub-Signature-256";
            case GITLAB -> "X-Gitlab-Token";
            case GITEA -> "X-Gitea-Signature";
            case GENERIC -> "X-Gitfleet-Signature";
        };
    }

    private static Verification verify(Forge forge, Map<String, String> headers, byte[] body, byte[] secret) {
        return SignatureVerifier.forForge(forge).verify(new WebhookRequest(headers, body), secret);
    }
}
