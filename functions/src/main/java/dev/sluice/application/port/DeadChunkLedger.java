package dev.sluice.application.port;

import java.util.Collection;

/** The part of the chunk ledger a redrive changes (PostgreSQL). */
public interface DeadChunkLedger {

    /**
     * Forgets that these chunks died, in one transaction: their ledger rows (outcome dead) and their CHUNK_FAILED row
     * errors go, so their next delivery loads them. Chunks loaded (not dead) are left alone; returns how many were
     * forgotten.
     */
    int forgetDeadChunks(String runId, Collection<Integer> chunkNos);
}
