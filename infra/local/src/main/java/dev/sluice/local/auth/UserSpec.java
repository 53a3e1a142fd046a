package dev.sluice.local.auth;

import java.util.List;
import java.util.Locale;

/**
 * A local user as given on the command line: {@code email:password[:admin]}. The password may contain colons
 * only when {@code :admin} is not meant as the last part.
 */
public record UserSpec(String email, String password, boolean admin) {
    /** Used when no {@code --user} is given (documented in the README). */
    public static final List<UserSpec> DEFAULTS = List.of(
            new UserSpec("admin@example.com", "adminpassword", true),
            new UserSpec("demo@example.com", "demo123", false));

    public UserSpec {
        email = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (!email.matches("[^@\\s:]+@[^@\\s:]+")) {
            throw new IllegalArgumentException("a user needs an e-mail address as its name (email:password[:admin])");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("user " + email + " needs a password (email:password[:admin])");
        }
    }

    /** Parses {@code email:password} or {@code email:password:admin}. */
    public static UserSpec parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--user takes email:password[:admin]");
        }
        String email = text.substring(0, colon);
        String rest = text.substring(colon + 1);
        boolean admin = rest.endsWith(":admin");
        return new UserSpec(email, admin ? rest.substring(0, rest.length() - ":admin".length()) : rest, admin);
    }

    @Override
    public String toString() {
        // Never the password: specs end up in exception messages and logs.
        return "UserSpec[" + email + (admin ? ", admin" : "") + "]";
    }
}
