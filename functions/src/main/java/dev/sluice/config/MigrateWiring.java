package dev.sluice.config;

import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * MigrateFunction: PostgreSQL only (and Secrets Manager for its password). The pool is created on the first
 * migration, so a Delete request, which migrates nothing, opens no connection.
 */
public final class MigrateWiring extends FunctionWiring {
    public MigrateWiring(Settings settings) {
        super(settings);
    }

    public Supplier<DataSource> dataSource() {
        return adapters::dataSource;
    }
}
