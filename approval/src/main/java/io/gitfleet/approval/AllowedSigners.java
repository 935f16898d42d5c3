package io.gitfleet.approval;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * A check of git's SSH allowed-signers file ({@code principals [options] keytype base64-key [comment]}, one signer
 * a line), so that a malformed line is reported by its number and reason, never as a stack trace, and does not stop
 * the well-formed lines from being used: dropping a line can only take trust away, never add it.
 */
public final class AllowedSigners {
    private static final Set<String> KEY_TYPES = Set.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com", "ssh-ed448");
    private static final Set<String> OPTIONS = Set.of("cert-authority", "namespaces", "valid-after", "valid-before");

    /** One malformed line: its number (from 1) and why. */
    public record LineProblem(int line, String reason) {
        public String describe(String file) {
            return file + ": line " + line + ": " + reason;
        }
    }

    /** The well-formed lines (what is handed to JGit) and the problems of the others. */
    public record Parsed(byte[] wellFormed, List<LineProblem> problems) {
    }

    private AllowedSigners() {
    }

    public static Parsed parse(byte[] content) {
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n", -1);
        StringBuilder kept = new StringBuilder();
        List<LineProblem> problems = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String why = problem(line.strip());
            if (why == null) {
                kept.append(line).append('\n');
            } else {
                problems.add(new LineProblem(i + 1, why));
            }
        }
        return new Parsed(kept.toString().getBytes(StandardCharsets.UTF_8), List.copyOf(problems));
    }

    /** Null when the line is well formed, a comment or empty. */
    static String problem(String line) {
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        List<String> fields = fields(line);
        if (fields == null) {
            return "a quote is not closed";
        }
        if (fields.size() < 2) {
            return "expected 'principals [options] keytype key', found " + fields.size() + " field"
                    + (fields.size() == 1 ? "" : "s");
        }
        int at = 1;
        if (!KEY_TYPES.contains(fields.get(1))) {
            String bad = options(fields.get(1));
            if (bad != null) {
                return bad;
            }
            at = 2;
        }
        if (fields.size() <= at + 1) {
            return "no key after the key type";
        }
        String type = fields.get(at);
        if (!KEY_TYPES.contains(type)) {
            return "'" + abbreviate(type) + "' is not an SSH key type (like ssh-ed25519)";
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(fields.get(at + 1));
        } catch (IllegalArgumentException e) {
            return "the " + type + " key is not valid base64";
        }
        String inner = firstString(blob);
        if (!type.equals(inner)) {
            return "the key is not a " + type + " key" + (inner == null ? "" : " (it says " + abbreviate(inner) + ")");
        }
        return null;
    }

    private static String options(String field) {
        for (String option : splitOptions(field)) {
            String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            if (!OPTIONS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                return "'" + abbreviate(field) + "' is neither a key type nor options (cert-authority, namespaces=, "
                        + "valid-after=, valid-before=)";
            }
            if ((name.equalsIgnoreCase("valid-after") || name.equalsIgnoreCase("valid-before"))
                    && !option.substring(name.length()).matches("=\"?\\d{8}(\\d{4}(\\d{2})?)?Z?\"?")) {
                return name + " must be a time like 20250101 or 202501011200Z";
            }
        }
        return null;
    }

    /** Options separated by commas outside quotes. */
    private static List<String> splitOptions(String field) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : field.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** Whitespace-separated fields, a double-quoted part keeping its spaces; null when a quote is left open. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                cur.append(c);
            } else if (Character.isWhitespace(c) && !quoted) {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    /** The first length-prefixed string of an SSH key blob: its key type. */
    private static String firstString(byte[] blob) {
        if (blob.length < 4) {
            return null;
        }
        int n = ByteBuffer.wrap(blob).getInt();
        if (n <= 0 || n > 64 || n > blob.length - 4) {
            return null;
        }
        return new String(blob, 4, n, StandardCharsets.US_ASCII);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
