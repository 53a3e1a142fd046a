package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.sluice.adapter.out.postgres.Migrations;
import dev.sluice.config.Components;
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
public final class MigrateFunction implements RequestHandler<Map<String, Object>, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(MigrateFunction.class);
    static final String PHYSICAL_ID = "sluice-database-migrations";

    private final Supplier<DataSource> dataSource;
    private final CustomResourceResponse response;

    public MigrateFunction() {
        this(new Components(Settings.fromEnvironment(System.getenv())));
    }

    public MigrateFunction(Components components) {
        this(components::dataSource, CustomResourceResponse.create(components.json()));
    }

    MigrateFunction(Supplier<DataSource> dataSource, CustomResourceResponse response) {
        this.dataSource = dataSource;
        this.response = response;
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
}
