package dev.sluice.local.cli;

import dev.sluice.adapter.out.postgres.Migrations;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code migrate --jdbc-url URL --db-user U}: applies the schema migrations to any PostgreSQL (Aurora at deploy
 * time), the same scripts {@code serve} applies locally. The password comes from {@code SLUICE_DB_PASSWORD} so it
 * stays out of shell history.
 */
@Command(name = "migrate", sortOptions = false, abbreviateSynopsis = true,
        description = "apply the database migrations to a PostgreSQL (e.g. the Aurora writer) and exit")
public final class MigrateCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--jdbc-url", paramLabel = "URL", required = true,
            description = "required, e.g. jdbc:postgresql://cluster.xxxx.rds.amazonaws.com:5432/sluice")
    String jdbcUrl;

    @Option(names = "--db-user", paramLabel = "U",
            description = "default sluice; the password is read from SLUICE_DB_PASSWORD")
    String dbUser = "sluice";

    @Mixin
    HelpOption help;

    public MigrateCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        StackOptions.configureLogging(Path.of(".sluice"));
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(jdbcUrl);
        dataSource.setUser(dbUser);
        dataSource.setPassword(System.getenv().getOrDefault("SLUICE_DB_PASSWORD", ""));
        List<String> applied = Migrations.apply(dataSource);
        out.println(applied.isEmpty() ? "schema is up to date" : "applied " + String.join(", ", applied));
        return 0;
    }
}
