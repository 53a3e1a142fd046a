package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.identity.CallerResolver;
import dev.sluice.application.progress.SocketSessions;
import dev.sluice.application.twins.InMemoryConnectionMessenger;
import dev.sluice.application.twins.InMemoryConnectionRepository;
import dev.sluice.config.Json;
import dev.sluice.domain.progress.RunProgress;
import dev.sluice.domain.progress.Topic;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The WebSocket API's handler fed events/websocket-*.json, with its sessions' ports as twins. */
class SocketFunctionTest {
    private static final String CONNECTION = "PB3kXdvSIAMCKpQ=";
    private static final String RUN_ID = "3f1c9a2e-8b7d-4c6e-9a1b-2d3e4f5a6b7c";
    private static final Caller ALICE = new Caller("alice", false);

    private final ObjectMapper json = Json.mapper();
    private final InMemoryConnectionRepository connections = new InMemoryConnectionRepository();
    private final InMemoryConnectionMessenger messenger = new InMemoryConnectionMessenger();
    private final Map<String, RunProgress> progress = Map.of(RUN_ID, new RunProgress(RUN_ID, "alice",
            RunStatus.LOADING, 12000, 4950, 50, 400_000, 1_048_576, 5, 0, 12, Instant.EPOCH));
    private final List<CallerResolver.ConnectAttempt> attempts = new ArrayList<>();

    @Test
    void aConnectIsResolvedFromWhatTheRequestCarriesAndTheConnectionStoredWithItsCaller() {
        SocketFunction handler = handler(attempt -> {
            attempts.add(attempt);
            return Optional.of(ALICE);
        });

        int status = handler.handleRequest(fixture("websocket-connect.json"), new TestContext()).getStatusCode();

        assertEquals(200, status);
        assertEquals("eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl", attempts.get(0).queryParameters().get("token"));
        assertEquals(ALICE, connections.find(CONNECTION).orElseThrow().caller());
    }

    @Test
    void aConnectNobodyCouldBeResolvedForIsRefusedWith401AndNotStored() {
        SocketFunction handler = handler(attempt -> Optional.empty());
        assertEquals(401, handler.handleRequest(fixture("websocket-connect.json"), new TestContext())
                .getStatusCode());
        assertTrue(connections.find(CONNECTION).isEmpty());
    }

    @Test
    void aSubscribeIsAnsweredWithASnapshotOnTheSocketAndLeavesASubscription() throws Exception {
        SocketFunction handler = handler(attempt -> Optional.of(ALICE));
        handler.handleRequest(fixture("websocket-connect.json"), new TestContext());

        int status = handler.handleRequest(fixture("websocket-subscribe.json"), new TestContext()).getStatusCode();

        assertEquals(200, status);
        JsonNode snapshot = json.readTree(messenger.posted().get(0).message());
        assertEquals("run.snapshot", snapshot.path("type").asText());
        assertEquals(4950, snapshot.path("stored").asLong());
        assertEquals(List.of(Topic.run(RUN_ID)), connections.topics(CONNECTION));
    }

    @Test
    void aDisconnectForgetsTheConnectionAndItsSubscriptions() {
        SocketFunction handler = handler(attempt -> Optional.of(ALICE));
        handler.handleRequest(fixture("websocket-connect.json"), new TestContext());
        handler.handleRequest(fixture("websocket-subscribe.json"), new TestContext());

        int status = handler.handleRequest(fixture("websocket-disconnect.json"), new TestContext()).getStatusCode();

        assertEquals(200, status);
        assertTrue(connections.find(CONNECTION).isEmpty());
        assertEquals(List.of(), connections.topics(CONNECTION));
    }

    private SocketFunction handler(CallerResolver callers) {
        SocketSessions sessions = new SocketSessions(connections, runId -> Optional.ofNullable(progress.get(runId)),
                messenger, json, Clock.systemUTC());
        return new SocketFunction(sessions, callers);
    }

    private static APIGatewayV2WebSocketEvent fixture(String fileName) {
        return EventFixtures.read(fileName, APIGatewayV2WebSocketEvent.class);
    }
}
