package io.gitfleet.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * gitfleet's one logging backend: every event of the reconciler and the agent, whether logged through the SLF4J API
 * (gitfleet's own code, JGit, Vert.x) or java.util.logging (bridged), becomes one line on stderr. {@code text}
 * reads like {@code 2026-11-30T05:00:01.120Z INFO  server: lease: replica-a acquired it}; under systemd (journald
 * sets {@code JOURNAL_STREAM}) the timestamp is left to the journal and the line starts with its priority
 * ({@code <6>}); {@code json} is one object per line. A failure's stack trace is printed only at {@code debug}:
 * otherwise its causes follow the message on the same line, so a broken setup repeats one line, not a screenful.
 */
public final class LogLine {
    public enum Level {
        ERROR(3), WARN(4), INFO(6), DEBUG(7);

        final int syslog;

        Level(int syslog) {
            this.syslog = syslog;
        }

        /** {@code --log-level}: error, warn, info, debug. */
        public static Level parse(String name) {
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("log level " + name + ": give error, warn, info or debug");
            }
        }
    }

    public enum Format {
        TEXT, JSON;

        /** {@code --log-format}: text or json. */
        public static Format parse(String name) {
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("log format " + name + ": give text or json");
            }
        }
    }

    private static volatile Level level = Level.INFO;
    private static volatile Format format = Format.TEXT;
    private static volatile boolean journal = System.getenv("JOURNAL_STREAM") != null;
    private static volatile PrintStream out = System.err;

    private LogLine() {
    }

    /** Sets the level and format for every logger, at once (loggers read them at each event). */
    public static void configure(Level newLevel, Format newFormat) {
        level = newLevel;
        format = newFormat;
        namedProvider();
        JulBridge.install(newLevel);
    }

    /**
     * As {@link #fromEnvironment()}, but java.util.logging is bridged in only when something first uses it (through
     * {@code java.util.logging.config.class}): starting java.util.logging makes the JDK look for a logger finder
     * on the class path, which opens every jar on it and keeps their central directories in the heap (1.8 MiB for
     * the agent's 25 jars, most of them JGit's, which an agent without {@code verifyGit} never loads). The agent
     * starts this way; nothing it runs at idle logs through java.util.logging.
     */
    public static void fromEnvironmentLazyJul() {
        Settings settings = environment();
        level = settings.level();
        format = settings.format();
        namedProvider();
        if (System.getProperty("java.util.logging.config.class") == null
                && System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.config.class", JulSetup.class.getName());
        }
    }

    /**
     * Names gitfleet's SLF4J backend outright: otherwise SLF4J finds it with a service lookup over the whole class
     * path, opening every jar on it (see {@link #fromEnvironmentLazyJul()}). An explicit {@code slf4j.provider}
     * wins.
     */
    private static void namedProvider() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", LineLogProvider.class.getName());
            // otherwise SLF4J says on stderr, at every start, that it loads the provider it was told to
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    /**
     * java.util.logging's configuration class (see {@link #fromEnvironmentLazyJul()}): bridges it in when it starts.
     */
    public static final class JulSetup {
        public JulSetup() throws java.io.IOException {
            // The documented way for a configuration class: hand java.util.logging its properties while it starts
            // (touching its loggers from here, in the middle of its start, is not safe).
            String properties = "handlers=" + JulBridge.class.getName() + "\n.level=" + JulBridge.julLevel(level)
                    + "\n";
            java.util.logging.LogManager.getLogManager().readConfiguration(
                    new java.io.ByteArrayInputStream(properties.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    /**
     * A process's start: {@code $GITFLEET_LOG_LEVEL} and {@code $GITFLEET_LOG_FORMAT} (default info, text), with
     * java.util.logging bridged in. A bad value is reported on one line and the default kept.
     */
    public static void fromEnvironment() {
        Settings settings = environment();
        configure(settings.level(), settings.format());
    }

    private record Settings(Level level, Format format) {
    }

    /** {@code $GITFLEET_LOG_LEVEL} and {@code $GITFLEET_LOG_FORMAT}; the defaults for a bad value. */
    private static Settings environment() {
        Level l = Level.INFO;
        Format f = Format.TEXT;
        try {
            String v = System.getenv("GITFLEET_LOG_LEVEL");
            l = v == null || v.isBlank() ? l : Level.parse(v);
            String fv = System.getenv("GITFLEET_LOG_FORMAT");
            f = fv == null || fv.isBlank() ? f : Format.parse(fv);
        } catch (IllegalArgumentException e) {
            System.err.println("gitfleet: " + e.getMessage() + " (from the environment); using " + l + " " + f);
        }
        return new Settings(l, f);
    }

    /**
     * Sends every line to {@code file} (appended) instead of stderr, for a process whose terminal tells another
     * story ({@code gitfleet demo}); {@link #toStderr()} puts it back. java.util.logging is bridged in too.
     */
    public static void toFile(java.nio.file.Path file) throws java.io.IOException {
        JulBridge.install(level);
        redirect(new PrintStream(java.nio.file.Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND), true, java.nio.charset.StandardCharsets.UTF_8), false);
    }

    public static void toStderr() {
        PrintStream old = out;
        redirect(System.err, System.getenv("JOURNAL_STREAM") != null);
        if (old != System.err) {
            old.close();
        }
    }

    /** For tests: where lines go, and whether to write for journald. */
    static void redirect(PrintStream to, boolean forJournal) {
        out = to;
        journal = forJournal;
    }

    public static boolean enabled(Level l) {
        return l.ordinal() <= level.ordinal();
    }

    public static void write(Level l, String logger, String message, Throwable error) {
        if (!enabled(l)) {
            return;
        }
        String name = shortName(logger);
        String line;
        if (format == Format.JSON) {
            StringBuilder b = new StringBuilder(128).append("{\"time\":\"").append(Instant.now())
                    .append("\",\"level\":\"").append(l.name().toLowerCase(Locale.ROOT)).append("\",\"logger\":");
            quote(b, name).append(",\"message\":");
            quote(b, oneLine(message));
            if (error != null) {
                quote(b.append(",\"error\":"), causes(error));
            }
            line = b.append('}').toString();
        } else {
            String text = name + ": " + oneLine(message) + (error == null ? "" : ": " + causes(error));
            line = journal ? "<" + l.syslog + ">" + text
                    : Instant.now() + " " + String.format("%-5s", l.name()) + " " + text;
        }
        PrintStream o = out;
        synchronized (o) {
            o.println(line);
            if (error != null && level == Level.DEBUG) {
                error.printStackTrace(o);
            }
        }
    }

    /** The message of a failure and of each of its causes, on one line. */
    static String causes(Throwable error) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = error; t != null && b.length() < 2000; t = t.getCause() == t ? null : t.getCause()) {
            if (b.length() > 0) {
                b.append("; caused by ");
            }
            b.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                b.append(": ").append(oneLine(t.getMessage()));
            }
        }
        return b.toString();
    }

    /** Control characters (newlines, terminal escapes) never reach the log: an event is one line. */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c == '\n' || c == '\r' || c == '\t' ? ' ' : Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    private static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    /** {@code io.gitfleet.reconciler.server.ReconcileLoop} → {@code ReconcileLoop}; library loggers keep theirs. */
    private static String shortName(String logger) {
        if (logger == null) {
            return "gitfleet";
        }
        return logger.startsWith("io.gitfleet.") ? logger.substring(logger.lastIndexOf('.') + 1) : logger;
    }
}
