package io.gitfleet.agent;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.probe.ProbeResult;
import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.state.AgentState;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.Task;
import io.gitfleet.agent.state.TaskPlanner;
import io.gitfleet.schema.Report;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Builds the report from persisted state and the bootloader's view: the one place status is computed. */
public final class ReportBuilder {
    static final String AGENT_VERSION = versionOf();

    private ReportBuilder() {
    }

    /**
     * {@code probed}: each component's version as read from the machine; {@code cordon}: gitfleet's own cordon of
     * the node, when its drain hook holds one (null otherwise).
     */
    static Report build(AgentConfig config, AgentState state, BootEnv boot, Report.Health health,
                        Map<String, ProbeResult> probed, Report.Cordon cordon) {
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
        Map<String, String> unknown = new TreeMap<>();
        probed.forEach((component, result) -> {
            if (!result.isKnown()) {
                unknown.put(component, result.unknownReason());
            }
        });
        Map<String, String> versions = versions(config, state, boot, probed);
        return Report.of(config.node(), new Report.Status(AGENT_VERSION, versions, slots, health, task,
                state.failedVersions(), digests(config, state, boot, versions), maxWindow, unknown,
                capabilities(config), cordon));
    }

    /** The slot-version key of the recovery slot in the agent state. */
    public static final String RECOVERY = "recovery";

    /**
     * What this node can do: told to the reconciler, which blocks a node rather than instruct what it cannot. A
     * rollback is possible when the node has A/B slots or a command component names its rollback command.
     */
    public static Report.Capabilities capabilities(AgentConfig config) {
        boolean ab = config.installerKind() == TaskPlanner.Installer.AB_IMAGE;
        boolean recovery = ab && config.slots() != null && config.slots().recovery() != null;
        boolean rollback = ab || config.managed().stream().anyMatch(c -> c.kind() == TaskPlanner.Installer.COMMAND
                && c.command() != null && !c.command().rollback().isEmpty());
        return new Report.Capabilities(recovery, rollback);
    }

    /**
     * The sha256 of the image each installed component runs, when the agent installed it and the node still runs
     * that version: a probe that reads another version (the node was changed outside gitfleet) makes it unknown.
     */
    static Map<String, String> digests(AgentConfig config, AgentState state, BootEnv boot,
                                       Map<String, String> versions) {
        Map<String, String> out = new HashMap<>();
        for (ComponentConfig c : config.managed()) {
            String digest = null;
            String recorded = null;
            if (c.kind() == TaskPlanner.Installer.AB_IMAGE) {
                if (boot != null && boot.booted() != null) {
                    digest = state.slotDigests().get(boot.booted().wire());
                    recorded = state.slotVersions().get(boot.booted().wire());
                }
            } else if (c.kind() == TaskPlanner.Installer.COMMAND) {
                digest = state.installedDigests().get(c.name());
                recorded = state.installedVersions().get(c.name());
            }
            if (digest != null && sameText(recorded, versions.get(c.name()))) {
                out.put(c.name(), digest);
            }
        }
        return out;
    }

    /**
     * What runs now, per component: what its probe read from the machine (a failed probe leaves it out: unknown),
     * else what the agent installed (the booted slot's record, or the command installer's), else a fixed version
     * from the config.
     */
    public static Map<String, String> versions(AgentConfig config, AgentState state, BootEnv boot,
                                        Map<String, ProbeResult> probed) {
        Map<String, String> versions = new HashMap<>();
        for (ComponentConfig c : config.managed()) {
            String version;
            if (c.probe() != null) {
                ProbeResult r = probed.get(c.name());
                version = r == null ? null : r.version();
            } else if (c.kind() == TaskPlanner.Installer.AB_IMAGE) {
                version = boot == null || boot.booted() == null ? null
                        : state.slotVersions().get(boot.booted().wire());
            } else if (c.kind() == TaskPlanner.Installer.COMMAND) {
                version = state.installedVersions().get(c.name());
            } else {
                version = null;
            }
            if (version == null && c.probe() == null) {
                version = c.version();
            }
            if (version != null) {
                versions.put(c.name(), version);
            }
        }
        return versions;
    }

    /** The same version as text, a leading v aside (os-release says 1.35.1 where the catalog says v1.35.1). */
    private static boolean sameText(String a, String b) {
        return a != null && b != null && strip(a).equals(strip(b));
    }

    private static String strip(String v) {
        return v.startsWith("v") || v.startsWith("V") ? v.substring(1) : v;
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
