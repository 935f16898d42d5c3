package io.gitfleet.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Properties of the one transition table. */
class TransitionTableTest {
    @Test
    void everyWorkingStateCanFailAndEveryStateCanRestart() {
        for (State s : State.values()) {
            assertTrue(TransitionTable.next(s, Event.RESTART).isPresent(), s + " has no RESTART");
            if (!s.terminal()) {
                assertEquals(Optional.of(State.FAILED), TransitionTable.next(s, Event.FAIL), s.name());
            }
        }
    }

    @Test
    void onlyStatesBeforeTheBootSwitchCanBeCancelled() {
        for (State s : State.values()) {
            boolean cancellable = TransitionTable.next(s, Event.CANCEL).isPresent();
            if (s == State.STAGED) {
                // only a slot staged ahead (stage only, nothing armed) is dropped; the handler checks that
                assertTrue(cancellable, "a slot staged ahead can be dropped");
                continue;
            }
            assertEquals(s.cancellable(), cancellable, s.name());
            if (cancellable) {
                assertFalse(s.phase().pastBootSwitch(), s + " is past the boot switch");
            }
        }
    }

    @Test
    void aTransferThatDiesStartsOverAndAnythingPastTheSwitchResumesInPlace() {
        assertEquals(Optional.of(State.DOWNLOADING), TransitionTable.next(State.WRITING, Event.RESTART));
        assertEquals(Optional.of(State.DOWNLOADING), TransitionTable.next(State.VERIFYING, Event.RESTART));
        for (State s : EnumSet.of(State.STAGED, State.REBOOTING, State.CHECKING_HEALTH, State.ROLLBACK_STAGED,
                State.ROLLBACK_REBOOTING, State.RUNNING_COMMAND)) {
            assertEquals(Optional.of(s), TransitionTable.next(s, Event.RESTART), s.name());
        }
    }

    @Test
    void theBootSwitchIsOnlyReachedThroughVerification() {
        for (var row : TransitionTable.rows().entrySet()) {
            for (var cell : row.getValue().entrySet()) {
                if (cell.getValue() == State.STAGED && row.getKey() != State.STAGED) {
                    assertEquals(State.VERIFYING, row.getKey());
                    assertEquals(Event.VERIFIED, cell.getKey());
                }
            }
        }
    }

    @Test
    void everyStateIsReachableFromIdleAndEveryWorkingStateCanEnd() {
        Set<State> seen = EnumSet.of(State.IDLE);
        var queue = new ArrayDeque<State>(seen);
        while (!queue.isEmpty()) {
            for (State next : TransitionTable.rows().getOrDefault(queue.poll(), java.util.Map.of()).values()) {
                if (seen.add(next)) {
                    queue.add(next);
                }
            }
        }
        assertEquals(EnumSet.allOf(State.class), seen);
    }
}
