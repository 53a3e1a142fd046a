package dev.sluice.local.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function's {@code Type: DynamoDB} event: the table whose stream feeds it and how Lambda batches it. Lambda's
 * defaults: BatchSize 100, no batching window, retries until the record expires (-1), no bisecting.
 *
 * @param filterPatterns the FilterCriteria patterns (JSON text); a record is delivered when any matches
 */
public record DynamoDbStreamEventSpec(String functionLogicalId, String name, String tableLogicalId,
        String startingPosition, int batchSize, int maximumBatchingWindowSeconds, boolean bisectBatchOnFunctionError,
        int maximumRetryAttempts, boolean reportBatchItemFailures, List<String> filterPatterns, boolean enabled) {

    public DynamoDbStreamEventSpec {
        filterPatterns = List.copyOf(filterPatterns);
    }

    /** Function logical id → its DynamoDB stream events. */
    static Map<String, List<DynamoDbStreamEventSpec>> read(Map<String, Object> resources, Intrinsics intrinsics) {
        Map<String, List<DynamoDbStreamEventSpec>> byFunction = new LinkedHashMap<>();
        resources.forEach((logicalId, value) -> {
            Map<String, Object> resource = Values.map(value);
            if (!Values.string(resource, "Type").orElse("").equals("AWS::Serverless::Function")) {
                return;
            }
            Values.map(Values.map(resource, "Properties"), "Events").forEach((name, eventValue) -> {
                Map<String, Object> event = Values.map(eventValue);
                if (!Values.string(event, "Type").orElse("").equals("DynamoDB")) {
                    return;
                }
                Map<String, Object> properties = Values.map(event, "Properties");
                List<String> patterns = new ArrayList<>();
                for (Object filter : Values.list(Values.map(properties, "FilterCriteria").get("Filters"))) {
                    patterns.add(intrinsics.resolveString(Values.map(filter).get("Pattern")));
                }
                Object enabled = intrinsics.resolve(properties.get("Enabled"));
                byFunction.computeIfAbsent(logicalId, id -> new ArrayList<>()).add(new DynamoDbStreamEventSpec(
                        logicalId, name, SamTemplate.logicalIdOf(intrinsics.resolve(properties.get("Stream"))),
                        Values.string(properties, "StartingPosition").orElse("LATEST"),
                        integer(intrinsics.resolve(properties.get("BatchSize")), 100),
                        integer(intrinsics.resolve(properties.get("MaximumBatchingWindowInSeconds")), 0),
                        Boolean.parseBoolean(String.valueOf(intrinsics.resolve(
                                properties.get("BisectBatchOnFunctionError")))),
                        integer(intrinsics.resolve(properties.get("MaximumRetryAttempts")), -1),
                        Values.list(intrinsics.resolve(properties.get("FunctionResponseTypes")))
                                .contains("ReportBatchItemFailures"),
                        patterns, enabled == null || Boolean.parseBoolean(String.valueOf(enabled))));
            });
        });
        return byFunction;
    }

    private static int integer(Object value, int defaultValue) {
        return value == null ? defaultValue : Integer.parseInt(String.valueOf(value).trim());
    }
}
