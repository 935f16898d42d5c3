package io.gitfleet.reconciler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ForgeUrlsTest {
    @Test
    void compareUrlsOfKnownForges() {
        assertEquals("https://github.com/ops/fleet/compare/main...gitfleet/promote-x?expand=1",
                ForgeUrls.compare("git@github.com:ops/fleet.git", "main", "gitfleet/promote-x"));
        assertEquals("https://github.com/ops/fleet/compare/main...b?expand=1",
                ForgeUrls.compare("https://github.com/ops/fleet", "main", "b"));
        assertEquals("https://gitlab.com/g/sub/fleet/-/merge_requests/new?merge_request[source_branch]=b"
                + "&merge_request[target_branch]=main", ForgeUrls.compare("ssh://git@gitlab.com/g/sub/fleet.git",
                "main", "b"));
        assertEquals("https://codeberg.org/ops/fleet/compare/main...b",
                ForgeUrls.compare("https://user@codeberg.org/ops/fleet.git", "main", "b"));
        assertNull(ForgeUrls.compare("/srv/git/fleet.git", "main", "b"));
        assertNull(ForgeUrls.compare("https://git.internal/ops/fleet.git", "main", "b"));
    }

    @Test
    void theRepositoryOnItsForgeIsThePathOfTheRemote() {
        assertEquals("ops/fleet", ForgeUrls.repository("git@github.com:ops/fleet.git"));
        assertEquals("ops/fleet", ForgeUrls.repository("https://github.com/ops/fleet"));
        assertEquals("g/sub/fleet", ForgeUrls.repository("ssh://git@gitlab.example:2222/g/sub/fleet.git"));
        assertEquals("ops/fleet", ForgeUrls.repository("https://x-access-token@git.internal/ops/fleet.git/"));
        assertNull(ForgeUrls.repository("/srv/git/fleet.git"));
        assertNull(ForgeUrls.repository("file:///srv/git/fleet.git"));
    }
}
