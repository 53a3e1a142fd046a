package dev.sluice.adapter.out.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.sluice.application.identity.TokenVerifier;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real RSA keys and signatures; the JWKS fetch goes over real HTTP. */
class JwksTokenVerifierTest {
    private static final String ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Test";
    private static final String CLIENT = "client-123";
    private static RSAKey key;
    private static RSAKey otherKey;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
    }

    private static JwksTokenVerifier verifier() {
        return new JwksTokenVerifier(new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())), ISSUER, CLIENT);
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(CLIENT).subject("sub-1")
                .claim("email", "a@example.com").claim("cognito:groups", List.of("admin"))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
    }

    private static String sign(JWTClaimsSet claims, RSAKey with) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    @Test
    void aValidIdTokenNamesItsSubjectEmailAndGroups() throws Exception {
        TokenVerifier.VerifiedToken token = verifier().verify(sign(claims().build(), key)).orElseThrow();
        assertEquals("sub-1", token.subject());
        assertEquals("a@example.com", token.email());
        assertEquals(List.of("admin"), token.groups());
        assertTrue(token.claims().get("exp") instanceof Number, "times as epoch seconds: " + token.claims());
    }

    @Test
    void anAccessTokenIsForUsThroughClientId() throws Exception {
        JWTClaimsSet access = claims().audience((String) null).claim("client_id", CLIENT).build();
        assertTrue(verifier().verify(sign(access, key)).isPresent());
    }

    @Test
    void everyOtherTokenProvesNothing() throws Exception {
        Instant past = Instant.now().minusSeconds(3600);
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        hmac.sign(new MACSigner(new byte[32]));
        String valid = sign(claims().build(), key);
        Map<String, String> bad = Map.of(
                "expired", sign(claims().expirationTime(Date.from(past)).build(), key),
                "other key, same kid", sign(claims().build(), otherKey),
                "alg none", new PlainJWT(new PlainHeader(), claims().build()).serialize(),
                "HS256", hmac.serialize(),
                "wrong audience", sign(claims().audience("other").build(), key),
                "wrong issuer", sign(claims().issuer(ISSUER + "x").build(), key),
                "no subject", sign(claims().subject(null).build(), key),
                "tampered", valid.substring(0, valid.lastIndexOf('.') - 2) + "xx" + valid.substring(valid.lastIndexOf('.')),
                "garbage", "a.b.c");
        bad.forEach((what, token) -> assertEquals(Optional.empty(), verifier().verify(token), what));
        assertEquals(Optional.empty(), verifier().verify(null));
        assertEquals(Optional.empty(), verifier().verify(""));
    }
}
