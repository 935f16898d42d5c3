package io.gitfleet.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.boot.BootEnv;
import io.gitfleet.agent.boot.Slot;
import io.gitfleet.agent.state.TaskPlanner.Installer;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.Report.SlotState;
import io.gitfleet.schema.Upgrade;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks before acting, case by case. */
class TaskPlannerTest {
    static final String SHA = "ab".repeat(32);
    final BootEnv boot = new BootEnv(Slot.A, null, SlotState.GOOD, SlotState.UNKNOWN, Slot.A, "1");
    final AgentState state = AgentState.fresh().withSlotVersion("a", "v1.0.0");

    static Instruction.Spec install(String version, Boolean force, String nonce) {
        return new Instruction.Spec("up", 1, nonce, Action.INSTALL, "os", version, "c",
                new Instruction.ImageRef("http://x/i.zst", SHA, 10, Map.of()), null, force);
    }

    TaskPlanner.Decision plan(Instruction.Spec spec, Installer installer, Slot booted, AgentState s) {
        return TaskPlanner.plan(spec, new TaskPlanner.Facts(installer, "os", Map.of("os", "v1.0.0"), boot, booted, s));
    }

    static Instruction.Spec withOptions(boolean active, boolean recovery) {
        return new Instruction.Spec("up", 1, null, Action.INSTALL, "os", "v2.0.0", "c",
                new Instruction.ImageRef("http://x/i.zst", SHA, 10, Map.of()),
                new Upgrade.InstallOptions(active, recovery), null);
    }

    TaskPlanner.Decision plan(Instruction.Spec spec, Installer installer, TaskPlanner.Abilities abilities) {
        return TaskPlanner.plan(spec, new TaskPlanner.Facts(installer, "os", Map.of("os", "v1.0.0"), boot, Slot.A,
                state, abilities));
    }

    @Test
    void installOptionsAreDoneOrRefusedNeverIgnored() {
        var none = TaskPlanner.Abilities.NONE;
        var recovery = new TaskPlanner.Abilities(true, false);
        assertEquals(new TaskPlanner.WriteImage(Slot.B, Slot.A), plan(withOptions(true, true), Installer.AB_IMAGE,
                recovery));
        assertEquals(new TaskPlanner.WriteImage(Slot.B, Slot.A), plan(withOptions(false, false), Installer.AB_IMAGE,
                none), "staged without a switch: the slot is still written (StagedHandler stops before arming)");
        assertEquals(new TaskPlanner.Refuse("install.upgradeRecovery asks for the recovery slot, but this node has "
                + "none (slots.recovery is not set in its agent config)"), plan(withOptions(true, true),
                Installer.AB_IMAGE, none));
        assertEquals(new TaskPlanner.Refuse("install.upgradeRecovery asks for the recovery slot, but this node has "
                + "none (the command installer writes no slots)"), plan(withOptions(true, true), Installer.COMMAND,
                none));
        assertInstanceOf(TaskPlanner.Refuse.class, plan(withOptions(false, false), Installer.COMMAND, none));
        assertEquals(new TaskPlanner.RunCommand(), plan(withOptions(true, false), Installer.COMMAND, none));
    }

    @Test
    void aCommandNodeRollsBackOnlyWithARollbackCommand() {
        var rollback = new Instruction.Spec("up", 2, null, Action.ROLLBACK, "os", "v1.0.0", "c", null, null, null);
        assertEquals(new TaskPlanner.RunCommand(), plan(rollback, Installer.COMMAND,
                new TaskPlanner.Abilities(false, true)));
        assertInstanceOf(TaskPlanner.Refuse.class, plan(rollback, Installer.COMMAND, TaskPlanner.Abilities.NONE));
    }

    @Test
    void atTheTargetIsSkippedUnlessForced() {
        assertEquals(new TaskPlanner.AtTarget("v1.0.0"), plan(install("1.0.0", null, null), Installer.AB_IMAGE, Slot.A, state));
        assertEquals(new TaskPlanner.WriteImage(Slot.B, Slot.A),
                plan(install("v1.0.0", true, null), Installer.AB_IMAGE, Slot.A, state));
    }

    @Test
    void aReSpunImageUnderTheSameVersionIsWrittenNotSkipped() {
        AgentState sameImage = AgentState.fresh().withSlotImage("a", "v1.0.0", SHA);
        assertEquals(new TaskPlanner.AtTarget("v1.0.0"), plan(install("v1.0.0", null, null), Installer.AB_IMAGE,
                Slot.A, sameImage));
        AgentState olderBuild = AgentState.fresh().withSlotImage("a", "v1.0.0", "cd".repeat(32));
        assertEquals(new TaskPlanner.WriteImage(Slot.B, Slot.A), plan(install("v1.0.0", null, null),
                Installer.AB_IMAGE, Slot.A, olderBuild));
        AgentState commandBuild = AgentState.fresh().withInstalledImage("os", "v1.0.0", "cd".repeat(32));
        assertEquals(new TaskPlanner.RunCommand(), plan(install("v1.0.0", null, null), Installer.COMMAND, Slot.A,
                commandBuild));
    }

