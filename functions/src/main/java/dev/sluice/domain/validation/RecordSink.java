package dev.sluice.domain.validation;

import java.util.List;

/** Receives every record of a chunk, in order, exactly once: either accepted or rejected. */
public interface RecordSink {
    void accept(ValidRecord record);

    /**
     * A record of a raw dataset. Only sinks that store raw datasets take one: a marketing sink that got one would
     * drop data, so by default it refuses.
     */
    default void accept(RawRecord record) {
        throw new IllegalStateException("this sink stores marketing records, not the raw record " + record.recordNo());
    }

    void reject(long recordNo, long lineNo, List<RowError> errors);
}
