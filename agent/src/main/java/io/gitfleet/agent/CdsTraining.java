package io.gitfleet.agent;

import com.github.luben.zstd.ZstdOutputStream;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.DocumentReader;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Instruction;
import io.gitfleet.schema.Report;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The training run behind the packaged launcher's class-data archive: does once, in a scratch folder, what the
 * agent does at every start and on every install (config, report and instruction JSON, one round trip, a small
 * A/B install), so the JVM that runs it with {@code -XX:ArchiveClassesAtExit} archives those classes. Touches
 * nothing outside its scratch folder and the loopback interface.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("gitfleet-cds");
        if (args.length == 1 && args[0].equals("--service")) {
            trainService(dir);
            return;
        }
        try {
            int code = train(dir);
            io.gitfleet.agent.install.HttpImageSource.releaseSelectorThreads();
            System.exit(code);
        } finally {
            deleteTree(dir);
        }
    }

    static int train(Path dir) throws Exception {
        StringWriter sink = new StringWriter();
        PrintWriter out = new PrintWriter(sink);
        AgentMain.run(out, out, "--help");

        byte[] image = new byte[1 << 20];
        new Random(1).nextBytes(image);
        Path zst = dir.resolve("image.zst");
        try (OutputStream z = new ZstdOutputStream(Files.newOutputStream(zst))) {
            z.write(image, 0, image.length / 2);
            z.write(new byte[image.length / 2]);
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(zst)));
        for (String slot : new String[] {"a", "b"}) {
            Files.write(dir.resolve("slot-" + slot), new byte[2 << 20]);
        }
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "node: training\nstateDir: " + dir.resolve("state") + "\ninstaller: ab-image\n"
                + "slots: {a: " + dir.resolve("slot-a") + ", b: " + dir.resolve("slot-b") + "}\n"
                + "bootloader: {type: file, path: " + dir.resolve("boot.json") + "}\n"
                + "server: http://127.0.0.1:1\ntokenFile: " + dir.resolve("token") + "\n");
        Files.writeString(dir.resolve("token"), "training\n");
        int code = AgentMain.run(out, out, "install", "--config", config.toString(), "--image",
                zst.toUri().toString(), "--sha256", sha, "--size", Integer.toString(image.length), "--version", "v1");

        AgentConfig cfg = AgentConfig.load(config);
        Instruction instruction = Instruction.of("training", new Instruction.Spec("training", 1, null, Action.INSTALL,
                "os", "v2", "0".repeat(40), new Instruction.ImageRef("https://images.example/os.img.zst", sha,
                image.length, Map.of()), null, false));
        DocumentReader.read("training", Documents.toJsonBytes(instruction), Instruction.class, null);
        roundTrip(cfg, dir);
        return code;
    }

    /**
     * The service as a node runs it ({@code --config FILE}), until its second idle report reaches a loopback
     * listener that answers 204 and then ends the process: the classes an idle agent holds, and no more, so that
     * the archive made from them maps only what the agent touches.
     */
    private static void trainService(Path dir) throws Exception {
        ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                deleteTree(dir);
            } catch (IOException e) {
                // A scratch folder in the temporary folder: left for the system to clean.
            }
        }, "training-cleanup"));
        Thread answer = new Thread(() -> {
            try {
                for (int report = 1; ; report++) {
                    try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                        in.read(new byte[65536]);
                        s.getOutputStream().write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                    if (report == 2) {
                        System.exit(0);
                    }
                }
            } catch (IOException e) {
                System.exit(1);
            }
        }, "training-server");
        answer.setDaemon(true);
        answer.start();
        for (String slot : new String[] {"a", "b"}) {
            Files.write(dir.resolve("slot-" + slot), new byte[1 << 20]);
        }
        Files.writeString(dir.resolve("token"), "training\n");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "node: training\nstateDir: " + dir.resolve("state") + "\n"
                + "slots: {a: " + dir.resolve("slot-a") + ", b: " + dir.resolve("slot-b") + "}\n"
                + "bootloader: {type: file, path: " + dir.resolve("boot.json") + "}\n"
                + "server: http://127.0.0.1:" + server.getLocalPort() + "\ntokenFile: " + dir.resolve("token") + "\n");
        AgentMain.main(new String[] {"--config", config.toString()});
    }

    /** One report to a loopback listener that answers 204, as the reconciler does when there is nothing to do. */
    private static void roundTrip(AgentConfig cfg, Path dir) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    byte[] buf = new byte[65536];
                    in.read(buf);
                    s.getOutputStream().write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // The training only loads classes; a lost answer costs nothing but a timeout.
                }
            }, "training-server");
            answer.start();
            // The service's client for an http:// server, as the agent builds it; an https:// server's TLS classes
            // are archived too, from a default client that is built and not used.
            HttpClient.newBuilder().build();
            ReconcilerClient client = new ReconcilerClient(NoTlsContext.builderFor("http://127.0.0.1")
                    .connectTimeout(Duration.ofSeconds(5)).build(), "http://127.0.0.1:" + server.getLocalPort(),
                    cfg.node(), dir.resolve("token"));
            Report report = Report.of(cfg.node(), new Report.Status(ReportBuilder.AGENT_VERSION, Map.of("os", "v1"),
                    null, new Report.Health(true, "ok"), null, null));
            try {
                client.roundTrip(report, Duration.ZERO, Duration.ofSeconds(5));
            } catch (ServerUnavailableException | ServerRejectedException e) {
                // As above: the classes are loaded either way.
            }
            answer.join(5000);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
