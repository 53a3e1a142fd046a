package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.postgres.ConnectionPool;
import dev.sluice.adapter.out.postgres.PooledDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MigrateFunctionTest {
    private static EmbeddedPostgres postgres;
    private final ObjectMapper json = new ObjectMapper();
    private CustomResourceEndpoint cloudFormation;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void startEndpoint() throws Exception {
        cloudFormation = new CustomResourceEndpoint();
    }

    @AfterEach
    void stopEndpoint() {
        cloudFormation.close();
    }

    private MigrateFunction function(DataSource dataSource) {
        return new MigrateFunction(() -> dataSource, CustomResourceResponse.create(json));
    }

    @Test
    void createMigratesAndUpdateFindsNothingLeftAndBothAnswerSuccess() throws Exception {
        DataSource database = postgres.getDatabase("postgres", "postgres");
        MigrateFunction migrate = function(database);

        // The request CloudFormation sends (events/cfn-migrations-create.json), answered to this test's endpoint.
        Map<String, Object> create = json.readValue(Files.readString(Path.of("../events/cfn-migrations-create.json")),
                new TypeReference<Map<String, Object>>() { });
        create.put("ResponseURL", cloudFormation.event("Create", Map.of()).get("ResponseURL"));
        migrate.handleRequest(create, new TestContext());
        migrate.handleRequest(cloudFormation.event("Update", Map.of("CodeVersion", "2")), new TestContext());

        assertEquals(2, cloudFormation.responses().size());
        var created = cloudFormation.responses().get(0);
        assertEquals("PUT", created.method());
        assertNull(created.contentType(), "the pre-signed URL is signed without a Content-Type");
        assertEquals("SUCCESS", created.body().get("Status").asText());
        assertEquals(MigrateFunction.PHYSICAL_ID, created.body().get("PhysicalResourceId").asText());
        assertEquals("0f9e8d7c-6b5a-4c3d-9e2f-1a2b3c4d5e6f", created.body().get("RequestId").asText());
        assertEquals("DatabaseMigrations", created.body().get("LogicalResourceId").asText());
        assertTrue(created.body().get("Data").get("Applied").asText().contains("V1__"), created.body().toString());
        var updated = cloudFormation.responses().get(1);
        assertEquals("SUCCESS", updated.body().get("Status").asText());
        assertEquals("schema up to date", updated.body().get("Reason").asText());
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM schema_migrations")) {
            rows.next();
            assertTrue(rows.getInt(1) >= 1);
        }
    }

    @Test
    void deleteLeavesTheDatabaseAloneAndAnswersSuccess() {
        MigrateFunction migrate = new MigrateFunction(() -> {
            throw new AssertionError("Delete must not touch the database");
        }, CustomResourceResponse.create(json));

        migrate.handleRequest(cloudFormation.event("Delete", Map.of()), new TestContext());

        assertEquals("SUCCESS", cloudFormation.responses().getFirst().body().get("Status").asText());
    }

    @Test
    void aFailureIsAnsweredWithASafeReasonInsteadOfLeavingCloudFormationWaiting() {
        // Port 1 refuses connections: the database is unreachable, as with a wrong security group.
        String url = "jdbc:postgresql://127.0.0.1:1/sluice?connectTimeout=2";
        MigrateFunction migrate = function(new PooledDataSource(new ConnectionPool(url, "sluice", "secret-pw", 1)));

        migrate.handleRequest(cloudFormation.event("Create", Map.of()), new TestContext());

        var answer = cloudFormation.responses().getFirst().body();
        assertEquals("FAILED", answer.get("Status").asText());
        String reason = answer.get("Reason").asText();
        assertTrue(reason.startsWith("database migration failed"), reason);
        assertTrue(reason.contains(TestContext.LOG_STREAM), reason);
        assertFalse(reason.contains("127.0.0.1") || reason.contains("secret-pw") || reason.contains("Exception:"),
                reason);
    }
}
