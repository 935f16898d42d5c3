package io.gitfleet.agent.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Makes real images with the {@code zstd} command line tool, as image builders do. */
public final class ZstdCli {
    private ZstdCli() {
    }

    /** {@code zstd ARGS < input > output}: from stdin the size is unknown, so --long windows stay as asked. */
    public static Path compress(Path input, Path output, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(binary(), "-q", "-c"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectInput(input.toFile()).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("zstd " + String.join(" ", args) + " failed: " + err);
        }
        return output;
    }

    /** Several independent frames one after the other (what {@code cat a.zst b.zst} gives). */
    public static Path multiFrame(Path input, Path output, int frames, String... args)
            throws IOException, InterruptedException {
        byte[] all = Files.readAllBytes(input);
        int part = (all.length + frames - 1) / frames;
        Files.write(output, new byte[0]);
        for (int i = 0; i < frames; i++) {
            Path piece = output.resolveSibling(output.getFileName() + ".part" + i);
            int from = Math.min(all.length, i * part);
            int to = Math.min(all.length, from + part);
            Files.write(piece, java.util.Arrays.copyOfRange(all, from, to));
            Path z = compress(piece, output.resolveSibling(output.getFileName() + ".z" + i), args);
            Files.write(output, Files.readAllBytes(z), java.nio.file.StandardOpenOption.APPEND);
        }
        return output;
    }

    public static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, "zstd");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail("the zstd command line tool is not installed (Debian: apt-get install zstd; ./test installs it)");
    }
}
