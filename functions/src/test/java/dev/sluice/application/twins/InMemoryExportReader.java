package dev.sluice.application.twins;

import dev.sluice.application.port.ExportReader;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.port.RecordRepository.StoredRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads what an {@link InMemoryRecordRepository} holds, in the order and shape PostgresExportReader gives. The
 * twin keeps a record's extra columns as a map's text ({@code {a=b}}), so extra values are read back from it only
 * for simple values; raw records are whatever {@link #putRaw} was given.
 */
public final class InMemoryExportReader implements ExportReader {
    private final InMemoryRecordRepository records;
    private final Map<String, List<Map<String, String>>> raw = new LinkedHashMap<>();

    public InMemoryExportReader(InMemoryRecordRepository records) {
        this.records = records;
    }

    public synchronized void putRaw(String runId, List<Map<String, String>> rows) {
        raw.put(runId, List.copyOf(rows));
    }

    @Override
    public void errors(String runId, Consumer<StoredError> each) {
        List<StoredError> sorted = new ArrayList<>(records.errors(runId));
        // A stable sort keeps the problems of one record in the order they were found (their seq).
        sorted.sort(Comparator.comparingLong(StoredError::recordNo));
        sorted.forEach(each);
    }

    @Override
    public void records(String runId, List<String> extraColumns, Consumer<List<String>> each) {
        for (StoredRecord record : records.records(runId)) {
            List<String> values = new ArrayList<>(List.of(record.date().toString(), record.campaign(),
                    record.channel(), plain(record.spend()), text(record.clicks()), plain(record.conversions()),
                    text(record.impressions())));
            Map<String, String> extra = extra(record.extraJson());
            extraColumns.forEach(column -> values.add(extra.getOrDefault(column, "")));
            each.accept(values);
        }
    }

    @Override
    public synchronized List<String> rawColumns(String runId) {
        List<Map<String, String>> rows = raw.getOrDefault(runId, List.of());
        return rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).keySet());
    }

    @Override
    public synchronized void rawRecords(String runId, List<String> columns, Consumer<List<String>> each) {
        for (Map<String, String> row : raw.getOrDefault(runId, List.of())) {
            each.accept(columns.stream().map(c -> row.getOrDefault(c, "")).toList());
        }
    }

    private static String plain(BigDecimal value) {
        return value == null ? "" : value.toPlainString();
    }

    private static String text(Long value) {
        return value == null ? "" : value.toString();
    }

    private static Map<String, String> extra(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        if (text == null || text.length() < 2) {
            return map;
        }
        for (String pair : text.substring(1, text.length() - 1).split(", ")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                map.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return map;
    }
}
