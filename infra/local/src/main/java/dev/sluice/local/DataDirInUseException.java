package dev.sluice.local;

import java.nio.file.Path;

/** Another runtime holds the data directory's lock: two would corrupt each other's emulator state. */
public final class DataDirInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient Path dataDir;

    public DataDirInUseException(Path dataDir) {
        super("data dir " + dataDir + " is in use by another Sluice local runtime: stop that one, or choose"
                + " another with --data-dir DIR");
        this.dataDir = dataDir;
    }

    public Path dataDir() {
        return dataDir;
    }
}
