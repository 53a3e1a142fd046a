package dev.sluice.application.identity;

import java.util.List;
import java.util.Objects;

/**
 * The caller of the HTTP API as its verified token names it (API Gateway's JWT authorizer on AWS, the local
 * gateway locally).
 *
 * @param subject the token's {@code sub}: the owner id runs are filed under
 * @param email   the token's {@code email}, or null when it has none
 * @param groups  the token's {@code cognito:groups}, in the token's order
 */
public record SignedInUser(String subject, String email, List<String> groups) {
    /** Members of this Cognito group see every user's runs. */
    public static final String ADMIN_GROUP = "admin";

    public SignedInUser {
        Objects.requireNonNull(subject, "subject");
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    public boolean admin() {
        return groups.contains(ADMIN_GROUP);
    }

    /** Who the ownership rule is applied to. */
    public Caller caller() {
        return new Caller(subject, admin(), email);
    }
}
