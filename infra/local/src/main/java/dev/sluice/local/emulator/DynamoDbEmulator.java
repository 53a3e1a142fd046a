package dev.sluice.local.emulator;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * DynamoDB Local in server mode with its SQLite files under {@code DATA_DIR/dynamodb}. {@code -sharedDb}
 * makes the tables independent of the credentials and region a client signs with.
 */
public final class DynamoDbEmulator implements Emulator {
    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private DynamoDbEmulator(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    public static DynamoDbEmulator start(Path dataDir, Path nativeLibraryDir) throws Exception {
        Files.createDirectories(dataDir);
        if (System.getProperty("sqlite4java.library.path") == null) {
            System.setProperty("sqlite4java.library.path", nativeLibraryDir.toAbsolutePath().toString());
        }
        int port = FreePort.pick();
        DynamoDBProxyServer server;
        // DynamoDB Local prints its configuration to stdout, where `ingest --json` promises only JSON.
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        try {
            server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                "-port", Integer.toString(port), "-dbPath", dataDir.toAbsolutePath().toString(), "-sharedDb", "-disableTelemetry"});
        } finally {
            System.setOut(stdout);
        }
        bindToLoopback(server);
        server.start();
        return new DynamoDbEmulator(server, URI.create("http://127.0.0.1:" + port));
    }

    /** DynamoDB Local listens on every interface and has no option for it; its Jetty connector does. */
    private static void bindToLoopback(DynamoDBProxyServer proxy) {
        try {
            Field field = DynamoDBProxyServer.class.getDeclaredField("server");
            field.setAccessible(true);
            Server jetty = (Server) field.get(proxy);
            for (Connector connector : jetty.getConnectors()) {
                if (connector instanceof ServerConnector serverConnector) {
                    serverConnector.setHost("127.0.0.1");
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("[sluice-local] DynamoDB Local will listen on all interfaces: " + e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void stop() throws Exception {
        server.stop();
    }
}
