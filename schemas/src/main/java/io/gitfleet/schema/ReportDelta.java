package io.gitfleet.schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * Reads a report that differs from the node's last accepted one in a single value: the health message, or the
 * task's progress (bytes done, bytes total) or message. An agent's changing reports are mostly these, and checking
 * the whole document against its schema again cost more than the rest of reading it.
 *
 * <p>Both bodies are walked as token streams side by side. When every token is the same, names and values, except
 * one string or integer value at one of those paths, the new document has the old one's structure, and it is valid
 * exactly when that value satisfies the schema of its path: the path's ancestors are plain objects in the schema
 * (no keyword ties a value to another), which is checked when the rules are built from the jar's own schemas, not
 * assumed. Anything else (another path, a changed name or type, a number that is not a plain integer, a
 * second difference) returns empty, and the caller reads the body in full, with the full check and its sentence.
 */
public final class ReportDelta {
    /** The paths a changing report usually changes; each becomes a rule only if its schema allows it. */
    static final List<String> PATHS = List.of("/status/health/message", "/status/task/bytesDone",
            "/status/task/bytesTotal", "/status/task/message");
    private static final Set<String> PLAIN_OBJECT = Set.of("type", "required", "additionalProperties", "properties",
            "description", "title", "$schema", "$id");
    private static final Set<String> PLAIN_LEAF = Set.of("type", "maxLength", "minimum", "description", "title");
    private static final Map<String, Rule> RULES = rules();

    private ReportDelta() {
    }

