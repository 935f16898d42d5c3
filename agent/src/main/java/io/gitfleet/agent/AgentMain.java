package io.gitfleet.agent;

import io.gitfleet.agent.state.State;
import io.gitfleet.agent.state.Task;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Instruction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gitfleet-agent --config FILE} runs the agent; {@code gitfleet-agent install …} installs once by hand. */
@Command(name = "gitfleet-agent", mixinStandardHelpOptions = true, subcommands = AgentMain.Install.class,
        versionProvider = AgentMain.Version.class,
        description = "The gitfleet node agent: reports to the reconciler and installs what it is told.")
public final class AgentMain implements Callable<Integer> {
    @Option(names = "--config", description = "the agent config (YAML)")
    Path config;

    /** {@code --version}: the jar's Implementation-Version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gitfleet-agent " + ReportBuilder.AGENT_VERSION};
        }
    }
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        io.gitfleet.log.LogLine.fromEnvironmentLazyJul();
        io.gitfleet.agent.install.HttpImageSource.tune();
        HeapReport.startIfAsked();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        // The service's own command line skips picocli: its classes are Java 5 class files, which the class-data
        // archive cannot hold, so a node would load and verify ~170 of them at every start and keep them resident.
        int code = args.length == 2 && args[0].equals("--config") ? serve(args[1], err) : run(out, err, args);
        io.gitfleet.agent.install.HttpImageSource.releaseSelectorThreads();
        System.exit(code);
    }

    /** Exit codes: 0 done, 1 the operation failed, 2 bad usage or bad input. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        // The same for an install with a plain command line (a short run, where picocli's start is a large part of
        // the time); anything else, help and mistakes included, goes through picocli.
        Install plain = Install.plain(args);
        if (plain != null) {
            return plain.execute(out, err);
        }
        CommandLine cli = new CommandLine(new AgentMain()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println(sentence(e));
            return 1;
        });
        return cli.execute(args);
    }

    /** What a failure says to the person at the terminal: I/O failures are sentences already. */
    static String sentence(Exception e) {
        if (e instanceof io.gitfleet.agent.state.StateSaveException save) {
            return save.reason();
        }
        return e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException ? e.getMessage()
                : e.toString();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (config == null) {
            err.println("--config FILE is required");
            return 2;
        }
        return serve(config.toString(), err);
    }

    /** The node agent until it is stopped. Exit codes: 0 stopped, 1 failed, 2 bad config. */
    static int serve(String config, PrintWriter err) {
        try {
            return runService(Path.of(config), err);
        } catch (InterruptedException e) {
            // SIGTERM: the shutdown hook stopped the agent mid round trip; a stop is not an error
            AgentLog.info("stopped");
            return 0;
        } catch (Exception e) {
            // As picocli's handler above: one sentence, no stack trace.
            err.println(sentence(e));
            return 1;
        }
    }

    private static int runService(Path config, PrintWriter err) throws Exception {
        AgentConfig cfg;
        try {
            cfg = AgentConfig.load(config);
        } catch (java.io.IOException e) {
            err.println(e.getMessage());
            return 2;
        }
        var problems = cfg.problems(true);
        if (!problems.isEmpty()) {
            err.println(config + ": " + String.join("; ", problems));
            return 2;
        }
        // plain http: a client without TLS at all (the JDK's default context costs ~800 classes at idle)
        HttpClient.Builder http = cfg.server() != null && cfg.server().toLowerCase(java.util.Locale.ROOT)
                .startsWith("http://") ? NoTlsContext.builderFor(cfg.server())
                : HttpClient.newBuilder().sslContext(io.gitfleet.agent.install.AgentTls.context(cfg.tls()));
        ReconcilerClient client = new ReconcilerClient(http.connectTimeout(Duration.ofSeconds(15)).build(),
                cfg.server(), cfg.node(), Path.of(cfg.tokenFile())).setTls(cfg.tls());
        Agent agent = new Agent(cfg, NodeSetup.fromConfig(cfg), client, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
                RandomGenerator.getDefault(), t -> { });
        Runtime.getRuntime().addShutdownHook(new Thread(agent::stop, "stop"));
        agent.run();
        return 0;
    }

