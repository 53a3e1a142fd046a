package dev.sluice.local.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.emulator.MotoDynamoDb;
import dev.sluice.local.fault.FaultSpec.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DynamoDB side of {@link Faults}, asked by the emulator's proxy before it forwards a call. With
 * {@code dynamodb-throttle} the UpdateItem that counts a chunk (it adds the chunk to the run's
 * {@code countedChunks}) is refused, before moto sees it, with the 400 ProvisionedThroughputExceededException
 * DynamoDB sends, for the first ATTEMPTS tries of each chunk. The default, 9, is every try the SDK makes in one
 * delivery: the chunk's records are committed and the delivery still fails, so the next one must find the ledger
 * and count once.
 */
public final class DynamoDbFaults implements MotoDynamoDb.CallFilter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UPDATE_ITEM = "DynamoDB_20120810.UpdateItem";
    private static final byte[] THROTTLED = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
            + "ProvisionedThroughputExceededException\",\"message\":\"The level of configured provisioned throughput "
            + "for the table was exceeded (local fault dynamodb-throttle).\"}").getBytes(StandardCharsets.UTF_8);

    private final Faults faults;
    private final Map<String, AtomicInteger> countAttempts = new ConcurrentHashMap<>();

    DynamoDbFaults(Faults faults) {
        this.faults = faults;
    }

    void reset() {
        countAttempts.clear();
    }

    @Override
    public Optional<MotoDynamoDb.FilteredAnswer> answer(String target, byte[] body) {
        Optional<FaultSpec> throttle = faults.enabled(Kind.DYNAMODB_THROTTLE);
        if (throttle.isEmpty() || !UPDATE_ITEM.equals(target)) {
            return Optional.empty();
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (!text.contains("#countedChunks") || !text.contains(":chunkSet")) {
            return Optional.empty();
        }
        String chunk;
        try {
            JsonNode request = JSON.readTree(body);
            chunk = request.path("Key").path("pk").path("S").asText() + "/"
                    + request.path("ExpressionAttributeValues").path(":chunkNo").path("N").asText();
        } catch (IOException e) {
            return Optional.empty();
        }
        int attempt = countAttempts.computeIfAbsent(chunk, c -> new AtomicInteger()).incrementAndGet();
        if (attempt > throttle.get().argumentOrDefault()) {
            return Optional.empty();
        }
        faults.strike(Kind.DYNAMODB_THROTTLE);
        return Optional.of(new MotoDynamoDb.FilteredAnswer(400, THROTTLED.clone()));
    }
}
