package io.gitfleet.reconciler.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults an operator sets once instead of on every command: {@code $GITFLEET_REPO} for {@code --repo}, then the
 * config file ({@code $GITFLEET_CONFIG}, else {@code ~/.config/gitfleet/config}): Java properties whose keys are
 * option names without dashes ({@code repo=https://git.example/ops/fleet.git}, {@code status-branch=…},
 * {@code token-file=…}); a key may be limited to one command ({@code serve.listen=0.0.0.0:8080}). A flag on the
 * command line always wins.
 */
final class ConfigDefaults implements IDefaultValueProvider {
    private final Map<String, String> env;
    private final Properties file;
    private final Path path;

    ConfigDefaults(Map<String, String> env, Path path) {
        this.env = env;
        this.path = path;
        this.file = new Properties();
        if (path != null && Files.isRegularFile(path)) {
            try (Reader r = Files.newBufferedReader(path)) {
                file.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException("config file " + path + ": cannot be read (" + e.getMessage() + ")");
            }
        }
    }

    static ConfigDefaults fromEnvironment() {
        Map<String, String> env = System.getenv();
        String explicit = env.get("GITFLEET_CONFIG");
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return new ConfigDefaults(env, explicit != null && !explicit.isEmpty() ? Path.of(explicit)
                : base.resolve("gitfleet").resolve("config"));
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String key = option.longestName().replaceFirst("^-+", "");
        if (key.equals("repo") && env.get("GITFLEET_REPO") != null && !env.get("GITFLEET_REPO").isEmpty()) {
            return env.get("GITFLEET_REPO");
        }
        String command = option.command() == null ? null : option.command().name();
        String scoped = command == null ? null : file.getProperty(command + "." + key);
        return scoped != null ? scoped : file.getProperty(key);
    }

    Path path() {
        return path;
    }
}
