package dev.sluice.domain.progress;

import java.util.List;
import java.util.Objects;

/**
 * What a connection subscribes to: one run, every run of one owner ({@code "mine"}), or every run ({@code "all"},
 * administrators only).
 */
public record Topic(Kind kind, String key) {

    public enum Kind { RUN, OWNER, ALL }

    public Topic {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.ALL) {
            key = "*";
        } else if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(kind + " topic needs a key");
        }
    }

    public static Topic run(String runId) {
        return new Topic(Kind.RUN, runId);
    }

    public static Topic owner(String owner) {
        return new Topic(Kind.OWNER, owner);
    }

    public static Topic all() {
        return new Topic(Kind.ALL, "*");
    }

    /** Every topic whose subscribers want to hear about a change of this run. */
    public static List<Topic> watching(RunProgress run) {
        return List.of(run(run.runId()), owner(run.owner()), all());
    }
}
