package dev.sluice.domain.destination;

/**
 * Why a destination could not be used, in words a user can act on. The codes are the API's; the messages never
 * carry the password or the driver's own text (which may quote what was sent).
 */
public enum ConnectionProblem {
    HOST_UNREACHABLE,
    AUTH_FAILED,
    DATABASE_NOT_FOUND,
    PERMISSION_DENIED,
    TABLE_NOT_FOUND,
    TIMEOUT,
    /** The target refused the rows themselves (a type, constraint or trigger): only during a delivery. */
    REJECTED_ROWS
}
