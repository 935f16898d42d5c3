package io.gitfleet.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures boots as the host sees them (from QEMU's start, or from the console line where a reboot began, to the
 * guest's "userspace up" line) and as the guest sees them (its uptime when its init runs). Figures for
 * docs/vm-suite.md; nothing is asserted on them.
 */
final class BootClock {
    private static final Pattern UPTIME = Pattern.compile("userspace up ([0-9.]+)s");
    private final long origin = System.nanoTime();
    private final List<String> lines = new ArrayList<>();
    private long bootStarted = origin;

    void started() {
        bootStarted = System.nanoTime();
    }

    void userspace(String what, Vm.Line line) {
        Matcher m = UPTIME.matcher(line.text());
        String kernel = m.find() ? m.group(1) + " s in the kernel and initramfs" : "";
        lines.add(String.format(Locale.ROOT, "  %-44s %5.1f s to userspace (%s)", what, seconds(bootStarted), kernel));
    }

    /** Time since the boot being measured started. */
    void lap(String what) {
        lines.add(String.format(Locale.ROOT, "  %-44s %5.1f s after it", what, seconds(bootStarted)));
    }

    void event(String what) {
        lines.add(String.format(Locale.ROOT, "  %-44s at %5.1f s", what, seconds(origin)));
    }

    String report() {
        return String.join("\n", lines);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
