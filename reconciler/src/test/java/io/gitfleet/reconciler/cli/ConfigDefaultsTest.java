package io.gitfleet.reconciler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Flag, then $GITFLEET_REPO, then the config file (a command's own key before a plain one), then the default. */
class ConfigDefaultsTest {
    @TempDir
    Path tmp;

    private StatusCommand parse(Map<String, String> env, String config, String... args) throws Exception {
        Path file = tmp.resolve("config");
        Files.writeString(file, config);
        CommandLine cli = new CommandLine(new GitfleetCommand());
        cli.setDefaultValueProvider(new ConfigDefaults(env, file));
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        return (StatusCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void precedence() throws Exception {
        String config = "repo=https://git.example/ops/fleet.git\nstatus.status-branch=ops/status\n";
        assertEquals("https://git.example/ops/fleet.git", parse(Map.of(), config, "status").source.remote.repo);
        assertEquals("ops/status", parse(Map.of(), config, "status").source.statusBranch);
        assertEquals("/srv/fleet", parse(Map.of("GITFLEET_REPO", "/srv/fleet"), config, "status").source.remote.repo);
        assertEquals("elsewhere", parse(Map.of("GITFLEET_REPO", "/srv/fleet"), config, "status", "--repo",
                "elsewhere").source.remote.repo);
        assertEquals(".", parse(Map.of(), "", "status").source.remote.repo);
        assertEquals("gitfleet/status", parse(Map.of(), "", "status").source.statusBranch);
    }
}
