package io.gitfleet.demo;

import io.gitfleet.reconciler.cli.GitfleetCommand;
import io.gitfleet.reconciler.cli.PlanCommand;
import io.gitfleet.reconciler.cli.UsageException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gitfleet demo [--keep]}: the whole loop on this machine, from a pull request to a finished rollout. It ships
 * in a jar of its own ({@code demo/target/gitfleet-demo.jar}, which the {@code ./gitfleet} launcher runs for
 * {@code demo}) so that the reconciler's jar carries no demo code and no zstd.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, version = "gitfleet 0.1.0",
        description = "Run the whole loop on this machine: a fleet repo, the reconciler, 9 agents, "
                + "and an operator's pull request, merge, promotion and retry.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keep", description = "leave everything running at the end (for the dashboard); Ctrl-C stops")
    boolean keep;

    @Option(names = "--dir", paramLabel = "DIR", description = "keep the demo's files here (default: a temp dir)")
    Path dir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "the reconciler's port on 127.0.0.1 (default 8080, or any free one)")
    int port;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(GitfleetCommand.execute(new CommandLine(new DemoCommand()).setCommandName("gitfleet demo"), args,
                new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    @Override
    public Integer call() throws Exception {
        Path home = home();
        Path agentJar = Path.of(System.getenv().getOrDefault("GITFLEET_AGENT_JAR",
                home.resolve("agent/target/gitfleet-agent.jar").toString()));
        if (!Files.isRegularFile(agentJar)) {
            throw new UsageException("the agent is not built (" + agentJar + "); run ./gitfleet demo from the project, "
                    + "which builds it");
        }
        Path example = home.resolve("example-fleet-repo");
        PrintWriter out = spec.commandLine().getOut();
        Demo demo = new Demo(new Demo.Options(keep, dir, port, example, agentJar, PlanCommand::render,
                System.console() != null), out);
        AtomicReference<Thread> main = new AtomicReference<>(Thread.currentThread());
        Thread cleanup = new Thread(() -> {
            try {
                demo.close();
            } catch (Exception e) {
                System.err.println("gitfleet demo: cleanup: " + e.getMessage());
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return demo.run();
        } finally {
            if (main.get() == Thread.currentThread()) {
                Runtime.getRuntime().removeShutdownHook(cleanup);
                demo.close();
            }
        }
    }

    /** The project folder: where example-fleet-repo and the agent's jar are. */
    private static Path home() throws Exception {
        String given = System.getenv("GITFLEET_HOME");
        if (given != null) {
            return Path.of(given);
        }
        Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (Path p = jar; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("example-fleet-repo"))) {
                return p;
            }
        }
        return Path.of("").toAbsolutePath();
    }
}
