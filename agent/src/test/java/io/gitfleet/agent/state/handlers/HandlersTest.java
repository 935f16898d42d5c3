package io.gitfleet.agent.state.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.AgentConfig;
import io.gitfleet.agent.state.Event;
import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.TransitionTable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dispatch map against the transition table: who handles each state, and what it may fire there. */
class HandlersTest {
    /** Events that come from outside a handler (the loop, a restart) or that every working state allows. */
    private static final Set<Event> NOT_A_HANDLERS_OWN = EnumSet.of(Event.INSTRUCT, Event.RESTART, Event.FAIL,
            Event.CANCEL);

    private Map<State, Handlers.Entry> entries;

    @BeforeEach
    void build() throws Exception {
        AgentConfig config = AgentConfig.load(Path.of("examples/agent.yaml"));
        StepContext ctx = new StepContext(config, null, null, null, null, null, null, null);
        entries = new Handlers(ctx, new DisruptionHooks(ctx, () -> { })).entries();
    }

    @Test
    void everyWorkingStateHasExactlyOneHandlerAndNoEndedStateHasOne() {
        Set<State> working = Arrays.stream(State.values()).filter(s -> !s.terminal())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(State.class)));
        assertEquals(working, entries.keySet());
        for (State s : working) {
            assertTrue(entries.get(s).handler() != null, s + " has no handler");
        }
    }

    @Test
    void aHandlerProducesOnlyEventsTheTableAllowsFromItsState() {
        entries.forEach((state, entry) -> {
            assertFalse(entry.events().isEmpty(), state + " lists no events");
            for (Event e : entry.events()) {
                assertTrue(TransitionTable.next(state, e).isPresent(),
                        "the handler of " + state + " lists " + e + ", which the table does not allow there");
            }
            assertFalse(entry.events().contains(Event.RESTART), "RESTART is the loop's, not " + state + "'s handler's");
            assertFalse(entry.events().contains(Event.INSTRUCT), "INSTRUCT is the loop's");
        });
    }

    @Test
    void everyTransitionOfTheTableIsFiredBySomeHandler() {
        TransitionTable.rows().forEach((state, row) -> {
            if (state.terminal()) {
                return;
            }
            for (Event e : row.keySet()) {
                if (!NOT_A_HANDLERS_OWN.contains(e) || e == Event.CANCEL && !state.cancellable()) {
                    assertTrue(entries.get(state).events().contains(e),
                            state + " on " + e + " is in the table, but its handler never produces it");
                }
            }
        });
    }

    @Test
    void statesTheTableTreatsAlikeShareOneHandler() {
        assertEquals(entries.get(State.DOWNLOADING).handler(), entries.get(State.WRITING).handler());
        assertEquals(entries.get(State.REBOOTING).handler(), entries.get(State.ROLLBACK_REBOOTING).handler());
    }
}
