package dev.sluice.local.bench;

import static dev.sluice.local.bench.Measure.JSON;
import static dev.sluice.local.bench.Measure.connect;
import static dev.sluice.local.bench.Measure.round;
import static dev.sluice.local.bench.Measure.say;
import static dev.sluice.local.bench.Measure.seconds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.LocalSluice;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.LocalDate;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** What Sluice replaces: one INSERT per row, autocommit, on a slice of the file. */
final class RowByRowScenario {
    private final LocalSluice sluice;
    private final int rowLimit;

    RowByRowScenario(LocalSluice sluice, int rowLimit) {
        this.sluice = sluice;
        this.rowLimit = rowLimit;
    }

    ObjectNode measure(BenchmarkFile.Written file) throws Exception {
        int limit = (int) Math.min(rowLimit, file.validRecords());
        say("row by row (%,d rows) ...", limit);
        try (Connection connection = connect(sluice);
                Statement statement = connection.createStatement();
                Reader reader = Files.newBufferedReader(file.copyCsv(), StandardCharsets.UTF_8)) {
            statement.execute("DROP TABLE IF EXISTS bench_rows");
            statement.execute("CREATE TABLE bench_rows (LIKE records INCLUDING ALL)");
            connection.setAutoCommit(true);
            int rows = 0;
            long started = System.nanoTime();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO bench_rows ("
                    + BenchmarkFile.COPY_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?::numeric, ?, ?::numeric, ?, ?::jsonb)")) {
                for (CSVRecord record : CSVFormat.DEFAULT.parse(reader)) {
                    if (rows == limit) {
                        break;
                    }
                    insert.setString(1, record.get(0));
                    insert.setLong(2, Long.parseLong(record.get(1)));
                    insert.setLong(3, Long.parseLong(record.get(2)));
                    insert.setString(4, record.get(3));
                    insert.setObject(5, LocalDate.parse(record.get(4)));
                    insert.setString(6, record.get(5));
                    insert.setString(7, record.get(6));
                    insert.setString(8, record.get(7));
                    insert.setLong(9, Long.parseLong(record.get(8)));
                    insert.setString(10, record.get(9));
                    insert.setLong(11, Long.parseLong(record.get(10)));
                    insert.setString(12, record.get(11));
                    insert.executeUpdate();
                    rows++;
                }
            }
            double seconds = seconds(started);
            statement.execute("DROP TABLE bench_rows");
            ObjectNode node = JSON.createObjectNode();
            node.put("rows", rows);
            node.put("seconds", round(seconds, 3));
            node.put("rowsPerSecond", Math.round(rows / seconds));
            return node;
        }
    }
}
