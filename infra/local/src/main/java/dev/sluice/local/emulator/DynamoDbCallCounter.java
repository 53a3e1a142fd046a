package dev.sluice.local.emulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the DynamoDB and DynamoDB Streams calls the proxy answers, by operation, table and index
 * ({@code "Query runs/RunsByOwner"}, {@code "UpdateItem runs"}, {@code "GetRecords"}), with the time moto took for
 * them and the time they waited for the proxy's lock. What the soak reports as the per-run cost of DynamoDB.
 */
public final class DynamoDbCallCounter {
    private static final JsonFactory JSON = new JsonFactory();

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    /** Calls, milliseconds holding the proxy (moto and the journal), and milliseconds waiting for its lock. */
    public record Calls(long calls, long busyMillis, long waitMillis) {
        Calls minus(Calls earlier) {
            return new Calls(calls - earlier.calls, busyMillis - earlier.busyMillis, waitMillis - earlier.waitMillis);
        }
    }

    private static final class Tally {
        final LongAdder calls = new LongAdder();
        final LongAdder busyNanos = new LongAdder();
        final LongAdder waitNanos = new LongAdder();

        Calls snapshot() {
            return new Calls(calls.sum(), busyNanos.sum() / 1_000_000, waitNanos.sum() / 1_000_000);
        }
    }

    void record(String key, long busyNanos, long waitNanos) {
        Tally tally = tallies.computeIfAbsent(key, k -> new Tally());
        tally.calls.increment();
        tally.busyNanos.add(busyNanos);
        tally.waitNanos.add(waitNanos);
    }

    /** Every key so far, sorted by name. */
    public Map<String, Calls> snapshot() {
        Map<String, Calls> copy = new TreeMap<>();
        tallies.forEach((key, tally) -> copy.put(key, tally.snapshot()));
        return copy;
    }

    /** What happened between two snapshots (keys with no call in between are left out). */
    public static Map<String, Calls> between(Map<String, Calls> before, Map<String, Calls> after) {
        Map<String, Calls> delta = new TreeMap<>();
        after.forEach((key, calls) -> {
            Calls difference = calls.minus(before.getOrDefault(key, new Calls(0, 0, 0)));
            if (difference.calls() > 0) {
                delta.put(key, difference);
            }
        });
        return delta;
    }

    /**
     * {@code "Operation table[/index]"} for a call: the operation from the X-Amz-Target header, the first table the
     * body names (TableName at any depth, as TransactItems hold it, or the first key of RequestItems) and the
     * IndexName of a query or scan.
     */
    static String key(String target, byte[] body) {
        String operation = target.substring(target.indexOf('.') + 1);
        String table = null;
        String index = null;
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null && (table == null || index == null)) {
                if (token != JsonToken.FIELD_NAME) {
                    continue;
                }
                String name = parser.currentName();
                if ("TableName".equals(name) && table == null) {
                    parser.nextToken();
                    table = parser.getValueAsString();
                } else if ("IndexName".equals(name) && index == null) {
                    parser.nextToken();
                    index = parser.getValueAsString();
                } else if ("RequestItems".equals(name) && table == null && parser.nextToken() == JsonToken.START_OBJECT
                        && parser.nextToken() == JsonToken.FIELD_NAME) {
                    table = parser.currentName();
                } else if ("Item".equals(name) || "Key".equals(name) || "ExpressionAttributeValues".equals(name)) {
                    // Values can be large and never name a table.
                    parser.nextToken();
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return operation;
        }
        return table == null ? operation : operation + " " + table + (index == null ? "" : "/" + index);
    }
}
