package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Role;
import java.util.HashMap;
import java.util.Map;

/**
 * Disruption across all upgrades in one pass: which node is held by which upgrade (invariant 7, one task per
 * node), how many nodes are disrupted against the fleet's budget (invariant 2), and controllers (invariant 3).
 */
final class Budget {
    private final Map<String, String> holder = new HashMap<>();
    private final Integer fleetMax;
    private int controllers;
    private String controllerInFlight;

    Budget(Integer fleetMax) {
        this.fleetMax = fleetMax;
    }

    void take(String node, String upgrade, Role role) {
        holder.putIfAbsent(node, upgrade);
        if (role == Role.CONTROLLER) {
            controllers++;
            controllerInFlight = node;
        }
    }

    void release(String node, Role role) {
        if (holder.remove(node) != null && role == Role.CONTROLLER) {
            controllers--;
            controllerInFlight = null;
        }
    }

    /** The upgrade that holds this node, if another one does. */
    String heldByOther(String node, String upgrade) {
        String h = holder.get(node);
        return h == null || h.equals(upgrade) ? null : h;
    }

    boolean busy(String node) {
        return holder.containsKey(node);
    }

    boolean fleetFull() {
        return fleetMax != null && holder.size() >= fleetMax;
    }

    Integer fleetMax() {
        return fleetMax;
    }

    int controllersInFlight() {
        return controllers;
    }

    String controllerInFlight() {
        return controllerInFlight;
    }
}
