package dev.sluice.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.LocalSluice;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** What every scenario shares: one JSON mapper, rounding, elapsed seconds, the database and progress lines. */
final class Measure {
    static final ObjectMapper JSON = new ObjectMapper();

    private Measure() {
    }

    /** Progress goes to stderr: stdout carries the report and, with {@code --json}, the result line. */
    static void say(String format, Object... args) {
        System.err.printf(format + "%n", args);
    }

    static double seconds(long startedNanos) {
        return Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
    }

    static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    static Connection connect(LocalSluice sluice) throws SQLException {
        return DriverManager.getConnection(sluice.jdbcUrl(), sluice.dbUser(), sluice.dbPassword());
    }
}
