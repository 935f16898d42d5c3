package io.gitfleet.reconciler.cli;

import io.gitfleet.schema.UpgradePhase;
import io.gitfleet.schema.UpgradeStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gitfleet wait UPGRADE --for PHASE --timeout D}: for CI, waits until the status branch shows the upgrade in
 * that phase (exit 0), or in a phase it cannot leave by itself, or the time is up (exit 1). Each look re-reads
 * the status branch (a URL is fetched again; a local clone is read as it is, so point --repo at the remote).
 */
@Command(name = "wait", description = "Wait until an upgrade reaches a phase (exit 0), fails or times out (exit 1).")
final class WaitCommand implements Callable<Integer> {
    /** Phases an upgrade does not leave without a new commit: waiting on past them is pointless. */
    static final Set<UpgradePhase> SETTLED = EnumSet.of(UpgradePhase.Succeeded, UpgradePhase.Failed,
            UpgradePhase.Rejected, UpgradePhase.Cancelled, UpgradePhase.RolledBack);

    @Parameters(paramLabel = "UPGRADE")
    String name;

    @Option(names = "--for", paramLabel = "PHASE", defaultValue = "Succeeded",
            description = "the phase to wait for (default ${DEFAULT-VALUE}): ${COMPLETION-CANDIDATES}")
    UpgradePhase phase;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", description = "default 30m")
    String timeout;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5s",
            description = "how often to look (default 5s)")
    String interval;

    @Mixin
    StatusSource source;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration limit = UsageException.duration("--timeout", timeout);
        Duration every = UsageException.duration("--interval", interval);
        long deadline = System.nanoTime() + limit.toNanos();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        UpgradePhase last = null;
        while (true) {
            Optional<UpgradeStatus> u;
            try (StatusSource.Opened opened = source.open()) {
                u = opened.head() == null ? Optional.empty() : opened.read().upgrade(name);
            }
            UpgradePhase now = u.map(x -> x.status().phase()).orElse(null);
            if (now != last && now != null) {
                UpgradeStatus.State s = u.get().status();
                out.println(name + ": " + now + " " + Render.progress(s)
                        + (s.message() == null ? "" : " (" + s.message() + ")"));
                out.flush();
                last = now;
            }
            if (now == phase) {
                return 0;
            }
            if (now != null && SETTLED.contains(now)) {
                err.println("gitfleet: " + name + " is " + now + ", which it does not leave without a new commit; "
                        + "it will not become " + phase);
                return 1;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                err.println("gitfleet: " + name + " is " + (now == null ? "not on the status branch" : now)
                        + " after " + timeout + ", not " + phase);
                return 1;
            }
            Thread.sleep(Math.min(every.toMillis(), Math.max(1, left / 1_000_000)));
        }
    }
}
