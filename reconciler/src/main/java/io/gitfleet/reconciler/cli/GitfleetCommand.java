package io.gitfleet.reconciler.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The {@code gitfleet} command line. Exit codes: 0 success, 1 the operation failed, 2 bad usage or input.
 * {@code --help} and {@code --version} work on every command ({@code gitfleet serve --help}).
 */
@Command(name = "gitfleet", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "gitfleet 0.1.0",
        description = "Upgrades the operating system of a fleet of machines through Git.",
        footer = "%nThe whole loop on one machine: ./gitfleet demo (from the project folder; its own jar).",
        subcommands = {ValidateCommand.class, PlanCommand.class, ServeCommand.class,
                ReconcileCommand.class, StatusCommand.class, GetCommand.class, DescribeCommand.class, NodesCommand.class,
                HistoryCommand.class, WaitCommand.class, VersionCommand.class, CompletionCommand.class,
                IntentCommand.Pause.class,
                IntentCommand.Resume.class, IntentCommand.Promote.class, IntentCommand.Cancel.class,
                IntentCommand.Rollback.class, IntentCommand.Retry.class})
public final class GitfleetCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. gitfleet validate DIR");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; never lets a stack trace reach the user. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(new CommandLine(new GitfleetCommand()), args, out, err);
    }

    /**
     * Runs {@code cli} with the exit codes and error lines of every gitfleet command; public for commands shipped in
     * jars of their own ({@code gitfleet demo}).
     */
    public static int execute(CommandLine cli, String[] args, PrintWriter out, PrintWriter err) {
        cli.setOut(out);
        cli.setErr(err);
        try {
            cli.setDefaultValueProvider(ConfigDefaults.fromEnvironment());
        } catch (UsageException e) {
            err.println("gitfleet: " + e.getMessage());
            return 2;
        }
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UsageException) {
                err.println("gitfleet: " + e.getMessage());
                return 2;
            }
            err.println("gitfleet: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (System.getenv("GITFLEET_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        });
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
