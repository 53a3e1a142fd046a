package dev.sluice.adapter.out.postgres;

/**
 * Where a connection's password comes from. A rotated secret changes under a running function, so the pool asks
 * again ({@link #refresh()}) when PostgreSQL rejects the password it had.
 */
public interface PasswordSource {
    String password();

    /** Forgets a cached password; the next {@link #password()} reads it again. */
    default void refresh() {
    }

    static PasswordSource fixed(String password) {
        return () -> password;
    }
}
