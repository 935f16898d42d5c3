package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.agent.install.CommandLine;
import io.gitfleet.agent.install.InstallException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void fillsEachTemplateAsOneArgument() throws Exception {
        assertEquals(List.of("nixos-rebuild", "switch", "--flake", "github:org/fleet?rev=abc def#node-1"),
                CommandLine.fill(List.of("nixos-rebuild", "switch", "--flake", "{flakeRef}?rev={flakeRev}#{node}"),
                        Map.of("flakeRef", "github:org/fleet", "flakeRev", "abc def", "node", "node-1")));
    }

    @Test
    void refusesMissingValuesAndOptionLookalikes() {
        var missing = assertThrows(InstallException.class, () -> CommandLine.fill(List.of("{ref}"), Map.of()));
        assertTrue(missing.reason().contains("needs {ref}"));
        var option = assertThrows(InstallException.class,
                () -> CommandLine.fill(List.of("rpm-ostree", "rebase", "{ref}"), Map.of("ref", "--experimental")));
        assertTrue(option.reason().contains("may not start with '-'"));
    }
}
