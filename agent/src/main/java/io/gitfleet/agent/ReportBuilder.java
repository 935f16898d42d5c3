package io.gitfleet.agent;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.state.AgentState;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.Task;
import io.gitfleet.agent.state.TaskPlanner;
import io.gitfleet.schema.Report;
import java.util.HashMap;
import java.util.Map;

/** Builds the report from persisted state and the bootloader's view: the one place status is computed. */
final class ReportBuilder {
    static final String AGENT_VERSION = versionOf();

    private ReportBuilder() {
    }

    static Report build(AgentConfig config, AgentState state, BootEnv boot, Report.Health health) {
        return build(config, state, boot, health, null);
    }

    /** {@code cordon}: gitfleet's own cordon of the node, when its drain hook holds one. */
    static Report build(AgentConfig config, AgentState state, BootEnv boot, Report.Health health,
                        Report.Cordon cordon) {
        Report.Slots slots = null;
        if (boot != null && config.installerKind() == TaskPlanner.Installer.AB_IMAGE) {
            // the recovery slot is outside the bootloader's A/B choice: its state is unknown to it
            Report.Slot recovery = config.slots() == null || config.slots().recovery() == null ? null
                    : new Report.Slot(state.slotVersions().get(RECOVERY), Report.SlotState.UNKNOWN);
            slots = new Report.Slots(wire(boot.booted()), wire(boot.primary()), wire(boot.tryOnce()),
                    new Report.Slot(state.slotVersions().get("a"), boot.a()),
                    new Report.Slot(state.slotVersions().get("b"), boot.b()), recovery);
        }
        Task t = state.task();
        Report.Task task = null;
        if (t != null && t.state() != State.IDLE) {
            boolean bytes = t.bytesTotal() > 0 && t.spec().image() != null;
            task = new Report.Task(t.spec().upgrade(), t.spec().attempt(), t.spec().action(), t.spec().version(),
                    t.state().phase(), bytes ? t.bytesDone() : null, bytes ? t.bytesTotal() : null,
                    clip(t.message(), 4096), clip(t.failureReason(), 1024));
        }
        Long maxWindow = config.installerKind() == TaskPlanner.Installer.AB_IMAGE ? config.maxWindowBytes() : null;
        return Report.of(config.node(), new Report.Status(AGENT_VERSION, versions(config, state, boot), slots, health,
                task, state.failedVersions(), digests(config, state, boot), maxWindow, capabilities(config), cordon));
    }

    /** The slot-version key of the recovery slot in the agent state. */
    static final String RECOVERY = "recovery";

    /** What this node can do: told to the reconciler, which blocks a node rather than instruct what it cannot. */
    static Report.Capabilities capabilities(AgentConfig config) {
        boolean ab = config.installerKind() == TaskPlanner.Installer.AB_IMAGE;
        boolean recovery = ab && config.slots() != null && config.slots().recovery() != null;
        boolean rollback = ab || config.command() != null && !config.command().rollback().isEmpty();
        return new Report.Capabilities(recovery, rollback);
    }

    /** The sha256 of the image the installer's component runs, when the agent installed it (see {@link #versions}). */
    static Map<String, String> digests(AgentConfig config, AgentState state, BootEnv boot) {
        String digest = null;
        if (config.installerKind() == TaskPlanner.Installer.AB_IMAGE) {
            if (boot != null && boot.booted() != null) {
                digest = state.slotDigests().get(boot.booted().wire());
            }
        } else {
            digest = state.installedDigests().get(config.component());
        }
        return digest == null ? Map.of() : Map.of(config.component(), digest);
    }

    /** What runs now: static config values, then the installer's component from the booted slot's record. */
    static Map<String, String> versions(AgentConfig config, AgentState state, BootEnv boot) {
        Map<String, String> versions = new HashMap<>(config.components());
        String managed = null;
        if (config.installerKind() == TaskPlanner.Installer.AB_IMAGE) {
            if (boot != null && boot.booted() != null) {
                managed = state.slotVersions().get(boot.booted().wire());
            }
        } else {
            managed = state.installedVersions().get(config.component());
        }
        if (managed != null) {
            versions.put(config.component(), managed);
        }
        return versions;
    }

    private static String wire(Slot slot) {
        return slot == null ? null : slot.wire();
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : "…" + s.substring(s.length() - max + 1);
    }

    private static String versionOf() {
        String v = ReportBuilder.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
