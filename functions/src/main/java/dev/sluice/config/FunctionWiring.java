package dev.sluice.config;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What every function's wiring shares: its settings, its JSON mapper and the clients it built, which {@link #close}
 * releases (the local runtime closes each function at stop; on Lambda the instance simply ends). Each subclass
 * builds the use cases of one function, and with them only the clients those use cases reach.
 */
public abstract class FunctionWiring implements AutoCloseable {
    protected final Adapters adapters;

    protected FunctionWiring(Settings settings) {
        this.adapters = new Adapters(settings);
    }

    public final Settings settings() {
        return adapters.settings();
    }

    public final ObjectMapper json() {
        return adapters.json();
    }

    /** X-Ray subsegments around the use case: on Lambda with active tracing, never locally. */
    public final boolean tracing() {
        return adapters.settings().xrayTracing();
    }

    @Override
    public final void close() {
        adapters.close();
    }
}
