package dev.sluice.application.port;

import dev.sluice.domain.analytics.Metrics;
import dev.sluice.domain.analytics.SpendAnomalies.ChannelDays;
import dev.sluice.domain.analytics.SpendAnomalies.DaySpend;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The sums per dataset, day, channel and campaign that publishing keeps (table {@code dataset_rollups}): what
 * analytics read, so they never scan a dataset's rows.
 */
public interface DatasetRollups {

    /** What groups are keyed by. */
    enum Dimension {
        DAY, CHANNEL, CAMPAIGN
    }

    /** The first and last day a dataset has rows for. */
    record DayRange(LocalDate first, LocalDate last) {
        public DayRange {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(last, "last");
        }
    }

    /** The sums of one group; {@code key} is the day as YYYY-MM-DD, the channel or the campaign. */
    record Group(String key, Metrics metrics) {
    }

    /** The days with data, empty when the dataset has none. */
    Optional<DayRange> days(String datasetId);

    /** The sums per {@code by} of the days {@code from}..{@code to} (inclusive); groups without rows are absent. */
    List<Group> groups(String datasetId, LocalDate from, LocalDate to, Dimension by);

    /** The spend per channel and day of the days {@code from}..{@code to}, for the days a channel has rows. */
    List<DaySpend> dailySpend(String datasetId, LocalDate from, LocalDate to);

    /** Per channel, the first and last day it has rows in the dataset (all of its days, not a range's). */
    Map<String, ChannelDays> channelDays(String datasetId);
}
