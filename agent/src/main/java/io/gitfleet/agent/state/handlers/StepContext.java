package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.AgentConfig;
import io.gitfleet.agent.ComponentConfig;
import io.gitfleet.agent.GitVerifier;
import io.gitfleet.agent.NodeSetup;
import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.health.HealthMonitor;
import io.gitfleet.agent.health.HookRunner;
import io.gitfleet.agent.probe.Probes;
import io.gitfleet.agent.state.StateMachine;
import io.gitfleet.agent.state.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** What the state handlers share: config, the machine, the node, and the link back to the report loop. */
public record StepContext(AgentConfig config, NodeSetup node, StateMachine machine, HookRunner hooks, HealthMonitor health,
                          GitVerifier verifier, Link link, Probes probes) {
    /** The loop the handlers run under: progress reports, the cancel flag, and waiting. */
    public interface Link {
        /** Reports now if due (or {@code force}); may set the cancel flag from the answer. */
        void checkpoint(boolean force);

        boolean cancelRequested();

        void sleep(Duration duration) throws InterruptedException;
    }

    public BootEnv boot() throws IOException {
        if (node.bootloader() != null) {
            return node.bootloader().read();
        }
        return new BootEnv(null, null, null, null, null, node.bootIds().current());
    }

    public Duration progressInterval() {
        return AgentConfig.duration(config.poll().progressInterval(), Duration.ofSeconds(2));
    }

    Duration rebootTimeout() {
        return AgentConfig.duration(config.reboot().timeout(), Duration.ofMinutes(10));
    }

    /** The config of the component a task installs (null when this agent does not install it). */
    ComponentConfig component(Task task) {
        return config.component(task.spec().component());
    }

    /**
     * What a probe may need to know of the A/B slots: the slot booted and its device (its root file system, which a
     * probe can read when it is not mounted at the config's root).
     */
    public static Map<String, String> probeEnv(NodeSetup node, BootEnv boot) {
        if (boot == null || boot.booted() == null || node.slot(boot.booted()) == null) {
            return Map.of();
        }
        return Map.of("GITFLEET_BOOTED_SLOT", boot.booted().wire(),
                "GITFLEET_BOOTED_SLOT_DEVICE", node.slot(boot.booted()).toString());
    }

    /** Hooks learn what is going on from the environment. */
    Map<String, String> hookEnv(Task task) {
        Map<String, String> env = new HashMap<>();
        env.put("GITFLEET_NODE", config.node());
        env.put("GITFLEET_UPGRADE", task.spec().upgrade());
        env.put("GITFLEET_VERSION", task.spec().version());
        env.put("GITFLEET_COMPONENT", task.spec().component());
        env.put("GITFLEET_ACTION", task.spec().action().name().toLowerCase(java.util.Locale.ROOT));
        Slot target = task.target();
        if (target != null) {
            env.put("GITFLEET_SLOT", target.wire());
            env.put("GITFLEET_SLOT_DEVICE", String.valueOf(node.slot(target)));
        }
        return env;
    }
}
