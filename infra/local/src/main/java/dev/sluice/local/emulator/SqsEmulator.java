package dev.sluice.local.emulator;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;
import scalikejdbc.ConnectionPool$;

/**
 * SQS on ElasticMQ, wired the way {@code ElasticMQServer} does it but embedded: queue metadata and messages
 * are written through to an H2 database under {@code DATA_DIR/sqs} (ElasticMQ's {@code messages-storage})
 * and restored at start, so queued messages survive a restart.
 */
public final class SqsEmulator implements Emulator {
    private final ActorSystem actorSystem;
    private final SQSRestServer server;
    private final URI endpoint;

    private SqsEmulator(ActorSystem actorSystem, SQSRestServer server, URI endpoint) {
        this.actorSystem = actorSystem;
        this.server = server;
        this.endpoint = endpoint;
    }

    public static SqsEmulator start(Path dataDir, String region, String accountId) throws Exception {
        Files.createDirectories(dataDir);
        int port = FreePort.pick();
        // ElasticMQ's reference config logs at DEBUG through Pekko; WARNING keeps the console quiet.
        ActorSystem system = ActorSystem.create("elasticmq", ConfigFactory.parseString("""
                pekko.loglevel = "WARNING"
                pekko.stdout-loglevel = "WARNING"
                pekko.log-dead-letters = off
                pekko.log-dead-letters-during-shutdown = off
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                """).withFallback(ConfigFactory.load()));
        try {
            // WRITE_DELAY=0: H2 writes each commit to its file at once. With its default (500 ms) a kill -9 lost
            // the messages sent in the last half second, and a run whose chunk messages were among them never ended.
            // CACHE_SIZE (KB): the queues hold small messages for a short time, so 2 MB of page cache is plenty;
            // H2's default of 16 MB filled up in a burst of files and stayed on the heap.
            String h2 = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("elasticmq").toString().replace('\\', '/')
                    + ";WRITE_DELAY=0;CACHE_SIZE=2048";
            SqlQueuePersistenceConfig persistence =
                    new SqlQueuePersistenceConfig(true, "org.h2.Driver", h2, "sa", "", false);
            ActorRef store = system.actorOf(Props.create(SqlQueuePersistenceActor.class, persistence,
                    scala.collection.immutable.List$.MODULE$.empty()));
            ActorRef queueManager = system.actorOf(Props.create(QueueManagerActor.class, new NowProvider(),
                    StrictSQSLimits$.MODULE$, Option.apply(store)));
            Patterns.ask(store, new QueueEvent.Restore(queueManager), Duration.ofSeconds(30))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            SQSRestServer server = SQSRestServerBuilder.withActorSystem(system)
                    .withQueueManagerActor(queueManager)
                    .withQueueEventListener(store)
                    .withInterface("127.0.0.1")
                    .withPort(port)
                    .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
                    .withAWSRegion(region)
                    .withAWSAccountId(accountId)
                    .withSQSLimits(StrictSQSLimits$.MODULE$)
                    .start();
            server.waitUntilStarted();
            return new SqsEmulator(system, server, URI.create("http://127.0.0.1:" + port));
        } catch (Exception | Error e) {
            system.terminate();
            throw e;
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * When the oldest message of a queue that is not yet deleted (visible, in flight or delayed, as CloudWatch's
     * ApproximateAgeOfOldestMessage counts them) was sent; empty when the queue holds none. ElasticMQ's SQS API has
     * no such figure, but its write-through store has a row per such message with its send time ({@code created},
     * epoch milliseconds). The store is written a moment after the queue changes, so this is approximate too.
     */
    public Optional<Instant> oldestMessageSent(String queueName) throws SQLException {
        // ElasticMQ's SQL store (MessageRepository) names a queue's table this way; H2 folds unquoted names to upper
        // case. A missing table is a queue that never held a message.
        String table = ("message_" + queueName.replace(".", "_").replace("-", "_") + "_"
                + Integer.toHexString(queueName.hashCode())).toUpperCase(Locale.ROOT);
        // Through ElasticMQ's own pool: its store is a JVM-wide singleton that the first emulator started configures
        // (a second one in the same JVM writes to the first one's file), so the file of this emulator's data
        // directory may not be the one written.
        try (Connection connection = ConnectionPool$.MODULE$.borrow(ConnectionPool$.MODULE$.DEFAULT_NAME())) {
            try (ResultSet tables = connection.getMetaData().getTables(null, null, table, null)) {
                if (!tables.next()) {
                    return Optional.empty();
                }
            }
            try (Statement statement = connection.createStatement();
                    ResultSet oldest = statement.executeQuery("SELECT MIN(created) FROM \"" + table + "\"")) {
                oldest.next();
                long created = oldest.getLong(1);
                return oldest.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(created));
            }
        }
    }

    @Override
    public void stop() throws Exception {
        try {
            server.stopAndWait();
        } finally {
            actorSystem.terminate();
            actorSystem.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
