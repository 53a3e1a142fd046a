package dev.sluice.domain.dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Dataset ids. A created dataset gets {@code ds_} and 20 random hex digits; an owner's default dataset gets
 * {@code default-} and the first 24 hex digits of the SHA-256 of the owner, so every first use of it, however
 * concurrent, names the same item and a conditional put creates it exactly once.
 */
public final class DatasetIds {
    /** What the API accepts as a dataset id (also the form partner datasets are configured with). */
    public static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int RANDOM_BYTES = 10;
    private static final int DEFAULT_HEX_DIGITS = 24;

    private DatasetIds() {
    }

    public static String newId() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return "ds_" + HexFormat.of().formatHex(bytes);
    }

    public static String defaultFor(String owner) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8));
            return "default-" + HexFormat.of().formatHex(hash).substring(0, DEFAULT_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static boolean valid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
