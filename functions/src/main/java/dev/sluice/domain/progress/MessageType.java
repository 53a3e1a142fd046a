package dev.sluice.domain.progress;

/** The kinds of progress message a watcher receives, with the names they have on the wire. */
public enum MessageType {
    /** The run's state right after subscribing, so a (re)connecting client never waits for the next change. */
    SNAPSHOT("run.snapshot"),
    /** A change of a run that is not final yet. */
    PROGRESS("run.progress"),
    /**
     * The run waits in REVIEW and what publishing it would do is recorded: a client fetches the run (its
     * {@code publication.counts}) or its review. Sent once per stay in REVIEW; the run's next message is about
     * publishing (or its discard).
     */
    REVIEW("run.review"),
    /** The run reached a final status; always the last message about the run, with its final counters. */
    FINISHED("run.finished");

    private final String wireName;

    MessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** PROGRESS, REVIEW or FINISHED, whichever a change to this state is. */
    public static MessageType forChange(RunProgress progress) {
        if (progress.isFinal()) {
            return FINISHED;
        }
        return progress.reviewReady() ? REVIEW : PROGRESS;
    }
}
