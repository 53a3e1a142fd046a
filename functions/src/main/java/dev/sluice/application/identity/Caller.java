package dev.sluice.application.identity;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who is asking: the owner name runs are filed under, whether they may see every run, and the email their sign-in
 * token gave (null without one: no sign-in, a WebSocket connection), used only to name them in words.
 */
public record Caller(String owner, boolean admin, String email) {
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_.@:-]{1,128}");

    /** Without sign-in, the local runtime's single user: the laptop's owner, who may see every run. */
    public static final Caller LOCAL_ADMIN = new Caller("local", true);
    /** Without sign-in on AWS: one anonymous user who sees only its own runs. */
    public static final Caller ANONYMOUS = new Caller("anonymous", false);

    public Caller {
        Objects.requireNonNull(owner, "owner");
        if (!isUsableOwner(owner)) {
            throw new IllegalArgumentException("not a usable owner name: '" + owner + "'");
        }
        email = email == null || email.isBlank() ? null : email;
    }

    /** A caller known by owner name only. */
    public Caller(String owner, boolean admin) {
        this(owner, admin, null);
    }

    /** How a message for people names the caller: the email, else the owner name (often an opaque id). */
    public String displayName() {
        return email == null ? owner : email;
    }

    /** Whether runs can be filed under this name (it becomes part of object keys and index keys). */
    public static boolean isUsableOwner(String owner) {
        return owner != null && OWNER.matcher(owner).matches();
    }

    /**
     * The ownership rule, the one place it is written: the HTTP API's queries and WebSocket subscriptions both ask
     * it, and answer a run it refuses exactly as a missing one.
     */
    public boolean maySee(String runOwner) {
        return admin || owner.equals(runOwner);
    }
}
