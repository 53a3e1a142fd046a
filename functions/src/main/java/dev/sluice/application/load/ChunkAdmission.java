package dev.sluice.application.load;

import dev.sluice.application.port.RunRepository.RunAndPlan;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import java.util.Optional;

/**
 * Whether a message on ChunkQueue or ChunkDLQ is a chunk the splitter planned for a run that still takes chunks.
 * Anyone with access to a queue can put a well-formed message on it; only a message that equals a planned chunk in
 * every field (compared by fingerprint) may write rows or move counters.
 */
final class ChunkAdmission {
    private ChunkAdmission() {
    }

    /** Why the chunk must be dropped, or empty when it may be loaded (or declared dead). */
    static Optional<String> refusal(ChunkMessage chunk, RunAndPlan found) {
        if (found.run().isEmpty()) {
            return Optional.of("run " + chunk.runId() + " does not exist");
        }
        Run run = found.run().get();
        if (!run.status().acceptsChunks()) {
            return Optional.of("run " + chunk.runId() + " is " + run.status() + "; only a SPLITTING or LOADING run "
                    + "takes chunks");
        }
        if (found.plannedFingerprint().isEmpty()) {
            return Optional.of("the splitter planned no chunk " + chunk.chunkNo() + " for run " + chunk.runId());
        }
        if (!found.plannedFingerprint().get().equals(chunk.fingerprint())) {
            return Optional.of("chunk " + chunk.chunkNo() + " of run " + chunk.runId() + " (bytes " + chunk.startByte()
                    + "-" + chunk.endByte() + ", records " + chunk.firstRecord() + "-" + chunk.lastRecord()
                    + ") differs from the chunk the splitter planned");
        }
        return Optional.empty();
    }
}
