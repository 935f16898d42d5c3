package io.gitfleet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A JSON body is read by the JSON parser into the very tree the YAML reader gives; what JSON refuses, YAML judges. */
class SafeYamlJsonTest {
    static final String REPORT = "{\"apiVersion\":\"gitfleet.io/v1\",\"kind\":\"Report\",\"metadata\":{\"name\":"
            + "\"node-1\"},\"status\":{\"components\":{\"os\":\"v1.34.1\"},\"health\":{\"healthy\":true},"
            + "\"task\":{\"upgrade\":\"os\",\"attempt\":3,\"version\":\"v1.35.1\",\"phase\":\"Writing\"}}}";

    @Test
    void jsonGivesTheTreeYamlGives() throws Exception {
        byte[] bytes = REPORT.getBytes(StandardCharsets.UTF_8);
        // equal as JSON text: the YAML reader holds small integers as longs, the JSON parser as ints
        assertEquals(SafeYaml.parse(REPORT).tree().toString(), SafeYaml.parse(bytes).tree().toString());
        assertTrue(DocumentReader.read("report", bytes, Report.class, null).ok());
    }

    @Test
    void whatStrictJsonRefusesGetsTheYamlReadersSentence() {
        String twice = "{\"apiVersion\":\"gitfleet.io/v1\",\"kind\":\"Report\",\"kind\":\"Report\"}";
        ReadResult<Report> r = DocumentReader.read("report", twice.getBytes(StandardCharsets.UTF_8), Report.class,
                null);
        assertFalse(r.ok());
        assertTrue(r.problems().toString().contains("'kind' appears twice"), r.problems().toString());
        String deep = "{\"a\":".repeat(SafeYaml.MAX_DEPTH + 2) + "1" + "}".repeat(SafeYaml.MAX_DEPTH + 2);
        ReadResult<Report> d = DocumentReader.read("report", deep.getBytes(StandardCharsets.UTF_8), Report.class,
                null);
        assertFalse(d.ok());
        assertTrue(d.problems().toString().contains("nested deeper than"), d.problems().toString());
    }
}
