package io.gitfleet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The fast writer gives SnakeYAML's very bytes for every document it takes, and it takes the status rows. */
class FastYamlTest {

    /** Fast and reference path agree where the fast one answers; returns whether it answered. */
    static boolean sameBytes(String what, JsonNode tree) {
        Optional<String> fast = FastYaml.write(tree);
        String snake;
        try {
            snake = Documents.toYamlBySnakeYaml(tree);
        } catch (YAMLException e) {
            // SnakeYAML refuses broken UTF-16 (a lone surrogate): the fast path must not write it either
            assertTrue(fast.isEmpty(), what + ": " + e.getMessage());
            assertThrows(YAMLException.class, () -> Documents.toYaml(tree), what);
            return false;
        }
        fast.ifPresent(yaml -> assertEquals(snake, yaml, what));
        assertEquals(snake, Documents.toYaml(tree), what);
        return fast.isPresent();
    }

    @Test
    void everyExampleFleetDocumentComesOutAsSnakeYamlWritesIt() throws YamlException {
        int handled = 0;
        int documents = 0;
        for (Map.Entry<String, byte[]> file : ExampleFleet.files().entrySet()) {
            if (!file.getKey().endsWith(".yaml")) {
                continue;
            }
            JsonNode parsed = SafeYaml.parse(file.getValue()).tree();
            sameBytes(file.getKey() + " as parsed", parsed);
            Kind kind = Kind.ofWire(parsed.get("kind").asString()).orElseThrow();
            Document doc = DocumentReader.require(file.getKey(), file.getValue(), kind.type());
            documents++;
            if (sameBytes(file.getKey() + " as a record", Documents.toTree(doc))) {
                handled++;
            }
        }
        assertTrue(documents >= 10, "example fleet documents: " + documents);
        // the fleet's own records are small block documents too: most take the fast path (12 of 14 today)
        assertTrue(handled * 4 >= documents * 3, handled + " of " + documents + " documents took the fast path");
    }

    @Test
    void statusDocumentsTakeTheFastPathAndMatchSnakeYaml() {
        List<Document> docs = new ArrayList<>(StatusSamples.rows());
        docs.add(StatusSamples.upgrade());
        docs.addAll(StatusSamples.nodes());
        docs.add(StatusSamples.fleet());
        for (Document doc : docs) {
            JsonNode tree = Documents.toTree(doc);
            assertTrue(sameBytes(doc.kind() + " " + doc.name(), tree),
                    doc.kind() + " " + doc.name() + " should take the fast path:\n" + Documents.toYamlBySnakeYaml(tree));
            Document back = DocumentReader.require(doc.name(), Documents.toYaml(tree).getBytes(StandardCharsets.UTF_8),
                    doc.getClass());
            assertEquals(doc, back);
        }
    }

    @Test
    void aRowReadsAsPeopleExpectIt() {
        String yaml = FastYaml.write(Documents.toTree(StatusSamples.rows().get(1))).orElseThrow();
        assertEquals("""
                apiVersion: gitfleet.io/v1
                kind: UpgradeNodeStatus
                metadata:
                  name: worker-0001
                status:
                  node: worker-0001
                  role: worker
                  phase: Failed
                  action: install
                  from: v1.34.1
                  to: v1.35.1
                  order: 1
                  batch: 1
                  canary: false
                  attempt: 2
                  slot: b
                  message: 'image digest mismatch: expected sha256:9f86d0… got ''e3b0c4…'''
                  failureReason: DigestMismatch
                  since: '2026-11-30T12:00:00Z'
                  transitions:
                  - phase: Instructed
                    at: '2026-11-30T12:00:00Z'
                  - phase: Failed
                    at: '2026-11-30T12:00:00Z'
                  staging: false
                """, yaml);
    }

    @Test
    void scalarsArePlainOrSingleQuotedExactlyWhereSnakeYamlSaysSo() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("worker-1", "worker-1"), Map.entry("v1.35.1", "v1.35.1"), Map.entry("1.10", "'1.10'"),
                Map.entry("true", "'true'"), Map.entry("on", "'on'"), Map.entry("null", "'null'"),
                Map.entry("~", "'~'"), Map.entry("1e3", "'1e3'"), Map.entry("0x1F", "'0x1F'"),
                Map.entry("2026-11-30T12:00:00Z", "'2026-11-30T12:00:00Z'"), Map.entry("09", "'09'"),
                Map.entry("a: b", "'a: b'"), Map.entry("a:b", "a:b"), Map.entry("ends:", "'ends:'"),
                Map.entry("a #b", "'a #b'"), Map.entry("a#b", "a#b"), Map.entry("- x", "'- x'"),
                Map.entry("-x", "-x"), Map.entry("---x", "'---x'"), Map.entry(" x", "' x'"), Map.entry("x ", "'x '"),
                Map.entry("it's", "it's"), Map.entry("'q'", "'''q'''"), Map.entry("\"q\"", "'\"q\"'"),
                Map.entry("a, [b] {c}", "a, [b] {c}"), Map.entry("é…", "é…"), Map.entry("?x", "?x"),
                Map.entry("? x", "'? x'"), Map.entry("@x", "'@x'"), Map.entry("", "''"));
        for (Map.Entry<String, String> e : expected.entrySet()) {
            ObjectNode tree = Documents.MAPPER.createObjectNode().put("m", e.getKey());
            assertEquals("m: " + e.getValue() + "\n", FastYaml.write(tree).orElse("(not handled)"), e.getKey());
            assertTrue(sameBytes(e.getKey(), tree));
        }
    }

    @Test
    void whatItIsNotSureOfIsLeftToSnakeYaml() {
        List<ObjectNode> trees = List.of(
                Documents.MAPPER.createObjectNode().putNull("n"),
                Documents.MAPPER.createObjectNode().put("d", 1.5),
                Documents.MAPPER.createObjectNode().put("s", "two\nlines"),
                Documents.MAPPER.createObjectNode().put("s", "tab\there"),
                Documents.MAPPER.createObjectNode().put("s", "nel\u0085"),
                Documents.MAPPER.createObjectNode().put("s", "bad \uD800 surrogate"),
                Documents.MAPPER.createObjectNode().put("k".repeat(FastYaml.MAX_KEY_LENGTH + 1), "v"),
                Documents.MAPPER.createObjectNode().put("", "v"),
                Documents.MAPPER.createObjectNode().set("e", Documents.MAPPER.createObjectNode()),
                Documents.MAPPER.createObjectNode().set("e", Documents.MAPPER.createArrayNode()),
                Documents.MAPPER.createObjectNode().set("l", Documents.MAPPER.createArrayNode()
                        .add(Documents.MAPPER.createArrayNode().add("x"))));
        for (ObjectNode tree : trees) {
            assertTrue(FastYaml.write(tree).isEmpty(), tree.toString());
            assertTrue(!sameBytes(tree.toString(), tree));
        }
        assertTrue(FastYaml.write(Documents.MAPPER.createArrayNode().add("x")).isEmpty(), "a root sequence");
    }
}
