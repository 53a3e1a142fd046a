package dev.sluice.application.identity;

import dev.sluice.application.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the caller from a verified token's claims as the HTTP API delivers them in
 * {@code requestContext.authorizer.jwt.claims}, the only place the caller is read from.
 *
 * <p>API Gateway hands claims over as strings and writes an array claim in its own way, {@code "[admin analysts]"};
 * other producers of the same map (a local gateway, a Lambda authorizer's context) write {@code "admin,analysts"},
 * a JSON array as text, a single name, or a real list. Every one of those forms means the same groups here.
 */
public final class JwtClaims {
    static final String SUBJECT = "sub";
    static final String EMAIL = "email";
    static final String GROUPS = "cognito:groups";
    /** Group names as Cognito allows them hold no spaces or commas; anything else is a separator here. */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s,]+");

    private JwtClaims() {
    }

    /**
     * The caller the claims name.
     *
     * @throws InvalidRequestException 401 {@code UNAUTHENTICATED} when the claims name no usable subject
     */
    public static SignedInUser user(Map<String, ?> claims) {
        Object subject = claims == null ? null : claims.get(SUBJECT);
        if (!(subject instanceof String sub) || !Caller.isUsableOwner(sub)) {
            throw new InvalidRequestException("UNAUTHENTICATED", 401,
                    "The sign-in token names no usable user ('sub'); sign in again to get a new token");
        }
        Object email = claims.get(EMAIL);
        return new SignedInUser(sub, email instanceof String text && !text.isBlank() ? text : null,
                groups(claims.get(GROUPS)));
    }

    /** The group names in any form a groups claim arrives in; no claim is no groups. */
    static List<String> groups(Object claim) {
        List<String> groups = new ArrayList<>();
        if (claim instanceof Collection<?> list) {
            // A real list holds one name per item: nothing to split.
            list.stream().filter(item -> item != null && !item.toString().isBlank())
                    .map(item -> item.toString().strip()).distinct().forEach(groups::add);
        } else if (claim != null) {
            addNames(groups, stripBrackets(claim.toString().strip()));
        }
        return List.copyOf(groups);
    }

    private static String stripBrackets(String text) {
        return text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    }

    /** Names separated by spaces or commas, each maybe quoted (a JSON array as text). */
    private static void addNames(List<String> groups, String text) {
        for (String name : SEPARATORS.split(text.strip())) {
            String unquoted = name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")
                    ? name.substring(1, name.length() - 1) : name;
            if (!unquoted.isEmpty() && !groups.contains(unquoted)) {
                groups.add(unquoted);
            }
        }
    }
}
