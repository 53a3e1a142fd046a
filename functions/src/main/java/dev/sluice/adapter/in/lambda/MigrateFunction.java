package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.sluice.adapter.out.postgres.Migrations;
import dev.sluice.config.MigrateWiring;
import dev.sluice.config.Settings;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CloudFormation custom resource that applies the schema migrations on every deploy that changes the code: the
 * same {@code db/migration} scripts, through the same {@link Migrations#apply} the local runtime runs at start.
 * Create and Update migrate (already applied versions are skipped, so a repeat is harmless); Delete leaves the
 * database alone, because the data outlives the stack (the cluster is snapshotted on delete).
 */
public final class MigrateFunction implements RequestHandler<Map<String, Object>, Void>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MigrateFunction.class);
    static final String PHYSICAL_ID = "sluice-database-migrations";

    private final Supplier<DataSource> dataSource;
    private final CustomResourceResponse response;
    private final Runnable closer;

    /** Lambda's constructor: wired from the process environment. */
    public MigrateFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public MigrateFunction(Settings settings) {
        this(new MigrateWiring(settings));
    }

    private MigrateFunction(MigrateWiring wiring) {
        this(wiring.dataSource(), CustomResourceResponse.create(wiring.json()), wiring::close);
    }

    /** @param dataSource the database to migrate, asked for only when a migration runs */
    MigrateFunction(Supplier<DataSource> dataSource, CustomResourceResponse response) {
        this(dataSource, response, () -> {
        });
    }

    private MigrateFunction(Supplier<DataSource> dataSource, CustomResourceResponse response, Runnable closer) {
        this.dataSource = dataSource;
        this.response = response;
        this.closer = closer;
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        return Telemetry.invocation(context, () -> {
            String requestType = CustomResourceResponse.text(event, "RequestType");
            CustomResourceResponse.Status status;
            String reason;
            Map<String, String> data = Map.of();
            try {
                if ("Delete".equals(requestType)) {
                    reason = "nothing to do on delete";
                } else {
                    List<String> applied = Migrations.apply(dataSource.get());
                    LOG.info("{}: applied migrations {}", requestType, applied);
                    reason = applied.isEmpty() ? "schema up to date" : "applied " + String.join(", ", applied);
                    data = Map.of("Applied", String.join(",", applied));
                }
                status = CustomResourceResponse.Status.SUCCESS;
            } catch (RuntimeException e) {
                LOG.error("{}: database migration failed", requestType, e);
                status = CustomResourceResponse.Status.FAILED;
                reason = CustomResourceResponse.failureReason("database migration", e,
                        context == null ? null : context.getLogStreamName());
            }
            response.send(event, status, reason, PHYSICAL_ID, data);
            return null;
        });
    }

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
