package io.gitfleet.reconciler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitfleet.reconciler.catalog.CatalogFetchSettings;
import io.gitfleet.reconciler.catalog.CatalogRefusedException;
import io.gitfleet.reconciler.catalog.FetchCatalogCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A url catalog chooses the images nodes install: from the command line, no host is trusted unless named. */
class CatalogOptionsTest {
    private static CatalogRefusedException refused(CatalogFetchSettings settings, String url) {
        return assertThrows(CatalogRefusedException.class, () -> new FetchCatalogCommand(
                FetchCatalogCommand.client(settings)).setSettings(settings).setUrl(url).call());
    }

    @Test
    void withoutTheOptionEveryUrlCatalogIsRefusedBeforeAnyRequest() {
        CatalogFetchSettings none = new CatalogOptions().settings();
        CatalogRefusedException e = refused(none, "https://catalogs.example.net/os.yaml");
        assertTrue(e.getMessage().contains("url catalogs are fetched only from the hosts listed in "
                + "--catalog-allowed-hosts, and none is listed (host catalogs.example.net)"), e.getMessage());
    }

    @Test
    void listedHostsOrAStarAreAllowed() {
        CatalogOptions listed = new CatalogOptions();
        listed.allowedHosts = List.of("catalogs.example.net");
        assertEquals(List.of("catalogs.example.net"), listed.settings().allowedHosts());
        assertTrue(refused(listed.settings(), "https://other.example.net/os.yaml").getMessage()
                .contains("host other.example.net is not one of the allowed hosts"));
        CatalogOptions star = new CatalogOptions();
        star.allowedHosts = List.of("*");
        assertTrue(star.settings().anyHost());
    }
}
