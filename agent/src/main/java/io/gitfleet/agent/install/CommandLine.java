package io.gitfleet.agent.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the command installer's argv from the catalog payload and the instruction: {@code {flakeRef}},
 * {@code {version}}, {@code {node}}… Each template stays one argument (there is no shell), and a value starting
 * with '-' is refused so that a payload cannot smuggle in an option.
 */
public final class CommandLine {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");

    private CommandLine() {
    }

    public static List<String> fill(List<String> templates, Map<String, ?> values) throws InstallException {
        List<String> argv = new ArrayList<>(templates.size());
        for (String template : templates) {
            Matcher m = PLACEHOLDER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                Object value = values.get(m.group(1));
                if (value instanceof Map || value instanceof List) {
                    throw new InstallException("{" + m.group(1) + "} is a " + (value instanceof Map ? "map" : "list")
                            + " in the image payload; a placeholder takes text only: the command reads the whole "
                            + "payload as JSON from its stdin or from the file $GITFLEET_PAYLOAD");
                }
                if (value == null) {
                    throw new InstallException("the install command needs {" + m.group(1) + "} but the image payload "
                            + "and the instruction have no such text value");
                }
                String text = String.valueOf(value);
                if (text.startsWith("-")) {
                    throw new InstallException("refusing {" + m.group(1) + "} = '" + text + "': a value may not start "
                            + "with '-' (it would read as an option)");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(text));
            }
            m.appendTail(out);
            argv.add(out.toString());
        }
        return argv;
    }
}
