package dev.sluice.application.identity;

import dev.sluice.application.InvalidRequestException;
import java.util.Map;
import java.util.Optional;

/** Who sent an HTTP API request, decided from the verified token's claims the request carries. */
@FunctionalInterface
public interface HttpCallers {

    /**
     * @param claims {@code requestContext.authorizer.jwt.claims}; empty when no authorizer ran
     * @throws InvalidRequestException 401 {@code UNAUTHENTICATED} when the request names no caller
     */
    SignedInUser resolve(Optional<Map<String, String>> claims);

    /**
     * The only policy deployed: a request without claims reached the function without passing the JWT authorizer
     * (a misconfigured route), and is refused rather than given some default identity.
     */
    static HttpCallers verifiedTokenOnly() {
        return claims -> JwtClaims.user(claims.orElseThrow(() -> new InvalidRequestException("UNAUTHENTICATED", 401,
                "This request carries no verified sign-in token; sign in and send 'Authorization: Bearer <token>'")));
    }
}
