package dev.sluice.config;

/**
 * Builds the AWS clients and adapters that handlers need, once per Lambda instance (or once per local
 * runtime). Handlers take a Components in their second constructor.
 */
public final class Components {
    private final Settings settings;

    public Components(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }
}
