package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A taken gateway port is reported in one line before anything starts, not after the emulators (~8 s). */
class PortInUseTest {
    @TempDir
    Path dir;

    @Test
    void serveOnATakenPortFailsFirstNamingThePort() throws Exception {
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = holder.getLocalPort();
            Path dataDir = dir.resolve("data");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int code = SluiceLocal.run(new String[] {"serve", "--port", String.valueOf(port), "--data-dir",
                dataDir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));

            assertEquals(SluiceLocal.CANNOT_RUN, code);
            assertEquals(List.of("port " + port + " on 127.0.0.1 is already in use: stop what holds it, or choose"
                    + " another with --port N (0 picks a free one)"), err.toString(StandardCharsets.UTF_8).lines()
                    .toList());
            assertEquals("", out.toString(StandardCharsets.UTF_8));
            // A start locks the data directory before it starts any emulator: no lock file, nothing started.
            assertFalse(Files.exists(dataDir.resolve(".lock")), "the stack started before the port was checked");
        }
    }
}
