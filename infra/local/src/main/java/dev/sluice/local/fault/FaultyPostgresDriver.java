package dev.sluice.local.fault;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A JDBC driver for {@code jdbc:sluice-faults:ID:postgresql://...} URLs, which the local runtime gives its functions
 * when faults are on: it opens the real {@code jdbc:postgresql://...} connection and hands it to that runtime's
 * {@link DatabaseFaults}. The functions' code is unchanged; only the URL in their environment differs.
 */
final class FaultyPostgresDriver implements Driver {
    private static final String PREFIX = "jdbc:sluice-faults:";
    private static final FaultyPostgresDriver INSTANCE = new FaultyPostgresDriver();
    private static final Map<String, DatabaseFaults> RUNTIMES = new ConcurrentHashMap<>();
    private static boolean registered;

    private FaultyPostgresDriver() {
    }

    static synchronized String route(String realUrl, DatabaseFaults faults) {
        if (!realUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("not a JDBC URL: " + realUrl);
        }
        if (!registered) {
            try {
                DriverManager.registerDriver(INSTANCE);
            } catch (SQLException e) {
                throw new IllegalStateException("could not register the local fault driver", e);
            }
            registered = true;
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        RUNTIMES.put(id, faults);
        return PREFIX + id + ":" + realUrl.substring("jdbc:".length());
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        String rest = url.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        DatabaseFaults faults = colon < 0 ? null : RUNTIMES.get(rest.substring(0, colon));
        if (faults == null) {
            throw new SQLException("no local runtime answers for " + url, "08001");
        }
        String real = "jdbc:" + rest.substring(colon + 1);
        faults.beforeConnect(real);
        return faults.track(DriverManager.getConnection(real, info));
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging here");
    }
}
