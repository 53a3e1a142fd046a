package dev.sluice.application.port;

/** Sends a message to one open WebSocket connection (API Gateway's @connections API). */
public interface ConnectionMessenger {

    enum Delivery {
        DELIVERED,
        /** The connection is closed (API Gateway answers 410 Gone); it will never accept a message again. */
        GONE,
        /** Anything else (throttled, timed out): this message is lost, the connection may still be alive. */
        FAILED
    }

    Delivery post(String connectionId, String message);
}
