package io.github.mqexamples.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The values of a program's settings after parsing; each getter names the setting when the value is wrong. */
public final class Values {

    /** A value as given and where it came from ("--count", "MESSAGE_COUNT (the --count setting)", ...). */
    record Raw(String value, String source, List<String> given) {
        Raw(String value, String source) {
            this(value, source, value == null ? List.of() : List.of(value));
        }
    }

    private final Map<String, Raw> raw;
    private final boolean helpRequested;

    Values(Map<String, Raw> raw, boolean helpRequested) {
        this.raw = raw;
        this.helpRequested = helpRequested;
    }

    public boolean helpRequested() {
        return helpRequested;
    }

    /** The value, or empty when the setting has no default and was not given. */
    public Optional<String> optional(String flag) {
        return Optional.ofNullable(get(flag).value());
    }

    public String string(String flag) {
        Raw r = get(flag);
        if (r.value() == null || r.value().isBlank()) {
            throw new UsageException(r.source() + " must not be empty");
        }
        return r.value();
    }

    /**
     * Every value given for a repeatable setting: each {@code --flag} given (or the environment variable, or the
     * default), each split on commas, blanks dropped. {@code --binding-key a --binding-key b,c} is [a, b, c].
     */
    public List<String> list(String flag) {
        List<String> all = new ArrayList<>();
        for (String value : get(flag).given()) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    all.add(part.trim());
                }
            }
        }
        return List.copyOf(all);
    }

    /** A repeatable setting of {@code name=value} pairs (see {@link #list}), in the order given. */
    public Map<String, String> pairs(String flag) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : list(flag)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("invalid " + get(flag).source() + ": '" + pair + "', expected name=value");
            }
            pairs.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return pairs;
    }

    /**
     * Every value given for a repeatable setting, each whole: not split on commas, for values that may hold commas,
     * spaces or quotes (a JAAS configuration). Empty when it was not given.
     */
    public List<String> given(String flag) {
        return get(flag).given();
    }

    /** Where the value came from, as a message names it: "--count", "MESSAGE_COUNT (the --count setting)", ... */
    public String source(String flag) {
        return get(flag).source();
    }

    /** A whole number from {@code min} to {@code max}. */
    public int integer(String flag, int min, int max) {
        Raw r = get(flag);
        try {
            int v = Integer.parseInt(r.value().trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below, with the setting's name
        }
        String range = max == Integer.MAX_VALUE ? ">= " + min : "from " + min + " to " + max;
        throw invalid(r, "a whole number " + range);
    }

    /** true/false (also yes/no, 1/0). */
    public boolean bool(String flag) {
        Raw r = get(flag);
        String v = r.value() == null ? "" : r.value().trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "true", "yes", "1", "on":
                return true;
            case "false", "no", "0", "off":
                return false;
            default:
                throw invalid(r, "true or false");
        }
    }

    /** One of {@code allowed} (case-insensitive), returned in lower case. */
    public String choice(String flag, String... allowed) {
        Raw r = get(flag);
        String v = r.value() == null ? "" : r.value().trim().toLowerCase(Locale.ROOT);
        if (Arrays.asList(allowed).contains(v)) {
            return v;
        }
        throw invalid(r, "one of " + String.join(", ", allowed));
    }

    /**
     * One of the constants of {@code mode}, given in lower case with hyphens for underscores (DROP_HEAD is
     * drop-head); a wrong value lists them in declaration order.
     */
    public <E extends Enum<E>> E choice(String flag, Class<E> mode) {
        String[] allowed = Arrays.stream(mode.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toArray(String[]::new);
        return Enum.valueOf(mode, choice(flag, allowed).toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** A duration such as 500ms, 5s, 2m or a plain number of milliseconds. */
    public Duration duration(String flag) {
        Raw r = get(flag);
        String v = r.value() == null ? "" : r.value().trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofMillis(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw invalid(r, "a duration such as 500ms, 5s or 2m");
        }
    }

    /** A duration as a person writes it, and as {@link #duration} reads it: 500ms, 5s, 2m. */
    public static String text(Duration d) {
        long ms = d.toMillis();
        return ms % 60_000 == 0 && ms > 0 ? ms / 60_000 + "m" : ms % 1000 == 0 && ms > 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** A UsageException for a value that is wrong for reasons only the program knows. */
    public UsageException invalid(String flag, String expected) {
        return invalid(get(flag), expected);
    }

    private static UsageException invalid(Raw r, String expected) {
        return new UsageException("invalid " + r.source() + ": '" + r.value() + "', expected " + expected);
    }

    private Raw get(String flag) {
        Raw r = raw.get(flag);
        if (r == null) {
            throw new IllegalArgumentException("no setting --" + flag + " is defined");
        }
        return r;
    }
}
