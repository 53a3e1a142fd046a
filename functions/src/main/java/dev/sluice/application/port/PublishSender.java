package dev.sluice.application.port;

/**
 * Sends a run's publish message ({"runId": ...}) to PublishQueue. Sending twice is harmless: publishing is
 * idempotent (the publish ledger), so a sender that is unsure whether a send reached the queue sends again.
 */
@FunctionalInterface
public interface PublishSender {
    /** Nothing is sent: the caller's runs are published by someone else (tests without a publish step). */
    PublishSender NONE = runId -> {
    };

    void send(String runId);
}
