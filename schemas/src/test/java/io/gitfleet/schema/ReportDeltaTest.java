package io.gitfleet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A report read by difference from the node's last one must be exactly what the full read gives (the same record,
 * accepted only when the full read accepts it): checked on specific edges and on random changes of every kind.
 */
class ReportDeltaTest {
    private static final Report IDLE = Report.of("node-1", new Report.Status("1.0.0", Map.of("os", "v1.34.1"),
            new Report.Slots("a", "a", null, new Report.Slot("v1.34.1", Report.SlotState.GOOD), null, null),
            new Report.Health(true, "ok"), null, null));
    private static final Report BUSY = Report.of("node-1", new Report.Status("1.0.0", Map.of("os", "v1.34.1"),
            new Report.Slots("a", "a", null, new Report.Slot("v1.34.1", Report.SlotState.GOOD), null, null),
            new Report.Health(true, null), new Report.Task("os-1", 2, Action.INSTALL, "v1.35.1", NodePhase.Writing,
            1024L, 1L << 30, "writing slot b", null), Map.of("os", List.of("v1.33.0"))));

    @Test
    void everyUsualPathHasARule() {
        // a schema change that makes one of them more than a plain leaf (or its parents more than plain objects)
        // turns its rule off: then this test says so, and such reports are read in full again
        assertEquals(Set.copyOf(ReportDelta.PATHS), ReportDelta.paths());
    }

    @Test
    void oneChangedValueIsReadByItselfAndMatchesTheFullRead() {
        Report read = same(BUSY, tree(BUSY), "/status/task/bytesDone", 5000L).orElseThrow();
        assertEquals(5000L, read.status().task().bytesDone());
        assertEquals(IDLE.status().health().healthy(), same(IDLE, tree(IDLE), "/status/health/message",
                "disk 91% full, \"fan\" \\ 2").orElseThrow().status().health().healthy());
        String emoji = "\uD83D\uDE00".repeat(4096);    // 4,096 code points in 8,192 chars: allowed
        assertTrue(same(IDLE, tree(IDLE), "/status/health/message", emoji).isPresent());
        assertTrue(same(BUSY, tree(BUSY), "/status/task/message", "").isPresent());
    }

    @Test
    void whatTheSchemaRefusesIsNeverReadByDifference() {
        assertFalse(same(IDLE, tree(IDLE), "/status/health/message", "x".repeat(4097)).isPresent());
        assertFalse(same(IDLE, tree(IDLE), "/status/health/message", "\uD83D\uDE00".repeat(4097)).isPresent());
        assertFalse(same(BUSY, tree(BUSY), "/status/task/bytesDone", -1L).isPresent());
        assertFalse(same(BUSY, tree(BUSY), "/status/task/bytesTotal", 1.5).isPresent());
        assertFalse(same(BUSY, tree(BUSY), "/status/task/bytesDone", "12").isPresent());
        assertFalse(same(BUSY, tree(BUSY), "/status/task/bytesDone", new java.math.BigInteger("9".repeat(30)))
                .isPresent());
    }

    @Test
    void anythingButOneUsualValueIsLeftToTheFullRead() {
        byte[] base = Documents.toJsonBytes(BUSY);
        ObjectNode two = tree(BUSY);
        set(two, "/status/task/bytesDone", 1L);
        set(two, "/status/task/message", "two changes");
        assertFalse(ReportDelta.read(base, BUSY, bytes(two)).isPresent(), "two values");
        ObjectNode phase = tree(BUSY);
        set(phase, "/status/task/phase", "Staged");
        assertFalse(ReportDelta.read(base, BUSY, bytes(phase)).isPresent(), "a value of another path");
        ObjectNode extra = tree(BUSY);
        ((ObjectNode) extra.get("status").get("health")).put("extra", 1);
        assertFalse(ReportDelta.read(base, BUSY, bytes(extra)).isPresent(), "a new key");
        String text = new String(base, StandardCharsets.UTF_8);
        assertFalse(ReportDelta.read(base, BUSY, (text + " {}").getBytes(StandardCharsets.UTF_8)).isPresent(),
                "a second document");
        assertFalse(ReportDelta.read(base, BUSY, (text + "x").getBytes(StandardCharsets.UTF_8)).isPresent(),
                "trailing text");
        assertFalse(ReportDelta.read(base, BUSY, text.replace("\"bytesDone\":1024", "\"bytesDone\":1024,"
                + "\"bytesDone\":1025").getBytes(StandardCharsets.UTF_8)).isPresent(), "a duplicate key");
        assertEquals(Optional.of(BUSY), ReportDelta.read(base, BUSY, (" " + text + "\n")
                .getBytes(StandardCharsets.UTF_8)), "white space only: the same report");
    }

