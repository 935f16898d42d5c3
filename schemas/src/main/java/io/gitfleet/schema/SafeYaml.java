package io.gitfleet.schema;

import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads one YAML document into a JSON tree, refusing hostile input early: size, nesting, alias and node
 * limits, duplicate keys, custom tags and merge keys. YAML 1.1 typing is kept (so {@code 1.10} is a number)
 * and the original text of every non-string scalar is remembered, so that schema errors can say what YAML
 * made of it.
 */
public final class SafeYaml {
    public static final int MAX_BYTES = 1 << 20;
    public static final int MAX_DEPTH = 64;
    public static final int MAX_ALIASES = 50;
    public static final int MAX_NODES = 200_000;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Building a Yaml compiles its resolver's patterns: one per thread, reused for every document. */
    private static final ThreadLocal<Yaml> LOADER = ThreadLocal.withInitial(() -> {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        return new Yaml(new SafeConstructor(options));
    });

    /** The tree, the 1-based line of each value by JSON pointer, and the source text of non-string scalars. */
    public record Parsed(JsonNode tree, Map<String, Integer> lines, Map<String, String> rawScalars) {
        public String lineSuffix(String pointer) {
            for (String p = pointer; p != null; p = parent(p)) {
                Integer line = lines.get(p);
                if (line != null) {
                    return " (line " + line + ")";
                }
            }
            return "";
        }

        private static String parent(String pointer) {
            if (pointer.isEmpty() || pointer.equals("/")) {
                return null;
            }
            int slash = pointer.lastIndexOf('/');
            return slash <= 0 ? "" : pointer.substring(0, slash);
        }
    }

    private SafeYaml() {
    }

