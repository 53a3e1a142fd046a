package dev.sluice.local.fault;

import dev.sluice.local.fault.FaultSpec.Kind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults a local runtime injects, switchable while it runs (tests enable one, run files, disable it), and how
 * often each one struck. The runtime installs three hooks that consult it: {@link ChunkDeliveryFaults} around
 * ChunkQueue's event source, {@link FaultyPostgresDriver} under the functions' JDBC connections and
 * {@link DynamoDbFaults} in the DynamoDB emulator's proxy. With no fault enabled every hook passes straight through.
 */
public final class Faults {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

    private final Map<Kind, FaultSpec> enabled = new ConcurrentHashMap<>();
    private final Map<Kind, AtomicLong> struck = new EnumMap<>(Kind.class);
    private final DatabaseFaults database = new DatabaseFaults(this);
    private final DynamoDbFaults dynamoDb = new DynamoDbFaults(this);
    private volatile Duration chunkVisibilityTimeout = Duration.ofSeconds(30);
    private final Queue<Long> chunkQueueAges = new ConcurrentLinkedQueue<>();

    public Faults(List<FaultSpec> initial) {
        for (Kind kind : Kind.values()) {
            struck.put(kind, new AtomicLong());
        }
        initial.forEach(this::enable);
    }

    /** Enables the fault (replacing the same kind's earlier arguments). */
    public void enable(FaultSpec fault) {
        enabled.put(fault.kind(), fault);
        if (fault.kind() == Kind.DB_OUTAGE) {
            database.armOutage(Duration.ofMillis(Math.round(fault.argumentOrDefault() * 1000)));
        }
        if (fault.kind() == Kind.DYNAMODB_THROTTLE) {
            dynamoDb.reset();
        }
        LOG.warn("local fault enabled: {}", fault);
    }

    public void disable(Kind kind) {
        enabled.remove(kind);
        if (kind == Kind.DB_OUTAGE) {
            database.endOutage();
        }
    }

    public void disableAll() {
        List.copyOf(enabled.keySet()).forEach(this::disable);
    }

    public Optional<FaultSpec> enabled(Kind kind) {
        return Optional.ofNullable(enabled.get(kind));
    }

    public List<FaultSpec> enabled() {
        return enabled.values().stream().sorted((a, b) -> a.kind().compareTo(b.kind())).toList();
    }

    /** How many times the fault struck since the start: deliveries copied, loaders killed, calls refused, ... */
    public long struck(Kind kind) {
        return struck.get(kind).get();
    }

    void strike(Kind kind) {
        struck.get(kind).incrementAndGet();
    }

    /** Starts a database outage now, whether or not db-outage is enabled. */
    public void databaseOutage(Duration length) {
        database.startOutage(length);
    }

    /** True while the functions' database refuses connections. */
    public boolean databaseDown() {
        return database.down();
    }

    /** The JDBC URL functions get instead of {@code realUrl}: same database, through the faults. */
    public String jdbcUrl(String realUrl) {
        return FaultyPostgresDriver.route(realUrl, database);
    }

    /** The hook for the DynamoDB emulator's proxy. */
    public DynamoDbFaults dynamoDb() {
        return dynamoDb;
    }

    /** Milliseconds each chunk message waited on ChunkQueue before its first delivery (SentTimestamp to receive). */
    public List<Long> chunkQueueAges() {
        return List.copyOf(chunkQueueAges);
    }

    void chunkQueueAge(long millis) {
        chunkQueueAges.add(millis);
    }

    /** slow-loader's default is this plus 2 s, so a second delivery starts while the first still runs. */
    public void chunkVisibilityTimeout(Duration timeout) {
        this.chunkVisibilityTimeout = timeout;
    }

    Duration slowLoaderDelay() {
        return enabled(Kind.SLOW_LOADER)
                .map(f -> f.argument().isPresent() ? Duration.ofMillis(Math.round(f.argument().get() * 1000))
                        : chunkVisibilityTimeout.plusSeconds(2))
                .orElse(Duration.ZERO);
    }
}
