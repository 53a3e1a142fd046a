package dev.sluice.application.port;

import dev.sluice.domain.progress.RunProgress;
import java.util.Optional;

/** The current progress of a run, read consistently from the runs table. */
public interface RunProgressReader {
    Optional<RunProgress> find(String runId);
}
