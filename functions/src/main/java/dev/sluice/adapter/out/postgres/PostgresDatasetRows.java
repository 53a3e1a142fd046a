package dev.sluice.adapter.out.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.port.DatasetRowReader;
import dev.sluice.application.port.RunComparisonReader;
import dev.sluice.domain.dataset.DatasetKind;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A dataset's current rows ({@code dataset_rows} with {@code superseded_by} null) and the comparison of two runs'
 * stored records. Pages are keyset pages: the next page starts strictly after the last row's sort key (marketing:
 * date, row key; raw: run, record number, the primary key's order), so a page is an index range read however deep it
 * is, and rows published meanwhile never shift a page. A raw filter is JSON containment ({@code data @> {"col":
 * "value"}}), exact equality on the stored strings.
 */
public final class PostgresDatasetRows implements DatasetRowReader, RunComparisonReader {
    /** Rows the driver holds per round trip while a download streams (a cursor in the read's transaction). */
    static final int FETCH_ROWS = 1000;
    private static final String COLUMNS = "run_id, record_no, row_key, date, campaign, channel, spend, clicks, "
            + "impressions, conversions, extra::text, data::text";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };
    /** A marketing record's values as text by field: its extra columns, then the canonical fields over them. */
    private static final String MARKETING_FIELDS = "coalesce(extra, '{}'::jsonb) || jsonb_build_object("
            + "'date', date::text, 'campaign', campaign, 'channel', channel, 'spend', spend::text, "
            + "'clicks', clicks::text, 'conversions', conversions::text, 'impressions', impressions::text)";
    /**
     * The same record by value, as publishing compares it: decimals without trailing zeros ("98.70" and "98.7" are
     * one value, one key), so compare and review agree on what is unchanged.
     */
    private static final String MARKETING_VALUES = "coalesce(extra, '{}'::jsonb) || jsonb_build_object("
            + "'date', date::text, 'campaign', campaign, 'channel', channel, 'spend', trim_scale(spend)::text, "
            + "'clicks', clicks::text, 'conversions', trim_scale(conversions)::text, 'impressions', impressions::text)";

    private final ConnectionPool pool;

    public PostgresDatasetRows(ConnectionPool pool) {
        this.pool = pool;
    }

    /** A statement and its parameters, built together so they stay in step. */
    private static final class Sql {
        private final StringBuilder text = new StringBuilder();
        private final List<Object> parameters = new ArrayList<>();

        Sql append(String part, Object... values) {
            text.append(part);
            parameters.addAll(List.of(values));
            return this;
        }

        PreparedStatement prepare(Connection connection) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(text.toString());
            for (int i = 0; i < parameters.size(); i++) {
                Object value = parameters.get(i);
                if (value instanceof String[] array) {
                    statement.setArray(i + 1, connection.createArrayOf("text", array));
                } else {
                    statement.setObject(i + 1, value);
                }
            }
            return statement;
        }
    }

    @Override
    public RowPage page(String datasetId, DatasetKind kind, RowFilter filter, List<String> after, int limit) {
        Sql sql = select(datasetId, kind, filter);
        if (after != null) {
            if (after.size() != 2) {
                throw new IllegalArgumentException("a position has two parts, was " + after);
            }
            // Parsed here, not by PostgreSQL: a position from elsewhere is a bad argument, not a database error.
            if (kind == DatasetKind.MARKETING) {
                sql.append(" AND (date, row_key) > (?, ?)", java.time.LocalDate.parse(after.get(0)), after.get(1));
            } else {
                sql.append(" AND (run_id, record_no) > (?, ?)", after.get(0), Long.parseLong(after.get(1)));
            }
        }
        sql.append(order(kind)).append(" LIMIT ?", limit + 1);
        List<DatasetRow> rows = pool.withConnection(connection -> {
            List<DatasetRow> found = new ArrayList<>();
            try (PreparedStatement query = sql.prepare(connection); ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    found.add(row(result));
                }
            }
            return found;
        });
        if (rows.size() <= limit) {
            return new RowPage(rows, null);
        }
        List<DatasetRow> items = rows.subList(0, limit);
        DatasetRow last = items.get(limit - 1);
        List<String> next = kind == DatasetKind.MARKETING ? List.of(last.date().toString(), last.key())
                : List.of(last.runId(), Long.toString(last.recordNo()));
        return new RowPage(List.copyOf(items), next);
    }

    @Override
    public void stream(String datasetId, DatasetKind kind, RowFilter filter, Consumer<DatasetRow> each) {
        Sql sql = select(datasetId, kind, filter).append(order(kind));
        pool.withConnection(connection -> {
            // With autocommit off and a fetch size, pgjdbc reads through a portal FETCH_ROWS rows at a time instead of
            // the whole result at once; read only, the transaction holds no lock a publish would wait for.
            connection.setAutoCommit(false);
            try {
                connection.setReadOnly(true);
                try (PreparedStatement query = sql.prepare(connection)) {
                    query.setFetchSize(FETCH_ROWS);
                    try (ResultSet result = query.executeQuery()) {
                        while (result.next()) {
                            each.accept(row(result));
                        }
                    }
                }
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setAutoCommit(true);
            }
            return null;
        });
    }

    @Override
    public List<String> columnNames(String datasetId, DatasetKind kind) {
        String column = kind == DatasetKind.MARKETING ? "extra" : "data";
        return pool.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT DISTINCT jsonb_object_keys(" + column
                    + ") FROM dataset_rows WHERE dataset_id = ? AND superseded_by IS NULL AND " + column
                    + " IS NOT NULL ORDER BY 1")) {
                query.setString(1, datasetId);
                List<String> names = new ArrayList<>();
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        names.add(result.getString(1));
                    }
                }
                return names;
            }
        });
    }

    private static Sql select(String datasetId, DatasetKind kind, RowFilter filter) {
        Sql sql = new Sql().append("SELECT " + COLUMNS + " FROM dataset_rows WHERE dataset_id = ? "
                + "AND superseded_by IS NULL", datasetId);
        if (filter.from() != null) {
            sql.append(" AND date >= ?", filter.from());
        }
        if (filter.to() != null) {
            sql.append(" AND date <= ?", filter.to());
        }
        if (filter.channel() != null) {
            sql.append(" AND channel = ?", filter.channel());
        }
        if (filter.campaign() != null) {
            sql.append(" AND campaign = ?", filter.campaign());
        }
        if (!filter.equal().isEmpty()) {
            sql.append(" AND data @> ?::jsonb", json(filter.equal()));
        }
        return sql;
    }

    private static String order(DatasetKind kind) {
        return kind == DatasetKind.MARKETING ? " ORDER BY date, row_key" : " ORDER BY run_id, record_no";
    }

    private static DatasetRow row(ResultSet result) throws SQLException {
        Date date = result.getDate(4);
        long clicks = result.getLong(8);
        Long clicksOrNull = result.wasNull() ? null : clicks;
        long impressions = result.getLong(9);
        Long impressionsOrNull = result.wasNull() ? null : impressions;
        String data = result.getString(12);
        return new DatasetRow(result.getString(1), result.getLong(2), result.getString(3),
                date == null ? null : date.toLocalDate(), result.getString(5), result.getString(6),
                result.getBigDecimal(7), clicksOrNull, impressionsOrNull, result.getBigDecimal(10),
                result.getString(11), data == null ? null : map(data));
    }

    @Override
    public Counts counts(String runA, String runB, DatasetKind kind, List<String> key) {
        Sql sql = compared(runA, runB, kind, key).append("SELECT count(*) FILTER (WHERE old IS NULL), "
                + "count(*) FILTER (WHERE new IS NULL), count(*) FILTER (WHERE old_value <> new_value), "
                + "count(*) FILTER (WHERE old_value = new_value) FROM d");
        return pool.withConnection(connection -> {
            try (PreparedStatement query = sql.prepare(connection); ResultSet result = query.executeQuery()) {
                result.next();
                return new Counts(result.getLong(1), result.getLong(2), result.getLong(3), result.getLong(4));
            }
        });
    }

    @Override
    public List<Difference> differences(String runA, String runB, DatasetKind kind, List<String> key,
            String afterKey, int limit) {
        Sql sql = compared(runA, runB, kind, key).append("SELECT k::text, old::text, new::text FROM d "
                + "WHERE old_value IS DISTINCT FROM new_value");
        if (afterKey != null) {
            sql.append(" AND k::text COLLATE \"C\" > ?", afterKey);
        }
        sql.append(" ORDER BY k::text COLLATE \"C\" LIMIT ?", limit);
        return pool.withConnection(connection -> {
            List<Difference> differences = new ArrayList<>();
            try (PreparedStatement query = sql.prepare(connection); ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    String before = result.getString(2);
                    String after = result.getString(3);
                    differences.add(new Difference(result.getString(1), before == null ? null : map(before),
                            after == null ? null : map(after)));
                }
            }
            return differences;
        });
    }

    /**
     * {@code WITH ... d(k, old, new, old_value, new_value)}: per key the last record of run a ({@code old}) and of run
     * b ({@code new}), as JSON objects of text values as stored (for display), and the same records by value (for
     * equality); the key is a JSON array of the key fields' values (or of every value of a raw record, by column
     * name, when there is no key), taken by value like a publish key.
     */
    private static Sql compared(String runA, String runB, DatasetKind kind, List<String> key) {
        String table = kind == DatasetKind.MARKETING ? "records" : "raw_records";
        String fields = kind == DatasetKind.MARKETING ? MARKETING_FIELDS : "data";
        String values = kind == DatasetKind.MARKETING ? MARKETING_VALUES : "data";
        String keyOf = key.isEmpty()
                ? "(SELECT coalesce(jsonb_agg(e.value ORDER BY e.key), '[]'::jsonb) FROM jsonb_each(v) AS e)"
                : "to_jsonb(ARRAY(SELECT v ->> n.name FROM unnest(?::text[]) WITH ORDINALITY AS n(name, position) "
                        + "ORDER BY n.position))";
        String[] names = key.toArray(String[]::new);
        Sql sql = new Sql();
        for (String side : List.of("a", "b")) {
            sql.append(side.equals("a") ? "WITH " : ", ");
            String last = side + " AS (SELECT DISTINCT ON (k) k, f, v FROM (SELECT " + keyOf + " AS k, f, v, "
                    + "record_no FROM (SELECT " + fields + " AS f, " + values + " AS v, record_no FROM " + table
                    + " WHERE run_id = ?) AS r) AS s ORDER BY k, record_no DESC)";
            if (key.isEmpty()) {
                sql.append(last, side.equals("a") ? runA : runB);
            } else {
                sql.append(last, names, side.equals("a") ? runA : runB);
            }
        }
        return sql.append(", d AS (SELECT coalesce(a.k, b.k) AS k, a.f AS old, b.f AS new, a.v AS old_value, "
                + "b.v AS new_value FROM a FULL JOIN b ON a.k = b.k) ");
    }

    private static Map<String, String> map(String json) {
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored JSON object is not an object of strings", e);
        }
    }

    private static String json(Map<String, String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
