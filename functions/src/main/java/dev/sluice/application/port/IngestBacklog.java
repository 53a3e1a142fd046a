package dev.sluice.application.port;

/** How many S3 events wait on IngestQueue (visible, in flight or delayed): whether a backlog may hide an event. */
@FunctionalInterface
public interface IngestBacklog {
    /** No backlog, ever (a runtime that cannot tell). */
    IngestBacklog EMPTY = () -> 0;

    long waiting();
}
