package dev.sluice.application.port;

import dev.sluice.domain.dataset.DatasetKind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The current rows of a dataset (table {@code dataset_rows}, versions with {@code superseded_by} null), read a page at
 * a time in a stable order (a marketing dataset's by date, then row key; a raw one's by run, then record number), or
 * streamed whole for a download.
 */
public interface DatasetRowReader {

    /**
     * Which rows: a marketing dataset's by day range, channel and campaign; a raw one's by the exact value of
     * columns. Null (or empty) parts do not filter.
     */
    record RowFilter(LocalDate from, LocalDate to, String channel, String campaign, Map<String, String> equal) {
        public static final RowFilter ALL = new RowFilter(null, null, null, null, Map.of());

        public RowFilter {
            equal = equal == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(equal));
        }
    }

    /**
     * A current row. {@code key} is the row key as stored (a JSON array as text). A marketing row has the canonical
     * fields and {@code extraJson}; a raw row has {@code data} (values by column name, in the store's order) and
     * null canonical fields.
     */
    record DatasetRow(String runId, long recordNo, String key, LocalDate date, String campaign, String channel,
            BigDecimal spend, Long clicks, Long impressions, BigDecimal conversions, String extraJson,
            Map<String, String> data) {
        public DatasetRow {
            data = data == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(data));
        }
    }

    /**
     * A page of rows and the position after its last row ({@code next}, null when there are no more): an opaque
     * list of strings to pass back as {@code after}.
     */
    record RowPage(List<DatasetRow> items, List<String> next) {
    }

    /**
     * Up to {@code limit} rows after {@code after} (null: from the first).
     *
     * @throws IllegalArgumentException when {@code after} is not a position of a page of this kind of dataset
     */
    RowPage page(String datasetId, DatasetKind kind, RowFilter filter, List<String> after, int limit);

    /** Every row the filter selects, in page order, each handed over as it is read (never all held at once). */
    void stream(String datasetId, DatasetKind kind, RowFilter filter, Consumer<DatasetRow> each);

    /** The distinct names in the current rows' {@code extra} (marketing) or {@code data} (raw), sorted. */
    List<String> columnNames(String datasetId, DatasetKind kind);
}
