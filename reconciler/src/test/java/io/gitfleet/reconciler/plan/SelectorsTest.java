package io.gitfleet.reconciler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gitfleet.schema.Metadata;
import io.gitfleet.schema.Node;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import io.gitfleet.schema.Upgrade;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SelectorsTest {
    private static final Node NODE = new Node(Node.API_VERSION, Node.KIND, Metadata.named("w-3"),
            new Node.Spec(Role.WORKER, "dc1", Map.of("zone", "a", "rack", "r12"), null));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "           |            |            |      | true",
        "w-3        |            |            |      | true",
        "w-1        |            |            |      | false",
        "           | worker     |            |      | true",
        "           | controller |            |      | false",
        "           |            | zone=a     |      | true",
        "           |            | zone=b     |      | false",
        "           |            | rack=r12   | dc1  | true",
        "           |            |            | dc2  | false",
        "w-3        | worker     | zone=a     | dc1  | true",
        "w-3        | worker     | zone=a     | dc2  | false"})
    void everyTermMustHold(String name, String role, String label, String dc, boolean expected) {
        Upgrade.Selector s = new Upgrade.Selector(name == null ? null : List.of(name),
                role == null ? null : List.of(Role.valueOf(role.toUpperCase())),
                label == null ? null : Map.of(label.split("=")[0], label.split("=")[1]), dc);
        assertEquals(expected, Selectors.matches(s, NODE));
    }

    @Test
    void ordering() {
        List<Node> nodes = new ArrayList<>();
        for (String n : List.of("w-2", "cp-1", "w-1", "cp-2")) {
            nodes.add(new Node(Node.API_VERSION, Node.KIND, Metadata.named(n),
                    new Node.Spec(n.startsWith("cp") ? Role.CONTROLLER : Role.WORKER, null, null, null)));
        }
        nodes.sort(new RolloutOrder(Strategy.Order.WORKERS_FIRST, List.of()).comparator());
        assertEquals(List.of("w-1", "w-2", "cp-1", "cp-2"), nodes.stream().map(Node::name).toList());
        nodes.sort(new RolloutOrder(Strategy.Order.CONTROLLERS_FIRST, List.of()).comparator());
        assertEquals(List.of("cp-1", "cp-2", "w-1", "w-2"), nodes.stream().map(Node::name).toList());
        nodes.sort(new RolloutOrder(Strategy.Order.LISTED, List.of("w-2", "cp-2")).comparator());
        assertEquals(List.of("w-2", "cp-2", "cp-1", "w-1"), nodes.stream().map(Node::name).toList());
    }
}
