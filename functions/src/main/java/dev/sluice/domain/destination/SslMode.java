package dev.sluice.domain.destination;

import java.util.Locale;
import java.util.Optional;

/** The libpq / pgjdbc {@code sslmode} values a destination may ask for. */
public enum SslMode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    /** {@code disable}, ..., {@code verify-full}: the driver's own spelling. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<SslMode> byWireName(String name) {
        for (SslMode mode : values()) {
            if (mode.wireName().equals(name)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
