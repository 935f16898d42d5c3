package io.gitfleet.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The debian scheme against dpkg itself: thousands of generated version pairs, each compared by
 * {@code dpkg --compare-versions} and by {@link DebianScheme}; every answer must agree.
 */
class DebianSchemeIT {
    private static final int PAIRS = 3000;
    private static final String CHARS = "0123456789..~~++aaZz";

    @Test
    void ordersEveryGeneratedPairAsDpkgDoes(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")), "dpkg is the oracle of this test");
        Random rnd = new Random(Long.getLong("gitfleet.dpkg.seed", 1406L));
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            String a = version(rnd);
            // half the pairs are near each other (one edit apart), where the order is hardest
            String b = rnd.nextBoolean() ? version(rnd) : mutate(a, rnd);
            assertTrue(VersionScheme.DEBIAN.parses(a), a);
            assertTrue(VersionScheme.DEBIAN.parses(b), b);
            pairs.add(new String[] {a, b});
        }
        List<String> dpkg = dpkgOrder(dir, pairs);
        int equal = 0;
        for (int i = 0; i < PAIRS; i++) {
            String[] p = pairs.get(i);
            int c = VersionScheme.DEBIAN.compare(p[0], p[1]);
            String ours = c < 0 ? "lt" : c == 0 ? "eq" : "gt";
            equal += c == 0 ? 1 : 0;
            assertEquals(dpkg.get(i), ours, p[0] + " vs " + p[1]);
        }
        assertTrue(equal > 10, "the pairs must include equal versions written differently: " + equal);
        System.out.printf("debian scheme: %d pairs agree with dpkg --compare-versions (%d equal)%n", PAIRS, equal);
    }

    private static String version(Random rnd) {
        StringBuilder b = new StringBuilder();
        if (rnd.nextInt(4) == 0) {
            b.append(rnd.nextInt(3)).append(':');
        }
        b.append(rnd.nextInt(12));
        int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            b.append(CHARS.charAt(rnd.nextInt(CHARS.length())));
        }
        if (rnd.nextInt(3) == 0) {
            b.append('-').append(rnd.nextInt(3));
            int m = rnd.nextInt(3);
            for (int i = 0; i < m; i++) {
                b.append(CHARS.charAt(rnd.nextInt(CHARS.length())));
            }
        }
        return b.toString();
    }

    /** One small edit: a zero-padded number, an added or dropped tilde, an explicit epoch or revision. */
    private static String mutate(String v, Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> v.contains(":") ? v : "0:" + v;
            case 1 -> v.replaceFirst("(\\d+)", "0$1");
            case 2 -> v.contains("-") ? v : v + "-0";
            case 3 -> v.contains("-") ? v + "~" : v + "~rc1";
            default -> v + (rnd.nextBoolean() ? "a" : ".0");
        };
    }

    /** dpkg's answer for every pair, lt, eq or gt, from one shell running dpkg per pair. */
    private static List<String> dpkgOrder(Path dir, List<String[]> pairs) throws IOException, InterruptedException {
        Path input = dir.resolve("pairs");
        StringBuilder text = new StringBuilder();
        pairs.forEach(p -> text.append(p[0]).append(' ').append(p[1]).append('\n'));
        Files.writeString(input, text, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("sh", "-c", "while read a b; do "
                + "if dpkg --compare-versions \"$a\" lt \"$b\"; then echo lt; "
                + "elif dpkg --compare-versions \"$a\" eq \"$b\"; then echo eq; else echo gt; fi; done < pairs")
                .directory(dir.toFile()).redirectError(dir.resolve("warnings").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0, out);
        // dpkg warns about versions it finds doubtful; every generated one must be fine by it
        assertEquals("", Files.readString(dir.resolve("warnings")));
        List<String> lines = out.lines().toList();
        assertEquals(pairs.size(), lines.size(), "dpkg printed something else: " + out.substring(0,
                Math.min(2000, out.length())));
        return lines;
    }
}
