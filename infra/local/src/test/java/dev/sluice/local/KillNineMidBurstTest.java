package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.local.emulator.PostgresEmulator;
import dev.sluice.local.soak.RecordIdentity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code kill -9} of {@code serve} in the middle of a burst of partner files, then {@code serve} again on the same data
 * directory: every run completes from where it was, within {@link #AFTER_RESTART} of the new start, and PostgreSQL
 * holds every record number of every file exactly once. Short visibility timeouts ({@code --param}) bring back the
 * deliveries the kill cut short within seconds.
 */
class KillNineMidBurstTest {
    private static final int SMALL_FILES = 6;
    private static final int SMALL_RECORDS = 600;
    private static final int LARGE_RECORDS = 8_000;
    /** The stated time: every run final this long after the second start. */
    private static final Duration AFTER_RESTART = Duration.ofSeconds(180);
    private static final List<String> PARAMETERS = List.of("ChunkMaxRecords=200", "ChunkVisibilityTimeout=3",
            "IngestVisibilityTimeout=3", "ChunkRetryBaseSeconds=1");

    @TempDir
    Path dataDir;

    @Test
    void everyRunOfABurstCompletesExactlyOnceAfterKill9AndARestart() throws Exception {
        String prefix = "drop/acme/kill9-" + System.nanoTime() + "/";
        Map<String, Long> expectedByKey = new HashMap<>();
        Process serve = startServe();
        try {
            Endpoints endpoints = awaitReady(serve);
            try (S3Client s3 = LocalClients.s3(endpoints.s3()); DynamoDbClient dynamo =
                    LocalClients.dynamoDb(endpoints.dynamoDb())) {
                String large = prefix + "large.csv";
                s3.putObject(b -> b.bucket(endpoints.bucket()).key(large),
                        RequestBody.fromString(csv("L", LARGE_RECORDS)));
                expectedByKey.put(large, (long) LARGE_RECORDS);
                for (int i = 1; i <= SMALL_FILES; i++) {
                    String key = prefix + "small-" + i + ".csv";
                    s3.putObject(b -> b.bucket(endpoints.bucket()).key(key),
                            RequestBody.fromString(csv("S" + i, SMALL_RECORDS)));
                    expectedByKey.put(key, (long) SMALL_RECORDS);
                }
                // Mid-run: the large file has chunks counted and chunks still to load.
                await(Duration.ofSeconds(120), "the large file partly loaded", () -> runs(dynamo, endpoints.table(),
                        prefix), found -> found.containsKey(large) && number(found.get(large), "chunksDone") >= 1
                        && !"SUCCEEDED".equals(found.get(large).get("status").s()));
            }
        } finally {
            serve.destroyForcibly();
            assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve ends on SIGKILL");
        }

        Process again = startServe();
        try {
            Endpoints endpoints = awaitReady(again);
            long restarted = System.nanoTime();
            Map<String, Map<String, AttributeValue>> runs;
            try (DynamoDbClient dynamo = LocalClients.dynamoDb(endpoints.dynamoDb())) {
                runs = await(AFTER_RESTART, "every run of the burst final", () -> runs(dynamo, endpoints.table(),
                        prefix), found -> found.size() == expectedByKey.size() && found.values().stream()
                        .allMatch(run -> "SUCCEEDED".equals(run.get("status").s())));
            }
            long seconds = (System.nanoTime() - restarted) / 1_000_000_000L;
            assertTrue(seconds <= AFTER_RESTART.toSeconds(), "final " + seconds + " s after the restart");
            Map<String, Long> expected = new HashMap<>();
            runs.forEach((key, run) -> expected.put(run.get("runId").s(), expectedByKey.get(key)));
            try (Connection connection = DriverManager.getConnection(endpoints.jdbcUrl(), PostgresEmulator.LOCAL_USER,
                    PostgresEmulator.LOCAL_PASSWORD)) {
                RecordIdentity.Result identity = RecordIdentity.check(connection, expected);
                assertEquals(0, identity.lost(), identity::toString);
                assertEquals(0, identity.duplicated(), identity::toString);
                assertEquals(List.of(), identity.wrong());
            }
            for (Map<String, AttributeValue> run : runs.values()) {
                assertEquals(number(run, "records"), number(run, "stored"), () -> "counters once: " + run);
                assertEquals(number(run, "chunksPlanned"), number(run, "chunksDone"), () -> "chunks once: " + run);
            }
        } finally {
            again.destroy();
            assertTrue(again.waitFor(60, TimeUnit.SECONDS), "serve stops on SIGTERM");
        }
    }

    private static Map<String, Map<String, AttributeValue>> runs(DynamoDbClient dynamo, String table, String prefix) {
        Map<String, Map<String, AttributeValue>> byKey = new HashMap<>();
        dynamo.queryPaginator(b -> b.tableName(table).indexName("RunsByOwner")
                .keyConditionExpression("gsi1pk = :owner")
                .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS("OWNER#partner:acme"))))
                .items().forEach(item -> {
                    if (item.containsKey("objectKey") && item.get("objectKey").s().startsWith(prefix)) {
                        byKey.put(item.get("objectKey").s(), item);
                    }
                });
        return byKey;
    }

    /** Polls four times a second (each poll is a DynamoDB query), failing with the last value at the deadline. */
    private static <T> T await(Duration timeout, String what, Supplier<T> value, Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T current = value.get();
        while (!done.test(current)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last " + current);
            }
            Thread.sleep(250);
            current = value.get();
        }
        return current;
    }

    private static long number(Map<String, AttributeValue> run, String name) {
        AttributeValue value = run.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static String csv(String file, int records) {
        StringBuilder csv = new StringBuilder("date,campaign,channel,spend,clicks,conversions,impressions\n");
        for (int i = 1; i <= records; i++) {
            csv.append("2024-05-").append(String.format("%02d", 1 + i % 28)).append(",Kill ").append(file)
                    .append(" c").append(i % 40).append(",social,").append(i % 900).append(".50,").append(i % 97)
                    .append(',').append(i % 7).append(',').append(i).append('\n');
        }
        return csv.toString();
    }

    private Process startServe() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-Xmx768m", "-cp", System.getProperty("java.class.path"),
                "dev.sluice.local.SluiceLocal", "serve", "--port", "0", "--data-dir", dataDir.toString(),
                "--max-concurrency", "1"));
        PARAMETERS.forEach(p -> command.addAll(List.of("--param", p)));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(
                dataDir.resolve("serve-stderr.log").toFile())).start();
    }

    private record Endpoints(URI s3, URI dynamoDb, String jdbcUrl, String bucket, String table) {
    }

    /** The endpoints {@code serve} prints, read up to its {@code data dir} line. */
    private static Endpoints awaitReady(Process serve) throws Exception {
        CompletableFuture<Endpoints> ready = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                        StandardCharsets.UTF_8));
                Map<String, String> seen = new HashMap<>();
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    String[] words = line.strip().split("\\s+");
                    if (words.length >= 2 && List.of("S3", "DynamoDB", "PostgreSQL").contains(words[0])) {
                        seen.put(words[0], words[1]);
                    } else if (words.length >= 4 && (words[0].equals("bucket") || words[0].equals("table"))) {
                        seen.put(words[1], words[3]);
                    } else if (line.strip().startsWith("data dir")) {
                        Thread.ofPlatform().daemon(true).start(() -> drain(out));
                        return new Endpoints(URI.create(seen.get("S3")), URI.create(seen.get("DynamoDB")),
                                seen.get("PostgreSQL"), seen.get("UploadBucket"), seen.get("RunsTable"));
                    }
                }
                throw new IllegalStateException("serve ended before it was ready, exit " + serve.waitFor());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return ready.get(180, TimeUnit.SECONDS);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the child's stdout pipe from filling
            }
        } catch (java.io.IOException e) {
            // the child is gone
        }
    }
}
