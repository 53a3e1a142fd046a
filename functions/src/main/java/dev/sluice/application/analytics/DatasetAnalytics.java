package dev.sluice.application.analytics;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.DatasetRollups;
import dev.sluice.application.port.DatasetRollups.DayRange;
import dev.sluice.application.port.DatasetRollups.Dimension;
import dev.sluice.application.port.DatasetRollups.Group;
import dev.sluice.domain.analytics.Metrics;
import dev.sluice.domain.analytics.SpendAnomalies;
import dev.sluice.domain.analytics.SpendAnomalies.Anomaly;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Analytics of a marketing dataset, read only from its rollups: totals and groups (by day, channel or campaign) of a
 * day range and of the same-length period just before it, and the days of unusual spend per channel.
 *
 * <p>Without {@code from}/{@code to} the range is the dataset's first to last day with data. Grouped by day, every
 * day of the range is present, a day without rows with zeros, so a chart draws a continuous series. Grouped by
 * channel or campaign, groups are ordered by spend (largest first, then by name); with {@code top} N, the N largest
 * stay and the rest are summed into one group {@code (other)}; the previous period is then grouped by the same N
 * keys (so a key means the same thing in both periods), its other keys into {@code (other)} too. Campaigns default to
 * the top 10; channels to all of them (each period then lists its own).
 */
public final class DatasetAnalytics {
    public static final String OTHER = "(other)";
    public static final int DEFAULT_TOP_CAMPAIGNS = 10;
    public static final int MAX_TOP = 1000;
    /** Ten years of days: enough for any chart, and a bound on a zero-filled daily series. */
    public static final long MAX_RANGE_DAYS = 3660;

    private final ManageDatasets datasets;
    private final DatasetRollups rollups;
    private final SpendAnomalies anomalies;

    public DatasetAnalytics(ManageDatasets datasets, DatasetRollups rollups, SpendAnomalies anomalies) {
        this.datasets = datasets;
        this.rollups = rollups;
        this.anomalies = anomalies;
    }

    /** One group; {@code other} marks the sum of the groups beyond the top N. */
    public record GroupMetrics(String key, boolean other, Metrics metrics) {
    }

    /** A day range's totals and groups. */
    public record Period(LocalDate from, LocalDate to, Metrics totals, List<GroupMetrics> groups) {
    }

    /**
     * The answer: {@code current} with its range, and {@code previous}, the same-length period just before. When the
     * dataset has no data and no range was asked, both are periods without days (null {@code from}/{@code to}), with
     * zero totals and no groups, so an answer always has the same shape.
     */
    public record Report(Dimension groupBy, Period current, Period previous) {
    }

    /** The anomalies among the range's days, with the rule's settings. */
    public record AnomalyReport(LocalDate from, LocalDate to, SpendAnomalies rule, List<Anomaly> items) {
    }

    /**
     * What a request asks for; null parts take their defaults.
     *
     * @param top the number of channel or campaign groups kept, null for the default (all channels, 10 campaigns)
     */
    public record AnalyticsRequest(LocalDate from, LocalDate to, Dimension groupBy, Integer top) {
        public AnalyticsRequest {
            groupBy = groupBy == null ? Dimension.DAY : groupBy;
        }
    }

    /**
     * @param request read only once the dataset is known to be the caller's: someone else's dataset is NOT_FOUND
     *                whatever the request says
     */
    public Report analytics(Caller caller, String datasetId, Supplier<AnalyticsRequest> request) {
        Dataset dataset = marketing(caller, datasetId);
        AnalyticsRequest asked = request.get();
        LocalDate from = asked.from();
        LocalDate to = asked.to();
        Dimension groupBy = asked.groupBy();
        Integer top = asked.top();
        if (top != null && groupBy == Dimension.DAY) {
            throw InvalidRequestException.badField("top", "applies to groupBy=channel and groupBy=campaign");
        }
        if (top != null && (top < 1 || top > MAX_TOP)) {
            throw InvalidRequestException.badField("top", "must be a whole number from 1 to " + MAX_TOP);
        }
        // Two index probes; they also spare the query of a period without data (the previous period of the whole
        // dataset, the default, lies entirely before its first day).
        Optional<DayRange> data = rollups.days(dataset.id());
        Optional<Range> range = range(from, to, data);
        if (range.isEmpty()) {
            Period none = new Period(null, null, Metrics.ZERO, List.of());
            return new Report(groupBy, none, none);
        }
        Range current = range.get();
        long days = current.days();
        Range before = new Range(current.from().minusDays(days), current.from().minusDays(1));
        Integer kept = top != null ? top : groupBy == Dimension.CAMPAIGN ? DEFAULT_TOP_CAMPAIGNS : null;
        List<Group> now = groups(dataset, current, groupBy, data);
        List<Group> then = groups(dataset, before, groupBy, data);
        if (groupBy == Dimension.DAY) {
            return new Report(groupBy, daily(current, now), daily(before, then));
        }
        List<Group> ordered = new ArrayList<>(now);
        ordered.sort(Comparator.comparing((Group g) -> g.metrics().spend()).reversed().thenComparing(Group::key));
        Set<String> keys = new LinkedHashSet<>();
        for (Group group : ordered) {
            if (kept == null || keys.size() < kept) {
                keys.add(group.key());
            }
        }
        if (kept == null) {
            List<Group> previous = new ArrayList<>(then);
            previous.sort(Comparator.comparing((Group g) -> g.metrics().spend()).reversed()
                    .thenComparing(Group::key));
            Set<String> own = new LinkedHashSet<>();
            previous.forEach(group -> own.add(group.key()));
            return new Report(groupBy, topped(current, ordered, keys), topped(before, previous, own));
        }
        return new Report(groupBy, topped(current, ordered, keys), topped(before, then, keys));
    }

