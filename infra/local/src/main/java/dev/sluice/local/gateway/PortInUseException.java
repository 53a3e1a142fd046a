package dev.sluice.local.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** The gateway's port is taken; the message is one line that names the port and what to do. */
public final class PortInUseException extends RuntimeException {
    public PortInUseException(int port) {
        super("port " + port + " on 127.0.0.1 is already in use: stop what holds it, or choose another with --port N"
                + " (0 picks a free one)");
    }

    /**
     * Fails unless the gateway could bind {@code port} now, so a taken port is reported before the emulators spend
     * seconds starting. Binds the way Jetty does (loopback, address reuse on), so a port left in TIME_WAIT by an
     * earlier run passes here as it would there. Something may still take the port before the gateway binds it;
     * then the gateway's own bind fails, as before.
     */
    public static void requireFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new PortInUseException(port);
        }
    }
}
