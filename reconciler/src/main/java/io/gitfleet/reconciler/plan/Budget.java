package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Role;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Disruption across all upgrades in one pass: which node is held by which upgrade (invariant 7, one task per
 * node, staging ahead included), how many nodes are disrupted against the fleet's budget (invariant 2; staging
 * ahead is not disruption), and controllers (invariant 3).
 */
final class Budget {
    private final Map<String, String> holder = new HashMap<>();
    private final Set<String> disrupted = new HashSet<>();
    private final Integer fleetMax;
    private int controllers;
    private String controllerInFlight;

    Budget(Integer fleetMax) {
        this.fleetMax = fleetMax;
    }

    /** The node is disrupted by {@code upgrade} (its boot switch may happen). */
    void take(String node, String upgrade, Role role) {
        holder.putIfAbsent(node, upgrade);
        if (disrupted.add(node) && role == Role.CONTROLLER) {
            controllers++;
            controllerInFlight = node;
        }
    }

    /** The node works for {@code upgrade} without disruption (staging ahead). */
    void hold(String node, String upgrade) {
        holder.putIfAbsent(node, upgrade);
    }

    void release(String node, Role role) {
        holder.remove(node);
        if (disrupted.remove(node) && role == Role.CONTROLLER) {
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
        return fleetMax != null && disrupted.size() >= fleetMax;
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
