package dev.sluice.application.port;

import dev.sluice.domain.run.RunStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Remembers every metric event in order, for use-case tests. Load times are recorded without their value (it is
 * the wall clock); {@link #writeMillis()} keeps them.
 */
public final class InMemoryPipelineMetrics implements PipelineMetrics {
    private final List<String> events = new ArrayList<>();
    private final List<Long> writeMillis = new ArrayList<>();

    @Override
    public synchronized void runStarted() {
        events.add("runStarted");
    }

    @Override
    public synchronized void runFinished(RunStatus status) {
        events.add("runFinished " + status);
    }

    @Override
    public synchronized void chunkCounted(long stored, long rejected) {
        events.add("chunkCounted stored=" + stored + " rejected=" + rejected);
    }

    @Override
    public synchronized void chunkWritten(long millis) {
        events.add("chunkWritten");
        writeMillis.add(millis);
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    public synchronized List<Long> writeMillis() {
        return List.copyOf(writeMillis);
    }
}
