package shelf.timeline;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A time as {@code --since} and {@code --until} take it: an ISO-8601 instant ({@code 2026-11-30T19:05:00Z}, or with an
 * offset), a date and time without a zone (UTC, as the events files write it), or a duration back from the last event
 * recorded ({@code 90s}, {@code 5m}, {@code 1h}, {@code 1h30m}): for a running cluster, back from now.
 */
public final class TimeArgument {
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");

    private final String text;
    private final Instant instant;
    private final Duration back;

    private TimeArgument(String text, Instant instant, Duration back) {
        this.text = text;
        this.instant = instant;
        this.back = back;
    }

    /**
     * Reads {@code text}.
     *
     * @throws IllegalArgumentException with a one-line message when it is none of the forms
     */
    public static TimeArgument parse(String text) {
        String t = text.strip();
        Matcher d = DURATION.matcher(t);
        if (!t.isEmpty() && d.matches()) {
            Duration back = Duration.ofHours(group(d, 1)).plusMinutes(group(d, 2)).plusSeconds(group(d, 3))
                    .plusMillis(group(d, 4));
            return new TimeArgument(text, null, back);
        }
        try {
            return new TimeArgument(text, OffsetDateTime.parse(t).toInstant(), null);
        } catch (DateTimeParseException notWithOffset) {
            try {
                return new TimeArgument(text, LocalDateTime.parse(t).toInstant(ZoneOffset.UTC), null);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a time: give an ISO time (2026-11-30T19:05:00Z)"
                        + " or a duration back from the last event (90s, 5m, 1h30m)");
            }
        }
    }

    private static long group(Matcher m, int i) {
        return m.group(i) == null ? 0 : Long.parseLong(m.group(i));
    }

    /** The instant meant, given the wall time of the last event recorded (for the relative form). */
    public Instant resolve(Instant lastEvent) {
        return instant != null ? instant : lastEvent.minus(back);
    }

    @Override
    public String toString() {
        return text;
    }
}
