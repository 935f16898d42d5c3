package io.gitfleet.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger that writes through {@link LogLine}. */
final class LineLogger extends AbstractLogger {
    LineLogger(String name) {
        this.name = name;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                               Throwable error) {
        LogLine.write(map(level), name, MessageFormatter.basicArrayFormat(pattern, args), error);
    }

    static LogLine.Level map(Level level) {
        return switch (level) {
            case ERROR -> LogLine.Level.ERROR;
            case WARN -> LogLine.Level.WARN;
            case INFO -> LogLine.Level.INFO;
            case DEBUG, TRACE -> LogLine.Level.DEBUG;
        };
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return LogLine.enabled(LogLine.Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return LogLine.enabled(LogLine.Level.INFO);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return LogLine.enabled(LogLine.Level.WARN);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return true;
    }
}
