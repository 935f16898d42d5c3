package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Node;
import io.gitfleet.schema.Upgrade;
import java.util.Map;

/** Whether an upgrade's selector picks a node: every given term must hold; an empty selector picks all. */
public final class Selectors {
    private Selectors() {
    }

    public static boolean matches(Upgrade.Selector selector, Node node) {
        if (!selector.nodeNames().isEmpty() && !selector.nodeNames().contains(node.name())) {
            return false;
        }
        if (!selector.roles().isEmpty() && !selector.roles().contains(node.role())) {
            return false;
        }
        if (selector.datacenter() != null && !selector.datacenter().equals(node.spec().datacenter())) {
            return false;
        }
        for (Map.Entry<String, String> label : selector.matchLabels().entrySet()) {
            if (!label.getValue().equals(node.spec().labels().get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
