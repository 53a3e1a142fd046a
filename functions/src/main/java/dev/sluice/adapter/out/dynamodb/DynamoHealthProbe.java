package dev.sluice.adapter.out.dynamodb;

import dev.sluice.application.port.HealthProbe;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A GetItem of a key no item has: the cheapest read that proves the runs table answers and the function may read
 * it (DescribeTable would need a permission the function has no other use for).
 */
public final class DynamoHealthProbe implements HealthProbe {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoHealthProbe(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public String name() {
        return "runsTable";
    }

    @Override
    public Map<String, Object> probe() {
        dynamo.getItem(b -> b.tableName(table).key(DynamoRunRepository.runKey("health-check")));
        return Map.of();
    }
}
