package dev.sluice.adapter.out.postgres;

import dev.sluice.application.port.HealthProbe;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;

/** {@code SELECT 1} on a pooled connection: the database accepts connections and answers queries. */
public final class PostgresHealthProbe implements HealthProbe {
    private static final int QUERY_TIMEOUT_SECONDS = 2;

    private final DataSource dataSource;

    public PostgresHealthProbe(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public Map<String, Object> probe() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet result = statement.executeQuery("SELECT 1")) {
                if (!result.next() || result.getInt(1) != 1) {
                    throw new SQLException("SELECT 1 did not answer 1");
                }
            }
        }
        return Map.of();
    }
}
