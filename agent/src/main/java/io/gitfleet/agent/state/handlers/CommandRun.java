package io.gitfleet.agent.state.handlers;

import io.gitfleet.agent.AgentConfig;
import io.gitfleet.agent.ComponentConfig;

import io.gitfleet.agent.health.ProcessResult;
import io.gitfleet.agent.health.RunProcessCommand;
import io.gitfleet.agent.install.CommandLine;
import io.gitfleet.agent.install.InstallException;
import io.gitfleet.agent.state.AtomicFile;
import io.gitfleet.agent.state.Task;
import io.gitfleet.schema.Action;
import io.gitfleet.schema.Documents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run of the command installer's install (or rollback) command. Scalars fill {@code {placeholders}}; the whole
 * payload (lists and maps too, e.g. a list of packages) goes as one JSON document to stdin and to the file named
 * by {@code GITFLEET_PAYLOAD}. The command says that a reboot is needed by exiting with {@value #REBOOT_EXIT_CODE}
 * or by creating the file named by {@code GITFLEET_REBOOT_REQUIRED}; mode {@code boot} always reboots, mode
 * {@code test} never does (a reboot would drop a test activation).
 */
public final class CommandRun {
    /** Success, and the new system needs a reboot to take effect. */
    public static final int REBOOT_EXIT_CODE = 100;
    public static final String PAYLOAD_FILE = "command-payload.json";
    public static final String REBOOT_FILE = "reboot-required";

    /** How the run ended: its process result, whether it succeeded, whether the node must reboot now. */
    record Outcome(ProcessResult result, boolean ok, boolean reboot) {
    }

    private final StepContext ctx;
    private final Task task;

    CommandRun(StepContext ctx, Task task) {
        this.ctx = ctx;
        this.task = task;
    }

    /** The filled argv; a missing or unsafe value fails here, before anything (the drain included) ran. */
    List<String> argv() throws InstallException {
        ComponentConfig component = ctx.component(task);
        AgentConfig.CommandConfig command = component.command();
        boolean undo = task.spec().action() == Action.ROLLBACK;
        return CommandLine.fill(undo ? command.rollback() : command.argv(), values(command.mode()));
    }

    Outcome call() throws IOException, InterruptedException, InstallException {
        ComponentConfig component = ctx.component(task);
        AgentConfig.CommandConfig command = component.command();
        Map<String, Object> values = values(command.mode());
        List<String> argv = argv();
        Path stateDir = Path.of(ctx.config().stateDir());
        Path payload = stateDir.resolve(PAYLOAD_FILE);
        Path rebootFile = stateDir.resolve(REBOOT_FILE);
        Map<String, Object> document = new LinkedHashMap<>();
        for (String key : List.of("upgrade", "component", "version", "node", "mode", "url", "sha256")) {
            document.put(key, key.equals("url") || key.equals("sha256") ? (task.spec().image() == null ? null
                    : key.equals("url") ? task.spec().image().url() : task.spec().image().sha256()) : values.get(key));
        }
        document.put("attempt", task.spec().attempt());
        document.put("action", task.spec().action().name().toLowerCase(Locale.ROOT));
        document.put("payload", task.spec().image() == null || task.spec().image().payload() == null ? Map.of()
                : task.spec().image().payload());
        AtomicFile.write(payload, Documents.toJsonBytes(document));
        // left over from an earlier run (or a crash): only this run may ask for a reboot
        Files.deleteIfExists(rebootFile);
        Map<String, String> env = new HashMap<>(ctx.hookEnv(task));
        env.put("GITFLEET_MODE", command.mode());
        env.put("GITFLEET_PAYLOAD", payload.toString());
        env.put("GITFLEET_REBOOT_REQUIRED", rebootFile.toString());
        ctx.machine().updateTask(t -> t.message("running: " + String.join(" ", argv)));
        ctx.link().checkpoint(true);
        ProcessResult result = new RunProcessCommand(argv).setTimeout(AgentConfig.duration(command.timeout(), null))
                .setEnvironment(env).setInput(payload)
                .setHeartbeat(() -> ctx.link().checkpoint(false), ctx.progressInterval()).call();
        boolean asked = !result.timedOut() && result.exitCode() == REBOOT_EXIT_CODE || Files.exists(rebootFile);
        boolean ok = result.ok() || !result.timedOut() && result.exitCode() == REBOOT_EXIT_CODE;
        Files.deleteIfExists(rebootFile);
        boolean reboot = !"test".equals(command.mode())
                && (component.rebootAfter() || "boot".equals(command.mode()) || asked);
        return new Outcome(result, ok, ok && reboot);
    }

    /** The scalar placeholders: the payload's own keys, then the instruction's (which win). */
    private Map<String, Object> values(String mode) {
        Map<String, Object> values = new LinkedHashMap<>();
        var image = task.spec().image();
        if (image != null && image.payload() != null) {
            values.putAll(image.payload());
        }
        if (image != null) {
            values.put("url", image.url());
            values.put("sha256", image.sha256());
        }
        values.put("version", task.spec().version());
        values.put("node", ctx.config().node());
        values.put("component", task.spec().component());
        values.put("upgrade", task.spec().upgrade());
        values.put("mode", mode);
        return values;
    }
}
