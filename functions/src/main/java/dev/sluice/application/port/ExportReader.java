package dev.sluice.application.port;

import dev.sluice.application.port.RecordRepository.StoredError;
import java.util.List;
import java.util.function.Consumer;

/**
 * A run's stored data read front to back for a download, in pages: a store keeps at most one page in memory and
 * hands each row to the consumer before it fetches the next page, so an export of any size runs in constant memory.
 */
public interface ExportReader {

    /** Every row error of the run, by record number and then by the order the record's problems were found. */
    void errors(String runId, Consumer<StoredError> each);

    /**
     * Every stored marketing record of the run by record number, as text: date ({@code yyyy-mm-dd}), campaign,
     * channel, spend, clicks, conversions, impressions (numbers as plain decimals, empty when absent), then the value
     * of each of {@code extraColumns} from the record's unmapped columns (empty when it has none under that name).
     */
    void records(String runId, List<String> extraColumns, Consumer<List<String>> each);

    /**
     * The keys of the run's raw records (a {@code raw} dataset's run), in no particular order; empty when the run
     * has no raw records.
     */
    List<String> rawColumns(String runId);

    /** Every raw record of the run by record number: the value of each of {@code columns}, empty when absent. */
    void rawRecords(String runId, List<String> columns, Consumer<List<String>> each);
}
