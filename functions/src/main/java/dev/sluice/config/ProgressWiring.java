package dev.sluice.config;

import dev.sluice.application.progress.PublishProgress;
import dev.sluice.application.progress.SocketMessages;

/** ProgressFunction: subscribers from DynamoDB, messages through the @connections API. Nothing else. */
public final class ProgressWiring extends FunctionWiring {
    private final PublishProgress publishProgress;

    public ProgressWiring(Settings settings) {
        super(settings);
        // Keeps state (rate history, posts in flight): one per function instance, built here once.
        this.publishProgress = new PublishProgress(adapters.connectionRepository(), adapters.connectionMessenger(),
                new SocketMessages(adapters.json()), settings.webSocketPostTimeout());
    }

    public PublishProgress publishProgress() {
        return publishProgress;
    }
}
