package dev.sluice.application.mapping;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.DatasetRepository;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.MappingSource;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.MappingSuggester;
import dev.sluice.domain.mapping.MappingSuggestion;
import dev.sluice.domain.mapping.MappingSuggestion.Conflict;
import dev.sluice.domain.mapping.MappingSuggestion.Suggested;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code POST /api/mappings/suggest}: the mapping Sluice proposes for a header (and a few rows) before a file is
 * uploaded. With a dataset whose saved mapping fits the header, the saved columns are proposed as they were saved
 * (source {@code saved}) and the remaining columns are suggested around them; otherwise everything is suggested.
 */
public final class SuggestMapping {
    /** Confidence of a column a person confirmed for the dataset. */
    static final double SAVED_CONFIDENCE = 1.0;
    private static final Pattern DATASET_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Optional<DatasetRepository> datasets;
    private final int maxColumns;

    /**
     * @param datasets   where saved mappings are read; null: none, so every mapping is suggested
     * @param maxColumns MAX_COLUMNS: the most header columns a file may have, and so a request
     */
    public SuggestMapping(DatasetRepository datasets, int maxColumns) {
        this.datasets = Optional.ofNullable(datasets);
        this.maxColumns = maxColumns;
    }

    /**
     * What is asked, checked on construction.
     *
     * @param header    the file's header, in file order
     * @param rows      up to {@value MappingSuggester#MAX_ROWS} data rows; may be empty
     * @param datasetId the dataset the file is for, or null
     */
    public record Request(List<String> header, List<List<String>> rows, String datasetId) {
        public Request {
            if (header == null || header.isEmpty()) {
                throw InvalidRequestException.badField("header", "is required: the file's column names, such as "
                        + "[\"Date\", \"Campaign\", \"Cost\"]");
            }
            if (header.stream().anyMatch(h -> h == null)) {
                throw InvalidRequestException.badField("header", "must hold column names (strings), not null");
            }
            header = List.copyOf(header);
            if (rows == null) {
                rows = List.of();
            }
            if (rows.stream().anyMatch(row -> row == null || row.stream().anyMatch(v -> v == null))) {
                throw InvalidRequestException.badField("rows", "must be arrays of values (strings), such as "
                        + "[[\"2024-03-01\", \"Brand\", \"12.50\"]]");
            }
            rows = rows.stream().map(List::copyOf).toList();
            if (rows.size() > MappingSuggester.MAX_ROWS) {
                throw InvalidRequestException.limit("INVALID_REQUEST", 400, "'rows' has " + rows.size()
                        + " rows; send at most " + MappingSuggester.MAX_ROWS + " (the first rows of the file)",
                        "rows", MappingSuggester.MAX_ROWS, rows.size());
            }
            if (datasetId != null && !DATASET_ID.matcher(datasetId).matches()) {
                throw InvalidRequestException.badField("datasetId",
                        "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
            }
        }
    }

    /** The proposal and where it came from ({@code saved} or {@code suggested}). */
    public record Result(MappingSuggestion suggestion, MappingSource source) {
    }

    public Result suggest(Caller caller, Request request) {
        List<String> header = request.header();
        if (header.size() > maxColumns) {
            throw InvalidRequestException.limit("INVALID_REQUEST", 400, "'header' has " + header.size()
                    + " columns; the limit is " + maxColumns + " (MAX_COLUMNS)", "MAX_COLUMNS", maxColumns,
                    header.size());
        }
        for (List<String> row : request.rows()) {
            if (row.size() > maxColumns) {
                throw InvalidRequestException.limit("INVALID_REQUEST", 400, "a row in 'rows' has " + row.size()
                        + " values; the limit is " + maxColumns + " (MAX_COLUMNS)", "MAX_COLUMNS", maxColumns,
                        row.size());
            }
        }
        Optional<SavedMapping> saved = savedMapping(caller, request.datasetId())
                .filter(s -> !s.isEmpty() && fits(s, header));
        if (saved.isEmpty()) {
            return new Result(MappingSuggester.suggest(header, request.rows()), MappingSource.SUGGESTED);
        }
        return new Result(aroundSaved(saved.get(), header, request.rows()), MappingSource.SAVED);
    }

    private Optional<SavedMapping> savedMapping(Caller caller, String datasetId) {
        if (datasetId == null || datasets.isEmpty()) {
            return Optional.empty();
        }
        Dataset dataset = datasets.get().find(datasetId).filter(d -> caller.maySee(d.owner()))
                // Someone else's dataset answers exactly like a missing one.
                .orElseThrow(() -> new InvalidRequestException("NOT_FOUND", 404,
                        "No dataset with id '" + datasetId + "'"));
        return Optional.of(dataset.mapping());
    }

    /** Whether every column the saved mapping names is in the header (letter case aside, as imports match). */
    static boolean fits(SavedMapping saved, List<String> header) {
        return saved.columns().entrySet().stream().allMatch(e -> CanonicalField.byFieldName(e.getKey()).isPresent()
                && column(header, e.getValue()) >= 0);
    }

    private static int column(List<String> header, String name) {
        String wanted = name == null ? "" : name.strip();
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).strip().equalsIgnoreCase(wanted)) {
                return i;
            }
        }
        return -1;
    }

    /** The saved columns as saved; the other columns suggested for the fields the saved mapping leaves free. */
    private static MappingSuggestion aroundSaved(SavedMapping saved, List<String> header, List<List<String>> rows) {
        Map<CanonicalField, Suggested> fields = new EnumMap<>(CanonicalField.class);
        boolean[] savedColumn = new boolean[header.size()];
        saved.columns().forEach((name, column) -> {
            int index = column(header, column);
            savedColumn[index] = true;
            fields.put(CanonicalField.byFieldName(name).orElseThrow(), new Suggested(header.get(index),
                    SAVED_CONFIDENCE, "saved on the dataset"));
        });
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            if (!savedColumn[i]) {
                rest.add(i);
            }
        }
        List<String> restHeader = rest.stream().map(header::get).toList();
        List<List<String>> restRows = rows.stream()
                .map(row -> rest.stream().map(i -> i < row.size() ? row.get(i) : "").toList()).toList();
        MappingSuggestion others = MappingSuggester.suggest(restHeader, restRows);
        Map<CanonicalField, Conflict> othersConflicts = new EnumMap<>(CanonicalField.class);
        others.conflicts().forEach(c -> othersConflicts.put(c.field(), c));
        List<Conflict> conflicts = new ArrayList<>();
        for (CanonicalField field : CanonicalField.values()) {
            Suggested other = others.fields().get(field);
            if (other == null) {
                continue;
            }
            Conflict competing = othersConflicts.get(field);
            if (!fields.containsKey(field)) {
                fields.put(field, other);
                if (competing != null) {
                    conflicts.add(competing);
                }
            } else {
                // A column suggested for a field the saved mapping fills stays unmapped, and says so.
                List<String> headers = new ArrayList<>();
                headers.add(fields.get(field).header());
                headers.addAll(competing == null ? List.of(other.header()) : competing.headers());
                conflicts.add(new Conflict(field, headers));
            }
        }
        List<String> unmapped = new ArrayList<>();
        for (String name : header) {
            if (fields.values().stream().noneMatch(s -> s.header().equals(name))) {
                unmapped.add(name);
            }
        }
        return new MappingSuggestion(fields, unmapped, conflicts);
    }
}
