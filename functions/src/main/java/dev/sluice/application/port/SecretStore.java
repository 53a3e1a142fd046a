package dev.sluice.application.port;

import java.util.Optional;

/**
 * Where credentials users give Sluice (a source's auth headers, a destination's password) are kept: AWS Secrets
 * Manager when deployed, an encrypted file locally. A secret is only ever read back to be used, never returned by
 * the API or logged.
 */
public interface SecretStore {

    /** Stores or replaces the secret called {@code name}; returns the reference to keep (an ARN, or the name). */
    String put(String name, String value);

    /** The secret's value, or empty when there is no such secret. */
    Optional<String> get(String reference);

    /** Removes the secret; a missing one is no error. */
    void delete(String reference);
}
