package io.gitfleet.agent;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.gitfleet.agent.install.DownloadSettings;
import io.gitfleet.agent.install.ZstdWindow;
import io.gitfleet.agent.state.TaskPlanner.Installer;
import io.gitfleet.schema.Documents;
import io.gitfleet.schema.Durations;
import io.gitfleet.schema.SafeYaml;
import io.gitfleet.schema.YamlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;

/** The agent's configuration file (YAML). docs/agent.md is the reference; every field has a safe default. */
public record AgentConfig(String server, String node, String tokenFile, String stateDir, String installer,
                          String component, Map<String, String> components, Slots slots, BootloaderConfig bootloader,
                          String root, Reboot reboot, Hooks hooks, CommandConfig command, Download download,
                          Poll poll, VerifyGit verifyGit, Loop loop, String maxWindow) {
    public AgentConfig {
        installer = installer == null ? "ab-image" : installer;
        component = component == null ? "os" : component;
        components = components == null ? Map.of() : Map.copyOf(components);
        root = root == null ? "/" : root;
        reboot = reboot == null ? new Reboot(null, null) : reboot;
        hooks = hooks == null ? new Hooks(null, null, null) : hooks;
        download = download == null ? new Download(null, null, null, null, null) : download;
        poll = poll == null ? new Poll(null, null, null, null) : poll;
        loop = loop == null ? new Loop(null, null) : loop;
    }

    /** {@code recovery}: a slot written only on {@code install.upgradeRecovery}, never booted by gitfleet. */
    public record Slots(String a, String b, String recovery) {
        @JsonCreator
        public Slots {
        }

        public Slots(String a, String b) {
            this(a, b, null);
        }
    }

    /** {@code type: grub-env} (with {@code editenv}, default grub-editenv) or {@code type: file}. */
    public record BootloaderConfig(String type, String path, String editenv) {
    }

    public record Reboot(List<String> command, String timeout) {
        public Reboot {
            command = command == null ? List.of("systemctl", "reboot") : List.copyOf(command);
            timeout = timeout == null ? "10m" : timeout;
        }
    }

    /**
     * Shell command lines around every disruption: {@code preReboot} before it, {@code health} after a boot (all
     * must exit 0), {@code postSuccess}, {@code onFailure}, {@code onCancel} once a task ended that way. {@code drain}
     * and {@code uncordon} are one line each, paired: the uncordon runs only when gitfleet's drain did the
     * cordoning, which {@code cordonCheck} tells (exit 0: already cordoned by someone else; 1: not cordoned).
     */
    public record Hooks(List<String> preReboot, List<String> health, String timeout, List<String> postSuccess,
                        List<String> onFailure, List<String> onCancel, String drain, String uncordon,
                        String cordonCheck) {
        @JsonCreator
        public Hooks {
            preReboot = preReboot == null ? List.of() : List.copyOf(preReboot);
            health = health == null ? List.of() : List.copyOf(health);
            timeout = timeout == null ? "5m" : timeout;
            postSuccess = postSuccess == null ? List.of() : List.copyOf(postSuccess);
            onFailure = onFailure == null ? List.of() : List.copyOf(onFailure);
            onCancel = onCancel == null ? List.of() : List.copyOf(onCancel);
        }

        public Hooks(List<String> preReboot, List<String> health, String timeout) {
            this(preReboot, health, timeout, null, null, null, null, null, null);
        }
    }

    /** The activation modes a command installer may be run in (nixos-rebuild's words). */
    public static final List<String> COMMAND_MODES = List.of("switch", "boot", "test");

    /**
     * The command installer: argv (no shell) with {placeholders} from the image payload; {@code mode} (switch, boot,
     * test) is passed as {mode}; {@code rollback} undoes the last install; {@code reboot: true} always reboots
     * afterwards, otherwise the command asks for it (exit code 100 or the reboot-required file).
     */
    public record CommandConfig(List<String> argv, String timeout, Boolean reboot, List<String> rollback,
                                String mode) {
        @JsonCreator
        public CommandConfig {
            argv = argv == null ? List.of() : List.copyOf(argv);
            timeout = timeout == null ? "1h" : timeout;
            reboot = Boolean.TRUE.equals(reboot);
            rollback = rollback == null ? List.of() : List.copyOf(rollback);
            mode = mode == null ? "switch" : mode;
        }

        public CommandConfig(List<String> argv, String timeout, Boolean reboot) {
            this(argv, timeout, reboot, null, null);
        }
    }

    public record Download(Long minBytesPerSecond, String lowSpeedTime, String connectTimeout, Integer maxAttempts,
                           String retryCap) {
    }

    /** {@code longPoll}: how long the server may hold an idle round trip; {@code progressInterval}: reports while working. */
    public record Poll(String longPoll, String progressInterval, String backoffMin, String backoffMax) {
        public Poll {
            longPoll = longPoll == null ? "30s" : longPoll;
            progressInterval = progressInterval == null ? "2s" : progressInterval;
            backoffMin = backoffMin == null ? "1s" : backoffMin;
            backoffMax = backoffMax == null ? "60s" : backoffMax;
        }
    }

    public record VerifyGit(String url, String branch) {
        public VerifyGit {
            branch = branch == null ? "main" : branch;
        }
    }

    public record Loop(Integer limit, Integer transferLimit) {
    }

    public static AgentConfig load(Path file) throws IOException {
        AgentConfig config;
        try {
            // A misspelt key must not silently fall back to a default: unknown fields are errors here.
            config = Documents.MAPPER.readerFor(AgentConfig.class)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(SafeYaml.parse(Files.readAllBytes(file)).tree());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (YamlException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new IOException(file + ": cannot be read as an agent config: " + e.getOriginalMessage(), e);
        }
        List<String> problems = config.problems(false);
        if (!problems.isEmpty()) {
            throw new IOException(file + ": " + String.join("; ", problems));
        }
        return config;
    }

    /** What is missing or wrong; {@code forServer} also requires the reconciler fields. */
    public List<String> problems(boolean forServer) {
        List<String> p = new ArrayList<>();
        if (node == null || !node.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            p.add("node must be the node's name (a DNS label)");
        }
        components.forEach((name, version) -> {
            if (!name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?") || version == null || version.length() > 128) {
                p.add("components: '" + name + "' must be a lowercase name with a version of at most 128 characters");
            }
        });
        if (stateDir == null) {
            p.add("stateDir is required (e.g. /var/lib/gitfleet-agent)");
        }
        if (forServer && (server == null || tokenFile == null)) {
            p.add("server and tokenFile are required to talk to the reconciler");
        }
        switch (installer) {
            case "ab-image" -> {
                if (slots == null || slots.a() == null || slots.b() == null) {
                    p.add("slots.a and slots.b are required for the ab-image installer");
                }
                if (bootloader == null || bootloader.path() == null
                        || !List.of("grub-env", "file").contains(bootloader.type())) {
                    p.add("bootloader needs type (grub-env or file) and path");
                }
            }
            case "command" -> {
                if (command == null || command.argv().isEmpty()) {
                    p.add("command.argv is required for the command installer");
                }
                if (command != null && !COMMAND_MODES.contains(command.mode())) {
                    p.add("command.mode must be one of switch, boot, test, not " + command.mode());
                }
                if (command != null && command.reboot() && "test".equals(command.mode())) {
                    p.add("command.reboot: true contradicts command.mode: test (a reboot drops a test activation)");
                }
                if (slots != null && slots.recovery() != null) {
                    p.add("slots.recovery needs the ab-image installer; the command installer writes no slots");
                }
            }
            default -> p.add("installer must be ab-image or command, not " + installer);
        }
        List<String> durations = new ArrayList<>(List.of(reboot.timeout(), hooks.timeout(), poll.longPoll(),
                poll.progressInterval(), poll.backoffMin(), poll.backoffMax()));
        if (command != null) {
            durations.add(command.timeout());
        }
        for (String d : new String[] {download.lowSpeedTime(), download.connectTimeout(), download.retryCap()}) {
            if (d != null) {
                durations.add(d);
            }
        }
        for (String d : durations) {
            try {
                Durations.parse(d);
            } catch (IllegalArgumentException e) {
                p.add("not a duration (like 90s, 15m, 1h30m): " + d);
            }
        }
        p.addAll(hookProblems(hooks));
        if (slots != null && slots.recovery() != null
                && (slots.recovery().equals(slots.a()) || slots.recovery().equals(slots.b()))) {
            p.add("slots.recovery must be a device of its own, not slot a or b");
        }
        if (reboot.command().isEmpty()) {
            p.add("reboot.command must not be empty");
        }
        if (maxWindow != null && parseBytes(maxWindow) < 1024) {
            p.add("maxWindow must be a size of at least 1KiB, like 128MiB or 1GiB, not " + maxWindow);
        }
        return p;
    }

    private static List<String> hookProblems(Hooks hooks) {
        List<String> p = new ArrayList<>();
        Map<String, List<String>> lists = new java.util.LinkedHashMap<>();
        lists.put("preReboot", hooks.preReboot());
        lists.put("health", hooks.health());
        lists.put("postSuccess", hooks.postSuccess());
        lists.put("onFailure", hooks.onFailure());
        lists.put("onCancel", hooks.onCancel());
        lists.forEach((name, lines) -> {
            if (lines.stream().anyMatch(l -> l == null || l.isBlank())) {
                p.add("hooks." + name + " holds an empty line; each entry is a shell command");
            }
        });
        if (blank(hooks.drain()) != blank(hooks.uncordon())) {
            p.add("hooks.drain and hooks.uncordon go together: what gitfleet cordons it must be able to uncordon");
        }
        if (!blank(hooks.cordonCheck()) && blank(hooks.drain())) {
            p.add("hooks.cordonCheck needs hooks.drain (it tells whether the drain's cordon is gitfleet's)");
        }
        return p;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The largest zstd window (decompression memory) an image may ask for; zstd's own default, 128 MiB, if unset. */
    public long maxWindowBytes() {
        return maxWindow == null ? ZstdWindow.DEFAULT_MAX : parseBytes(maxWindow);
    }

    /** "134217728", "128MiB", "128M", "1GiB", "1G", "512KiB"; -1 when it is none of these. */
    static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            return -1;
        }
        int shift = switch (m.group(2).toUpperCase(java.util.Locale.ROOT)) {
            case "K", "KIB" -> 10;
            case "M", "MIB" -> 20;
            case "G", "GIB" -> 30;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            return n > Long.MAX_VALUE >> shift ? -1 : n << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(|B|K|KiB|M|MiB|G|GiB)", Pattern.CASE_INSENSITIVE);

    public Installer installerKind() {
        return installer.equals("command") ? Installer.COMMAND : Installer.AB_IMAGE;
    }

    public DownloadSettings downloadSettings() {
        DownloadSettings d = DownloadSettings.DEFAULTS;
        return new DownloadSettings(duration(download.connectTimeout(), d.connectTimeout()), d.responseTimeout(),
                download.minBytesPerSecond() == null ? d.minBytesPerSecond() : download.minBytesPerSecond(),
                duration(download.lowSpeedTime(), d.lowSpeedTime()),
                download.maxAttempts() == null ? d.maxAttempts() : download.maxAttempts(), d.retryBase(),
                duration(download.retryCap(), d.retryCap()), d.maxRestarts());
    }

    public static Duration duration(String text, Duration fallback) {
        return text == null ? fallback : Durations.parse(text);
    }
}