    /**
     * Random changes of every kind against the full read: whenever the difference reader answers, the full read
     * accepts the body and gives the very same record; and the usual changes do take the short way.
     */
    @Test
    void randomChangesAgreeWithTheFullRead() {
        Random random = new Random(20261130);
        String[] paths = {"/status/health/message", "/status/task/bytesDone", "/status/task/bytesTotal",
            "/status/task/message", "/status/task/phase", "/status/task/attempt", "/status/components/os",
            "/status/health/healthy", "/metadata/name", "/status/agentVersion", "/status/task/failureReason"};
        int shortWay = 0;
        int checked = 0;
        for (int i = 0; i < 20_000; i++) {
            Report base = random.nextBoolean() ? BUSY : IDLE;
            ObjectNode tree = tree(base);
            int changes = random.nextInt(10) == 0 ? 2 : 1;
            for (int c = 0; c < changes; c++) {
                String path = paths[random.nextInt(base == BUSY ? paths.length : 1)];
                set(tree, path, value(random));
            }
            byte[] body = bytes(tree);
            if (random.nextInt(20) == 0) {
                body = mangle(body, random);
            }
            Optional<Report> delta = ReportDelta.read(Documents.toJsonBytes(base), base, body);
            ReadResult<Report> full = DocumentReader.read("report", body, Report.class, null);
            if (delta.isPresent()) {
                assertTrue(full.ok(), () -> "read by difference but refused in full: " + new String(
                        tree.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8) + " " + full);
                assertEquals(full.document(), delta.get(), "the same record as the full read");
                shortWay++;
            }
            checked++;
        }
        assertEquals(20_000, checked);
        assertTrue(shortWay > 2_000, "the usual changes take the short way: " + shortWay);
    }

    private static Object value(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> (long) random.nextInt(1 << 20);
            case 1 -> random.nextLong();
            case 2 -> -1L - random.nextInt(5);
            case 3 -> random.nextInt(100) + 0.5;
            case 4 -> random.nextBoolean();
            case 5 -> new java.math.BigInteger(70, random);
            default -> string(random);
        };
    }

    private static String string(Random random) {
        int length = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(20);
            case 1 -> 4090 + random.nextInt(12);
            case 2 -> 2044 + random.nextInt(8);
            default -> random.nextInt(300);
        };
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(8)) {
                case 0 -> b.append("\uD83D\uDE00");
                case 1 -> b.append((char) random.nextInt(0x20));
                case 2 -> b.append(random.nextBoolean() ? '"' : '\\');
                case 3 -> b.append((char) (0x80 + random.nextInt(0x700)));
                default -> b.append((char) ('a' + random.nextInt(26)));
            }
        }
        return b.toString();
    }

    /** A byte-level change: truncated, a byte replaced, or a byte doubled. */
    private static byte[] mangle(byte[] body, Random random) {
        int at = random.nextInt(body.length);
        return switch (random.nextInt(3)) {
            case 0 -> java.util.Arrays.copyOf(body, at);
            case 1 -> {
                byte[] b = body.clone();
                String bytes = "{}[]:,\"\\ 0a";
                b[at] = (byte) bytes.charAt(random.nextInt(bytes.length()));
                yield b;
            }
            default -> {
                byte[] b = new byte[body.length + 1];
                System.arraycopy(body, 0, b, 0, at + 1);
                System.arraycopy(body, at, b, at + 1, body.length - at);
                yield b;
            }
        };
    }

    private static Optional<Report> same(Report base, ObjectNode tree, String path, Object value) {
        set(tree, path, value);
        byte[] body = bytes(tree);
        Optional<Report> delta = ReportDelta.read(Documents.toJsonBytes(base), base, body);
        ReadResult<Report> full = DocumentReader.read("report", body, Report.class, null);
        delta.ifPresent(r -> assertEquals(full.document(), r, "the same record as the full read"));
        if (delta.isPresent()) {
            assertTrue(full.ok());
        }
        return delta;
    }

    private static ObjectNode tree(Report r) {
        return (ObjectNode) Documents.MAPPER.readTree(Documents.toJsonBytes(r));
    }

    private static byte[] bytes(JsonNode tree) {
        return tree.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void set(ObjectNode tree, String path, Object value) {
        String[] parts = path.substring(1).split("/");
        ObjectNode at = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            at = (ObjectNode) at.get(parts[i]);
        }
        String name = parts[parts.length - 1];
        if (value instanceof Long l) {
            at.put(name, l);
        } else if (value instanceof Double d) {
            at.put(name, d);
        } else if (value instanceof Boolean b) {
            at.put(name, b);
        } else if (value instanceof java.math.BigInteger big) {
            at.put(name, big);
        } else {
            at.put(name, (String) value);
        }
    }
}
