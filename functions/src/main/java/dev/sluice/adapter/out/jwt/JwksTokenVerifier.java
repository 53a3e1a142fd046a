package dev.sluice.adapter.out.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.sluice.application.identity.TokenVerifier;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a JWT as API Gateway's JWT authorizer does: an RS256 signature by a key of the issuer's JWKS
 * ({@code alg: none}, HMAC and every other algorithm refused), {@code iss} exactly the issuer, not expired, and the
 * audience in {@code aud} (ID tokens) or {@code client_id} (access tokens).
 */
public final class JwksTokenVerifier implements TokenVerifier {
    /** Cognito's JWKS path, relative to the issuer. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";
    /** Longer than any real token; refusing before parsing keeps a huge header from costing anything. */
    private static final int MAX_TOKEN_CHARS = 16 * 1024;
    /** The keys rotate rarely; a token signed by an unknown key id makes the source refetch (rate limited). */
    private static final Duration KEYS_CACHED = Duration.ofHours(1);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(3);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String audience;

    public JwksTokenVerifier(JWKSource<SecurityContext> keys, String issuer, String audience) {
        if (issuer == null || issuer.isBlank() || audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("a token verifier needs an issuer and an audience");
        }
        this.audience = audience;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iss")));
    }

    /** Keys fetched from {@code {issuer}/.well-known/jwks.json} and cached. */
    public static JwksTokenVerifier forIssuer(String issuer, String audience) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        int timeout = (int) FETCH_TIMEOUT.toMillis();
        try {
            JWKSource<SecurityContext> keys = JWKSourceBuilder
                    .create(URI.create(base + JWKS_PATH).toURL(), new DefaultResourceRetriever(timeout, timeout, 64 * 1024))
                    .cache(KEYS_CACHED.toMillis(), FETCH_TIMEOUT.toMillis())
                    .build();
            return new JwksTokenVerifier(keys, issuer, audience);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("token issuer is not a URL: " + issuer, e);
        }
    }

    @Override
    public Optional<VerifiedToken> verify(String token) {
        // The JSON form: times as epoch seconds, as they are in the token (and as API Gateway passes them on).
        return claims(token).map(claims -> new VerifiedToken(claims.getSubject(), stringClaim(claims, "email"),
                groups(claims.getClaim("cognito:groups")), withoutNulls(claims.toJSONObject())));
    }

    /** The claims of a token that checks out; empty for anything else (the reason is deliberately not kept). */
    public Optional<JWTClaimsSet> claims(String token) {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        try {
            JWTClaimsSet claims = processor.process(token, null);
            List<String> audiences = claims.getAudience();
            boolean forUs = audiences != null && audiences.contains(audience)
                    || audience.equals(stringClaim(claims, "client_id"));
            return forUs ? Optional.of(claims) : Optional.empty();
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> claims) {
        Map<String, Object> present = new LinkedHashMap<>();
        claims.forEach((name, value) -> {
            if (value != null) {
                present.put(name, value);
            }
        });
        return present;
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String text ? text : null;
    }

    private static List<String> groups(Object value) {
        List<String> groups = new ArrayList<>();
        if (value instanceof Collection<?> collection) {
            collection.forEach(group -> groups.add(String.valueOf(group)));
        } else if (value instanceof String text && !text.isBlank()) {
            groups.add(text);
        }
        return groups;
    }
}