    /** Spend anomalies of a marketing dataset's days {@code from}..{@code to} (default: all its days). */
    public AnomalyReport anomalies(Caller caller, String datasetId, Supplier<AnalyticsRequest> request) {
        Dataset dataset = marketing(caller, datasetId);
        AnalyticsRequest asked = request.get();
        Optional<Range> range = range(asked.from(), asked.to(), rollups.days(dataset.id()));
        if (range.isEmpty()) {
            return new AnomalyReport(null, null, anomalies, List.of());
        }
        Range days = range.get();
        List<SpendAnomalies.DaySpend> spend = rollups.dailySpend(dataset.id(), anomalies.historyStart(days.from()),
                days.to());
        return new AnomalyReport(days.from(), days.to(), anomalies, anomalies.find(spend,
                rollups.channelDays(dataset.id()), days.from(), days.to()));
    }

    static InvalidRequestException notMarketing(Dataset dataset, String what) {
        return new InvalidRequestException("NOT_MARKETING", 400, "Dataset " + dataset.id() + " is a raw dataset. "
                + what + ".");
    }

    private Dataset marketing(Caller caller, String datasetId) {
        Dataset dataset = datasets.visible(caller, datasetId);
        if (dataset.kind() != DatasetKind.MARKETING) {
            throw notMarketing(dataset, "Analytics need the spend, clicks, impressions and conversions of a "
                    + "marketing dataset");
        }
        return dataset;
    }

    private record Range(LocalDate from, LocalDate to) {
        long days() {
            return ChronoUnit.DAYS.between(from, to) + 1;
        }
    }

    /** The rollups' groups of the range's days; none read when the range misses the days with data. */
    private List<Group> groups(Dataset dataset, Range range, Dimension by, Optional<DayRange> data) {
        if (data.isEmpty() || range.to().isBefore(data.get().first()) || range.from().isAfter(data.get().last())) {
            return List.of();
        }
        return rollups.groups(dataset.id(), range.from(), range.to(), by);
    }

    private Optional<Range> range(LocalDate from, LocalDate to, Optional<DayRange> data) {
        if (from != null && to != null && from.isAfter(to)) {
            throw InvalidRequestException.badField("from", "(" + from + ") is after 'to' (" + to + ")");
        }
        LocalDate start = from;
        LocalDate end = to;
        if (start == null || end == null) {
            if (data.isEmpty() && start == null && end == null) {
                return Optional.empty();
            }
            if (start == null) {
                start = data.map(DayRange::first).orElse(end);
            }
            if (end == null) {
                end = data.map(DayRange::last).orElse(start);
            }
            if (start.isAfter(end)) {
                // One end given beyond the data's other end: an empty range at the given end.
                if (from != null) {
                    end = start;
                } else {
                    start = end;
                }
            }
        }
        Range range = new Range(start, end);
        if (range.days() > MAX_RANGE_DAYS) {
            throw new InvalidRequestException("RANGE_TOO_LONG", 400, "The range " + start + " to " + end + " has "
                    + range.days() + " days; analytics cover at most " + MAX_RANGE_DAYS + " days at a time. Narrow "
                    + "it with from and to.");
        }
        return Optional.of(range);
    }

    private static Period daily(Range range, List<Group> groups) {
        Map<String, Metrics> byDay = new HashMap<>();
        for (Group group : groups) {
            byDay.put(group.key(), group.metrics());
        }
        List<GroupMetrics> series = new ArrayList<>();
        Metrics totals = Metrics.ZERO;
        for (LocalDate day = range.from(); !day.isAfter(range.to()); day = day.plusDays(1)) {
            Metrics metrics = byDay.getOrDefault(day.toString(), Metrics.ZERO);
            series.add(new GroupMetrics(day.toString(), false, metrics));
            totals = totals.plus(metrics);
        }
        return new Period(range.from(), range.to(), totals, series);
    }

    private static Period topped(Range range, List<Group> groups, Set<String> keys) {
        Map<String, Metrics> kept = new HashMap<>();
        Metrics other = null;
        Metrics totals = Metrics.ZERO;
        for (Group group : groups) {
            totals = totals.plus(group.metrics());
            if (keys.contains(group.key())) {
                kept.put(group.key(), group.metrics());
            } else {
                other = other == null ? group.metrics() : other.plus(group.metrics());
            }
        }
        List<GroupMetrics> result = new ArrayList<>();
        for (String key : keys) {
            if (kept.containsKey(key)) {
                result.add(new GroupMetrics(key, false, kept.get(key)));
            }
        }
        if (other != null) {
            result.add(new GroupMetrics(OTHER, true, other));
        }
        return new Period(range.from(), range.to(), totals, result);
    }
}
