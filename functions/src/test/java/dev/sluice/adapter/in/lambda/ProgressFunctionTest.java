package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.progress.PublishProgress;
import dev.sluice.application.progress.SocketMessages;
import dev.sluice.application.twins.InMemoryConnectionMessenger;
import dev.sluice.application.twins.InMemoryConnectionRepository;
import dev.sluice.config.Json;
import dev.sluice.domain.progress.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The runs table's stream handler fed events/dynamodb-stream-run-progress.json, with its ports as twins. */
class ProgressFunctionTest {
    private static final String RUN_ID = "3f1c9a2e-8b7d-4c6e-9a1b-2d3e4f5a6b7c";
    private final ObjectMapper json = Json.mapper();
    private final InMemoryConnectionRepository connections = new InMemoryConnectionRepository();
    private final InMemoryConnectionMessenger messenger = new InMemoryConnectionMessenger();
    private final ProgressFunction handler = new ProgressFunction(new PublishProgress(connections, messenger,
            new SocketMessages(json), Duration.ofSeconds(2)));

    @Test
    void theNewImageOfTheRunBecomesAProgressMessageToTheConnectionWatchingIt() throws Exception {
        connections.subscribe("watcher", Topic.run(RUN_ID), Optional.empty(), Instant.now().plusSeconds(60));
        connections.subscribe("elsewhere", Topic.run("another-run"), Optional.empty(),
                Instant.now().plusSeconds(60));

        StreamsEventResponse response = handler.handleRequest(
                EventFixtures.read("dynamodb-stream-run-progress.json", DynamodbEvent.class), new TestContext());

        assertEquals(List.of(), response.getBatchItemFailures());
        List<InMemoryConnectionMessenger.Posted> posted = messenger.posted();
        assertEquals(List.of("watcher"), posted.stream().map(InMemoryConnectionMessenger.Posted::connectionId)
                .toList());
        JsonNode message = json.readTree(posted.get(0).message());
        assertEquals("run.progress", message.path("type").asText());
        assertEquals(RUN_ID, message.path("runId").asText());
        assertEquals("LOADING", message.path("status").asText());
        assertEquals(4950, message.path("stored").asLong(), "the new image's counters, not the old one's");
        assertEquals(5, message.path("chunksDone").asInt());
    }

    @Test
    void aRunNobodySubscribedToIsToldToItsOwnersWatchersWithoutAskingForItsOwnSubscribers() {
        connections.subscribe("run-watcher", Topic.run(RUN_ID), Optional.empty(), Instant.now().plusSeconds(60));
        connections.subscribe("owner-watcher", Topic.owner("local"), Optional.empty(),
                Instant.now().plusSeconds(60));
        DynamodbEvent event = EventFixtures.read("dynamodb-stream-run-progress.json", DynamodbEvent.class);
        // A mark that has expired: no subscription to the run can still be open.
        event.getRecords().getFirst().getDynamodb().getNewImage().put("watchedUntil",
                new AttributeValue().withN(Long.toString(Instant.now().minusSeconds(1).getEpochSecond())));

        handler.handleRequest(event, new TestContext());

        assertEquals(List.of("owner-watcher"), messenger.posted().stream()
                .map(InMemoryConnectionMessenger.Posted::connectionId).toList());
        assertEquals(Set.of(Topic.owner("local"), Topic.all()), Set.copyOf(connections.topicsRead()),
                "the run's own topic was not read");
    }

    @Test
    void aRunWhoseSubscribersCannotBeReadIsRetriedFromItsRecordsSequenceNumber() {
        connections.failReadsOfSubscribers(true);

        StreamsEventResponse response = handler.handleRequest(
                EventFixtures.read("dynamodb-stream-run-progress.json", DynamodbEvent.class), new TestContext());

        assertEquals(List.of("4421584500000000017450439091"), response.getBatchItemFailures().stream()
                .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList());
        assertEquals(List.of(), messenger.posted());
    }
}
