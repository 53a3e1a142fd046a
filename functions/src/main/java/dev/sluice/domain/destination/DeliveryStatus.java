package dev.sluice.domain.destination;

import java.util.Locale;

/** Where one run's delivery to one destination stands. */
public enum DeliveryStatus {
    /** Queued, not started (or queued again by a resend). */
    PENDING,
    /** An attempt is under way (or died without saying so; the queue delivers the message again). */
    DELIVERING,
    /** The target committed the rows with its marker row; final. */
    DELIVERED,
    /** The last attempt failed; the queue retries, and a user may resend. */
    FAILED,
    /**
     * The run was rolled back before it was delivered: nothing was written to the target, and nothing will be (a
     * rollback is final, so a resend is refused); final.
     */
    SKIPPED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryStatus byWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
