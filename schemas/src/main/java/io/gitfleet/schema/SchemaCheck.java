package io.gitfleet.schema;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Validates a JSON tree against the schema of its kind and turns the validator's findings into one plain
 * sentence per JSON pointer.
 */
public final class SchemaCheck {
    public static final String BASE = "https://gitfleet.io/schemas/";
    private static final String[] FILES = {"common.schema.json", "fleet.schema.json", "node.schema.json",
        "catalog.schema.json", "upgrade.schema.json", "upgrade-status.schema.json", "node-status.schema.json",
        "plan.schema.json", "report.schema.json", "instruction.schema.json", "fleet-status.schema.json",
        "upgrade-node-status.schema.json"};

    /** Sentences for the patterns of common.schema.json, by the name of their definition. */
    private static final Map<String, String> PATTERN_SENTENCES = Map.of(
            "dnsLabel", "must be a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters, "
                    + "starting and ending with a letter or digit",
            "component", "must be a component name: lower-case letters, digits and '-'",
            "version", "must be a SemVer 2.0 version such as v1.35.1 (a leading 'v' is optional)",
            "anyVersion", "must be one version, without spaces or commas",
            "sha256", "must be a sha256 digest: 64 lower-case hex digits",
            "duration", "must be a duration such as 90s, 15m, 4h or 1h30m",
            "constraint", "must be a version range such as '>=v1.12.0' or '>=v1.34.0,<v1.36'",
            "amount", "must be a number of nodes or a percentage of the selected nodes such as \"25%\"",
            "clock", "must be a time of day such as 02:00 (24-hour, two digits each)");

    private static final SchemaCheck INSTANCE = new SchemaCheck();

    private final Map<Kind, Schema> schemas = new EnumMap<>(Kind.class);

    private SchemaCheck() {
        Map<String, String> texts = new HashMap<>();
        for (String file : FILES) {
            texts.put(BASE + file, resource(file));
        }
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(texts));
        for (Kind kind : Kind.values()) {
            schemas.put(kind, registry.getSchema(SchemaLocation.of(BASE + kind.schemaFile())));
        }
    }

    public static SchemaCheck get() {
        return INSTANCE;
    }

    /** The text of one schema, as shipped in the jar under {@code gitfleet/schemas/}. */
    public static String resource(String file) {
        try (InputStream in = SchemaCheck.class.getResourceAsStream("/gitfleet/schemas/" + file)) {
            if (in == null) {
                throw new IllegalStateException("schema missing from the jar: " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Problems of {@code tree} against the schema of {@code kind}; empty when it is valid. */
    public List<Problem> check(String file, Kind kind, JsonNode tree, SafeYaml.Parsed source) {
        List<com.networknt.schema.Error> errors = schemas.get(kind).validate(tree);
        Set<String> seen = new LinkedHashSet<>();
        List<Problem> problems = new ArrayList<>();
        for (com.networknt.schema.Error error : errors) {
            String pointer = pointer(error.getInstanceLocation());
            String message = sentence(error, pointer, source);
            if (error.getProperty() != null && ("additionalProperties".equals(error.getKeyword()))) {
                pointer = (pointer.equals("/") ? "" : pointer) + "/" + SafeYaml.escape(error.getProperty());
            }
            String line = source == null ? "" : source.lineSuffix(pointer);
            if (seen.add(pointer + "\n" + message)) {
                problems.add(new Problem(file, pointer, message + line));
            }
        }
        return problems;
    }

    static String pointer(NodePath path) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            b.append('/').append(element instanceof Integer n ? n.toString() : SafeYaml.escape(element.toString()));
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    private static String sentence(com.networknt.schema.Error error, String pointer, SafeYaml.Parsed source) {
        String keyword = error.getKeyword() == null ? "" : error.getKeyword();
        JsonNode schema = error.getSchemaNode();
        JsonNode instance = error.getInstanceNode();
        switch (keyword) {
            case "required":
                if (pointer.endsWith("/catalog") && "sha256".equals(error.getProperty())) {
                    return "'sha256' is required: a plain http:// catalog URL is accepted only when pinned by the"
                            + " sha256 of its content";
                }
                return "'" + error.getProperty() + "' is required";
            case "dependentRequired":
                return pointer.endsWith("/catalog") ? "sha256 pins a url catalog; give it together with url"
                        : error.getMessage().replaceFirst("^\\S+: ", "");
            case "additionalProperties":
                return "is not a known field (check its spelling and indentation)";
            case "type": {
                if (schema != null && schema.isArray()) {
                    return "must be a number of nodes or a percentage such as \"25%\", not " + describe(instance);
                }
                String expected = schema == null ? "?" : schema.asString();
                String raw = source == null ? null : source.rawScalars().get(pointer);
                if ("string".equals(expected) && raw != null) {
                    return "must be a string, but YAML reads " + raw + " as " + describe(instance)
                            + "; quote it: \"" + raw + "\"";
                }
                return "must be " + article(expected) + ", not " + describe(instance);
            }
            case "enum":
                return "must be one of " + join(schema);
            case "const":
                return "must be " + (schema == null ? "?" : schema.asString());
            case "pattern": {
                String def = definitionName(error);
                String known = def == null ? null : PATTERN_SENTENCES.get(def);
                String value = instance == null ? "" : "'" + instance.asString() + "' ";
                return value + (known != null ? known : "must match " + (schema == null ? "?" : schema.asString()));
            }
            case "minimum":
                return "must be at least " + (schema == null ? "?" : schema.asString());
            case "minLength":
                return "must not be empty";
            case "maxLength":
                return "is too long (at most " + (schema == null ? "?" : schema.asString()) + " characters)";
            case "minProperties":
            case "maxProperties":
                return pointer.endsWith("/catalog") ? "give exactly one of ref, inline or url"
                        : "has the wrong number of fields";
            case "uniqueItems":
                return "lists the same item twice";
            case "format":
                return "must be a date-time such as 2026-01-31T02:00:00Z";
            default:
                return error.getMessage().replaceFirst("^\\S+: ", "");
        }
    }

    private static String definitionName(com.networknt.schema.Error error) {
        String location = String.valueOf(error.getSchemaLocation());
        int at = location.indexOf("$defs/");
        if (at < 0) {
            return null;
        }
        String rest = location.substring(at + 6);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "nothing (null)";
        }
        if (node.isBoolean()) {
            return "the boolean " + node.booleanValue();
        }
        if (node.isNumber()) {
            return "the number " + node.asString();
        }
        if (node.isString()) {
            return "the string '" + node.asString() + "'";
        }
        return node.isArray() ? "a list" : "a mapping";
    }

    private static String article(String type) {
        return switch (type) {
            case "object" -> "a mapping";
            case "array" -> "a list";
            case "integer" -> "a whole number";
            default -> "a " + type;
        };
    }

    private static String join(JsonNode values) {
        if (values == null || !values.isArray()) {
            return "the allowed values";
        }
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asString()));
        return String.join(", ", out);
    }
}
