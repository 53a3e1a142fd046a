package dev.sluice.application.admin;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.domain.dataset.DatasetIds;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The filters of {@code GET /api/admin/runs}, checked when built: every one is optional, and they combine with AND.
 *
 * @param statuses    any of these statuses (empty: any)
 * @param owner       runs of this owner only (null: every owner)
 * @param datasetId   runs into this dataset only (null: every dataset)
 * @param deadOnly    only runs with at least one dead chunk
 * @param stalledOnly only runs that are stalled now (as {@link Run#stall} decides, as the run's JSON shows)
 * @param from        created at or after this (null: no lower bound)
 * @param to          created before this (null: no upper bound); a plain date {@code to} includes that whole day
 */
public record AdminRunFilter(Set<RunStatus> statuses, String owner, String datasetId, boolean deadOnly,
        boolean stalledOnly, Instant from, Instant to) {

    public AdminRunFilter {
        statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
        if (owner != null && !Caller.isUsableOwner(owner)) {
            throw InvalidRequestException.badField("owner", "is not an owner name (letters, digits and _.@:-, at "
                    + "most 128)");
        }
        if (datasetId != null && !DatasetIds.VALID.matcher(datasetId).matches()) {
            throw InvalidRequestException.badField("dataset", "is not a dataset id");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw InvalidRequestException.badField("from", "must be before 'to' (" + from + " is not before " + to
                    + ")");
        }
    }

    /** From the query string: {@code status=S[,S2]&owner=&dataset=&dead=true&stalled=true&from=&to=}. */
    public static AdminRunFilter from(Function<String, String> query) {
        return new AdminRunFilter(statuses(query.apply("status")), blankToNull(query.apply("owner")),
                blankToNull(query.apply("dataset")), flag("dead", query.apply("dead")),
                flag("stalled", query.apply("stalled")), time("from", query.apply("from"), false),
                time("to", query.apply("to"), true));
    }

    /** Whether the run passes every filter, stalled judged at {@code now}. */
    public Predicate<Run> matches(Instant now, Duration chunkVisibilityTimeout) {
        return run -> (statuses.isEmpty() || statuses.contains(run.status()))
                && (owner == null || owner.equals(run.owner()))
                && (datasetId == null || datasetId.equals(run.datasetId()))
                && (!deadOnly || run.chunksDead() > 0 || !run.deadChunks().isEmpty())
                && (!stalledOnly || run.stall(now, chunkVisibilityTimeout).isPresent())
                && (from == null || run.createdAt() != null && !run.createdAt().isBefore(from))
                && (to == null || run.createdAt() != null && run.createdAt().isBefore(to));
    }

    private static Set<RunStatus> statuses(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
        for (String name : value.split(",", -1)) {
            try {
                statuses.add(RunStatus.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw InvalidRequestException.badField("status", "must be one or more of "
                        + Arrays.stream(RunStatus.values()).map(Enum::name).collect(Collectors.joining(", "))
                        + ", separated by commas; '" + abbreviate(name) + "' is none of them");
            }
        }
        return statuses;
    }

    private static boolean flag(String name, String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw InvalidRequestException.badField(name, "must be true or false");
    }

    /** An ISO instant ({@code 2026-12-02T10:00:00Z}) or a date ({@code 2026-12-02}, UTC). */
    private static Instant time(String name, String value, boolean endOfDay) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            try {
                LocalDate day = LocalDate.parse(value);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                throw InvalidRequestException.badField(name, "must be an ISO instant (2026-12-02T10:00:00Z) or a "
                        + "date (2026-12-02); was '" + abbreviate(value) + "'");
            }
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }
}
