package dev.sluice.domain.validation;

import java.util.List;

/** Receives every record of a chunk, in order, exactly once: either accepted or rejected. */
public interface RecordSink {
    void accept(ValidRecord record);

    void reject(long recordNo, long lineNo, List<RowError> errors);
}
