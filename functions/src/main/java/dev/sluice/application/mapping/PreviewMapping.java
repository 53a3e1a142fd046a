package dev.sluice.application.mapping;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.DatasetRepository;
import dev.sluice.application.upload.UploadRequest;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.transform.BoundTransforms;
import dev.sluice.domain.transform.ExpressionException;
import dev.sluice.domain.transform.Transforms;
import dev.sluice.domain.transform.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/mappings/preview}: what a mapping's transformations make of a file's first rows, before it is
 * uploaded, evaluated by the same code the loaders run (BoundTransforms), so the preview and the import cannot
 * disagree. A value is shown as the text it becomes (numbers plain, dates ISO); a failing transformation is an error
 * on its field, with the message its row error would have.
 */
public final class PreviewMapping {
    public static final int MAX_ROWS = 50;
    public static final int MAX_COLUMNS = 200;

    private final Optional<DatasetRepository> datasets;

    /** @param datasets where a dataset's kind and saved mapping are read; null: every preview is of marketing */
    public PreviewMapping(DatasetRepository datasets) {
        this.datasets = Optional.ofNullable(datasets);
    }

    /**
     * @param columns    canonical field (marketing) to header name
     * @param transforms the transformations; with none and no columns, a dataset's saved mapping is previewed
     * @param datasetId  the dataset the file is for (its kind decides how the mapping is read), or null
     */
    public record Request(List<String> header, List<List<String>> rows, Map<String, String> columns,
            Transforms transforms, String datasetId) {
        public Request {
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
            columns = columns == null ? Map.of() : Map.copyOf(columns);
            transforms = transforms == null ? Transforms.NONE : transforms;
            if (header.isEmpty()) {
                throw InvalidRequestException.badField("header", "is required: the file's column names");
            }
            if (header.size() > MAX_COLUMNS) {
                throw InvalidRequestException.limit("INVALID_REQUEST", 400, "'header' has " + header.size()
                        + " columns; a preview takes at most " + MAX_COLUMNS, "columns", MAX_COLUMNS, header.size());
            }
            if (rows.size() > MAX_ROWS) {
                throw InvalidRequestException.limit("INVALID_REQUEST", 400, "'rows' has " + rows.size()
                        + " rows; a preview takes at most " + MAX_ROWS, "rows", MAX_ROWS, rows.size());
            }
            for (List<String> row : rows) {
                if (row.size() > MAX_COLUMNS) {
                    throw InvalidRequestException.limit("INVALID_REQUEST", 400, "a row has " + row.size()
                            + " values; a preview takes at most " + MAX_COLUMNS, "columns", MAX_COLUMNS, row.size());
                }
            }
        }
    }

    /** One field's failure on one row. */
    public record FieldError(String field, String message) {
    }

    /** @param values field (or column) to the value it becomes, null for none; in field order */
    public record Row(Map<String, String> values, List<FieldError> errors) {
    }

    public List<Row> preview(Caller caller, Request request) {
        Dataset dataset = dataset(caller, request.datasetId());
        DatasetKind kind = dataset == null ? DatasetKind.MARKETING : dataset.kind();
        Map<String, String> columns = request.columns();
        Transforms transforms = request.transforms();
        if (columns.isEmpty() && transforms.isEmpty() && dataset != null) {
            columns = dataset.mapping().columns();
            transforms = dataset.mapping().transforms();
        }
        try {
            transforms.checked();
        } catch (ExpressionException e) {
            throw UploadRequest.invalidExpression(e);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.badField("mapping", e.getMessage());
        }
        List<String> header = request.header();
        BoundTransforms bound = BoundTransforms.bind(transforms, header,
                kind == DatasetKind.RAW ? Map.of() : columns);
        List<Row> rows = new ArrayList<>();
        for (List<String> row : request.rows()) {
            BoundTransforms.Cells cells = i -> i < row.size() ? row.get(i) : "";
            Map<String, String> values = new LinkedHashMap<>();
            List<FieldError> errors = new ArrayList<>();
            if (kind == DatasetKind.RAW) {
                for (int i = 0; i < header.size(); i++) {
                    put(values, errors, header.get(i), bound.field(header.get(i)), cells, cells.get(i));
                }
                for (BoundTransforms.Rule rule : bound.calculated()) {
                    put(values, errors, rule.name(), rule, cells, null);
                }
            } else {
                for (CanonicalField field : CanonicalField.values()) {
                    String column = columns.get(field.fieldName());
                    BoundTransforms.Rule rule = bound.field(field.fieldName());
                    if (column == null && rule == null) {
                        continue;
                    }
                    int index = column == null ? -1 : indexOf(header, column);
                    put(values, errors, field.fieldName(), rule, cells, index < 0 ? null : cells.get(index));
                }
            }
            rows.add(new Row(values, errors));
        }
        return rows;
    }

    private static void put(Map<String, String> values, List<FieldError> errors, String name,
            BoundTransforms.Rule rule, BoundTransforms.Cells cells, String plain) {
        if (rule == null) {
            values.put(name, plain);
            return;
        }
        try {
            values.put(name, Values.text(rule.apply(cells)));
        } catch (ExpressionException e) {
            values.put(name, null);
            errors.add(new FieldError(name, e.getMessage()));
        }
    }

    private static int indexOf(List<String> header, String column) {
        int index = header.indexOf(column);
        for (int i = 0; index < 0 && i < header.size(); i++) {
            if (header.get(i).strip().equalsIgnoreCase(column.strip())) {
                index = i;
            }
        }
        return index;
    }

    private Dataset dataset(Caller caller, String datasetId) {
        if (datasetId == null || datasets.isEmpty()) {
            return null;
        }
        // Someone else's dataset answers exactly like a missing one.
        return datasets.get().find(datasetId).filter(d -> caller.maySee(d.owner()))
                .orElseThrow(() -> new InvalidRequestException("NOT_FOUND", 404,
                        "No dataset with id '" + datasetId + "'"));
    }
}
