package dev.sluice.local.emulator;

import java.io.IOException;

/** An in-process stand-in for an AWS service: closing it stops it, reporting every failure as an IOException. */
interface Emulator extends AutoCloseable {

    /** Stops the server and releases what it holds. */
    void stop() throws Exception;

    @Override
    default void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping", e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("could not stop cleanly", e);
        }
    }
}
