package io.gitfleet.schema;

import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;
import tools.jackson.databind.JsonNode;

/**
 * Writes the JSON trees of status documents as YAML about ten times faster than SnakeYAML's emitter, byte for byte
 * as {@link Documents#toYamlBySnakeYaml} would: the status branch compares bytes to skip unchanged files, so the two
 * must never differ. It handles only what it is sure of — non-empty block mappings and sequences of strings, whole
 * numbers, booleans and mappings, strings plain or single-quoted — and answers empty for anything else (nulls,
 * doubles, empty collections, lists in lists, long keys, line breaks, control characters), which SnakeYAML then
 * writes. The rules mirror SnakeYAML 2.7's {@code Emitter} (analyzeScalar, chooseScalarStyle, checkSimpleKey) under
 * the options in {@link Documents}: block style, indent 2, indicator indent 0, no line splitting.
 */
public final class FastYaml {
    /** The same implicit resolver the dumper uses: whatever it types as not-a-string is quoted. */
    private static final Resolver RESOLVER = new Resolver();
    /**
     * SnakeYAML writes a key as {@code ? key} once its length plus that of its tag ({@code !!str}, 5 characters)
     * reaches 128 (maxSimpleKeyLength); keys longer than this stay well inside.
     */
    static final int MAX_KEY_LENGTH = 100;
    private static final int NOT_HANDLED = -1;
    private static final int PLAIN = 0;
    private static final int QUOTED = 1;
    private static final String LEADING_INDICATORS = "#,[]{}&*!|>'\"%@`";

    private FastYaml() {
    }

    /** The YAML of a tree whose root is a non-empty mapping, or empty if SnakeYAML must write it. */
    public static Optional<String> write(JsonNode tree) {
        if (tree == null || !tree.isObject() || tree.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(512);
        return mapping(out, tree, 0, false) ? Optional.of(out.toString()) : Optional.empty();
    }

    /** A block mapping at {@code indent}; {@code afterDash}: its first key goes on the line of a sequence's "- ". */
    private static boolean mapping(StringBuilder out, JsonNode node, int indent, boolean afterDash) {
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!(first && afterDash)) {
                spaces(out, indent);
            }
            first = false;
            String key = e.getKey();
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !scalar(out, key, Tag.STR)) {
                return false;
            }
            out.append(':');
            JsonNode value = e.getValue();
            if (value.isObject()) {
                if (value.isEmpty()) {
                    return false;
                }
                out.append('\n');
                if (!mapping(out, value, indent + 2, false)) {
                    return false;
                }
            } else if (value.isArray()) {
                // a sequence under a key is indentless: its dashes line up with the key
                if (value.isEmpty()) {
                    return false;
                }
                out.append('\n');
                if (!sequence(out, value, indent)) {
                    return false;
                }
            } else {
                out.append(' ');
                if (!leaf(out, value)) {
                    return false;
                }
                out.append('\n');
            }
        }
        return true;
    }

    private static boolean sequence(StringBuilder out, JsonNode node, int indent) {
        for (JsonNode item : node) {
            spaces(out, indent);
            out.append("- ");
            if (item.isObject()) {
                if (item.isEmpty() || !mapping(out, item, indent + 2, true)) {
                    return false;
                }
            } else if (item.isArray()) {
                return false;
            } else {
                if (!leaf(out, item)) {
                    return false;
                }
                out.append('\n');
            }
        }
        return true;
    }

    private static boolean leaf(StringBuilder out, JsonNode node) {
        switch (node.getNodeType()) {
            case STRING:
                return !node.stringValue().isEmpty() ? scalar(out, node.stringValue(), Tag.STR) : emptyString(out);
            case BOOLEAN:
                return scalar(out, node.booleanValue() ? "true" : "false", Tag.BOOL);
            case NUMBER:
                if (!node.isIntegralNumber()) {
                    return false;
                }
                String digits = node.canConvertToLong() ? Long.toString(node.longValue())
                        : node.bigIntegerValue().toString();
                return scalar(out, digits, Tag.INT);
            default:
                return false;
        }
    }

    /** An empty string resolves to null, so SnakeYAML single-quotes it; as a value (never as a key) that is ''. */
    private static boolean emptyString(StringBuilder out) {
        out.append("''");
        return true;
    }

    /**
     * A non-empty scalar of type {@code tag}: plain when the resolver reads it back as that type and no indicator
     * forbids it; a string that would read back as something else (or cannot be plain) single-quoted; anything
     * else is SnakeYAML's.
     */
    private static boolean scalar(StringBuilder out, String text, Tag tag) {
        int style = analyze(text);
        if (style == NOT_HANDLED) {
            return false;
        }
        boolean implicit = tag.equals(RESOLVER.resolve(NodeId.scalar, text, true));
        if (implicit && style == PLAIN) {
            out.append(text);
            return true;
        }
        if (!tag.equals(Tag.STR)) {
            // SnakeYAML would add an explicit tag (!!int '…'); never the case for its own toString forms
            return false;
        }
        out.append('\'');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                out.append('\'');
            }
            out.append(c);
        }
        out.append('\'');
        return true;
    }

    /**
     * SnakeYAML's Emitter.analyzeScalar for a non-empty scalar, reduced to what block context needs: PLAIN when a
     * plain block scalar is allowed, QUOTED when only quoting is, NOT_HANDLED for line breaks and characters that
     * SnakeYAML would escape in double quotes (or write as binary).
     */
    static int analyze(String s) {
        int n = s.length();
        boolean indicators = s.startsWith("---") || s.startsWith("...");
        boolean leadingOrTrailingSpace = false;
        boolean precededByWhitespace = true;
        boolean followedByWhitespace = n == 1 || isBlankOrBreak(s.codePointAt(1));
        int index = 0;
        while (index < n) {
            int c = s.codePointAt(index);
            if (index == 0) {
                if (LEADING_INDICATORS.indexOf(c) != -1) {
                    indicators = true;
                }
                if ((c == '?' || c == ':' || c == '-') && followedByWhitespace) {
                    indicators = true;
                }
            } else {
                if (c == ':' && followedByWhitespace) {
                    indicators = true;
                }
                if (c == '#' && precededByWhitespace) {
                    indicators = true;
                }
            }
            if (!printable(c)) {
                return NOT_HANDLED;
            }
            if (c == ' ' && (index == 0 || index == n - 1)) {
                leadingOrTrailingSpace = true;
            }
            index += Character.charCount(c);
            precededByWhitespace = c == ' ';
            followedByWhitespace = true;
            if (index + 1 < n) {
                int next = index + Character.charCount(s.codePointAt(index));
                if (next < n) {
                    followedByWhitespace = isBlank(s.codePointAt(next));
                }
            }
        }
        return indicators || leadingOrTrailingSpace || leadingZero(s) ? QUOTED : PLAIN;
    }

    /** Printable ASCII and the Unicode SnakeYAML writes as it is; no line breaks (\n, U+0085, U+2028, U+2029). */
    private static boolean printable(int c) {
        return (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF && c != 0x2028 && c != 0x2029)
                || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    }

    private static boolean isBlank(int c) {
        return c == ' ' || c == '\t' || c == 0;
    }

    private static boolean isBlankOrBreak(int c) {
        return isBlank(c) || c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
    }

    /** "0[0-9_]+": SnakeYAML quotes such strings even when they are not numbers (09, 0_1). */
    private static boolean leadingZero(String s) {
        if (s.length() < 2 || s.charAt(0) != '0') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static void spaces(StringBuilder out, int n) {
        for (int i = 0; i < n; i++) {
            out.append(' ');
        }
    }
}
