package io.gitfleet.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records to and from JSON and YAML. Output is deterministic: record order, maps by key (records hold
 * {@code Map.copyOf} maps, whose order changes from one JVM start to the next: a restarted reconciler would otherwise
 * rewrite unchanged node files), no nulls or empty collections.
 */
public final class Documents {
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_EMPTY)
                    .withContentInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private static final ThreadLocal<Yaml> DUMPER = ThreadLocal.withInitial(() -> {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(160);
        options.setSplitLines(false);
        return new Yaml(options);
    });

    private Documents() {
    }

    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static <T> T fromTree(JsonNode tree, Class<T> type) {
        return MAPPER.treeToValue(tree, type);
    }

    public static String toJson(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static byte[] toJsonBytes(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    /** YAML as people read it on the status branch: block style, two-space indent, strings quoted only if needed. */
    public static String toYaml(Object value) {
        return toYaml(toTree(value));
    }

    /** {@link FastYaml} where it is sure to write SnakeYAML's very bytes, SnakeYAML otherwise. */
    public static String toYaml(JsonNode tree) {
        return FastYaml.write(tree).orElseGet(() -> toYamlBySnakeYaml(tree));
    }

    /** The reference writer: what {@link FastYaml} must match byte for byte (its tests and benchmark compare). */
    public static String toYamlBySnakeYaml(JsonNode tree) {
        return DUMPER.get().dump(plain(tree));
    }

    /** A JSON tree as plain Java values (maps keep their order), for snakeyaml and for payloads. */
    public static Object plain(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), plain(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode item : node) {
                list.add(plain(item));
            }
            return list;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asString();
    }
}
