package io.gitfleet.agent.state;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.boot.Slot;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.Report.SlotState;
import io.gitfleet.schema.Upgrade;
import io.gitfleet.version.VersionScheme;
import java.util.Map;

/**
 * The checks before acting, as a pure function of the instruction and what the node knows about itself (RAUC's
 * "make plans"): skip, refuse with a reason, or which slot to write or roll back to. No I/O here.
 */
public final class TaskPlanner {
    public enum Installer { AB_IMAGE, COMMAND }

    /**
     * What the agent knows when it decides. {@code booted} may be null when it cannot tell; {@code abilities}: what
     * the agent config allows beyond a plain install.
     */
    public record Facts(Installer installer, String component, Map<String, String> versions, BootEnv boot,
                        Slot booted, AgentState state, Abilities abilities) {
        public Facts {
            abilities = abilities == null ? Abilities.NONE : abilities;
        }

        public Facts(Installer installer, String component, Map<String, String> versions, BootEnv boot,
                     Slot booted, AgentState state) {
            this(installer, component, versions, boot, booted, state, null);
        }
    }

    /** {@code recoverySlot}: the config names one; {@code rollbackCommand}: the command installer can undo. */
    public record Abilities(boolean recoverySlot, boolean rollbackCommand) {
        public static final Abilities NONE = new Abilities(false, false);
    }

    /** The decision: one of these. */
    public sealed interface Decision {
    }

    public record AtTarget(String version) implements Decision {
    }

    public record Refuse(String reason) implements Decision {
    }

    public record WriteImage(Slot target, Slot previous) implements Decision {
    }

    public record RunCommand() implements Decision {
    }

    public record RollBack(Slot target, Slot previous) implements Decision {
    }

    private TaskPlanner() {
    }

    public static Decision plan(Instruction.Spec spec, Facts facts) {
        if (spec.action() == Action.ROLLBACK) {
            return rollback(facts);
        }
        if (!facts.component().equals(spec.component())) {
            return new Refuse("this node's installer handles component " + facts.component() + ", not "
                    + spec.component());
        }
        String current = facts.versions().get(spec.component());
        if (!Boolean.TRUE.equals(spec.force()) && current != null
                && VersionScheme.named(spec.versionScheme()).same(current, spec.version()) && sameImage(spec, facts)) {
            return new AtTarget(current);
        }
        if (facts.state().fellBackFrom(spec.component(), spec.version())) {
            return new Refuse(spec.component() + " " + spec.version() + " was rolled back by the bootloader on this "
                    + "node before; it is not retried without a new retry nonce");
        }
        Upgrade.InstallOptions options = spec.install();
        if (options != null && options.upgradeRecovery() && !facts.abilities().recoverySlot()) {
            return new Refuse("install.upgradeRecovery asks for the recovery slot, but this node has none "
                    + (facts.installer() == Installer.COMMAND ? "(the command installer writes no slots)"
                    : "(slots.recovery is not set in its agent config)"));
        }
        if (facts.installer() == Installer.COMMAND) {
            if (options != null && !options.upgradeActive()) {
                return new Refuse("the command installer cannot stage without switching (install.upgradeActive: "
                        + "false): its command installs and activates at once");
            }
            if (spec.isStageOnly()) {
                // one command installs and activates at once: running it ahead would disrupt outside the window
                return new Refuse("the command installer cannot stage ahead; remove strategy.staging from upgrade "
                        + spec.upgrade());
            }
            return new RunCommand();
        }
        Instruction.ImageRef image = spec.image();
        if (image == null || image.url() == null || image.sha256() == null || image.size() <= 0) {
            return new Refuse("the instruction names no image (url, sha256 and size are required for an A/B install)");
        }
        if (!image.sha256().matches("[0-9a-f]{64}")) {
            return new Refuse("the image sha256 is not 64 lowercase hex digits: " + image.sha256());
        }
        if (facts.booted() == null) {
            return new Refuse("cannot tell which slot is booted, so no slot is safe to write");
        }
        return new WriteImage(facts.booted().other(), facts.booted());
    }

    private static Decision rollback(Facts facts) {
        if (facts.installer() != Installer.AB_IMAGE) {
            return facts.abilities().rollbackCommand() ? new RunCommand()
                    : new Refuse("rollback needs A/B slots or command.rollback in the agent config; this node's "
                    + "command installer has no rollback command");
        }
        if (facts.booted() == null) {
            return new Refuse("cannot tell which slot is booted, so there is no previous slot to go back to");
        }
        Slot previous = facts.booted().other();
        if (facts.boot().state(previous) == SlotState.BAD || !facts.state().slotVersions().containsKey(previous.wire())
                && facts.boot().state(previous) != SlotState.GOOD) {
            return new Refuse("slot " + previous.wire() + " holds no good system to roll back to");
        }
        return new RollBack(previous, facts.booted());
    }

    /**
     * Whether the image the node runs is the instruction's, as far as the agent knows: a re-spun image under the same
     * version (another sha256) is installed, not skipped. Unknown on either side means the version decides.
     */
    static boolean sameImage(Instruction.Spec spec, Facts facts) {
        String running = null;
        if (facts.installer() == Installer.AB_IMAGE) {
            running = facts.booted() == null ? null : facts.state().slotDigests().get(facts.booted().wire());
        } else {
            running = facts.state().installedDigests().get(spec.component());
        }
        String wanted = spec.image() == null ? null : spec.image().sha256();
        return running == null || wanted == null || running.equalsIgnoreCase(wanted);
    }
}
