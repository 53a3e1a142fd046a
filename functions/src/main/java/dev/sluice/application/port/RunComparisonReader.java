package dev.sluice.application.port;

import dev.sluice.domain.dataset.DatasetKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two runs' stored records (tables {@code records} / {@code raw_records}) side by side by a key: per key the last
 * record of each run (the highest record number wins, as a later line of a file would), then what was added, removed
 * and changed from run {@code a} to run {@code b}.
 */
public interface RunComparisonReader {

    /** How many keys were added (only in b), removed (only in a), changed and unchanged. */
    record Counts(long added, long removed, long changed, long unchanged) {
    }

    /**
     * One key whose record differs: {@code key} is the key's values as a JSON array (text); {@code before} is null
     * when the key is only in b, {@code after} when only in a. The maps hold a record's values as text by field
     * (canonical fields then extra columns, or a raw record's columns).
     */
    record Difference(String key, Map<String, String> before, Map<String, String> after) {
        public Difference {
            before = before == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(before));
            after = after == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(after));
        }
    }

    /**
     * @param key the fields (canonical names or extra columns for marketing, column names for raw) that identify a
     *            record; empty for raw means the whole record
     */
    Counts counts(String runA, String runB, DatasetKind kind, List<String> key);

    /** Up to {@code limit} differing keys after {@code afterKey} (null: from the first), in key order. */
    List<Difference> differences(String runA, String runB, DatasetKind kind, List<String> key, String afterKey,
            int limit);
}
