package dev.sluice.domain.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.analytics.SpendAnomalies.Anomaly;
import dev.sluice.domain.analytics.SpendAnomalies.ChannelDays;
import dev.sluice.domain.analytics.SpendAnomalies.DaySpend;
import dev.sluice.domain.analytics.SpendAnomalies.Direction;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The robust spend-anomaly rule over generated series with fixed seeds. */
class SpendAnomaliesTest {
    private static final LocalDate START = LocalDate.of(2024, 1, 1);
    private final SpendAnomalies anomalies = new SpendAnomalies();

    /** {@code days} days of spend around {@code level}, uniformly ±{@code noise} (a share), fixed seed. */
    private static List<DaySpend> noisy(String channel, int days, double level, double noise, long seed) {
        Random random = new Random(seed);
        List<DaySpend> series = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            double value = level * (1 + noise * (2 * random.nextDouble() - 1));
            series.add(new DaySpend(START.plusDays(i), channel, money(value)));
        }
        return series;
    }

    private static BigDecimal money(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_EVEN);
    }

    private static List<DaySpend> with(List<DaySpend> series, int dayIndex, double spend) {
        List<DaySpend> changed = new ArrayList<>(series);
        DaySpend old = changed.get(dayIndex);
        changed.set(dayIndex, new DaySpend(old.day(), old.channel(), money(spend)));
        return changed;
    }

    @Test
    void aSeededSpikeIsFlaggedHighWithItsMedianAndAnExplanation() {
        List<DaySpend> series = with(noisy("Search", 60, 1000, 0.15, 7), 45, 3400);

        List<Anomaly> found = anomalies.find(series, START, START.plusDays(59));

        assertEquals(1, found.size(), found.toString());
        Anomaly spike = found.get(0);
        assertEquals(START.plusDays(45), spike.day());
        assertEquals("Search", spike.channel());
        assertEquals(Direction.HIGH, spike.direction());
        assertEquals(new BigDecimal("3400.00"), spike.spend());
        assertTrue(spike.median().compareTo(new BigDecimal("850")) > 0
                && spike.median().compareTo(new BigDecimal("1150")) < 0, spike.median().toPlainString());
        assertTrue(spike.ratio().doubleValue() > 2.9 && spike.ratio().doubleValue() < 4.0, spike.toString());
        assertTrue(spike.score().doubleValue() >= SpendAnomalies.THRESHOLD, spike.toString());
        assertEquals(DayOfWeek.THURSDAY, spike.day().getDayOfWeek());
        assertTrue(spike.explanation().matches("Spend on Search was 3\\.\\d× its 28-day median( for Thursdays)? \\("
                + String.format(java.util.Locale.US, "%,.2f", spike.median()).replace(".", "\\.") + "\\)\\."),
                spike.explanation());
    }

    @Test
    void aCollapseIsFlaggedLow() {
        List<DaySpend> series = with(noisy("Social", 60, 500, 0.1, 11), 50, 40);

        List<Anomaly> found = anomalies.find(series, START, START.plusDays(59));

        assertEquals(1, found.size(), found.toString());
        assertEquals(Direction.LOW, found.get(0).direction());
        assertTrue(found.get(0).explanation().startsWith("Spend on Social was 40.00, 9"), found.get(0).explanation());
    }

    @Test
    void aNormalNoisyMonthIsNotFlaggedForManySeeds() {
        for (long seed = 1; seed <= 50; seed++) {
            List<DaySpend> series = noisy("Search", 90, 1000, 0.25, seed);
            assertEquals(List.of(), anomalies.find(series, START, START.plusDays(89)), "seed " + seed);
        }
    }

    @Test
    void aNormalNoisyMonthWithoutWeekendRowsIsNotFlaggedForManySeeds() {
        for (long seed = 1; seed <= 50; seed++) {
            List<DaySpend> weekdays = noisy("Search", 90, 1000, 0.25, seed).stream()
                    .filter(day -> day.day().getDayOfWeek().getValue() < 6).toList();
            assertEquals(List.of(), anomalies.find(weekdays, START, START.plusDays(89)),
                    "seed " + seed + ": weekends without rows are the week's rhythm, not gaps to flag");
        }
    }

    @Test
    void aThreeDayGapInsideASteadyChannelIsFlaggedLowDayByDay() {
        List<DaySpend> series = noisy("Social", 60, 200, 0.1, 13).stream()
                .filter(day -> day.day().isBefore(START.plusDays(40)) || day.day().isAfter(START.plusDays(42)))
                .toList();

        List<Anomaly> found = anomalies.find(series, START, START.plusDays(59));

        assertEquals(List.of(START.plusDays(40), START.plusDays(41), START.plusDays(42)),
                found.stream().map(Anomaly::day).toList(), found.toString());
        for (Anomaly gap : found) {
            assertEquals(Direction.LOW, gap.direction());
            assertEquals(0, gap.spend().signum());
            assertEquals(0, BigDecimal.ZERO.compareTo(gap.ratio()), gap.toString());
            assertEquals("No spend on Social on " + gap.day() + "; its 28-day median is "
                    + String.format(java.util.Locale.US, "%,.2f", gap.median()) + ".", gap.explanation());
            assertTrue(gap.median().compareTo(new BigDecimal("180")) > 0
                    && gap.median().compareTo(new BigDecimal("220")) < 0, gap.toString());
        }
    }

    @Test
    void aChannelThatStopsIsNotFlaggedAfterItsLastRow() {
        List<DaySpend> stopped = noisy("Email", 40, 300, 0.1, 17);
        List<DaySpend> both = new ArrayList<>(stopped);
        both.addAll(noisy("Search", 60, 1000, 0.1, 19));

        assertEquals(List.of(), anomalies.find(both, START, START.plusDays(59)),
                "Email has no rows after day 39: it stopped, nothing is missing");
        assertEquals(List.of(), anomalies.find(stopped, Map.of("Email", new ChannelDays(START, START.plusDays(39))),
                START, START.plusDays(59)));
    }

    @Test
    void aGapAtTheEndOfTheDaysReadIsJudgedWhenTheChannelHasRowsLater() {
        // The days read end at day 44; the dataset has Email rows again from day 45 on, so 40..44 are a gap.
        List<DaySpend> read = noisy("Email", 40, 300, 0.1, 17);

        List<Anomaly> found = anomalies.find(read, Map.of("Email", new ChannelDays(START, START.plusDays(59))), START,
                START.plusDays(44));

        assertEquals(5, found.size(), found.toString());
        assertEquals(START.plusDays(40), found.get(0).day());
        assertTrue(found.stream().allMatch(a -> a.direction() == Direction.LOW && a.spend().signum() == 0));
        assertEquals(List.of(), anomalies.find(read, START, START.plusDays(44)), "without the span it stopped");
    }

    @Test
    void aWeeklyPatternIsNotFlaggedButASpikeOnTopOfItIs() {
        Random random = new Random(3);
        List<DaySpend> series = new ArrayList<>();
        for (int i = 0; i < 84; i++) {
            LocalDate day = START.plusDays(i);
            boolean weekend = day.getDayOfWeek().getValue() >= 6;
            double level = weekend ? 150 : 1000;
            series.add(new DaySpend(day, "Display", money(level * (1 + 0.1 * (2 * random.nextDouble() - 1)))));
        }
        assertEquals(List.of(), anomalies.find(series, START, START.plusDays(83)));

        // 1,000 on a Saturday is a weekday's spend, but 6x a usual Saturday.
        int saturday = 68;
        assertEquals(DayOfWeek.SATURDAY, START.plusDays(saturday).getDayOfWeek());
        List<Anomaly> found = anomalies.find(with(series, saturday, 1000), START, START.plusDays(83));
        assertEquals(1, found.size(), found.toString());
        assertEquals(START.plusDays(saturday), found.get(0).day());
        assertEquals(Direction.HIGH, found.get(0).direction());
    }

    @Test
    void tooLittleHistoryFlagsNothing() {
        List<DaySpend> series = with(noisy("Search", 13, 1000, 0.1, 5), 12, 9000);

        assertEquals(List.of(), anomalies.find(series, START, START.plusDays(12)));
        // With the 14th day of history the same spike counts.
        List<DaySpend> longer = with(noisy("Search", 15, 1000, 0.1, 5), 14, 9000);
        assertEquals(1, anomalies.find(longer, START, START.plusDays(14)).size());
    }

    @Test
    void aConstantSeriesHasMadZeroYetSmallChangesPassAndAJumpIsFlagged() {
        List<DaySpend> flat = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            flat.add(new DaySpend(START.plusDays(i), "Email", new BigDecimal("100.00")));
        }
        assertEquals(List.of(), anomalies.find(with(flat, 35, 120), START, START.plusDays(39)),
                "20 % over a flat line is under the ratio floor");
        List<Anomaly> found = anomalies.find(with(flat, 35, 250), START, START.plusDays(39));
        assertEquals(1, found.size());
        assertEquals(0, new BigDecimal("2.5").compareTo(found.get(0).ratio()), found.get(0).toString());
    }

    @Test
    void spendAfterNothingIsFlaggedWithoutARatio() {
        List<DaySpend> series = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            series.add(new DaySpend(START.plusDays(i), "Video", BigDecimal.ZERO));
        }
        series.set(29, new DaySpend(START.plusDays(29), "Video", new BigDecimal("500.00")));

        List<Anomaly> found = anomalies.find(series, START, START.plusDays(29));

        assertEquals(1, found.size());
        assertNull(found.get(0).ratio());
        assertEquals("Spend on Video was 500.00 while its 28-day median was 0.00.",
                found.get(0).explanation());
    }

    @Test
    void onlyTheAskedDaysAreJudgedAndChannelsApart() {
        List<DaySpend> series = new ArrayList<>(with(noisy("Search", 60, 1000, 0.1, 7), 45, 5000));
        series.addAll(noisy("Social", 60, 5000, 0.1, 8));

        assertEquals(List.of(), anomalies.find(series, START.plusDays(46), START.plusDays(59)));
        List<Anomaly> found = anomalies.find(series, START.plusDays(40), START.plusDays(50));
        assertEquals(List.of("Search"), found.stream().map(Anomaly::channel).toList());
    }
}
