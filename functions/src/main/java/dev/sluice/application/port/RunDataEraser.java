package dev.sluice.application.port;

import java.util.Collection;

/** Deletes what runs loaded into the database: their records (typed and raw), row errors and chunk ledger rows. */
public interface RunDataEraser {

    /** In one transaction; runs that loaded nothing are no error. Returns how many records were deleted. */
    long deleteRunData(Collection<String> runIds);
}
