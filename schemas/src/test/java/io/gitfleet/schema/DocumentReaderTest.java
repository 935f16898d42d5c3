package io.gitfleet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gives one plain, located sentence, and never an exception. */
class DocumentReaderTest {
    private static final String HEAD = "apiVersion: gitfleet.io/v1\nkind: Upgrade\nmetadata: {name: up}\n";

    static Stream<Arguments> badUpgrades() {
        return Stream.of(
                Arguments.of("float version", HEAD + "spec:\n  version: 1.10\n  catalog: {ref: catalogs/os.yaml}\n",
                        "/spec/version: must be a string, but YAML reads 1.10 as the number 1.1; quote it: \"1.10\" (line 5)"),
                Arguments.of("duplicate key", HEAD + "spec:\n  version: v1.0.0\n  version: v2.0.0\n",
                        "/spec/version: the key 'version' appears twice (line 6)"),
                Arguments.of("unknown field", HEAD + "spec:\n  version: v1\n  catalog: {ref: catalogs/os.yaml}\n  pasued: true\n",
                        "/spec/pasued: is not a known field (check its spelling and indentation) (line 7)"),
                Arguments.of("missing field", HEAD + "spec:\n  catalog: {ref: catalogs/os.yaml}\n",
                        "/spec: 'version' is required (line 5)"),
                Arguments.of("wrong enum", HEAD + "spec:\n  version: v1\n  catalog: {ref: catalogs/os.yaml}\n"
                        + "  strategy: {order: random}\n",
                        "/spec/strategy/order: must be one of workers-first, controllers-first, listed (line 7)"),
                Arguments.of("bool as string", HEAD + "spec:\n  version: v1\n  catalog: {ref: catalogs/os.yaml}\n"
                        + "  selector: {matchLabels: {zone: on}}\n",
                        "/spec/selector/matchLabels/zone: must be a string, but YAML reads on as the boolean true; quote it: \"on\" (line 7)"),
                Arguments.of("two catalog sources", HEAD + "spec:\n  version: v1\n  catalog: {ref: catalogs/os.yaml, url: \"https://x\"}\n",
                        "/spec/catalog: give exactly one of ref, inline or url (line 6)"),
                Arguments.of("plain http catalog without a pin", HEAD + "spec:\n  version: v1\n  catalog: {url: \"http://x/os.yaml\"}\n",
                        "/spec/catalog: 'sha256' is required: a plain http:// catalog URL is accepted only when pinned by the sha256 of its content (line 6)"),
                Arguments.of("a pin without a url", HEAD + "spec:\n  version: v1\n  catalog: {sha256: " + "ab".repeat(32) + "}\n",
                        "/spec/catalog: sha256 pins a url catalog; give it together with url (line 6)"),
                Arguments.of("negative", HEAD + "spec:\n  version: v1\n  catalog: {ref: catalogs/os.yaml}\n  strategy: {maxUnavailable: -1}\n",
                        "/spec/strategy/maxUnavailable: must be at least 0 (line 7)"),
                Arguments.of("install option not a boolean", HEAD + "spec:\n  version: v1\n  catalog: {ref: catalogs/os.yaml}\n"
                        + "  install: {upgradeRecovery: \"yes\"}\n",
                        "/spec/install/upgradeRecovery: must be a boolean, not the string 'yes' (line 7)"),
                Arguments.of("unknown install option", HEAD + "spec:\n  version: v1\n  catalog: {ref: catalogs/os.yaml}\n"
                        + "  install: {upgradeRecovry: true}\n",
                        "/spec/install/upgradeRecovry: is not a known field (check its spelling and indentation) (line 7)"),
                Arguments.of("catalog ref escapes", HEAD + "spec:\n  version: v1\n  catalog: {ref: ../../etc/passwd}\n",
                        "/spec/catalog/ref: '../../etc/passwd' must match ^catalogs/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.yaml$ (line 6)"),
                Arguments.of("not a mapping", "- a\n- b\n",
                        "/: must be a mapping with apiVersion, kind, metadata and spec"),
                Arguments.of("empty", "", "/: the file is empty"),
                Arguments.of("two documents", HEAD + "spec: {}\n---\nkind: Node\n",
                        "/: the file holds more than one YAML document; keep one per file"),
                Arguments.of("syntax", HEAD + "spec: [unclosed\n", "/: not valid YAML: expected ',' or ']', but got <stream end> (line 5)"),
                Arguments.of("wrong kind", "apiVersion: gitfleet.io/v1\nkind: Node\nmetadata: {name: up}\nspec: {role: worker}\n",
                        "/kind: is Node, but this file must hold a Upgrade (line 2)"),
                Arguments.of("custom tag", HEAD + "spec: !!python/object:os.system {}\n",
                        "/: not valid YAML: Global tag is not allowed: tag:yaml.org,2002:python/object:os.system (line 4)"),
                Arguments.of("local tag", HEAD + "spec: !secret {}\n",
                        "/spec: custom YAML tags (!secret) are not allowed (line 4)"),
                Arguments.of("merge key", "base: &b {a: 1}\n" + HEAD + "spec:\n  <<: *b\n",
                        "/spec: merge keys (<<) are not supported; write the fields out (line 6)"),
                Arguments.of("name mismatch", HEAD.replace("name: up", "name: other") + "spec:\n  version: v1\n  catalog: {ref: catalogs/os.yaml}\n",
                        "/metadata/name: is 'other' but must equal the file name 'up' (line 3)"),
                Arguments.of("name with dots", HEAD.replace("name: up", "name: ../up") + "spec:\n  version: v1\n  catalog: {ref: catalogs/os.yaml}\n",
                        "/metadata/name: '../up' must be a DNS-1123 label: lower-case letters, digits and '-', at most 63 "
                                + "characters, starting and ending with a letter or digit (line 3)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUpgrades")
    void badInputGivesOneLocatedSentence(String label, String yaml, String expected) {
        ReadResult<Upgrade> r = DocumentReader.read("upgrades/up.yaml", yaml, Upgrade.class, "up");
        assertFalse(r.ok());
        assertEquals(List.of("upgrades/up.yaml: " + expected), r.problems().stream().map(Problem::toString).toList());
    }

    static Stream<Arguments> badReports() {
        String head = "apiVersion: gitfleet.io/v1\nkind: Report\nmetadata: {name: node-1}\nstatus:\n";
        return Stream.of(
                Arguments.of("capability not a boolean", head + "  capabilities: {recoverySlot: 1}\n",
                        "/status/capabilities/recoverySlot: must be a boolean, not the number 1 (line 5)"),
                Arguments.of("unknown capability", head + "  capabilities: {recovery: true}\n",
                        "/status/capabilities/recovery: is not a known field (check its spelling and indentation) (line 5)"),
                Arguments.of("cordon without its upgrade", head + "  cordon: {attempt: 1}\n",
                        "/status/cordon: 'upgrade' is required (line 5)"),
                Arguments.of("cordon attempt negative", head + "  cordon: {upgrade: os-2, attempt: -1}\n",
                        "/status/cordon/attempt: must be at least 0 (line 5)"),
                Arguments.of("recovery slot state", head + "  slots: {recovery: {state: booted}}\n",
                        "/status/slots/recovery/state: must be one of good, bad, unknown (line 5)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badReports")
    void badReportFieldsAreNamed(String label, String yaml, String expected) {
        ReadResult<Report> r = DocumentReader.read("report", yaml, Report.class, null);
        assertFalse(r.ok());
        assertEquals(List.of("report: " + expected), r.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void aReportWithCapabilitiesAndACordonReadsBack() {
        ReadResult<Report> r = DocumentReader.read("report", "apiVersion: gitfleet.io/v1\nkind: Report\n"
                + "metadata: {name: node-1}\nstatus:\n  capabilities: {recoverySlot: true, rollback: true}\n"
                + "  cordon: {upgrade: os-2, attempt: 3, since: '2026-06-01T02:00:00Z'}\n"
                + "  slots: {booted: a, recovery: {version: v1.2.0, state: unknown}}\n", Report.class, null);
        assertTrue(r.ok(), r.problems().toString());
        assertTrue(r.document().status().hasRecoverySlot());
        assertEquals(new Report.Cordon("os-2", 3, "2026-06-01T02:00:00Z"), r.document().status().cordon());
        assertEquals("v1.2.0", r.document().status().slots().recovery().version());
    }

    @Test
    void aliasBombIsRefusedQuickly() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p);
            for (int i = 0; i < 9; i++) {
                bomb.append(", *").append(p);
            }
            bomb.append("]\n");
        }
        ReadResult<Upgrade> r = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> DocumentReader.read("upgrades/up.yaml", bomb.toString(), Upgrade.class, "up"));
        assertEquals("upgrades/up.yaml: /: too many aliases (more than 50); alias bombs are refused",
                r.problems().get(0).toString());
    }

    @Test
    void fewAliasesThatStillExpandAreRefusedByTheNodeLimit() {
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i <= 24; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a")
                    .append(i - 1).append("]\n");
        }
        ReadResult<Upgrade> r = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> DocumentReader.read("upgrades/up.yaml", bomb.toString(), Upgrade.class, "up"));
        assertTrue(r.problems().get(0).message().contains("expands to more than"), r.problems().toString());
    }

