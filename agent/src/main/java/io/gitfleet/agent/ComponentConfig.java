package io.gitfleet.agent;

import io.gitfleet.agent.probe.VersionProbe;
import io.gitfleet.agent.state.TaskPlanner.Installer;
import io.gitfleet.schema.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One component the agent reports and, with an {@code installer}, installs: {@code ab-image} (the node's A/B slots)
 * or {@code command}. Its version comes from its {@code probe} (read from the machine), else from a fixed
 * {@code version}, else from what the agent itself installed. {@code reboot}: whether the command installer reboots
 * afterwards (the A/B installer always does).
 */
public record ComponentConfig(String name, String installer, AgentConfig.CommandConfig command, ProbeConfig probe,
                              Boolean reboot, String version) {
    static final String NAME = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

    /**
     * A version probe: exactly one of {@code osRelease} (a key such as VERSION_ID or IMAGE_VERSION; {@code path}
     * names the file, default the booted root's etc/os-release then usr/lib/os-release), {@code file} (its whole
     * content, trimmed) or {@code command} (argv, no shell; {@code regex}'s first group picks the version from the
     * output; {@code timeout} default 10s).
     */
    public record ProbeConfig(String osRelease, String path, String file, List<String> command, String regex,
                              String timeout) {
        static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

        List<String> problems(String at) {
            List<String> p = new ArrayList<>();
            int kinds = (osRelease != null ? 1 : 0) + (file != null ? 1 : 0) + (command != null ? 1 : 0);
            if (kinds != 1) {
                p.add(at + " must have exactly one of osRelease, file or command");
                return p;
            }
            if (osRelease != null && !osRelease.matches("[A-Z][A-Z0-9_]*")) {
                p.add(at + ".osRelease must be an os-release key such as VERSION_ID or IMAGE_VERSION, not '"
                        + osRelease + "'");
            }
            if (path != null && osRelease == null) {
                p.add(at + ".path goes with osRelease; a file probe names its file in file");
            }
            if (file != null && file.isBlank()) {
                p.add(at + ".file must name a file");
            }
            if (command != null && (command.isEmpty() || command.stream().anyMatch(a -> a == null || a.isEmpty()))) {
                p.add(at + ".command must be a non-empty argv list, like [kubelet, --version]");
            }
            if (regex != null && command == null) {
                p.add(at + ".regex goes with command");
            }
            if (regex != null) {
                try {
                    if (Pattern.compile(regex).matcher("").groupCount() < 1) {
                        p.add(at + ".regex must have a capture group, the version: like 'v([0-9.]+)', not '"
                                + regex + "'");
                    }
                } catch (PatternSyntaxException e) {
                    p.add(at + ".regex is not a regular expression: " + e.getDescription() + " in '" + regex + "'");
                }
            }
            if (timeout != null && command == null) {
                p.add(at + ".timeout goes with command");
            }
            if (timeout != null) {
                try {
                    if (Durations.parse(timeout).isZero()) {
                        p.add(at + ".timeout must be longer than 0");
                    }
                } catch (IllegalArgumentException e) {
                    p.add(at + ".timeout is not a duration (like 10s, 1m): " + timeout);
                }
            }
            return p;
        }

        /** The probe; {@code root} is the booted root (the config's {@code root}) whose os-release is read. */
        VersionProbe build(String root) {
            if (osRelease != null) {
                List<Path> files = path != null ? List.of(Path.of(path))
                        : List.of(Path.of(root, "etc/os-release"), Path.of(root, "usr/lib/os-release"));
                return new VersionProbe.OsRelease(osRelease, files);
            }
            if (file != null) {
                return new VersionProbe.FileContent(Path.of(file));
            }
            return new VersionProbe.Command(command, regex == null ? null : Pattern.compile(regex),
                    timeout == null ? DEFAULT_TIMEOUT : Durations.parse(timeout));
        }
    }

    /** Which installer installs this component; null when it is only reported. */
    public Installer kind() {
        if (installer == null) {
            return null;
        }
        return switch (installer) {
            case "command" -> Installer.COMMAND;
            case "ab-image" -> Installer.AB_IMAGE;
            default -> null;
        };
    }

    /** Whether the node reboots after this component's install. */
    public boolean rebootAfter() {
        if (kind() == Installer.AB_IMAGE) {
            return true;
        }
        return reboot != null ? reboot : command != null && command.reboot();
    }

    List<String> problems(String at) {
        List<String> p = new ArrayList<>();
        if (name == null || !name.matches(NAME)) {
            p.add(at + ".name must be a lowercase component name (like os or kubernetes)"
                    + (name == null ? "" : ", not '" + name + "'"));
        }
        if (installer != null && !List.of("ab-image", "command").contains(installer)) {
            p.add(at + ".installer must be ab-image or command, not " + installer);
        }
        if ("command".equals(installer) && (command == null || command.argv().isEmpty())) {
            p.add(at + ".command.argv is required for the command installer");
        }
        if (command != null && !"command".equals(installer)) {
            p.add(at + ".command goes with installer: command");
        }
        if (reboot != null && !"command".equals(installer)) {
            p.add(at + ".reboot goes with installer: command (the ab-image installer always reboots)");
        }
        if (version != null && (version.isBlank() || version.length() > 128)) {
            p.add(at + ".version must be a version of at most 128 characters");
        }
        if (version != null && (probe != null || installer != null)) {
            p.add(at + ".version is a fixed version for a component the agent neither probes nor installs; "
                    + "remove it or the probe and installer");
        }
        if (command != null) {
            try {
                Durations.parse(command.timeout());
            } catch (IllegalArgumentException e) {
                p.add(at + ".command.timeout is not a duration (like 90s, 15m, 1h30m): " + command.timeout());
            }
        }
        if (probe != null) {
            p.addAll(probe.problems(at + ".probe"));
        }
        return p;
    }
}
