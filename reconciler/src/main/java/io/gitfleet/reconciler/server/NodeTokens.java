package io.gitfleet.reconciler.server;

import io.gitfleet.schema.Node;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Which node a bearer token belongs to: the sha256 of every node's token is in {@code nodes/NAME.yaml}; the token
 * itself never is. Digests are compared in constant time.
 */
public final class NodeTokens {
    private final Map<String, byte[]> digestByNode = new HashMap<>();
    /** Only consulted after the constant-time check failed, to tell "another node's token" from "no token". */
    private final Map<String, String> nodeByDigest = new HashMap<>();

    public NodeTokens(Map<String, Node> inventory) {
        HexFormat hex = HexFormat.of();
        inventory.forEach((name, node) -> {
            String sha = node.spec().tokenSha256();
            if (sha != null) {
                digestByNode.put(name, hex.parseHex(sha));
                nodeByDigest.put(sha.toLowerCase(java.util.Locale.ROOT), name);
            }
        });
    }

    /** The outcome of presenting a token for a node. */
    public enum Check { OK, UNKNOWN, OTHER_NODE }

    public Check check(String node, String token) {
        byte[] digest = sha256(token);
        byte[] expected = digestByNode.get(node);
        if (expected != null && MessageDigest.isEqual(expected, digest)) {
            return Check.OK;
        }
        return nodeByDigest.containsKey(HexFormat.of().formatHex(digest)) ? Check.OTHER_NODE : Check.UNKNOWN;
    }

    /** One digest per thread (the event loops): looking the algorithm up cost more than hashing a token. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    static byte[] sha256(String token) {
        return SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8));
    }
}
