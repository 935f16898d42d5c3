package io.gitfleet.schema;

import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The one way text becomes a document: safe YAML (JSON is YAML), the kind, the schema, the name rule, then
 * the record. Every failure is a {@link Problem} naming the file, a JSON pointer and a plain sentence.
 */
public final class DocumentReader {
    private DocumentReader() {
    }

    /**
     * Reads {@code bytes} as a document of {@code type}. When {@code expectedName} is not null,
     * {@code metadata.name} must equal it (the file name without {@code .yaml}).
     */
    public static <T extends Document> ReadResult<T> read(String file, byte[] bytes, Class<T> type,
                                                           String expectedName) {
        Kind kind = Kind.of(type);
        SafeYaml.Parsed parsed;
        try {
            parsed = SafeYaml.parse(bytes);
        } catch (YamlException e) {
            return ReadResult.invalid(List.of(new Problem(file, e.pointer(), e.getMessage())));
        }
        JsonNode tree = parsed.tree();
        if (!tree.isObject()) {
            return ReadResult.invalid(List.of(new Problem(file, "/", "must be a mapping with apiVersion, kind, "
                    + "metadata and " + (kind.type() == Report.class ? "status" : "spec"))));
        }
        JsonNode declared = tree.get("kind");
        if (declared != null && declared.isString() && !declared.asString().equals(kind.wire())) {
            return ReadResult.invalid(List.of(new Problem(file, "/kind", "is " + declared.asString()
                    + ", but this file must hold a " + kind.wire() + parsed.lineSuffix("/kind"))));
        }
        List<Problem> problems = SchemaCheck.get().check(file, kind, tree, parsed);
        if (!problems.isEmpty()) {
            return ReadResult.invalid(problems);
        }
        String name = tree.path("metadata").path("name").asString();
        if (expectedName != null && !expectedName.equals(name)) {
            return ReadResult.invalid(List.of(new Problem(file, "/metadata/name", "is '" + name
                    + "' but must equal the file name '" + expectedName + "'"
                    + parsed.lineSuffix("/metadata/name"))));
        }
        try {
            return ReadResult.valid(Documents.fromTree(tree, type));
        } catch (JacksonException e) {
            return ReadResult.invalid(List.of(unreadable(file, tree, parsed, e)));
        }
    }

    /**
     * A value the schema allows but the record cannot hold (a whole number past the field's range): the problem
     * names the field, from the path Jackson reports.
     */
    private static Problem unreadable(String file, JsonNode tree, SafeYaml.Parsed parsed, JacksonException e) {
        StringBuilder pointer = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                pointer.append('/').append(SafeYaml.escape(ref.getPropertyName()));
            } else if (ref.getIndex() >= 0) {
                pointer.append('/').append(ref.getIndex());
            }
        }
        String at = pointer.length() == 0 ? "/" : pointer.toString();
        JsonNode value = at.equals("/") ? null : tree.at(at);
        String sentence = value != null && value.isNumber()
                ? value.asString() + " is too large for this field"
                : "cannot be read: " + e.getOriginalMessage();
        return new Problem(file, at, sentence + parsed.lineSuffix(at));
    }

    public static <T extends Document> ReadResult<T> read(String file, String text, Class<T> type,
                                                           String expectedName) {
        return read(file, text.getBytes(StandardCharsets.UTF_8), type, expectedName);
    }

    /** Reads a document that must be valid (e.g. one gitfleet wrote itself); throws with every problem otherwise. */
    public static <T extends Document> T require(String file, byte[] bytes, Class<T> type) {
        ReadResult<T> result = read(file, bytes, type, null);
        if (!result.ok()) {
            throw new InvalidDocumentException(result.problems());
        }
        return result.document();
    }
}
