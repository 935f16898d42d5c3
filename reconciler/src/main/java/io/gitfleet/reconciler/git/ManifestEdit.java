package io.gitfleet.reconciler.git;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Minimal textual edits of an upgrade manifest, so that a pull request's diff shows one line (comments, order and
 * quoting of everything else stay as the operator wrote them). Handles block-style {@code spec:}; anything else
 * is refused with {@link ManifestEditException} rather than rewritten.
 */
public final class ManifestEdit {
    private ManifestEdit() {
    }

    /** Sets {@code spec.KEY: VALUE} (VALUE is written as given: {@code true}, {@code "x"}). */
    public static String setSpecField(String text, String key, String value) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        Block spec = specBlock(lines);
        int at = findKey(lines, spec.start, spec.end, spec.indent, key);
        if (at >= 0) {
            lines.set(at, replaceValue(lines.get(at), key, value));
        } else {
            lines.add(spec.insertAt(lines), " ".repeat(spec.indent) + key + ": " + value);
        }
        return String.join("\n", lines);
    }

    /** Sets {@code spec.retry.NODE: "NONCE"}, adding the {@code retry} map when there is none. */
    public static String setRetry(String text, String node, String nonce) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        Block spec = specBlock(lines);
        int at = findKey(lines, spec.start, spec.end, spec.indent, "retry");
        String entry = node + ": \"" + nonce + "\"";
        if (at < 0) {
            int insert = spec.insertAt(lines);
            lines.add(insert, " ".repeat(spec.indent) + "retry:");
            lines.add(insert + 1, " ".repeat(spec.indent + 2) + entry);
            return String.join("\n", lines);
        }
        String value = valueOf(lines.get(at), "retry");
        if (value.isEmpty()) {
            int end = at + 1;
            int indent = -1;
            while (end < spec.end && (isBlankOrComment(lines.get(end)) || indentOf(lines.get(end)) > spec.indent)) {
                if (!isBlankOrComment(lines.get(end)) && indent < 0) {
                    indent = indentOf(lines.get(end));
                }
                end++;
            }
            indent = indent < 0 ? spec.indent + 2 : indent;
            int existing = findKey(lines, at + 1, end, indent, node);
            if (existing >= 0) {
                lines.set(existing, replaceValue(lines.get(existing), node, "\"" + nonce + "\""));
            } else {
                while (end > at + 1 && lines.get(end - 1).isBlank()) {
                    end--;
                }
                lines.add(end, " ".repeat(indent) + entry);
            }
            return String.join("\n", lines);
        }
        if (value.equals("{}")) {
            lines.set(at, replaceValue(lines.get(at), "retry", "{" + entry + "}"));
            return String.join("\n", lines);
        }
        if (value.startsWith("{") && value.endsWith("}")) {
            String inner = value.substring(1, value.length() - 1).trim();
            List<String> entries = new ArrayList<>();
            boolean replaced = false;
            for (String part : inner.isEmpty() ? new String[0] : inner.split(",")) {
                int colon = part.indexOf(':');
                String k = colon < 0 ? part.trim() : part.substring(0, colon).trim().replace("\"", "");
                if (k.equals(node)) {
                    entries.add(entry);
                    replaced = true;
                } else {
                    entries.add(part.trim());
                }
            }
            if (!replaced) {
                entries.add(entry);
            }
            lines.set(at, replaceValue(lines.get(at), "retry", "{" + String.join(", ", entries) + "}"));
            return String.join("\n", lines);
        }
        throw new ManifestEditException("spec.retry is written in a form gitfleet does not edit; edit it by hand");
    }

    private record Block(int start, int end, int indent) {
        /** After the block's last non-blank line. */
        int insertAt(List<String> lines) {
            int i = end;
            while (i > start && lines.get(i - 1).isBlank()) {
                i--;
            }
            return i;
        }
    }

    private static Block specBlock(List<String> lines) {
        int spec = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("^spec:\\s*(#.*)?$")) {
                spec = i;
                break;
            }
        }
        if (spec < 0) {
            throw new ManifestEditException("the manifest has no block-style 'spec:' line; edit it by hand");
        }
        int end = spec + 1;
        int indent = -1;
        while (end < lines.size() && (isBlankOrComment(lines.get(end)) || indentOf(lines.get(end)) > 0)) {
            if (!isBlankOrComment(lines.get(end)) && indent < 0) {
                indent = indentOf(lines.get(end));
            }
            end++;
        }
        return new Block(spec + 1, end, indent < 0 ? 2 : indent);
    }

    private static int findKey(List<String> lines, int from, int to, int indent, String key) {
        Pattern p = Pattern.compile("^ {" + indent + "}" + Pattern.quote(key) + "\\s*:(\\s.*|)$");
        for (int i = from; i < to; i++) {
            if (p.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    private static String valueOf(String line, String key) {
        String rest = line.substring(line.indexOf(key) + key.length());
        rest = rest.substring(rest.indexOf(':') + 1);
        int hash = rest.indexOf(" #");
        return (hash >= 0 ? rest.substring(0, hash) : rest).trim();
    }

    private static String replaceValue(String line, String key, String value) {
        int colon = line.indexOf(':', line.indexOf(key) + key.length());
        String rest = line.substring(colon + 1);
        int hash = rest.indexOf(" #");
        String comment = "";
        if (hash >= 0) {
            String before = rest.substring(0, hash);
            String pad = before.substring(before.stripTrailing().length());
            comment = pad + rest.substring(hash);
        }
        return line.substring(0, colon + 1) + " " + value + (comment.isEmpty() ? "" : comment);
    }

    private static boolean isBlankOrComment(String line) {
        String t = line.strip();
        return t.isEmpty() || t.startsWith("#");
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
