package dev.sluice.local.cli;

import dev.sluice.adapter.out.postgres.Migrations;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code migrate --jdbc-url URL --db-user U}: applies the schema migrations to any PostgreSQL (Aurora at deploy
 * time), the same scripts {@code serve} applies locally. The password comes from {@code SLUICE_DB_PASSWORD} so it
 * stays out of shell history.
 */
public final class MigrateCommand implements Command {
    private final PrintStream out;

    public MigrateCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String summary() {
        return "apply the database migrations to a PostgreSQL (e.g. the Aurora writer) and exit";
    }

    @Override
    public String usage() {
        return """
                  --jdbc-url URL     e.g. jdbc:postgresql://cluster.xxxx.rds.amazonaws.com:5432/sluice (required)
                  --db-user U        default sluice; the password is read from SLUICE_DB_PASSWORD
                """;
    }

    @Override
    public int run(List<String> arguments) {
        Args args = Args.parse(arguments, Set.of());
        String url = args.option("jdbc-url").orElseThrow(() -> new Args.UsageException("--jdbc-url is required"));
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(args.option("db-user").orElse("sluice"));
        dataSource.setPassword(System.getenv().getOrDefault("SLUICE_DB_PASSWORD", ""));
        List<String> applied = Migrations.apply(dataSource);
        out.println(applied.isEmpty() ? "schema is up to date" : "applied " + String.join(", ", applied));
        return 0;
    }
}
