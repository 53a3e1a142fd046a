package dev.sluice.config;

import dev.sluice.application.identity.CallerResolver;
import dev.sluice.application.progress.SocketSessions;

/** SocketFunction: connections and subscriptions in DynamoDB, snapshots through the @connections API. */
public final class SocketWiring extends FunctionWiring {
    private final SocketSessions socketSessions;

    public SocketWiring(Settings settings) {
        super(settings);
        this.socketSessions = new SocketSessions(adapters.connectionRepository(), adapters.runProgressReader(),
                adapters.connectionMessenger(), adapters.json(), adapters.clock(),
                adapters.socketLimits());
    }

    public SocketSessions socketSessions() {
        return socketSessions;
    }

    /** Who opens a WebSocket: the caller the $connect authorizer vouched for, nobody else. */
    public CallerResolver callerResolver() {
        return CallerResolver.fromAuthorizer();
    }
}
