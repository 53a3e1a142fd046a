package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.LocalSluice;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Invariant 1 of DESIGN.md, checked the same way by every end-to-end test class after each test. */
final class RunInvariants {
    private RunInvariants() {
    }

    /** For a final run: stored + errors = records, and the counters equal what PostgreSQL holds. */
    static void assertEveryRowAccountedFor(LocalSluice sluice, JsonNode run) throws Exception {
        String runId = run.get("runId").asText();
        long stored = run.get("stored").asLong();
        long errors = run.get("errors").asLong();
        assertEquals(run.get("records").asLong(), stored + errors, () -> "stored + errors = records: " + run);
        assertEquals(stored, count(sluice, "SELECT count(*) FROM records WHERE run_id = ?", runId),
                "stored vs table");
        assertEquals(errors, count(sluice, "SELECT count(DISTINCT record_no) FROM row_errors WHERE run_id = ?",
                runId), "errors vs table");
    }

    /** The single number a query answers; {@code runId} is bound to its {@code ?}, if it has one. */
    static long count(LocalSluice sluice, String sql, String runId) throws Exception {
        try (Connection connection = DriverManager.getConnection(sluice.jdbcUrl(), sluice.dbUser(),
                sluice.dbPassword());
                PreparedStatement query = connection.prepareStatement(sql)) {
            if (sql.contains("?")) {
                query.setString(1, runId);
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
