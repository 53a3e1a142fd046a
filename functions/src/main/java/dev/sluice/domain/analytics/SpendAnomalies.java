package dev.sluice.domain.analytics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Days whose spend on a channel departs strongly from that channel's recent behaviour, by a robust statistic.
 *
 * <p>Each day from a channel's first to its last day with rows is judged, a day without rows in between as spend 0
 * (a gap: a file that never came, a day tracking broke); days after its last row are not (the channel stopped, which
 * is no anomaly of any one day). The trailing window (the {@code window} days before the day, from the channel's
 * first day on; a day without rows counts as 0) is the history. Marketing spend often has a weekly rhythm (weekends
 * low, or none), so where all the window's days of a weekday (all but one of 4 or more) lie more than two spreads
 * away from the window's median on the same side, days of that weekday are compared with the median of
 * <em>the same weekday</em>: a Saturday is judged against Saturdays; otherwise against the window's median (a median
 * of 2-4 values alone would be too noisy a baseline). The spread is the median absolute deviation (MAD) of every
 * window day from its baseline, scaled by 1.4826 so it estimates a standard deviation for normal noise; the robust
 * z-score is {@code (spend - median) / spread}. A day is flagged when |score| reaches {@code threshold} <em>and</em>
 * the spend is at least {@code ratioFloor} times the median (or at most its inverse): the score alone would flag 103
 * against a steady 100. A window of identical values has MAD 0; the spread then has a floor of 2 % of the window's
 * median (and 0.01), so a real jump still scores and no division by zero happens. A channel with fewer than {@code
 * minHistory} days of history is not judged at all.
 */
public final class SpendAnomalies {
    public static final int WINDOW_DAYS = 28;
    public static final int MIN_HISTORY_DAYS = 14;
    public static final double THRESHOLD = 3.5;
    public static final double RATIO_FLOOR = 1.6;
    /** Makes the MAD a consistent estimate of the standard deviation of normally distributed noise. */
    static final double MAD_SCALE = 1.4826;
    private static final double SPREAD_FLOOR_SHARE = 0.02;
    private static final double SPREAD_FLOOR = 0.01;

    private final int window;
    private final int minHistory;
    private final double threshold;
    private final double ratioFloor;

    /** The spend of one channel on one day. */
    public record DaySpend(LocalDate day, String channel, BigDecimal spend) {
        public DaySpend {
            Objects.requireNonNull(day, "day");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(spend, "spend");
        }
    }

    public enum Direction {
        HIGH, LOW;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A flagged day.
     *
     * @param median the baseline: the median spend of the trailing window, or of its same weekdays
     * @param ratio  spend / median (3 significant digits), null when the median is 0
     * @param score  the robust z-score, 2 decimal places
     */
    public record Anomaly(LocalDate day, String channel, BigDecimal spend, BigDecimal median, BigDecimal ratio,
            BigDecimal score, Direction direction, String explanation) {
    }

    /** The first and last day a channel has rows in the whole dataset (not only in the days read). */
    public record ChannelDays(LocalDate first, LocalDate last) {
        public ChannelDays {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(last, "last");
            if (last.isBefore(first)) {
                throw new IllegalArgumentException("last day " + last + " is before first day " + first);
            }
        }

        ChannelDays span(LocalDate day) {
            return new ChannelDays(day.isBefore(first) ? day : first, day.isAfter(last) ? day : last);
        }
    }

    public SpendAnomalies() {
        this(WINDOW_DAYS, MIN_HISTORY_DAYS, THRESHOLD, RATIO_FLOOR);
    }

    public SpendAnomalies(int window, int minHistory, double threshold, double ratioFloor) {
        if (window < 7 || minHistory < 7 || minHistory > window) {
            throw new IllegalArgumentException("need 7 <= minHistory <= window, was " + minHistory + ", " + window);
        }
        if (threshold <= 0 || ratioFloor < 1) {
            throw new IllegalArgumentException("threshold must be > 0 and ratioFloor >= 1");
        }
        this.window = window;
        this.minHistory = minHistory;
        this.threshold = threshold;
        this.ratioFloor = ratioFloor;
    }

