package io.gitfleet.reconciler.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogCacheTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void keepsBodyEtagAndTimePerUrlAndReplacesWholeFiles() throws Exception {
        CatalogCache cache = new CatalogCache(tmp.resolve("catalogs"));
        String a = "https://catalogs.example.net/os.yaml";
        String b = "https://catalogs.example.net/os.yaml?channel=edge";
        assertTrue(cache.read(a).isEmpty(), "nothing cached yet, not even the directory");

        byte[] body = "kind: Catalog\n\n\nbinary\0and blank lines".getBytes(StandardCharsets.UTF_8);
        cache.write(a, new CachedCatalog(body, "\"v1\"", T0));
        cache.write(b, new CachedCatalog(new byte[0], null, T0));
        CachedCatalog read = cache.read(a).orElseThrow();
        assertArrayEquals(body, read.body());
        assertEquals("\"v1\"", read.etag());
        assertEquals(T0, read.fetchedAt());
        assertNull(cache.read(b).orElseThrow().etag());

        cache.write(a, new CachedCatalog("new".getBytes(StandardCharsets.UTF_8), "\"v2\"", T0.plusSeconds(60)));
        assertEquals("new", new String(cache.read(a).orElseThrow().body(), StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.list(cache.dir())) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertEquals(2, names.size(), "one file per URL, no temporary file left: " + names);
            assertTrue(names.stream().allMatch(n -> n.matches("[0-9a-f]{64}\\.catalog")), names.toString());
        }
    }

    @Test
    void aFileItDidNotWriteIsNoCopy() throws Exception {
        CatalogCache cache = new CatalogCache(tmp);
        String url = "https://catalogs.example.net/os.yaml";
        Files.writeString(cache.file(url), "half a header");
        assertTrue(cache.read(url).isEmpty());
    }
}
