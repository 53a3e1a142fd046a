package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.identity.SignedInUser;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The local runtime's stopgap for requests without a token, and that it never overrides a token's claims. */
class ApiWiringTest {
    private final HttpCallers local = ApiWiring.localAdminWithoutToken(HttpCallers.verifiedTokenOnly());

    @Test
    void locallyARequestWithoutClaimsIsTheLocalAdministrator() {
        SignedInUser user = local.resolve(Optional.empty());
        assertEquals("local", user.subject());
        assertTrue(user.admin());
    }

    @Test
    void locallyARequestWithClaimsIsJudgedByThemAsOnAws() {
        SignedInUser user = local.resolve(Optional.of(Map.of("sub", "bob", "cognito:groups", "[analysts]")));
        assertEquals("bob", user.subject());
        assertEquals(false, user.admin());
        assertThrows(InvalidRequestException.class, () -> local.resolve(Optional.of(Map.of("email", "x@y.z"))));
    }
}
