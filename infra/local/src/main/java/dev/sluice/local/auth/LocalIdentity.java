package dev.sluice.local.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.sluice.adapter.out.jwt.JwksTokenVerifier;
import dev.sluice.application.identity.TokenVerifier;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime's stand-in for the Cognito user pool (never deployed): users with hashed passwords, an RS256 key
 * made once per data directory, {@code POST /api/auth/login} issuing Cognito-shaped ID tokens, and the JWKS at
 * {@code {issuer}/.well-known/jwks.json} (Cognito's path), from which the $connect authorizer fetches the key exactly
 * as it does from Cognito. The gateway checks tokens with {@link #verifier()}.
 */
public final class LocalIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(LocalIdentity.class);
    /** The app client id tokens are issued for ({@code aud} and {@code client_id}). */
    public static final String AUDIENCE = "sluice-local";
    /** Path of the issuer under the gateway's base URL. */
    public static final String ISSUER_PATH = "/_local/idp";
    public static final String LOGIN_PATH = "/api/auth/login";
    /** As long as the user pool client's IdTokenValidity. */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private static final int MAX_LOGIN_BODY_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final RSAKey signingKey;
    private final Map<String, LocalUser> users;
    private final Map<String, PasswordHash> passwords;
    private final LoginRateLimiter limiter;
    private final Clock clock;
    private final TokenVerifier verifier;
    /** Checked for unknown names so that a miss takes as long as a wrong password. */
    private final PasswordHash decoy = PasswordHash.of(UUID.randomUUID().toString());

    /** A user as signed in: stable subject, e-mail and groups. */
    public record LocalUser(String sub, String email, List<String> groups) {
    }

    private LocalIdentity(String issuer, RSAKey signingKey, Map<String, LocalUser> users,
            Map<String, PasswordHash> passwords, Clock clock) {
        this.issuer = issuer;
        this.signingKey = signingKey;
        this.users = Map.copyOf(users);
        this.passwords = Map.copyOf(passwords);
        this.clock = clock;
        this.limiter = new LoginRateLimiter(clock);
        this.verifier = new JwksTokenVerifier(new ImmutableJWKSet<>(new JWKSet(signingKey.toPublicJWK())), issuer,
                AUDIENCE);
    }

    /**
     * Loads (or makes, the first time) the signing key and the users' subjects under {@code directory}; the
     * passwords are hashed now and kept only as hashes.
     */
    public static LocalIdentity open(Path directory, List<UserSpec> specs, URI baseUrl) throws IOException {
        Files.createDirectories(directory);
        RSAKey key = signingKey(directory.resolve("signing-key.json"));
        Properties subjects = subjects(directory.resolve("subjects.properties"), specs);
        Map<String, LocalUser> users = new LinkedHashMap<>();
        Map<String, PasswordHash> passwords = new LinkedHashMap<>();
        for (UserSpec spec : specs.isEmpty() ? UserSpec.DEFAULTS : specs) {
            users.put(spec.email(), new LocalUser(subjects.getProperty(spec.email()), spec.email(),
                    spec.admin() ? List.of("admin") : List.of()));
            passwords.put(spec.email(), PasswordHash.of(spec.password()));
        }
        String base = baseUrl.toString().endsWith("/") ? baseUrl.toString().substring(0, baseUrl.toString().length() - 1)
                : baseUrl.toString();
        return new LocalIdentity(base + ISSUER_PATH, key, users, passwords, Clock.systemUTC());
    }

    public String issuer() {
        return issuer;
    }

    /** Checks tokens as API Gateway's JWT authorizer would for this issuer and audience. */
    public TokenVerifier verifier() {
        return verifier;
    }

    /** The users' e-mail addresses (never their passwords). */
    public List<String> userEmails() {
        return List.copyOf(users.keySet());
    }

    /** The JWKS document: the public half of the signing key. */
    public String jwks() {
        return new JWKSet(signingKey.toPublicJWK()).toString(true);
    }

    /** Adds the sign-in route and the issuer's JWKS to the gateway, ahead of the API routes. */
    public void configure(JavalinConfig config) {
        config.routes.addHttpHandler(HandlerType.POST, LOGIN_PATH, this::login);
        config.routes.addHttpHandler(HandlerType.GET, ISSUER_PATH + JwksTokenVerifier.JWKS_PATH,
                ctx -> ctx.contentType("application/json").header("Cache-Control", "max-age=300").result(jwks()));
    }

    /** Outcome of one sign-in attempt. */
    public sealed interface Login {
        record Success(String token, Instant expiresAt, LocalUser user) implements Login {
        }

        record Refused() implements Login {
        }

        record RateLimited(Duration retryAfter) implements Login {
        }
    }

    public Login login(String username, String password, String clientAddress) {
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        Optional<Duration> wait = limiter.blocked(name, clientAddress);
        if (wait.isPresent()) {
            LOG.warn("sign-in as {} from {} refused: too many failed attempts", printable(name), clientAddress);
            return new Login.RateLimited(wait.get());
        }
        LocalUser user = users.get(name);
        boolean matches = passwords.getOrDefault(name, decoy).matches(password == null ? "" : password);
        if (user == null || !matches) {
            limiter.failed(name, clientAddress);
            LOG.info("sign-in as {} from {} failed: wrong e-mail or password", printable(name), clientAddress);
            return new Login.Refused();
        }
        Instant now = clock.instant();
        Instant expires = now.plus(TOKEN_LIFETIME);
        LOG.info("{} signed in from {}", user.email(), clientAddress);
        return new Login.Success(sign(claims(user, now, expires).build()), expires, user);
    }

    /** A token for a configured user without their password: for in-process tools (bench) and tests. */
    public String tokenFor(String email) {
        LocalUser user = users.get(email.toLowerCase(Locale.ROOT));
        if (user == null) {
            throw new IllegalArgumentException("no local user " + email + " (users: " + users.keySet() + ")");
        }
        Instant now = clock.instant();
        return sign(claims(user, now, now.plus(TOKEN_LIFETIME)).build());
    }

    /** Cognito ID token claims for the user. */
    private JWTClaimsSet.Builder claims(LocalUser user, Instant issuedAt, Instant expires) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(user.sub())
                .issuer(issuer)
                .audience(AUDIENCE)
                .claim("client_id", AUDIENCE)
                .claim("token_use", "id")
                .claim("email", user.email())
                .claim("email_verified", true)
                .claim("cognito:username", user.sub())
                .claim("auth_time", issuedAt.getEpochSecond())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString());
        if (!user.groups().isEmpty()) {
            // Cognito leaves the claim out for a user in no group.
            claims.claim("cognito:groups", user.groups());
        }
        return claims;
    }

    /**
     * Signs any claims with this data directory's key: for tools and tests that need a token the sign-in would not
     * issue (expired, another audience...). The gateway trusts whatever this signs.
     */
    public String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID())
                    .build(), claims);
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a token failed", e);
        }
    }

    private void login(Context ctx) {
        ctx.contentType("application/json").header("Cache-Control", "no-store");
        byte[] body = ctx.bodyAsBytes();
        JsonNode request;
        try {
            request = body.length > MAX_LOGIN_BODY_BYTES ? null : JSON.readTree(body);
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.path("username").isTextual() || !request.path("password").isTextual()) {
            error(ctx, 400, "INVALID_REQUEST", "Send {\"username\": \"...\", \"password\": \"...\"} as JSON");
            return;
        }
        Login login = login(request.get("username").asText(), request.get("password").asText(),
                ctx.req().getRemoteAddr());
        switch (login) {
            case Login.Success success -> {
                ObjectNode answer = JSON.createObjectNode();
                answer.put("token", success.token());
                answer.put("expiresAt", success.expiresAt().toString());
                ObjectNode user = answer.putObject("user");
                user.put("sub", success.user().sub());
                user.put("email", success.user().email());
                success.user().groups().forEach(user.putArray("groups")::add);
                if (success.user().groups().isEmpty()) {
                    user.putArray("groups");
                }
                ctx.status(200).result(answer.toString());
            }
            case Login.Refused refused -> error(ctx, 401, "INVALID_CREDENTIALS", "Wrong e-mail or password");
            case Login.RateLimited limited -> {
                long seconds = Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000);
                ctx.header("Retry-After", Long.toString(seconds));
                error(ctx, 429, "RATE_LIMITED", "Too many failed sign-ins; try again in " + seconds + " s");
            }
        }
    }

    private static void error(Context ctx, int status, String code, String message) {
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("error").put("code", code).put("message", message);
        ctx.status(status).result(answer.toString());
    }

    /** A user name as typed, safe for one log line. */
    private static String printable(String name) {
        String cleaned = name.replaceAll("[^\\x21-\\x7e]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "..." : cleaned;
    }

    private static RSAKey signingKey(Path file) throws IOException {
        if (Files.exists(file)) {
            try {
                return RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (ParseException e) {
                throw new IOException(file + " is not an RSA JWK; delete it to make a new signing key", e);
            }
        }
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
            writePrivately(file, key.toJSONString());
            return key;
        } catch (JOSEException e) {
            throw new IllegalStateException("making the signing key failed", e);
        }
    }

    /** A UUID per e-mail, made the first time the user appears and kept, so a user's runs stay theirs. */
    private static Properties subjects(Path file, List<UserSpec> specs) throws IOException {
        Properties subjects = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                subjects.load(reader);
            }
        }
        boolean added = false;
        List<UserSpec> all = new ArrayList<>(specs.isEmpty() ? UserSpec.DEFAULTS : specs);
        for (UserSpec spec : all) {
            if (subjects.getProperty(spec.email()) == null) {
                subjects.setProperty(spec.email(), UUID.randomUUID().toString());
                added = true;
            }
        }
        if (added) {
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                subjects.store(writer, "Sluice local users: e-mail = subject (sub claim); keep to keep their runs");
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return subjects;
    }

    private static void writePrivately(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temporary);
        }
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
