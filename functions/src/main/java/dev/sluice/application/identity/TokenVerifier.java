package dev.sluice.application.identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a sign-in token (a JWT from the user pool, or from the local runtime's sign-in) and says whom it names.
 * Only a token whose signature, issuer, audience and expiry all check out names anyone.
 */
@FunctionalInterface
public interface TokenVerifier {

    /** The identity the token proves, or empty when it proves nothing (absent, malformed, forged, expired...). */
    Optional<VerifiedToken> verify(String token);

    /** What a valid token says: subject, e-mail, groups, and every claim as the token carries it. */
    record VerifiedToken(String subject, String email, List<String> groups, Map<String, Object> claims) {
        public VerifiedToken {
            email = email == null ? "" : email;
            groups = List.copyOf(groups);
            claims = Map.copyOf(claims);
        }
    }
}
