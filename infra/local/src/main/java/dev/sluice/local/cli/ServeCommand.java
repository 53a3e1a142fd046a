package dev.sluice.local.cli;

import dev.sluice.local.LocalSluice;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serve}: start everything and run until Ctrl-C. */
@Command(name = "serve", sortOptions = false, abbreviateSynopsis = true,
        description = "start S3, SQS, DynamoDB, PostgreSQL, the functions and the gateway; run until Ctrl-C")
public final class ServeCommand implements Callable<Integer> {
    /** How long Ctrl-C (SIGTERM) waits for in-flight invocations and the emulators to stop (README: serve). */
    static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final PrintStream out;

    @Option(names = "--port", paramLabel = "N", description = "gateway port (default 8080, 0 = any free port)")
    int port = 8080;

    @Mixin
    StackOptions stack;

    @Mixin
    HelpOption help;

    public ServeCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        StackOptions.configureLogging(stack.dataDir());
        LocalSluice sluice = LocalSluice.start(stack.builder(port).build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sluice.closeWithin(STOP_GRACE);
            stopped.countDown();
        }, "sluice-shutdown"));
        printEndpoints(out, sluice);
        if (stack.verbose()) {
            printStartup(out, sluice);
        }
        stopped.await();
        return 0;
    }

    static void printEndpoints(PrintStream out, LocalSluice sluice) {
        out.println("Sluice ready at " + sluice.baseUrl() + " (started in " + sluice.startupMillis().get("total")
                + " ms)");
        out.println("  API         " + sluice.baseUrl().resolve("api/")
                + "  (bearer token from POST /api/auth/login)");
        out.println("  users       " + String.join(", ", sluice.identity().userEmails()));
        out.println("  S3          " + sluice.s3Endpoint() + "  (access key " + LocalSluice.ACCESS_KEY_ID + ", secret "
                + LocalSluice.SECRET_ACCESS_KEY + ", path-style)");
        for (String bucket : sluice.template().buckets().keySet()) {
            out.println("    bucket    " + bucket + " = " + sluice.bucketName(bucket));
        }
        if (!sluice.faultsInjected().isEmpty()) {
            out.println("  faults      " + sluice.faultsInjected() + "  (local only)");
        }
        out.println("  SQS         " + sluice.sqsEndpoint());
        for (String queue : sluice.template().queues().keySet()) {
            out.println("    queue     " + queue + " = " + sluice.queueUrl(queue));
        }
        out.println("  DynamoDB    " + sluice.dynamoDbEndpoint());
        for (String table : sluice.template().tables().keySet()) {
            out.println("    table     " + table + " = " + sluice.tableName(table));
        }
        out.println("  PostgreSQL  " + sluice.jdbcUrl() + "  (user " + sluice.dbUser() + ")");
        out.println("  data dir    " + sluice.dataDir());
        out.flush();
    }

    /** Where the start went; the first four parts run at the same time, so the total is less than their sum. */
    static void printStartup(PrintStream out, LocalSluice sluice) {
        out.println("Start-up, ms (sqs, dynamodb, s3 and postgres in parallel):");
        sluice.startupMillis().forEach((part, millis) -> out.printf("  %-22s %6d%n", part, millis));
        out.flush();
    }
}
