package dev.sluice.application.destination;

/** The API's destination routes' use cases: managing destinations, and the deliveries of runs. */
public record Destinations(ManageDestinations manage, DeliverRuns deliveries) {
}
