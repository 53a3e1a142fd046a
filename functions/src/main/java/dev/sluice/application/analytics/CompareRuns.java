package dev.sluice.application.analytics;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.RunComparisonReader;
import dev.sluice.application.port.RunComparisonReader.Counts;
import dev.sluice.application.port.RunComparisonReader.Difference;
import dev.sluice.application.query.RunQueries;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.run.Run;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What changed from run {@code a} to run {@code b} of one dataset, per key: the dataset's publish key (upsert and
 * replace), else the marketing default key ({@code date, campaign, channel}) or, for a raw dataset without a key, the
 * whole record. Within a run the last record of a key wins, as publishing would take it. Both runs must be the
 * caller's to see (else NOT_FOUND, as for any run) and belong to the dataset.
 */
public final class CompareRuns {
    private static final Set<String> DECIMALS = Set.of(CanonicalField.SPEND.fieldName(),
            CanonicalField.CONVERSIONS.fieldName());

    private final ManageDatasets datasets;
    private final RunQueries runs;
    private final RunComparisonReader reader;

    public CompareRuns(ManageDatasets datasets, RunQueries runs, RunComparisonReader reader) {
        this.datasets = datasets;
        this.runs = runs;
        this.reader = reader;
    }

    /** One field of a changed key; {@code before} is null for an added key, {@code after} for a removed one. */
    public record FieldChange(String name, String before, String after) {
    }

    public enum Change {
        ADDED, REMOVED, CHANGED
    }

    /** One key that differs; {@code key} is its values as a JSON array (text). */
    public record KeyChange(String key, Change change, List<FieldChange> fields) {
    }

    /** @param nextKey the key the next page continues after, null on the last page */
    public record Comparison(String a, String b, List<String> key, Counts counts, List<KeyChange> items,
            String nextKey) {
    }

    public Comparison compare(Caller caller, String datasetId, String runA, String runB, Supplier<String> afterKey,
            IntSupplier limit) {
        Dataset dataset = datasets.visible(caller, datasetId);
        Run a = inDataset(caller, dataset, "a", runA);
        Run b = inDataset(caller, dataset, "b", runB);
        List<String> key = key(dataset);
        int size = limit.getAsInt();
        List<Difference> differences = reader.differences(a.runId(), b.runId(), dataset.kind(), key, afterKey.get(),
                size + 1);
        String next = null;
        if (differences.size() > size) {
            differences = differences.subList(0, size);
            next = differences.get(size - 1).key();
        }
        List<String> order = fieldOrder(dataset, a, b);
        List<KeyChange> items = new ArrayList<>();
        for (Difference difference : differences) {
            items.add(change(difference, order, dataset.kind()));
        }
        return new Comparison(a.runId(), b.runId(), key, reader.counts(a.runId(), b.runId(), dataset.kind(), key),
                items, next);
    }

    /** The publish key, or what identifies a record when the dataset appends (no key of its own). */
    static List<String> key(Dataset dataset) {
        PublishSettings publish = dataset.publish();
        if (publish.strategy() != PublishStrategy.APPEND && !publish.key().isEmpty()) {
            return publish.key();
        }
        return dataset.kind() == DatasetKind.MARKETING ? PublishSettings.MARKETING_KEY : List.of();
    }

    private Run inDataset(Caller caller, Dataset dataset, String field, String runId) {
        if (runId == null || runId.isBlank()) {
            throw InvalidRequestException.badField(field, "is required: the id of a run of dataset " + dataset.id());
        }
        Run run = runs.run(caller, runId);
        if (!Objects.equals(run.datasetId(), dataset.id())) {
            throw new InvalidRequestException("RUN_NOT_IN_DATASET", 400, "Run " + run.runId() + " ('" + field
                    + "') was imported into another dataset, not " + dataset.id() + "; compare two runs of one "
                    + "dataset.");
        }
        return run;
    }

    /** Canonical fields first for marketing; then the runs' columns in the order of b's file, then a's. */
    private static List<String> fieldOrder(Dataset dataset, Run a, Run b) {
        Set<String> order = new LinkedHashSet<>();
        if (dataset.kind() == DatasetKind.MARKETING) {
            order.addAll(DatasetRowQueries.CANONICAL);
            return List.copyOf(order);
        }
        for (Run run : List.of(b, a)) {
            if (run.fileFacts() != null) {
                order.addAll(run.fileFacts().header());
            }
        }
        return List.copyOf(order);
    }

    private static KeyChange change(Difference difference, List<String> order, DatasetKind kind) {
        Map<String, String> before = difference.before();
        Map<String, String> after = difference.after();
        Set<String> names = new LinkedHashSet<>();
        Set<String> rest = new TreeSet<>();
        for (Map<String, String> side : new ArrayList<>(java.util.Arrays.asList(before, after))) {
            if (side != null) {
                rest.addAll(side.keySet());
            }
        }
        for (String name : order) {
            if (rest.remove(name)) {
                names.add(name);
            }
        }
        names.addAll(rest);
        List<FieldChange> fields = new ArrayList<>();
        for (String name : names) {
            String old = before == null ? null : before.get(name);
            String now = after == null ? null : after.get(name);
            if (before == null || after == null || !sameValue(kind, name, old, now)) {
                fields.add(new FieldChange(name, old, now));
            }
        }
        Change change = before == null ? Change.ADDED : after == null ? Change.REMOVED : Change.CHANGED;
        return new KeyChange(difference.key(), change, fields);
    }

    /**
     * A marketing record's decimals are equal by value ("98.70" is "98.7"), as publishing and the reader's counts
     * take them; every other value (dates, whole numbers, extra and raw columns) by its text.
     */
    private static boolean sameValue(DatasetKind kind, String name, String old, String now) {
        if (kind == DatasetKind.MARKETING && DECIMALS.contains(name) && old != null && now != null) {
            return new BigDecimal(old).compareTo(new BigDecimal(now)) == 0;
        }
        return Objects.equals(old, now);
    }
}
