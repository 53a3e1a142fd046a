package dev.sluice.domain.run;

public enum RunStatus {
    CREATED, RECEIVED, SPLITTING, LOADING, PUBLISHING, SUCCEEDED, PARTIAL, FAILED, DUPLICATE, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == PARTIAL || this == FAILED || this == DUPLICATE || this == CANCELLED;
    }
}