    /** What the schema asks of one leaf: a string of at most {@code maxLength} code points, or an integer. */
    record Rule(boolean string, long maxLength, long minimum) {
        boolean accepts(JsonParser p) {
            if (string) {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    return false;
                }
                String s = p.getString();
                return maxLength < 0 || s.codePointCount(0, s.length()) <= maxLength;
            }
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                return false;
            }
            JsonParser.NumberType type = p.getNumberType();
            return (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG)
                    && p.getLongValue() >= minimum;
        }
    }

    /** The paths this class reads by difference (for tests: a schema change that removes one is noticed). */
    static Set<String> paths() {
        return RULES.keySet();
    }

    /**
     * {@code body} read against {@code last}, which {@code lastBody} read as (a valid report); empty when the two
     * differ in more than one value this class can check alone.
     */
    public static Optional<Report> read(byte[] lastBody, Report last, byte[] body) {
        if (last == null || last.status() == null) {
            return Optional.empty();
        }
        try (JsonParser a = SafeYaml.STRICT_JSON.createParser(lastBody);
             JsonParser b = SafeYaml.STRICT_JSON.createParser(body)) {
            String changed = null;
            Object value = null;
            while (true) {
                JsonToken x = a.nextToken();
                JsonToken y = b.nextToken();
                if (x != y) {
                    return Optional.empty();
                }
                if (x == null) {
                    break;
                }
                if (x == JsonToken.PROPERTY_NAME && !a.currentName().equals(b.currentName())) {
                    return Optional.empty();
                }
                if (!x.isScalarValue() || sameScalar(a, b)) {
                    continue;
                }
                String path = b.streamReadContext().pathAsPointer().toString();
                Rule rule = RULES.get(path);
                if (changed != null || rule == null || !rule.accepts(b)) {
                    return Optional.empty();
                }
                changed = path;
                value = rule.string() ? b.getString() : (Object) b.getLongValue();
            }
            return Optional.of(changed == null ? last : with(last, changed, value));
        } catch (tools.jackson.core.JacksonException e) {
            return Optional.empty();
        }
    }

    private static boolean sameScalar(JsonParser a, JsonParser b) {
        return switch (a.currentToken()) {
            case VALUE_STRING -> a.getString().equals(b.getString());
            // the same digits are the same number; other spellings of it are left to the full read
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> a.getString().equals(b.getString());
            default -> true;   // true, false, null: the token says it all
        };
    }

    /** {@code last} with the value at {@code path} replaced. */
    private static Report with(Report last, String path, Object value) {
        Report.Status s = last.status();
        Report.Health h = s.health();
        Report.Task t = s.task();
        Report.Status next = switch (path) {
            case "/status/health/message" -> status(s, new Report.Health(h.healthy(), (String) value), t);
            case "/status/task/bytesDone" -> status(s, h, new Report.Task(t.upgrade(), t.attempt(), t.action(),
                    t.version(), t.phase(), (Long) value, t.bytesTotal(), t.message(), t.failureReason()));
            case "/status/task/bytesTotal" -> status(s, h, new Report.Task(t.upgrade(), t.attempt(), t.action(),
                    t.version(), t.phase(), t.bytesDone(), (Long) value, t.message(), t.failureReason()));
            case "/status/task/message" -> status(s, h, new Report.Task(t.upgrade(), t.attempt(), t.action(),
                    t.version(), t.phase(), t.bytesDone(), t.bytesTotal(), (String) value, t.failureReason()));
            default -> throw new IllegalStateException("no way to set " + path);
        };
        return new Report(last.apiVersion(), last.kind(), last.metadata(), next);
    }

    private static Report.Status status(Report.Status s, Report.Health health, Report.Task task) {
        return new Report.Status(s.agentVersion(), s.components(), s.slots(), health, task, s.failedVersions(),
                s.digests(), s.maxWindow(), s.versionUnknown(), s.capabilities(), s.cordon());
    }

    /** A rule for each path whose ancestors are plain objects and whose own schema is a plain string or integer. */
    private static Map<String, Rule> rules() {
        Map<String, JsonNode> files = new HashMap<>();
        for (String f : List.of("report.schema.json", "common.schema.json")) {
            files.put(f, Documents.MAPPER.readTree(SchemaCheck.resource(f)));
        }
        Map<String, Rule> out = new HashMap<>();
        for (String path : PATHS) {
            Rule rule = rule(files, path);
            if (rule != null) {
                out.put(path, rule);
            }
        }
        return Map.copyOf(out);
    }

    private static Rule rule(Map<String, JsonNode> files, String path) {
        String file = "report.schema.json";
        JsonNode schema = files.get(file);
        for (String name : path.substring(1).split("/")) {
            Resolved r = resolve(files, file, schema);
            if (r == null || !plain(r.schema(), PLAIN_OBJECT) || !"object".equals(r.schema().path("type").asString())
                    || !(r.schema().path("additionalProperties").isMissingNode()
                    || r.schema().path("additionalProperties").isBoolean())) {
                return null;
            }
            file = r.file();
            schema = r.schema().path("properties").path(name);
            if (schema.isMissingNode()) {
                return null;
            }
        }
        Resolved leaf = resolve(files, file, schema);
        if (leaf == null || !plain(leaf.schema(), PLAIN_LEAF)) {
            return null;
        }
        JsonNode s = leaf.schema();
        String type = s.path("type").asString();
        if ("string".equals(type) && !s.has("minimum")) {
            return new Rule(true, s.has("maxLength") ? s.get("maxLength").asLong() : -1, 0);
        }
        if ("integer".equals(type) && !s.has("maxLength")) {
            return new Rule(false, -1, s.has("minimum") ? s.get("minimum").asLong() : Long.MIN_VALUE);
        }
        return null;
    }

    private record Resolved(String file, JsonNode schema) {
    }

    /** Follows {@code $ref}s to a schema of keywords; null for a reference this reader does not follow. */
    private static Resolved resolve(Map<String, JsonNode> files, String file, JsonNode schema) {
        for (int hops = 0; schema.has("$ref"); hops++) {
            if (hops > 8 || schema.size() != 1) {
                return null;
            }
            String ref = schema.get("$ref").asString();
            int hash = ref.indexOf('#');
            if (hash < 0) {
                return null;
            }
            if (hash > 0) {
                file = ref.substring(0, hash);
            }
            JsonNode root = files.get(file);
            if (root == null) {
                return null;
            }
            schema = root.at(ref.substring(hash + 1));
            if (schema.isMissingNode()) {
                return null;
            }
        }
        return new Resolved(file, schema);
    }

    private static boolean plain(JsonNode schema, Set<String> allowed) {
        for (String key : schema.propertyNames()) {
            if (!allowed.contains(key)) {
                return false;
            }
        }
        return true;
    }
}