    public static Parsed parse(byte[] bytes) throws YamlException {
        if (bytes.length > MAX_BYTES) {
            throw new YamlException("/", "the file is " + bytes.length + " bytes; the limit is " + MAX_BYTES);
        }
        Parsed json = json(bytes);
        return json != null ? json : parse(new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * Strict JSON, mapping at the top, read by a JSON parser: every agent report is such a body, and reading it as
     * YAML cost about 4 times the schema check and the mapping together. Anything else, or anything the strict
     * parser refuses (a duplicate key, nesting past {@link #MAX_DEPTH}, trailing text), is left to the YAML reader,
     * which gives the one sentence for it. No lines: a body is one line.
     */
    private static Parsed json(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
            i++;
        }
        if (i >= bytes.length || bytes[i] != '{') {
            return null;
        }
        try {
            JsonNode tree = STRICT_JSON.readTree(bytes);
            return tree != null && tree.isObject() ? new Parsed(tree, Map.of(), Map.of()) : null;
        } catch (tools.jackson.core.JacksonException e) {
            return null;
        }
    }

    static final tools.jackson.databind.json.JsonMapper STRICT_JSON = tools.jackson.databind.json.JsonMapper
            .builder(tools.jackson.core.json.JsonFactory.builder()
                    .streamReadConstraints(tools.jackson.core.StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH).build())
                    .enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public static Parsed parse(String text) throws YamlException {
        Yaml yaml = LOADER.get();
        org.yaml.snakeyaml.nodes.Node root;
        try {
            Iterator<org.yaml.snakeyaml.nodes.Node> docs = yaml.composeAll(new StringReader(text)).iterator();
            if (!docs.hasNext()) {
                throw new YamlException("/", "the file is empty");
            }
            root = docs.next();
            if (docs.hasNext()) {
                throw new YamlException("/", "the file holds more than one YAML document; keep one per file");
            }
        } catch (MarkedYAMLException e) {
            String where = e.getProblemMark() != null ? " (line " + (e.getProblemMark().getLine() + 1) + ")" : "";
            throw new YamlException("/", "not valid YAML: " + plain(e.getProblem()) + where);
        } catch (YAMLException e) {
            throw new YamlException("/", plain(e.getMessage()));
        }
        Walker walker = new Walker();
        JsonNode tree = walker.convert(root, "", 0);
        return new Parsed(tree, walker.lines, walker.raw);
    }

    private static String plain(String snakeMessage) {
        if (snakeMessage == null) {
            return "not valid YAML";
        }
        if (snakeMessage.contains("Number of aliases")) {
            return "too many aliases (more than " + MAX_ALIASES + "); alias bombs are refused";
        }
        if (snakeMessage.contains("Nesting Depth exceeded")) {
            return "nested deeper than " + MAX_DEPTH + " levels";
        }
        if (snakeMessage.contains("exceeds the limit")) {
            return "the file is larger than " + MAX_BYTES + " characters";
        }
        if (snakeMessage.contains("found duplicate key")) {
            return "a key appears twice";
        }
        return snakeMessage.replace('\n', ' ').strip();
    }

    private static final class Walker {
        final Map<String, Integer> lines = new HashMap<>();
        final Map<String, String> raw = new HashMap<>();
        int visited;

        JsonNode convert(org.yaml.snakeyaml.nodes.Node node, String pointer, int depth) throws YamlException {
            if (++visited > MAX_NODES) {
                throw new YamlException("/", "the document expands to more than " + MAX_NODES
                        + " values; alias bombs are refused");
            }
            if (depth > MAX_DEPTH) {
                throw new YamlException(pointer, "nested deeper than " + MAX_DEPTH + " levels");
            }
            lines.putIfAbsent(pointer.isEmpty() ? "/" : pointer, node.getStartMark().getLine() + 1);
            if (!node.getTag().startsWith(Tag.PREFIX)) {
                throw new YamlException(pointer.isEmpty() ? "/" : pointer, "custom YAML tags ("
                        + node.getTag().getValue() + ") are not allowed (line " + (node.getStartMark().getLine() + 1)
                        + ")");
            }
            if (node instanceof MappingNode map) {
                return mapping(map, pointer, depth);
            }
            if (node instanceof SequenceNode seq) {
                ArrayNode array = JSON.arrayNode();
                int i = 0;
                for (org.yaml.snakeyaml.nodes.Node item : seq.getValue()) {
                    array.add(convert(item, pointer + "/" + i++, depth + 1));
                }
                return array;
            }
            return scalar((ScalarNode) node, pointer);
        }

        private ObjectNode mapping(MappingNode map, String pointer, int depth) throws YamlException {
            ObjectNode object = JSON.objectNode();
            Set<String> seen = new HashSet<>();
            for (NodeTuple tuple : map.getValue()) {
                org.yaml.snakeyaml.nodes.Node keyNode = tuple.getKeyNode();
                int line = keyNode.getStartMark().getLine() + 1;
                if (keyNode.getTag().equals(Tag.MERGE)) {
                    throw new YamlException(pointer.isEmpty() ? "/" : pointer,
                            "merge keys (<<) are not supported; write the fields out (line " + line + ")");
                }
                if (!(keyNode instanceof ScalarNode key)) {
                    throw new YamlException(pointer.isEmpty() ? "/" : pointer,
                            "a key must be plain text (line " + line + ")");
                }
                String name = key.getValue();
                String child = pointer + "/" + escape(name);
                if (!seen.add(name)) {
                    throw new YamlException(child, "the key '" + name + "' appears twice (line " + line + ")");
                }
                object.set(name, convert(tuple.getValueNode(), child, depth + 1));
            }
            return object;
        }

        private JsonNode scalar(ScalarNode node, String pointer) throws YamlException {
            String text = node.getValue();
            Tag tag = node.getTag();
            if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP) || tag.equals(Tag.BINARY)) {
                return JSON.textNode(text);
            }
            raw.put(pointer.isEmpty() ? "/" : pointer, text);
            if (tag.equals(Tag.NULL)) {
                return JSON.nullNode();
            }
            if (tag.equals(Tag.BOOL)) {
                String t = text.toLowerCase(java.util.Locale.ROOT);
                return JSON.booleanNode(t.equals("true") || t.equals("yes") || t.equals("on") || t.equals("y"));
            }
            if (tag.equals(Tag.INT)) {
                BigInteger value = integer(text);
                return value == null ? JSON.textNode(text)
                        : value.bitLength() < 63 ? JSON.numberNode(value.longValue()) : JSON.numberNode(value);
            }
            if (tag.equals(Tag.FLOAT)) {
                try {
                    return JSON.numberNode(Double.parseDouble(text.replace("_", "")));
                } catch (NumberFormatException e) {
                    return JSON.textNode(text);
                }
            }
            return JSON.textNode(text);
        }

        private static BigInteger integer(String text) {
            String t = text.replace("_", "");
            int sign = 1;
            if (t.startsWith("-") || t.startsWith("+")) {
                sign = t.startsWith("-") ? -1 : 1;
                t = t.substring(1);
            }
            try {
                BigInteger v;
                if (t.startsWith("0x")) {
                    v = new BigInteger(t.substring(2), 16);
                } else if (t.startsWith("0b")) {
                    v = new BigInteger(t.substring(2), 2);
                } else if (t.startsWith("0o")) {
                    v = new BigInteger(t.substring(2), 8);
                } else if (t.length() > 1 && t.startsWith("0")) {
                    v = new BigInteger(t.substring(1), 8);
                } else if (t.contains(":")) {
                    return null;
                } else {
                    v = new BigInteger(t);
                }
                return sign < 0 ? v.negate() : v;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /** JSON pointer escaping of one reference token (RFC 6901). */
    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
