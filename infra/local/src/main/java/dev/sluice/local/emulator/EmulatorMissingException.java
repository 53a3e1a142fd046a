package dev.sluice.local.emulator;

/** A prerequisite of the local runtime is not installed; the message is one line that says what to install. */
public final class EmulatorMissingException extends RuntimeException {
    public EmulatorMissingException(String message) {
        super(message);
    }
}
