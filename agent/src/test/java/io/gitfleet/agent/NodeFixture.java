package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gitfleet.agent.testing.FakeReconciler;
import io.gitfleet.agent.testing.MisbehavingImageServer;
import io.gitfleet.agent.testing.RootfsImage;
import io.gitfleet.agent.testing.ZstdCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent's loop tests share: one v2 image per test class (a root-file-system-like file and its zstd form,
 * made once by the class's {@code @BeforeAll} through {@link #image}), and for every test a fake reconciler, an
 * image server serving that image, and the simulated node the test starts. After each test all three are closed
 * and every report the reconciler received must have been valid against the schema.
 */
abstract class NodeFixture {
    @TempDir
    static Path shared;
    static Path raw;
    static byte[] zst;
    static String sha;

    @TempDir
    Path dir;
    FakeReconciler reconciler;
    MisbehavingImageServer images;
    TestNode node;

    /** Makes the class's image: {@code bytes} long, {@code seed} picks its content. */
    static void image(long bytes, int seed) throws Exception {
        raw = RootfsImage.create(shared.resolve("v2.img"), bytes, seed);
        Path z = ZstdCli.compress(raw, shared.resolve("v2.img.zst"), "-3");
        zst = Files.readAllBytes(z);
        sha = RootfsImage.sha256(z);
    }

    @BeforeEach
    void servers() throws Exception {
        reconciler = new FakeReconciler("secret-token");
        images = new MisbehavingImageServer(zst);
    }

    @AfterEach
    void closeAll() throws Exception {
        if (node != null) {
            node.close();
        }
        reconciler.close();
        images.close();
        assertEquals(List.of(), reconciler.problems(), "every report is valid against the schema");
    }
}
