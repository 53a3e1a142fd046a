package dev.sluice.domain.validation;

import java.util.List;

public interface RecordSink {
    void accept(ValidRecord record);

    void reject(long recordNo, long lineNo, List<RowError> errors);
}
