package io.gitfleet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.resolver.Resolver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Random trees whose strings are built from YAML's tricky pieces: wherever the fast writer answers, its bytes are
 * SnakeYAML's. Fixed seeds, so a failure names a case that can be replayed.
 */
class FastYamlRandomTest {
    private static final List<String> PIECES = List.of(
            ":", ": ", " :", "#", " #", "# ", "-", "- ", "--", "---", "...", ".", "?", "? ", "'", "\"", ",", "[", "]",
            "{", "}", "&", "*", "!", "|", ">", "%", "@", "`", "<<", "=", " ", "  ", "…", "é", "ß", "日本", "😀",
            "\uFEFF", "\u00A0", "0", "00", "1", "09", "0_1", "-1", "+1", "1.5", ".5", "1_000", "1:30", "0b101", "0o7",
            "1e3", "1E-3", "0x1F", ".inf", ".NaN", "true", "false", "yes", "No", "on", "OFF", "y", "n", "null", "Null",
            "~", "2026-11-30", "2026-11-30T12:00:00Z", "2026-1-3 1:02:03", "12:00", "v1.35.1", "worker-1", "a", "b",
            "ok", "sha256", "\\", "/", "%20", "\t", "\n", "\r", "\u0085", "\u2028", "\u0007", "\uD800", "\uDC00");

    @Test
    void singleScalarsUnderOneKey() {
        for (long seed = 1; seed <= 4; seed++) {
            Random r = new Random(seed);
            int handled = 0;
            int cases = 5_000;
            for (int i = 0; i < cases; i++) {
                ObjectNode tree = Documents.MAPPER.createObjectNode();
                tree.put(string(r, 3), string(r, 4));
                if (FastYamlTest.sameBytes("seed " + seed + " case " + i + ": " + tree, tree)) {
                    handled++;
                }
            }
            // most pieces are printable: if the fast path answers for few, it has stopped doing its job
            assertTrue(handled > cases / 2, "seed " + seed + ": the fast path answered " + handled + " of " + cases);
        }
    }

    @Test
    void typesAsSnakeYamlsOwnResolverDoes() {
        Resolver resolver = new Resolver();
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            String s = string(r, 4);
            assertEquals(resolver.resolve(NodeId.scalar, s, true), FastYaml.resolve(s), s);
        }
        for (String s : PIECES) {
            assertEquals(resolver.resolve(NodeId.scalar, s, true), FastYaml.resolve(s), s);
        }
    }

    @Test
    void wholeTrees() {
        for (long seed = 100; seed < 104; seed++) {
            Random r = new Random(seed);
            int handled = 0;
            int cases = 2_000;
            for (int i = 0; i < cases; i++) {
                JsonNode tree = mapping(r, 0);
                if (FastYamlTest.sameBytes("seed " + seed + " case " + i + ": " + tree, tree)) {
                    handled++;
                }
            }
            assertTrue(handled > cases / 5, "seed " + seed + ": the fast path answered " + handled + " of " + cases);
        }
    }

    private static ObjectNode mapping(Random r, int depth) {
        ObjectNode node = Documents.MAPPER.createObjectNode();
        int size = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(4);
        for (int i = 0; i < size; i++) {
            node.set(key(r), value(r, depth));
        }
        return node;
    }

    private static JsonNode value(Random r, int depth) {
        int pick = r.nextInt(depth >= 3 ? 10 : 14);
        return switch (pick) {
            case 0, 1, 2, 3, 4 -> Documents.MAPPER.getNodeFactory().stringNode(string(r, 3));
            case 5 -> Documents.MAPPER.getNodeFactory().numberNode(r.nextLong() >> r.nextInt(64));
            case 6 -> Documents.MAPPER.getNodeFactory().numberNode(
                    BigInteger.valueOf(r.nextLong()).shiftLeft(r.nextInt(80)));
            case 7 -> Documents.MAPPER.getNodeFactory().booleanNode(r.nextBoolean());
            case 8 -> r.nextInt(4) == 0 ? Documents.MAPPER.getNodeFactory().nullNode()
                    : Documents.MAPPER.getNodeFactory().numberNode(r.nextInt(3) == 0 ? 0.5 : r.nextDouble());
            case 9 -> Documents.MAPPER.getNodeFactory().stringNode(r.nextInt(5) == 0 ? "" : "plain-" + r.nextInt(1000));
            case 10, 11 -> mapping(r, depth + 1);
            default -> sequence(r, depth + 1);
        };
    }

    private static ArrayNode sequence(Random r, int depth) {
        ArrayNode node = Documents.MAPPER.createArrayNode();
        int size = r.nextInt(12) == 0 ? 0 : 1 + r.nextInt(3);
        for (int i = 0; i < size; i++) {
            node.add(r.nextInt(3) == 0 ? mapping(r, depth) : value(r, depth));
        }
        return node;
    }

    /** Mostly short keys; now and then one near SnakeYAML's simple-key limit, which must be left to it. */
    private static String key(Random r) {
        int kind = r.nextInt(20);
        if (kind == 0) {
            return "k".repeat(95 + r.nextInt(40));
        }
        return kind < 10 ? "key" + r.nextInt(50) : string(r, 2);
    }

    /** One to {@code max} pieces; with probability 1/2 all of them printable (so the fast path has work). */
    private static String string(Random r, int max) {
        StringBuilder s = new StringBuilder();
        boolean printable = r.nextBoolean();
        int n = 1 + r.nextInt(max);
        for (int i = 0; i < n; i++) {
            String piece = PIECES.get(r.nextInt(PIECES.size()));
            if (printable && piece.codePoints().anyMatch(c -> c < 0x20 || c == 0x85 || c == 0x2028
                    || (c >= 0xD800 && c <= 0xDFFF && piece.length() == 1))) {
                i--;
                continue;
            }
            s.append(piece);
        }
        return s.toString();
    }
}
