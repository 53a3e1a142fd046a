package dev.sluice.adapter.out.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.port.DestinationRepository;
import dev.sluice.domain.destination.Delivery;
import dev.sluice.domain.destination.DeliveryStatus;
import dev.sluice.domain.destination.Destination;
import dev.sluice.domain.destination.DestinationKind;
import dev.sluice.domain.destination.LoadStrategy;
import dev.sluice.domain.destination.SslMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** Destinations and deliveries in Sluice's PostgreSQL (V5). Status changes are single conditional UPDATEs. */
public final class DestinationStore implements DestinationRepository {
    private static final String COLUMNS = "id, dataset_id, owner, name, kind, host, port, database_name, user_name, "
            + "password_ref, ssl_mode, target_schema, target_table, columns, strategy, key_columns, created_at, "
            + "updated_at";
    private static final String DELIVERY_COLUMNS = "run_id, destination_id, dataset_id, destination_name, status, "
            + "rows, attempts, error, delivered_at";

    private final ConnectionPool pool;
    private final ObjectMapper json;

    public DestinationStore(ConnectionPool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    @Override
    public void create(Destination d) {
        pool.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO destinations (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int i = 1;
                insert.setString(i++, d.id());
                insert.setString(i++, d.datasetId());
                insert.setString(i++, d.owner());
                i = bindTarget(insert, i, d);
                insert.setTimestamp(i++, Timestamp.from(d.createdAt()));
                insert.setTimestamp(i, Timestamp.from(d.updatedAt()));
                return insert.executeUpdate();
            }
        });
    }

    /** name .. key_columns, in COLUMNS order; returns the next parameter index. */
    private int bindTarget(PreparedStatement statement, int start, Destination d) throws SQLException {
        int i = start;
        statement.setString(i++, d.name());
        statement.setString(i++, d.kind().wireName());
        statement.setString(i++, d.host());
        statement.setInt(i++, d.port());
        statement.setString(i++, d.database());
        statement.setString(i++, d.user());
        statement.setString(i++, d.passwordRef());
        statement.setString(i++, d.sslMode().wireName());
        statement.setString(i++, d.schema());
        statement.setString(i++, d.table());
        statement.setString(i++, write(d.columns()));
        statement.setString(i++, d.strategy().wireName());
        statement.setString(i++, write(d.key()));
        return i;
    }

    @Override
    public Optional<Destination> find(String id) {
        List<Destination> found = select("WHERE id = ?", id);
        return found.stream().findFirst();
    }

    @Override
    public List<Destination> listByDataset(String datasetId) {
        return select("WHERE dataset_id = ? ORDER BY created_at, id", datasetId);
    }

    private List<Destination> select(String where, String parameter) {
        return pool.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM destinations "
                    + where)) {
                query.setString(1, parameter);
                List<Destination> destinations = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        destinations.add(destination(rows));
                    }
                }
                return destinations;
            }
        });
    }

    private Destination destination(ResultSet rows) throws SQLException {
        return new Destination(rows.getString("id"), rows.getString("dataset_id"), rows.getString("owner"),
                rows.getString("name"), DestinationKind.byWireName(rows.getString("kind")).orElseThrow(),
                rows.getString("host"), rows.getInt("port"), rows.getString("database_name"),
                rows.getString("user_name"), rows.getString("password_ref"),
                SslMode.byWireName(rows.getString("ssl_mode")).orElseThrow(), rows.getString("target_schema"),
                rows.getString("target_table"),
                read(rows.getString("columns"), new TypeReference<LinkedHashMap<String, String>>() { }),
                LoadStrategy.byWireName(rows.getString("strategy")).orElseThrow(),
                read(rows.getString("key_columns"), new TypeReference<List<String>>() { }),
                rows.getTimestamp("created_at").toInstant(), rows.getTimestamp("updated_at").toInstant());
    }

    @Override
    public boolean update(Destination d) {
        return pool.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE destinations SET name = ?, kind = ?, "
                    + "host = ?, port = ?, database_name = ?, user_name = ?, password_ref = ?, ssl_mode = ?, "
                    + "target_schema = ?, target_table = ?, columns = ?, strategy = ?, key_columns = ?, "
                    + "updated_at = ? WHERE id = ?")) {
                int i = bindTarget(update, 1, d);
                update.setTimestamp(i++, Timestamp.from(d.updatedAt()));
                update.setString(i, d.id());
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean delete(String id) {
        return pool.withConnection(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM destinations WHERE id = ?")) {
                delete.setString(1, id);
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void deleteDeliveriesOf(String datasetId) {
        pool.withConnection(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM deliveries WHERE dataset_id = ?")) {
                delete.setString(1, datasetId);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public boolean queue(String runId, Destination destination, Instant now) {
        return pool.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO deliveries (run_id, "
                    + "destination_id, dataset_id, destination_name, status, attempts, queued_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (run_id, destination_id) DO NOTHING")) {
                insert.setString(1, runId);
                insert.setString(2, destination.id());
                insert.setString(3, destination.datasetId());
                insert.setString(4, destination.name());
                insert.setTimestamp(5, Timestamp.from(now));
                insert.setTimestamp(6, Timestamp.from(now));
                return insert.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<Delivery> delivery(String runId, String destinationId) {
        return pool.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + DELIVERY_COLUMNS
                    + " FROM deliveries WHERE run_id = ? AND destination_id = ?")) {
                query.setString(1, runId);
                query.setString(2, destinationId);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? Optional.of(delivery(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean start(String runId, String destinationId, Instant now) {
        return change("UPDATE deliveries SET status = 'delivering', attempts = attempts + 1, updated_at = ? "
                + "WHERE run_id = ? AND destination_id = ? AND status <> 'delivered'", now, runId, destinationId);
    }

    @Override
    public void delivered(String runId, String destinationId, long rows, Instant at) {
        pool.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE deliveries SET status = 'delivered', "
                    + "rows = ?, error = NULL, delivered_at = ?, updated_at = ? WHERE run_id = ? "
                    + "AND destination_id = ?")) {
                update.setLong(1, rows);
                update.setTimestamp(2, Timestamp.from(at));
                update.setTimestamp(3, Timestamp.from(at));
                update.setString(4, runId);
                update.setString(5, destinationId);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public void failed(String runId, String destinationId, String error, Instant at) {
        // A late failure report of one attempt never undoes another attempt's success.
        endUndelivered(runId, destinationId, "failed", error, at);
    }

    @Override
    public void skipped(String runId, String destinationId, String reason, Instant at) {
        // A run rolled back after its delivery committed stays delivered: the target has its rows.
        endUndelivered(runId, destinationId, "skipped", reason, at);
    }

    /** Moves a delivery that is not delivered to {@code status} with its reason; a delivered one stays as it is. */
    private void endUndelivered(String runId, String destinationId, String status, String reason, Instant at) {
        pool.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE deliveries SET status = ?, error = ?, "
                    + "updated_at = ? WHERE run_id = ? AND destination_id = ? AND status <> 'delivered'")) {
                update.setString(1, status);
                update.setString(2, reason);
                update.setTimestamp(3, Timestamp.from(at));
                update.setString(4, runId);
                update.setString(5, destinationId);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public boolean requeue(String runId, String destinationId, Instant now) {
        return change("UPDATE deliveries SET status = 'pending', updated_at = ? WHERE run_id = ? "
                + "AND destination_id = ? AND status <> 'delivered'", now, runId, destinationId);
    }

    private boolean change(String sql, Instant now, String runId, String destinationId) {
        return pool.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                update.setTimestamp(1, Timestamp.from(now));
                update.setString(2, runId);
                update.setString(3, destinationId);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Delivery> deliveriesOf(String runId) {
        return pool.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT d.run_id, d.destination_id, "
                    + "d.dataset_id, coalesce(t.name, d.destination_name) AS destination_name, d.status, d.rows, "
                    + "d.attempts, d.error, d.delivered_at FROM deliveries d LEFT JOIN destinations t "
                    + "ON t.id = d.destination_id WHERE d.run_id = ? ORDER BY t.created_at NULLS LAST, "
                    + "d.queued_at, d.destination_id")) {
                query.setString(1, runId);
                List<Delivery> deliveries = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        deliveries.add(delivery(rows));
                    }
                }
                return deliveries;
            }
        });
    }

    private static Delivery delivery(ResultSet rows) throws SQLException {
        long count = rows.getLong("rows");
        Long rowCount = rows.wasNull() ? null : count;
        Timestamp at = rows.getTimestamp("delivered_at");
        return new Delivery(rows.getString("run_id"), rows.getString("destination_id"), rows.getString("dataset_id"),
                rows.getString("destination_name"), DeliveryStatus.byWireName(rows.getString("status")), rowCount,
                rows.getInt("attempts"), rows.getString("error"), at == null ? null : at.toInstant());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored destination's JSON does not read back", e);
        }
    }
}