    @Test
    void deepNestingAndHugeFilesAreRefused() {
        String deep = "a: " + "[".repeat(200) + "]".repeat(200) + "\n";
        ReadResult<Upgrade> r = DocumentReader.read("upgrades/up.yaml", deep, Upgrade.class, "up");
        assertTrue(r.problems().get(0).message().contains("nested deeper than"), r.problems().toString());
        byte[] huge = new byte[SafeYaml.MAX_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) 'a');
        ReadResult<Upgrade> big = DocumentReader.read("upgrades/up.yaml", huge, Upgrade.class, "up");
        assertEquals("upgrades/up.yaml: /: the file is " + huge.length + " bytes; the limit is " + SafeYaml.MAX_BYTES,
                big.problems().get(0).toString());
    }

    @Test
    void validDocumentMapsToRecordWithDefaults() {
        ReadResult<Upgrade> r = DocumentReader.read("upgrades/up.yaml",
                HEAD + "spec:\n  version: stable\n  catalog: {ref: catalogs/os.yaml}\n", Upgrade.class, "up");
        assertTrue(r.ok(), r.problems().toString());
        Upgrade.Spec spec = r.document().spec();
        assertEquals("os", spec.component());
        assertEquals(Upgrade.Selector.ALL, spec.selector());
        assertFalse(spec.force());
        assertTrue(spec.install().upgradeActive());
    }
}
