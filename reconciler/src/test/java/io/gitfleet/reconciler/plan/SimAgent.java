package io.gitfleet.reconciler.plan;

import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.NodePhase;
import io.gitfleet.schema.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A node's agent as the planner sees it: follows the wire protocol of the real agent (echo upgrade and
 * attempt, abort before the boot switch when the instruction disappears, finish after it), with random
 * progress, failures, bootloader fallbacks, silences and controller health flaps.
 */
final class SimAgent {
    final String name;
    final boolean controller;
    final Map<String, String> components = new HashMap<>();
    final Map<String, List<String>> failedVersions = new HashMap<>();
    /** The sha256 of the image each component runs, when the agent knows it (it installed it). */
    final Map<String, String> digests = new HashMap<>();
    /** The digest of the image the current install writes. */
    private String installing;
    String booted = "a";
    Report.Task task;
    int silentSteps;
    boolean healthy = true;
    /** Whether the agent has ever reported. */
    boolean seen;
    /** The current task was instructed to stage only (and not activated yet). */
    boolean stageOnly;
    /** The image digest the current task wrote. */
    String staged;

    SimAgent(String name, boolean controller, String osVersion) {
        this.name = name;
        this.controller = controller;
        if (osVersion != null) {
            components.put("os", osVersion);
        }
    }

    /** One round trip: act on the instruction (or its absence), then return the report, or null when silent. */
    Report.Status step(Instruction instruction, Random rnd) {
        if (silentSteps > 0) {
            silentSteps--;
            return null;
        }
        if (rnd.nextInt(400) == 0) {
            silentSteps = 1 + rnd.nextInt(task != null && task.phase() == NodePhase.Rebooting ? 60 : 20);
            return null;
        }
        if (controller && rnd.nextInt(150) == 0) {
            healthy = !healthy;
        } else if (!healthy && rnd.nextInt(5) == 0) {
            healthy = true;
        }
        act(instruction, rnd);
        seen = true;
        return report();
    }

    private void act(Instruction instruction, Random rnd) {
        if (instruction != null) {
            Instruction.Spec s = instruction.spec();
            boolean same = task != null && task.upgrade().equals(s.upgrade()) && task.attempt() == s.attempt();
            if (!same) {
                if (s.nonce() != null) {
                    failedVersions.getOrDefault(s.component(), new ArrayList<>()).remove(s.version());
                }
                String digest = digests.get(s.component());
                boolean atTarget = s.action() == Action.INSTALL && s.version().equals(components.get(s.component()))
                        && (digest == null || digest.equals(s.image().sha256())) && !Boolean.TRUE.equals(s.force());
                installing = s.image() == null ? null : s.image().sha256();
                task = task(s, atTarget ? NodePhase.Skipped
                        : s.action() == Action.ROLLBACK ? NodePhase.Rebooting : NodePhase.Downloading, null);
                stageOnly = s.isStageOnly();
                staged = s.image() == null ? null : s.image().sha256();
                return;
            }
            if (stageOnly && !s.isStageOnly()) {
                // the activation: the real agent drops the slot rather than boot another image than it staged
                if (staged == null || !staged.equals(s.image().sha256())) {
                    throw new AssertionError(name + " was told to activate image " + s.image().sha256() + " but staged "
                            + staged);
                }
                stageOnly = false;
            }
        } else if (task != null && (task.phase() == NodePhase.Downloading || task.phase() == NodePhase.Writing
                || task.phase() == NodePhase.Verifying || task.phase() == NodePhase.Staged && stageOnly)) {
            task = with(task, NodePhase.Failed, "cancelled by the reconciler");
            return;
        }
        if (task == null || task.phase().terminal() || rnd.nextInt(3) == 0
                || task.phase() == NodePhase.Staged && stageOnly) {
            return;
        }
        NodePhase next = switch (task.phase()) {
            case Downloading -> NodePhase.Writing;
            case Writing -> rnd.nextInt(25) == 0 ? NodePhase.Failed : NodePhase.Verifying;
            case Verifying -> NodePhase.Staged;
            case Staged -> NodePhase.Rebooting;
            default -> NodePhase.Completed;
        };
        if (next == NodePhase.Failed) {
            task = with(task, NodePhase.Failed, "sha256 mismatch");
        } else if (next == NodePhase.Completed) {
            reboot(rnd);
        } else {
            task = with(task, next, null);
        }
    }

    private void reboot(Random rnd) {
        String comp = "os";
        if (task.action() == Action.ROLLBACK) {
            booted = booted.equals("a") ? "b" : "a";
            if (task.version() != null) {
                components.put(comp, task.version());
            }
            digests.remove(comp);
            task = with(task, NodePhase.RolledBack, null);
        } else if (rnd.nextInt(12) == 0) {
            failedVersions.computeIfAbsent(comp, k -> new ArrayList<>()).add(task.version());
            task = with(task, NodePhase.Failed, "rolled back by bootloader");
        } else {
            booted = booted.equals("a") ? "b" : "a";
            components.put(comp, task.version());
            digests.put(comp, installing);
            task = with(task, NodePhase.Completed, null);
        }
    }

    private static Report.Task task(Instruction.Spec s, NodePhase phase, String failure) {
        return new Report.Task(s.upgrade(), s.attempt(), s.action(), s.version(), phase, null, null, null, failure);
    }

    private static Report.Task with(Report.Task t, NodePhase phase, String failure) {
        return new Report.Task(t.upgrade(), t.attempt(), t.action(), t.version(), phase, null, null, null, failure);
    }

    Report.Status report() {
        Map<String, List<String>> failed = new HashMap<>();
        failedVersions.forEach((k, v) -> failed.put(k, List.copyOf(v)));
        return new Report.Status("sim", Map.copyOf(components), new Report.Slots(booted, booted, null, null, null),
                new Report.Health(healthy, healthy ? null : "etcd member unhealthy"), task, failed, Map.copyOf(digests), null);
    }
}
