package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Node;
import io.gitfleet.schema.Upgrade;

/** Whether an upgrade's selector picks a node: every given term must hold; an empty selector picks all. */
public final class Selectors {
    private Selectors() {
    }

    /** The rule itself lives with the selector, where a verifying agent uses it too. */
    public static boolean matches(Upgrade.Selector selector, Node node) {
        return selector.matches(node);
    }
}