    public int window() {
        return window;
    }

    public int minHistory() {
        return minHistory;
    }

    public double threshold() {
        return threshold;
    }

    public double ratioFloor() {
        return ratioFloor;
    }

    /** The first day whose spend must be read so the days from {@code from} on have their whole window. */
    public LocalDate historyStart(LocalDate from) {
        return from.minusDays(window);
    }

    /**
     * The anomalies among the days {@code from}..{@code to} (inclusive), ordered by day, then channel. {@code daily}
     * should hold the spend from {@link #historyStart} on; spend of one channel and day given twice is added up.
     */
    public List<Anomaly> find(Collection<DaySpend> daily, LocalDate from, LocalDate to) {
        return find(daily, Map.of(), from, to);
    }

    /**
     * As {@link #find(Collection, LocalDate, LocalDate)}, where {@code channels} says each channel's first and last day
     * with rows in the whole dataset: a gap at the end of the days read is judged when the channel has rows later,
     * and left alone when it stopped. A channel's days in {@code daily} widen its span where they lie outside it.
     */
    public List<Anomaly> find(Collection<DaySpend> daily, Map<String, ChannelDays> channels, LocalDate from,
            LocalDate to) {
        Map<String, TreeMap<LocalDate, BigDecimal>> byChannel = new TreeMap<>();
        Map<String, ChannelDays> spans = new TreeMap<>(channels);
        for (DaySpend spend : daily) {
            byChannel.computeIfAbsent(spend.channel(), c -> new TreeMap<>()).merge(spend.day(), spend.spend(),
                    BigDecimal::add);
            spans.merge(spend.channel(), new ChannelDays(spend.day(), spend.day()),
                    (span, day) -> span.span(day.first()));
        }
        List<Anomaly> found = new ArrayList<>();
        spans.forEach((channel, span) -> judge(channel, byChannel.getOrDefault(channel, new TreeMap<>()), span, from,
                to, found));
        found.sort(Comparator.comparing(Anomaly::day).thenComparing(Anomaly::channel));
        return found;
    }

    private void judge(String channel, TreeMap<LocalDate, BigDecimal> series, ChannelDays span, LocalDate from,
            LocalDate to, List<Anomaly> found) {
        LocalDate last = to.isBefore(span.last()) ? to : span.last();
        for (LocalDate day = from.isAfter(span.first()) ? from : span.first(); !day.isAfter(last);
                day = day.plusDays(1)) {
            LocalDate start = day.minusDays(window);
            if (start.isBefore(span.first())) {
                start = span.first();
            }
            int history = (int) (day.toEpochDay() - start.toEpochDay());
            if (history < minHistory) {
                continue;
            }
            double[] values = new double[history];
            DayOfWeek[] weekdays = new DayOfWeek[history];
            for (int i = 0; i < history; i++) {
                LocalDate past = start.plusDays(i);
                values[i] = series.getOrDefault(past, BigDecimal.ZERO).doubleValue();
                weekdays[i] = past.getDayOfWeek();
            }
            BigDecimal spend = series.get(day);
            Anomaly anomaly = judgeDay(channel, day, spend == null ? BigDecimal.ZERO : spend, spend == null, values,
                    weekdays);
            if (anomaly != null) {
                found.add(anomaly);
            }
        }
    }

