package dev.sluice.domain.source;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a source is pulled by itself, in EventBridge Scheduler's syntax so the same text is sent to AWS as it is
 * evaluated locally: {@code rate(5 minutes)} (a value and minute(s), hour(s) or day(s)) or
 * {@code cron(minutes hours day-of-month month day-of-week year)} with {@code *}, {@code ?}, lists, ranges and
 * steps (day of week 1-7 = SUN-SAT, or the names), evaluated in {@code timezone} (an IANA zone, default UTC).
 * Unsupported cron features ({@code L}, {@code W}, {@code #}) are refused when the schedule is given.
 */
public record Schedule(String expression, ZoneId timezone) {
    private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d{1,6})\\s+(minute|minutes|hour|hours|day|days)"
            + "\\s*\\)");
    private static final Pattern CRON = Pattern.compile("cron\\((.*)\\)");
    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
        "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    /** How far ahead a cron expression is searched for its next time (a Feb 29 schedule fires within 8 years). */
    private static final long SEARCH_DAYS = 366L * 8;

    public Schedule {
        Objects.requireNonNull(expression, "expression");
        timezone = timezone == null ? ZoneId.of("UTC") : timezone;
        expression = expression.strip();
        parse(expression);
    }

    /**
     * A schedule from the API's text, or {@link IllegalArgumentException} naming what is wrong.
     */
    public static Schedule of(String expression, String timezone) {
        return new Schedule(expression, timezone == null || timezone.isBlank() ? null : zone(timezone));
    }

    /** An IANA time zone from the API's text, or {@link IllegalArgumentException} saying what would be accepted. */
    public static ZoneId zone(String timezone) {
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + timezone + "' is not an IANA time zone such as Europe/Berlin "
                    + "or UTC");
        }
    }

    /** The same expression in another time zone. */
    public Schedule in(ZoneId zone) {
        return new Schedule(expression, zone);
    }

    /** The period of a rate schedule, or null for a cron one. */
    public Duration rate() {
        Matcher m = RATE.matcher(expression);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).charAt(0)) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /**
     * The first time strictly after {@code after} the schedule fires. A rate fires every period from {@code anchor}
     * (when the schedule was set), as EventBridge Scheduler counts it from when the schedule is created; null when a
     * cron expression never fires again.
     */
    public Instant nextAfter(Instant after, Instant anchor) {
        Duration period = rate();
        if (period != null) {
            if (after.isBefore(anchor)) {
                return anchor.plus(period);
            }
            long periods = Duration.between(anchor, after).toMillis() / period.toMillis() + 1;
            return anchor.plus(period.multipliedBy(periods));
        }
        Cron cron = parse(expression);
        ZonedDateTime t = after.atZone(timezone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime end = t.plusDays(SEARCH_DAYS);
        while (t.isBefore(end)) {
            if (!cron.dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                continue;
            }
            if (!cron.hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (cron.minutes.get(t.getMinute())) {
                return t.toInstant();
            }
            t = t.plusMinutes(1);
        }
        return null;
    }

    private record Cron(BitSet minutes, BitSet hours, BitSet daysOfMonth, boolean anyDayOfMonth, BitSet months,
            BitSet daysOfWeek, boolean anyDayOfWeek, BitSet years, boolean anyYear) {
        boolean dayMatches(ZonedDateTime t) {
            if (!months.get(t.getMonthValue()) || !anyYear && (t.getYear() > 2199 || !years.get(t.getYear() - 1970))) {
                return false;
            }
            int dow = t.getDayOfWeek().getValue() % 7 + 1;
            boolean dom = anyDayOfMonth || daysOfMonth.get(t.getDayOfMonth());
            boolean week = anyDayOfWeek || daysOfWeek.get(dow);
            return dom && week;
        }
    }

    private static Cron parse(String expression) {
        if (RATE.matcher(expression).matches()) {
            if (Long.parseLong(RATE.matcher(expression).replaceAll("$1")) == 0) {
                throw new IllegalArgumentException("schedule '" + expression + "': a rate must be at least 1");
            }
            return null;
        }
        Matcher m = CRON.matcher(expression);
        if (!m.matches()) {
            throw new IllegalArgumentException("schedule '" + expression + "' is neither rate(value unit), e.g. "
                    + "rate(15 minutes), nor cron(minutes hours day-of-month month day-of-week year), e.g. "
                    + "cron(0 6 * * ? *)");
        }
        String[] f = m.group(1).strip().split("\\s+");
        if (f.length != 6) {
            throw new IllegalArgumentException("schedule '" + expression + "': cron needs 6 fields (minutes hours "
                    + "day-of-month month day-of-week year), found " + f.length);
        }
        boolean anyDom = f[2].equals("?") || f[2].equals("*");
        boolean anyDow = f[4].equals("?") || f[4].equals("*");
        if (!f[2].equals("?") && !f[4].equals("?")) {
            throw new IllegalArgumentException("schedule '" + expression + "': one of day-of-month and day-of-week "
                    + "must be ? (EventBridge cron)");
        }
        boolean anyYear = f[5].equals("*");
        return new Cron(field(expression, "minutes", f[0], 0, 59, null, 0),
                field(expression, "hours", f[1], 0, 23, null, 0),
                anyDom ? null : field(expression, "day-of-month", f[2], 1, 31, null, 0), anyDom,
                field(expression, "month", f[3], 1, 12, MONTHS, 1),
                anyDow ? null : field(expression, "day-of-week", f[4], 1, 7, DAYS, 1), anyDow,
                anyYear ? null : shifted(field(expression, "year", f[5], 1970, 2199, null, 0)), anyYear);
    }

    private static BitSet shifted(BitSet years) {
        BitSet out = new BitSet();
        years.stream().forEach(y -> out.set(y - 1970));
        return out;
    }

    private static BitSet field(String expression, String name, String text, int min, int max, String[] names,
            int firstName) {
        BitSet set = new BitSet();
        for (String part : text.split(",", -1)) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(expression, name, part.substring(slash + 1), 1, max, null, 0);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.indexOf('-') > 0) {
                int dash = range.indexOf('-');
                from = number(expression, name, range.substring(0, dash), min, max, names, firstName);
                to = number(expression, name, range.substring(dash + 1), min, max, names, firstName);
            } else {
                from = number(expression, name, range, min, max, names, firstName);
                to = slash >= 0 ? max : from;
            }
            if (to < from) {
                throw new IllegalArgumentException("schedule '" + expression + "': " + name + " range '" + range
                        + "' runs backwards");
            }
            for (int v = from; v <= to; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private static int number(String expression, String name, String text, int min, int max, String[] names,
            int firstName) {
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(text.toUpperCase(Locale.ROOT))) {
                    return i + firstName;
                }
            }
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("schedule '" + expression + "': " + name + " value '" + text
                + "' is not a number from " + min + " to " + max + (names == null ? "" : " or a name")
                + " (L, W and # are not supported)");
    }
}
