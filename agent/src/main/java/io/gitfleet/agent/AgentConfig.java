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

/**
 * The agent's configuration file (YAML). docs/agent.md is the reference; every field has a safe default.
 * {@code components} is either the list of components this agent reports and installs, or (the older form, kept
 * working) a map of fixed versions beside the one component that the top-level {@code installer}, {@code component}
 * and {@code command} describe: see {@link #managed()}.
 */
public record AgentConfig(String server, String node, String tokenFile, String stateDir, String installer,
                          String component, List<ComponentConfig> components, Slots slots, BootloaderConfig bootloader,
                          String root, Reboot reboot, Hooks hooks, CommandConfig command, Download download,
                          Poll poll, VerifyGit verifyGit, Loop loop, String maxWindow,
                          io.gitfleet.agent.install.AgentTls.Files tls) {
    public AgentConfig {
        components = components == null ? List.of() : List.copyOf(components);
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
                    .readValue(listedComponents(SafeYaml.parse(Files.readAllBytes(file)).tree()));
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
        p.addAll(componentProblems());
        if (stateDir == null) {
            p.add("stateDir is required (e.g. /var/lib/gitfleet-agent)");
        }
        if (forServer && (server == null || tokenFile == null)) {
            p.add("server and tokenFile are required to talk to the reconciler");
        }
        if (managed().stream().anyMatch(c -> c.kind() == Installer.AB_IMAGE)) {
            if (slots == null || slots.a() == null || slots.b() == null) {
                p.add("slots.a and slots.b are required for the ab-image installer");
            }
            if (bootloader == null || bootloader.path() == null
                    || !List.of("grub-env", "file").contains(bootloader.type())) {
                p.add("bootloader needs type (grub-env or file) and path");
            }
        }
        for (ComponentConfig c : managed()) {
            CommandConfig cmd = c.command();
            if (c.kind() != Installer.COMMAND || cmd == null) {
                continue;
            }
            String at = listed() ? "components (" + c.name() + ").command" : "command";
            if (!COMMAND_MODES.contains(cmd.mode())) {
                p.add(at + ".mode must be one of switch, boot, test, not " + cmd.mode());
            }
            if (cmd.reboot() && "test".equals(cmd.mode())) {
                p.add(at + ".reboot: true contradicts " + at + ".mode: test (a reboot drops a test activation)");
            }
        }
        if (slots != null && slots.recovery() != null
                && managed().stream().noneMatch(c -> c.kind() == Installer.AB_IMAGE)) {
            p.add("slots.recovery needs the ab-image installer; the command installer writes no slots");
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
        p.addAll(io.gitfleet.agent.install.AgentTls.problems(tls));
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

    /**
     * {@code AB_IMAGE} when a component of this node uses the A/B slots (the node then reports its slots and window
     * cap), else {@code COMMAND}.
     */
    public Installer installerKind() {
        return abImage() != null ? Installer.AB_IMAGE : Installer.COMMAND;
    }

    /** The component installed into the A/B slots, or null. */
    public ComponentConfig abImage() {
        for (ComponentConfig c : managed()) {
            if (c.kind() == Installer.AB_IMAGE) {
                return c;
            }
        }
        return null;
    }

    /** The component named {@code name}, or null when this agent neither reports nor installs it. */
    public ComponentConfig component(String name) {
        for (ComponentConfig c : managed()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** Whether an entry of the {@code components} list names its installer: the list then says everything. */
    private boolean listed() {
        return components.stream().anyMatch(c -> c.installer() != null);
    }

    /**
     * Every component, in config order. With a list whose entries name installers, that list. Otherwise (the older,
     * single-component form) the top-level {@code installer} (default ab-image) installs {@code component}
     * (default os) with {@code command}, followed by the other entries, which are only reported; an entry named like
     * the installer's component gives it its probe or fixed version.
     */
    public List<ComponentConfig> managed() {
        if (listed()) {
            return components;
        }
        String name = component == null ? "os" : component;
        String kind = installer == null ? "ab-image" : installer;
        ComponentConfig.ProbeConfig probe = null;
        String fixed = null;
        List<ComponentConfig> out = new ArrayList<>(components.size() + 1);
        out.add(null);
        for (ComponentConfig c : components) {
            if (name.equals(c.name())) {
                probe = c.probe();
                fixed = c.version();
            } else {
                out.add(c);
            }
        }
        out.set(0, new ComponentConfig(name, kind, kind.equals("command") ? command : null, probe, null, fixed));
        return out;
    }

    private List<String> componentProblems() {
        List<String> p = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < components.size(); i++) {
            ComponentConfig c = components.get(i);
            String at = "components[" + i + "]" + (c.name() == null ? "" : " (" + c.name() + ")");
            p.addAll(c.problems(at));
            if (c.name() != null && !names.add(c.name())) {
                p.add("components: " + c.name() + " is listed twice");
            }
        }
        if (listed()) {
            if (installer != null || component != null || command != null) {
                p.add("installer, component and command go into each entry of components once an entry names its "
                        + "installer; remove them from the top level");
            }
            List<String> ab = components.stream().filter(c -> c.kind() == Installer.AB_IMAGE)
                    .map(ComponentConfig::name).toList();
            if (ab.size() > 1) {
                p.add("components: only one component can use the ab-image installer (the node has one pair of "
                        + "slots), not " + String.join(" and ", ab));
            }
            return p;
        }
        if (component != null && !component.matches(ComponentConfig.NAME)) {
            p.add("component must be a lowercase component name (like os), not '" + component + "'");
        }
        String kind = installer == null ? "ab-image" : installer;
        if (kind.equals("command") && (command == null || command.argv().isEmpty())) {
            p.add("command.argv is required for the command installer");
        } else if (!List.of("ab-image", "command").contains(kind)) {
            p.add("installer must be ab-image or command, not " + kind);
        }
        return p;
    }

    /**
     * The older form {@code components: {kubernetes: v1.34.1}} (fixed versions by name) as list entries, so that one
     * record reads both.
     */
    private static tools.jackson.databind.JsonNode listedComponents(tools.jackson.databind.JsonNode tree) {
        if (tree instanceof tools.jackson.databind.node.ObjectNode root
                && root.get("components") instanceof tools.jackson.databind.node.ObjectNode fixed) {
            tools.jackson.databind.node.ArrayNode list = root.arrayNode();
            for (var e : fixed.properties()) {
                list.addObject().put("name", e.getKey()).set("version", e.getValue());
            }
            root.set("components", list);
        }
        return tree;
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
