package io.gitfleet.log;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * java.util.logging (older gitfleet code, the JDK) into {@link LogLine}: one backend, one line per event. Public only
 * so that java.util.logging can make it from its configuration ({@link LogLine.JulSetup}).
 */
public final class JulBridge extends Handler {
    public JulBridge() {
    }

    static void install(LogLine.Level level) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(julLevel(level));
        root.addHandler(new JulBridge());
    }

    static Level julLevel(LogLine.Level level) {
        return switch (level) {
            case ERROR -> Level.SEVERE;
            case WARN -> Level.WARNING;
            case INFO -> Level.INFO;
            case DEBUG -> Level.FINE;
        };
    }

    @Override
    public void publish(LogRecord r) {
        int v = r.getLevel().intValue();
        LogLine.Level level = v >= Level.SEVERE.intValue() ? LogLine.Level.ERROR
                : v >= Level.WARNING.intValue() ? LogLine.Level.WARN
                : v >= Level.INFO.intValue() ? LogLine.Level.INFO : LogLine.Level.DEBUG;
        String message = r.getMessage();
        if (r.getParameters() != null && r.getParameters().length > 0 && message != null) {
            try {
                message = java.text.MessageFormat.format(message, r.getParameters());
            } catch (IllegalArgumentException e) {
                // not a pattern: the message as it is
            }
        }
        LogLine.write(level, r.getLoggerName(), message, r.getThrown());
    }

    @Override
    public void flush() {
        System.err.flush();
    }

    @Override
    public void close() {
    }
}
