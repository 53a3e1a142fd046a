package dev.sluice.application.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The caller read from {@code requestContext.authorizer.jwt.claims}, in every form the claims arrive in. */
class JwtClaimsTest {
    private static final String SUB = "a1b2c3d4-e5f6-4789-8abc-def012345678";

    private static SignedInUser user(Object groups) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", SUB);
        claims.put("email", "alice@example.com");
        claims.put("cognito:groups", groups);
        return JwtClaims.user(claims);
    }

    @Test
    void apiGatewayWritesAnArrayClaimAsBracketedSpaceSeparatedNames() {
        SignedInUser user = user("[analysts admin]");
        assertEquals(List.of("analysts", "admin"), user.groups());
        assertTrue(user.admin());
        assertEquals(new Caller(SUB, true, "alice@example.com"), user.caller());
        assertEquals("alice@example.com", user.caller().displayName());
        assertEquals(SUB, new Caller(SUB, false).displayName(), "without an email, the owner id");
        assertEquals("alice@example.com", user.email());
        assertEquals(List.of("admin"), user("[admin]").groups());
    }

    @Test
    void commaSeparatedNamesAsALambdaAuthorizerContextJoinsThem() {
        assertEquals(List.of("analysts", "admin"), user("analysts,admin").groups());
        assertEquals(List.of("analysts", "admin"), user("analysts, admin").groups());
    }

    @Test
    void aSingleName() {
        assertEquals(List.of("admin"), user("admin").groups());
        assertFalse(user("analysts").admin());
    }

    @Test
    void aJsonArrayAsTextOrAsARealList() {
        assertEquals(List.of("analysts", "admin"), user("[\"analysts\",\"admin\"]").groups());
        assertEquals(List.of("analysts", "admin"), user("[\"analysts\", \"admin\"]").groups());
        assertEquals(List.of("analysts", "admin"), user(List.of("analysts", "admin")).groups());
        assertTrue(user(List.of("admin")).admin());
    }

    @Test
    void noGroupsInAnyFormIsNoGroupsAndNotAdmin() {
        for (Object none : new Object[] {null, "", "[]", " ", List.of()}) {
            SignedInUser user = user(none);
            assertEquals(List.of(), user.groups(), String.valueOf(none));
            assertFalse(user.admin());
        }
    }

    @Test
    void adminMeansTheGroupNamedAdminNotANameContainingIt() {
        assertFalse(user("[administrators notadmin]").admin());
        assertFalse(user("Admin").admin());
    }

    @Test
    void aTokenWithoutAUsableSubjectIsUnauthenticated() {
        for (Map<String, String> claims : List.of(Map.<String, String>of(), Map.of("email", "a@example.com"),
                Map.of("sub", ""), Map.of("sub", "has space"), Map.of("sub", "x".repeat(129)))) {
            InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                    () -> JwtClaims.user(claims), claims::toString);
            assertEquals(401, refused.httpStatus());
            assertEquals("UNAUTHENTICATED", refused.code());
        }
    }

    @Test
    void anEmailIsOptional() {
        assertNull(JwtClaims.user(Map.of("sub", SUB)).email());
    }

    @Test
    void withoutClaimsTheDeployedPolicyRefusesWith401() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> HttpCallers.verifiedTokenOnly().resolve(Optional.empty()));
        assertEquals("UNAUTHENTICATED", refused.code());
        assertEquals(401, refused.httpStatus());
        assertEquals(SUB, HttpCallers.verifiedTokenOnly().resolve(Optional.of(Map.of("sub", SUB))).subject());
    }
}
