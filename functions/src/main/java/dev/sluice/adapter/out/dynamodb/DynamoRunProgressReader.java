package dev.sluice.adapter.out.dynamodb;

import dev.sluice.adapter.wire.RunProgressItems;
import dev.sluice.application.port.RunProgressReader;
import dev.sluice.domain.progress.RunProgress;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The progress part of a run item, read with a consistent read so a snapshot is never older than a change sent. */
public final class DynamoRunProgressReader implements RunProgressReader {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoRunProgressReader(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<RunProgress> find(String runId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(DynamoRunRepository.runKey(runId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(RunProgressItems.fromItem(item));
    }
}
