package io.gitfleet.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.boot.Slot;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEverythingThatMustSurviveAReboot() throws Exception {
        StateStore store = new StateStore(dir);
        var spec = new Instruction.Spec("os-2", 3, "n", Action.INSTALL, "os", "v2.0.0", "c",
                new Instruction.ImageRef("http://x/i", "ab".repeat(32), 99, Map.of("k", "v")), null, true);
        Task task = Task.begin(spec, false, 5).enter(State.REBOOTING, 6).withSlots(Slot.B, Slot.A).armed("boot-1");
        AgentState state = AgentState.fresh().withTask(task).withSlotVersion("b", "v2.0.0")
                .withFailedVersion("os", "v1.9.0").withRetry("n", "os", "v9.9.9");
        store.save(state);
        assertEquals(state, store.load());
        assertTrue(Files.notExists(dir.resolve("state.json.tmp")), "the temporary file was renamed");
    }

    @Test
    void anUnreadableStateIsSetAsideLoudly() throws Exception {
        Files.writeString(dir.resolve("state.json"), "{\"task\": [");
        var e = assertThrows(java.io.IOException.class, () -> new StateStore(dir).load());
        assertTrue(e.getMessage().contains("is unreadable"));
        assertEquals(AgentState.fresh(), new StateStore(dir).load());
    }
}
