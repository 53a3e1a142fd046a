package dev.sluice.application.load;

import dev.sluice.domain.validation.RawRecord;
import dev.sluice.domain.validation.RecordSink;
import dev.sluice.domain.validation.RowError;
import dev.sluice.domain.validation.RowErrorCode;
import dev.sluice.domain.validation.ValidRecord;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Passes every record on to the repository's sink and counts the row errors of rejected ones by code, for the
 * per-chunk log lines operators query ("row error codes by count"). A map increment per row error: the errors
 * themselves are already built, so this adds nothing per stored record.
 */
final class ErrorCodeTally implements RecordSink {
    private final RecordSink target;
    private final Map<RowErrorCode, Integer> counts = new EnumMap<>(RowErrorCode.class);

    ErrorCodeTally(RecordSink target) {
        this.target = target;
    }

    @Override
    public void accept(ValidRecord record) {
        target.accept(record);
    }

    @Override
    public void accept(RawRecord record) {
        target.accept(record);
    }

    @Override
    public void reject(long recordNo, long lineNo, List<RowError> errors) {
        target.reject(recordNo, lineNo, errors);
        for (RowError error : errors) {
            counts.merge(error.code(), 1, Integer::sum);
        }
    }

    /** Row errors by code, in the order {@link RowErrorCode} declares them. */
    Map<RowErrorCode, Integer> counts() {
        return Collections.unmodifiableMap(new EnumMap<>(counts));
    }
}