    /** @param noRows the channel has no rows that day (a gap between its first and last day), so spend is 0 */
    private Anomaly judgeDay(String channel, LocalDate day, BigDecimal spend, boolean noRows, double[] values,
            DayOfWeek[] weekdays) {
        // A weekday's own median only where the week really has a rhythm: a median of 2-4 values is noisy, so a
        // weekday gets its own baseline only when all its days in the window (all but one of 4 or more) lie more
        // than two spreads away from the window's median, on the same side.
        double overall = median(values);
        double[] fromOverall = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            fromOverall[i] = Math.abs(values[i] - overall);
        }
        double overallSpread = MAD_SCALE * median(fromOverall);
        double[] weekdayMedian = new double[7];
        boolean[] rhythm = new boolean[7];
        for (DayOfWeek weekday : DayOfWeek.values()) {
            double[] on = valuesOn(weekday, values, weekdays);
            int below = 0;
            int above = 0;
            for (double value : on) {
                below += value < overall - 2 * overallSpread ? 1 : 0;
                above += value > overall + 2 * overallSpread ? 1 : 0;
            }
            rhythm[weekday.ordinal()] = on.length >= 2 && Math.max(below, above) >= on.length - on.length / 4;
            weekdayMedian[weekday.ordinal()] = rhythm[weekday.ordinal()] ? median(on) : overall;
        }
        double[] deviations = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            deviations[i] = Math.abs(values[i] - weekdayMedian[weekdays[i].ordinal()]);
        }
        double median = weekdayMedian[day.getDayOfWeek().ordinal()];
        double spread = Math.max(MAD_SCALE * median(deviations),
                Math.max(SPREAD_FLOOR_SHARE * Math.max(median, overall), SPREAD_FLOOR));
        double value = spend.doubleValue();
        double score = (value - median) / spread;
        Direction direction = score >= threshold ? Direction.HIGH : score <= -threshold ? Direction.LOW : null;
        if (direction == null) {
            return null;
        }
        Double ratio = median > 0 ? value / median : null;
        boolean farEnough = direction == Direction.HIGH ? ratio == null || ratio >= ratioFloor
                : ratio != null && ratio <= 1 / ratioFloor;
        if (!farEnough) {
            return null;
        }
        BigDecimal medianMoney = BigDecimal.valueOf(median).setScale(2, RoundingMode.HALF_EVEN);
        BigDecimal shownRatio = ratio == null ? null : new BigDecimal(ratio).round(new MathContext(3));
        return new Anomaly(day, channel, spend, medianMoney, shownRatio,
                BigDecimal.valueOf(score).setScale(2, RoundingMode.HALF_EVEN), direction,
                explain(channel, day, noRows, rhythm[day.getDayOfWeek().ordinal()] ? day.getDayOfWeek() : null,
                        spend, medianMoney, ratio, direction));
    }

    /** @param weekday the weekday whose own median was the baseline, null when it was the window's */
    private String explain(String channel, LocalDate day, boolean noRows, DayOfWeek weekday, BigDecimal spend,
            BigDecimal median, Double ratio, Direction direction) {
        String of = weekday == null ? "" : " for " + weekday.getDisplayName(TextStyle.FULL, Locale.ENGLISH) + "s";
        if (noRows) {
            // Only a low day can have no rows: its spend is 0 and a flagged low day has a median above 0.
            return "No spend on " + channel + " on " + day + "; its " + window + "-day median" + of + " is "
                    + money(median) + ".";
        }
        if (ratio == null) {
            return "Spend on " + channel + " was " + money(spend) + " while its " + window + "-day median" + of
                    + " was 0.00.";
        }
        String baseline = "its " + window + "-day median" + of + " (" + money(median) + ")";
        if (direction == Direction.HIGH) {
            return String.format(Locale.ROOT, "Spend on %s was %.1f× %s.", channel, ratio, baseline);
        }
        long below = Math.round((1 - ratio) * 100);
        return String.format(Locale.ROOT, "Spend on %s was %s, %d%% below %s.", channel, money(spend), below,
                baseline);
    }

    private static String money(BigDecimal value) {
        return String.format(Locale.US, "%,.2f", value);
    }

    private static double[] valuesOn(DayOfWeek weekday, double[] values, DayOfWeek[] weekdays) {
        double[] on = new double[values.length];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (weekdays[i] == weekday) {
                on[n++] = values[i];
            }
        }
        return Arrays.copyOf(on, n);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