    @Test
    void sameVersionIsTheReconcilersRuleUnderTheInstructionsScheme() {
        // the agent once stripped a 'v' and compared text, so 1.0.0+build1 was a new version to it and not to the
        // reconciler
        assertEquals(new TaskPlanner.AtTarget("v1.0.0"), plan(install("1.0.0+build1", null, null),
                Installer.AB_IMAGE, Slot.A, state));
        var dotted = new Instruction.Spec("up", 1, null, Action.INSTALL, "os", "12.5.0", "c",
                new Instruction.ImageRef("http://x/i.zst", SHA, 10, Map.of()), null, null, "dotted");
        assertEquals(new TaskPlanner.AtTarget("12.5"), TaskPlanner.plan(dotted, new TaskPlanner.Facts(
                Installer.AB_IMAGE, "os", Map.of("os", "12.5"), boot, Slot.A, state)));
        var debian = new Instruction.Spec("up", 1, null, Action.INSTALL, "os", "1.0-0", "c",
                new Instruction.ImageRef("http://x/i.zst", SHA, 10, Map.of()), null, null, "debian");
        assertEquals(new TaskPlanner.AtTarget("0:1.0"), TaskPlanner.plan(debian, new TaskPlanner.Facts(
                Installer.AB_IMAGE, "os", Map.of("os", "0:1.0"), boot, Slot.A, state)));
    }

    @Test
    void stagingAheadNeedsSlotsTheCommandInstallerCannotStage() {
        Instruction.Spec ahead = new Instruction.Spec("up", 1, null, Action.INSTALL, "os", "v2.0.0", "c",
                new Instruction.ImageRef("http://x/i.zst", SHA, 10, Map.of()), null, null, null, true);
        assertEquals(new TaskPlanner.WriteImage(Slot.B, Slot.A), plan(ahead, Installer.AB_IMAGE, Slot.A, state));
        assertEquals(new TaskPlanner.Refuse("the command installer cannot stage ahead; remove strategy.staging from "
                + "upgrade up"), plan(ahead, Installer.COMMAND, Slot.A, state));
    }

    @Test
    void theInactiveSlotIsTheTarget() {
        assertEquals(new TaskPlanner.WriteImage(Slot.A, Slot.B), plan(install("v2.0.0", null, null),
                Installer.AB_IMAGE, Slot.B, state));
    }

    @Test
    void anUnknownBootedSlotIsRefused() {
        var d = plan(install("v2.0.0", null, null), Installer.AB_IMAGE, null, state);
        assertEquals(new TaskPlanner.Refuse("cannot tell which slot is booted, so no slot is safe to write"), d);
    }

    @Test
    void aVersionThatFellBackIsNotRetriedByItself() {
        AgentState fell = state.withFailedVersion("os", "v2.0.0");
        assertInstanceOf(TaskPlanner.Refuse.class, plan(install("v2.0.0", null, null), Installer.AB_IMAGE, Slot.A, fell));
        assertInstanceOf(TaskPlanner.Refuse.class, plan(install("v2.0.0", null, ""), Installer.AB_IMAGE, Slot.A, fell));
        AgentState retried = fell.withRetry("n1", "os", "v2.0.0");
        assertInstanceOf(TaskPlanner.WriteImage.class, plan(install("v2.0.0", null, "n1"), Installer.AB_IMAGE, Slot.A,
                retried));
    }

    @Test
    void anotherComponentIsRefused() {
        var spec = new Instruction.Spec("up", 1, null, Action.INSTALL, "kubernetes", "v1.35.0", "c", null, null, null);
        var d = (TaskPlanner.Refuse) plan(spec, Installer.AB_IMAGE, Slot.A, state);
        assertTrue(d.reason().contains("handles component os, not kubernetes"));
    }

    @Test
    void anInstallWithoutImageIsRefusedButTheCommandInstallerNeedsNone() {
        var spec = new Instruction.Spec("up", 1, null, Action.INSTALL, "os", "v2.0.0", "c", null, null, null);
        assertInstanceOf(TaskPlanner.Refuse.class, plan(spec, Installer.AB_IMAGE, Slot.A, state));
        assertEquals(new TaskPlanner.RunCommand(), plan(spec, Installer.COMMAND, Slot.A, state));
    }

    @Test
    void rollbackGoesToTheOtherSlotWhenItHoldsAGoodSystem() {
        var spec = new Instruction.Spec("up", 2, null, Action.ROLLBACK, "os", "v2.0.0", "c", null, null, null);
        AgentState both = state.withSlotVersion("b", "v2.0.0");
        BootEnv onB = new BootEnv(Slot.B, null, SlotState.GOOD, SlotState.GOOD, Slot.B, "2");
        assertEquals(new TaskPlanner.RollBack(Slot.A, Slot.B), TaskPlanner.plan(spec,
                new TaskPlanner.Facts(Installer.AB_IMAGE, "os", Map.of(), onB, Slot.B, both)));
        BootEnv badA = new BootEnv(Slot.B, null, SlotState.BAD, SlotState.GOOD, Slot.B, "2");
        assertInstanceOf(TaskPlanner.Refuse.class, TaskPlanner.plan(spec,
                new TaskPlanner.Facts(Installer.AB_IMAGE, "os", Map.of(), badA, Slot.B, both)));
        assertInstanceOf(TaskPlanner.Refuse.class, plan(spec, Installer.COMMAND, Slot.A, state));
    }
}
