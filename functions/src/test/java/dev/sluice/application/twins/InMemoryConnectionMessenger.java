package dev.sluice.application.twins;

import dev.sluice.application.port.ConnectionMessenger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every message posted, by connection; a connection marked {@link #close closed} answers GONE, as after a 410. */
public final class InMemoryConnectionMessenger implements ConnectionMessenger {
    /** One message as posted. */
    public record Posted(String connectionId, String message) {
    }

    private final List<Posted> posted = new ArrayList<>();
    private final Set<String> closed = new HashSet<>();

    public synchronized void close(String connectionId) {
        closed.add(connectionId);
    }

    public synchronized List<Posted> posted() {
        return List.copyOf(posted);
    }

    @Override
    public synchronized Delivery post(String connectionId, String message) {
        if (closed.contains(connectionId)) {
            return Delivery.GONE;
        }
        posted.add(new Posted(connectionId, message));
        return Delivery.DELIVERED;
    }
}
