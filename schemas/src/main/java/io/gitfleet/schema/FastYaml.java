package io.gitfleet.schema;

import java.util.BitSet;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;
import tools.jackson.databind.JsonNode;

/**
 * Writes the JSON trees of status documents as YAML 6 to 11 times as fast as SnakeYAML's emitter, byte for byte
 * as {@link Documents#toYamlBySnakeYaml} would: the status branch compares bytes to skip unchanged files, so the two
 * must never differ. It handles only what it is sure of — non-empty block mappings and sequences of strings, whole
 * numbers, booleans and mappings, strings plain or single-quoted — and answers empty for anything else (nulls,
 * doubles, empty collections, lists in lists, long keys, line breaks, control characters), which SnakeYAML then
 * writes. The rules mirror SnakeYAML 2.7's {@code Emitter} (analyzeScalar, chooseScalarStyle, checkSimpleKey) under
 * the options in {@link Documents}: block style, indent 2, indicator indent 0, no line splitting.
 */
public final class FastYaml {
    /** The same implicit resolver the dumper uses: whatever it types as not-a-string is quoted. */
    private static final FirstChars RESOLVER = new FirstChars();
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
        StringBuilder out = new StringBuilder(1024);
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
        boolean implicit = tag.equals(resolve(text));
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

    /** The type SnakeYAML's resolver reads a plain scalar as. */
    static Tag resolve(String text) {
        return RESOLVER.resolve(text);
    }

    /**
     * SnakeYAML's Emitter.analyzeScalar for a non-empty scalar, reduced to what block context needs: PLAIN when a
     * plain block scalar is allowed, QUOTED when only quoting is, NOT_HANDLED for line breaks and characters that
     * SnakeYAML would escape in double quotes (or write as binary). Once every character is known to be printable,
     * its whitespace tests ("followed by whitespace" and so on) only ever meet a space, so they look at chars.
     */
    static int analyze(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c <= 0x7E) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (!printable(c)) {
                return NOT_HANDLED;
            }
        }
        char first = s.charAt(0);
        boolean quoted = s.startsWith("---") || s.startsWith("...") || first == ' ' || s.charAt(n - 1) == ' '
                || LEADING_INDICATORS.indexOf(first) >= 0
                || ((first == '?' || first == ':' || first == '-') && (n == 1 || s.charAt(1) == ' '))
                || leadingZero(s);
        for (int i = 1; i < n && !quoted; i++) {
            char c = s.charAt(i);
            // ": " or a final ":" would end a key; " #" would start a comment
            quoted = c == ':' && (i + 1 == n || s.charAt(i + 1) == ' ') || c == '#' && s.charAt(i - 1) == ' ';
        }
        return quoted ? QUOTED : PLAIN;
    }

    /** Printable BMP characters SnakeYAML writes as they are: no line breaks (U+0085, U+2028, U+2029), surrogates. */
    private static boolean printable(char c) {
        return (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF && c != 0x2028 && c != 0x2029)
                || (c >= 0xE000 && c <= 0xFFFD);
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

    /**
     * SnakeYAML's resolver, which also notes the first characters its patterns are tried on: a string that starts
     * with none of them is a string without running a regular expression (most of a row's scalars). Patterns tried
     * on every string disable that, unless they are the null and empty ones, which match no string of more than
     * four characters.
     */
    private static final class FirstChars extends Resolver {
        // these two have no initializers: Resolver's constructor fills them through addImplicitResolver, and an
        // initializer would run after it and wipe them
        private BitSet first;
        private boolean anyOther;
        private final Resolved[] recent = new Resolved[RECENT_SIZE];

        @Override
        public void addImplicitResolver(Tag tag, Pattern regexp, String chars, int limit) {
            if (first == null) {
                first = new BitSet();
            }
            boolean everyString = chars == null || chars.indexOf('\0') >= 0;
            if (everyString && regexp != NULL && regexp != EMPTY) {
                anyOther = true;
            }
            if (chars != null) {
                for (int i = 0; i < chars.length(); i++) {
                    first.set(chars.charAt(i));
                }
            }
            super.addImplicitResolver(tag, regexp, chars, limit);
        }

        Tag resolve(String text) {
            if (!anyOther && text.length() > 4 && !first.get(text.charAt(0))) {
                return Tag.STR;
            }
            // the rest (numbers, timestamps, phases starting with F or N…) run up to three regular expressions;
            // the rows of one pass share most of them (its instant, small numbers), so recent answers are kept
            int h = text.hashCode();
            int slot = (h ^ (h >>> 16)) & (RECENT_SIZE - 1);
            Resolved known = recent[slot];
            if (known != null && known.text.equals(text)) {
                return known.tag;
            }
            Tag tag = resolve(NodeId.scalar, text, true);
            recent[slot] = new Resolved(text, tag);
            return tag;
        }
    }

    private static final int RECENT_SIZE = 1024;

    /**
     * One remembered answer of the resolver, a pure function of the text. Shared between threads without locks: an
     * entry is immutable (final fields), so a racing reader sees a whole one or another, never a torn one.
     */
    private record Resolved(String text, Tag tag) {
    }

    private static void spaces(StringBuilder out, int n) {
        for (int i = 0; i < n; i++) {
            out.append(' ');
        }
    }
}
