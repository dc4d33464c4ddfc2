package io.github.mqexamples.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of one program. Each setting is a {@code --flag value} (or {@code --flag=value}), an
 * environment variable, and a default; a flag wins over the environment, which wins over the default.
 * An empty environment variable counts as unset.
 */
public final class Settings {

    /** One setting as {@code --help} lists it. */
    public record Setting(String flag, String env, String defaultValue, String help) {
    }

    private final String program;
    private final String summary;
    private final Map<String, Setting> byFlag = new LinkedHashMap<>();

    public Settings(String program, String summary) {
        this.program = program;
        this.summary = summary;
    }

    /** Adds a setting; {@code defaultValue} null means "none" (the program decides what absence means). */
    public Settings add(String flag, String env, String defaultValue, String help) {
        if (byFlag.put(flag, new Setting(flag, env, defaultValue, help)) != null) {
            throw new IllegalArgumentException("setting --" + flag + " is defined twice");
        }
        return this;
    }

    public String program() {
        return program;
    }

    public List<Setting> all() {
        return List.copyOf(byFlag.values());
    }

    /** Reads {@code args} over {@code env} over the defaults; throws {@link UsageException} naming a wrong setting. */
    public Values parse(String[] args, Map<String, String> env) {
        // Every occurrence is kept: a flag given twice is one value for most settings (the last wins, as before)
        // and a list for the few read with Values.list (--binding-key a --binding-key b).
        Map<String, List<String>> fromFlags = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "': settings are given as --name value");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!byFlag.containsKey(name)) {
                throw new UsageException("unknown setting --" + name + " (--help lists the settings)");
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            fromFlags.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        Map<String, Values.Raw> raw = new LinkedHashMap<>();
        for (Setting s : byFlag.values()) {
            String envValue = s.env() == null ? null : env.get(s.env());
            if (fromFlags.containsKey(s.flag())) {
                List<String> given = fromFlags.get(s.flag());
                raw.put(s.flag(), new Values.Raw(given.get(given.size() - 1), "--" + s.flag(), List.copyOf(given)));
            } else if (envValue != null && !envValue.isEmpty()) {
                raw.put(s.flag(), new Values.Raw(envValue, s.env() + " (the --" + s.flag() + " setting)"));
            } else {
                raw.put(s.flag(), new Values.Raw(s.defaultValue(), "the default of --" + s.flag()));
            }
        }
        return new Values(Collections.unmodifiableMap(raw), help);
    }

    /** The text {@code --help} prints: every setting with its environment variable and default. */
    public String help() {
        List<String> left = new ArrayList<>();
        int width = 0;
        for (Setting s : byFlag.values()) {
            String l = "  --" + s.flag() + " <value>";
            left.add(l);
            width = Math.max(width, l.length());
        }
        StringBuilder out = new StringBuilder();
        out.append("Usage: java -jar ").append(program).append("/target/").append(program).append(".jar [settings]\n\n");
        out.append(summary).append("\n\n");
        out.append("Each setting is a flag or an environment variable; the flag wins.\n\n");
        int i = 0;
        for (Setting s : byFlag.values()) {
            out.append(String.format("%-" + (width + 2) + "s%s%n", left.get(i++), s.help()));
            String indent = " ".repeat(width + 2);
            out.append(indent).append("env ").append(s.env() == null ? "-" : s.env())
                    .append(", default ").append(s.defaultValue() == null ? "none" : "'" + s.defaultValue() + "'")
                    .append('\n');
        }
        out.append(String.format("%-" + (width + 2) + "s%s%n", "  --help", "print this help and exit"));
        out.append("\nLOG_LEVEL=info (or debug) also shows what the client library logs.\n");
        return out.toString();
    }
}