    // No standard help mixin here: its -V/--version would clash with --version (the image's version).
    @Command(name = "install",
            description = "Write an image into the inactive slot and set it to boot once (like rauc install). "
                    + "Exit 0 only when the slot is written, verified and set for the next boot.")
    static final class Install implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the agent config (YAML)")
        Path config;
        @Option(names = "--image", required = true, description = "image URL (http, https or file)")
        String image;
        @Option(names = "--sha256", required = true, description = "SHA-256 of the image file as served")
        String sha256;
        @Option(names = "--size", required = true, description = "expanded size of the image in bytes")
        long size;
        @Option(names = "--version", description = "the version the image holds (recorded for reports)")
        String version;
        @Option(names = "--force", description = "write even if the booted slot already holds --version")
        boolean force;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return call(spec.commandLine().getOut(), spec.commandLine().getErr());
        }

        /**
         * {@code install} followed only by its options, each once and as {@code --name value} (the value not
         * starting with '-', the size in plain digits), the required ones present; null for anything else.
         */
        static Install plain(String... args) {
            if (args.length < 7 || !args[0].equals("install")) {
                return null;
            }
            Install install = new Install();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 1; i < args.length; i++) {
                String name = args[i];
                if (!seen.add(name)) {
                    return null;
                }
                if (name.equals("--force")) {
                    install.force = true;
                    continue;
                }
                if (i + 1 == args.length || args[i + 1].startsWith("-")) {
                    return null;
                }
                String value = args[++i];
                switch (name) {
                    case "--config" -> install.config = Path.of(value);
                    case "--image" -> install.image = value;
                    case "--sha256" -> install.sha256 = value;
                    case "--size" -> {
                        if (!value.matches("[0-9]{1,18}")) {
                            return null;
                        }
                        install.size = Long.parseLong(value);
                    }
                    case "--version" -> install.version = value;
                    default -> {
                        return null;
                    }
                }
            }
            return seen.containsAll(java.util.List.of("--config", "--image", "--sha256", "--size")) ? install : null;
        }

        /** {@link #call()} with picocli's handling of an exception: one line, exit code 1. */
        int execute(PrintWriter out, PrintWriter err) {
            try {
                return call(out, err);
            } catch (Exception e) {
                err.println(sentence(e));
                return 1;
            }
        }

        private int call(PrintWriter out, PrintWriter err) throws Exception {
            AgentConfig cfg;
            try {
                cfg = AgentConfig.load(config);
            } catch (java.io.IOException e) {
                err.println(e.getMessage());
                return 2;
            }
            if (cfg.abImage() == null) {
                err.println("install needs the ab-image installer; no component of " + config + " uses it");
                return 2;
            }
            if (size <= 0 || !sha256.matches("[0-9a-fA-F]{64}")) {
                err.println("--size must be positive and --sha256 64 hex digits");
                return 2;
            }
            String v = version == null ? "unknown" : version;
            Instruction.Spec spec = new Instruction.Spec("manual", 0, null, Action.INSTALL, cfg.abImage().name(), v, null,
                    new Instruction.ImageRef(image, sha256.toLowerCase(java.util.Locale.ROOT), size, Map.of()),
                    null, force);
            Agent agent = new Agent(cfg, NodeSetup.fromConfig(cfg), null, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
                    RandomGenerator.getDefault(), t -> { });
            long started = System.nanoTime();
            Task done = agent.installOnce(spec);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (done.state() == State.REBOOTING) {
                out.printf("slot %s written and verified (%d bytes in %.2f s, %.0f MB/s); it boots once on the next "
                        + "reboot. The agent marks it good after its health checks.%n", done.target().wire(), size,
                        seconds, size / 1e6 / seconds);
                return 0;
            }
            if (done.state() == State.SKIPPED) {
                err.println("nothing written: " + done.message() + " (use --force to write it anyway)");
                return 1;
            }
            err.println("install failed: " + done.failureReason());
            return 1;
        }
    }
}
