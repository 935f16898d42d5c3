package io.gitfleet.webhooks;

import java.security.MessageDigest;
import org.apache.commons.codec.DecoderException;
import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;

/** A header holding {@code <prefix><hex HMAC-SHA256 of the raw body>} (GitHub, Gitea, generic). */
final class HmacSignatureVerifier implements SignatureVerifier {
    private final String header;
    private final String prefix;

    HmacSignatureVerifier(String header, String prefix) {
        this.header = header;
        this.prefix = prefix;
    }

    @Override
    public Verification precheck(WebhookRequest request, byte[] secret) {
        if (secret == null || secret.length == 0) {
            return Verification.NO_SECRET;
        }
        String value = request.header(header);
        if (value == null || value.isBlank()) {
            return Verification.MISSING;
        }
        return given(value) == null ? Verification.INVALID : Verification.VALID;
    }

    /** The HMAC a header carries: 32 bytes after the prefix, or null when it cannot be one. */
    private byte[] given(String value) {
        value = value.strip();
        if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return null;
        }
        try {
            // Decoding the hex (instead of comparing strings) makes upper- and lower-case senders equal.
            byte[] given = Hex.decodeHex(value.substring(prefix.length()));
            return given.length == 32 ? given : null;
        } catch (DecoderException e) {
            return null;
        }
    }

    @Override
    public Verification verify(WebhookRequest request, byte[] secret) {
        Verification headers = precheck(request, secret);
        if (headers != Verification.VALID) {
            return headers;
        }
        byte[] given = given(request.header(header));
        byte[] expected = new HmacUtils(HmacAlgorithms.HMAC_SHA_256, secret).hmac(request.body());
        // isEqual does not stop at the first differing byte, so timing says nothing about the expected value.
        return MessageDigest.isEqual(expected, given) ? Verification.VALID : Verification.INVALID;
    }

    /** The header value a sender would put on {@code body}; for tests, the generic hook's senders and the docs. */
    static String sign(String prefix, byte[] secret, byte[] body) {
        return prefix + new HmacUtils(HmacAlgorithms.HMAC_SHA_256, secret).hmacHex(body);
    }
}
