package io.gitfleet.bench;

import java.time.Duration;

/**
 * How a benchmark refuses to print a figure it cannot trust: a failed check is one sentence and a non-zero exit,
 * and a run that outlives its deadline is stopped with a sentence naming what it was still waiting for.
 */
final class BenchCheck {
    /** Exit code of a run whose measurement cannot be trusted (a precondition or a result did not hold). */
    static final int INVALID = 1;
    /** Exit code of a valid run that missed a goal. */
    static final int GOAL_MISSED = 3;

    private static volatile String waitingFor = "starting";

    private BenchCheck() {
    }

    /** A check that did not hold: its message is the one sentence the run ends with. */
    static final class Failure extends RuntimeException {
        Failure(String sentence) {
            super(sentence);
        }
    }

    static void require(boolean holds, String sentence) {
        if (!holds) {
            throw new Failure(sentence);
        }
    }

    /** What the run is doing now, for the deadline's sentence. */
    static void step(String what) {
        waitingFor = what;
        System.out.println("  .. " + what);
    }

    /**
     * Ends the whole run with exit {@link #INVALID} once {@code limit} has passed, whatever it is blocked on; the
     * server process is stopped first ({@code cleanup}).
     */
    static void deadline(Duration limit, Runnable cleanup) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("FAIL: the run did not finish within " + limit.toMinutes() + " min; it was still "
                    + waitingFor + ".");
            System.out.flush();
            try {
                cleanup.run();
            } finally {
                Runtime.getRuntime().halt(INVALID);
            }
        }, "bench-deadline");
        t.setDaemon(true);
        t.start();
    }

    /** Prints the goal's verdict; returns whether it was met. */
    static boolean goal(boolean met, String text) {
        System.out.println((met ? "PASS: " : "FAIL: ") + text);
        return met;
    }
}
