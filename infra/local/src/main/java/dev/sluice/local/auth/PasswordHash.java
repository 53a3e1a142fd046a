package dev.sluice.local.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A password kept as PBKDF2-HMAC-SHA256 (the JDK's) of a random per-user salt; the password itself is not kept.
 * 210,000 iterations: OWASP's 2023 figure was 600,000, but this sign-in is local-only and every start hashes each
 * user once, so a third of that keeps start-up and sign-in fast (~0.1 s per hash here) while still making each guess
 * of a stolen hash cost that much.
 */
final class PasswordHash {
    static final int ITERATIONS = 210_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(byte[] salt, byte[] hash) {
        this.salt = salt;
        this.hash = hash;
    }

    static PasswordHash of(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(salt, derive(password, salt));
    }

    /** Constant-time comparison, so how much of a guess matched does not show in the timing. */
    boolean matches(String password) {
        return MessageDigest.isEqual(hash, derive(password, salt));
    }

    private static byte[] derive(String password, byte[] salt) {
        char[] chars = password.toCharArray();
        KeySpec spec = new PBEKeySpec(chars, salt, ITERATIONS, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }
}
