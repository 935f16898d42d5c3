package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Node;
import io.gitfleet.schema.Role;
import io.gitfleet.schema.Strategy;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which an upgrade starts its nodes. {@code workers-first} and {@code controllers-first} form
 * groups: no node of a later group starts while a node of an earlier group is still pending or in flight.
 * {@code listed} follows {@code selector.nodeNames}, then the rest by name, without group barriers.
 */
public final class RolloutOrder {
    private final Strategy.Order order;
    private final Map<String, Integer> listed = new HashMap<>();

    public RolloutOrder(Strategy.Order order, List<String> nodeNames) {
        this.order = order;
        for (int i = 0; i < nodeNames.size(); i++) {
            listed.putIfAbsent(nodeNames.get(i), i);
        }
    }

    public int group(Role role) {
        return switch (order) {
            case WORKERS_FIRST -> role == Role.WORKER ? 0 : 1;
            case CONTROLLERS_FIRST -> role == Role.CONTROLLER ? 0 : 1;
            case LISTED -> 0;
        };
    }

    public Comparator<Node> comparator() {
        if (listed.isEmpty()) {
            // every node would rank MAX_VALUE: skip a map lookup per comparison (a 100,000-node sort makes millions)
            return Comparator.<Node>comparingInt(n -> group(n.role())).thenComparing(Node::name);
        }
        return Comparator.<Node>comparingInt(n -> group(n.role()))
                .thenComparingInt(n -> listed.getOrDefault(n.name(), Integer.MAX_VALUE))
                .thenComparing(Node::name);
    }
}
