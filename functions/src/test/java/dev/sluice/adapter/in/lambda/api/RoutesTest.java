package dev.sluice.adapter.in.lambda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The route table: path parameters, precedence, 404 and 405. */
class RoutesTest {
    private static final Routes.Endpoint RUN = call -> null;
    private static final Routes.Endpoint LATEST = call -> null;
    private static final Routes.Endpoint RECORDS = call -> null;
    private static final Routes.Endpoint UPLOAD = call -> null;

    private final Routes routes = new Routes()
            .get("/api/runs/{id}", RUN)
            .get("/api/runs/latest", LATEST)
            .get("/api/runs/{id}/records", RECORDS)
            .post("/api/uploads", UPLOAD);

    @Test
    void aParameterSegmentBindsItsValueAsSent() {
        Routes.Found found = assertInstanceOf(Routes.Found.class, routes.match("GET", "/api/runs/r%201"));
        assertSame(RUN, found.endpoint());
        assertEquals(Map.of("id", "r%201"), found.pathParameters());
        Routes.Found records = assertInstanceOf(Routes.Found.class, routes.match("GET", "/api/runs/r1/records"));
        assertSame(RECORDS, records.endpoint());
        assertEquals(Map.of("id", "r1"), records.pathParameters());
    }

    @Test
    void aLiteralSegmentWinsOverAParameterWhateverTheOrderOfTheTable() {
        assertSame(LATEST, assertInstanceOf(Routes.Found.class, routes.match("GET", "/api/runs/latest")).endpoint());
    }

    @Test
    void aPathNoRouteHasIsNoRoute() {
        assertInstanceOf(Routes.NoRoute.class, routes.match("GET", "/api/nothing"));
        assertInstanceOf(Routes.NoRoute.class, routes.match("GET", "/api/runs"), "no route lists runs here");
        assertInstanceOf(Routes.NoRoute.class, routes.match("GET", "/api/runs//records"), "an empty id is no id");
        assertInstanceOf(Routes.NoRoute.class, routes.match("GET", "/api/runs/r1/records/more"));
        assertInstanceOf(Routes.NoRoute.class, routes.match("GET", "/"));
    }

    @Test
    void aKnownPathWithAnotherMethodIsAWrongMethodNamingTheAllowedOnes() {
        assertEquals(Set.of("POST"),
                assertInstanceOf(Routes.WrongMethod.class, routes.match("GET", "/api/uploads")).allowed());
        assertEquals(Set.of("GET"),
                assertInstanceOf(Routes.WrongMethod.class, routes.match("DELETE", "/api/runs/r1")).allowed());
        Routes both = new Routes().get("/api/x", UPLOAD).put("/api/x", UPLOAD);
        assertEquals(Set.of("GET", "PUT"),
                assertInstanceOf(Routes.WrongMethod.class, both.match("POST", "/api/x")).allowed());
    }

    @Test
    void aRouteThatRepeatsAnotherOrIsMalformedIsRefusedWhenTheTableIsBuilt() {
        assertThrows(IllegalArgumentException.class, () -> routes.get("/api/runs/{runId}", RUN));
        assertThrows(IllegalArgumentException.class, () -> new Routes().get("api/runs", RUN));
        assertThrows(IllegalArgumentException.class, () -> new Routes().get("/api/runs/", RUN));
        assertThrows(IllegalArgumentException.class, () -> new Routes().get("/api//runs", RUN));
        assertThrows(IllegalArgumentException.class, () -> new Routes().get("/api/x{id}", RUN));
    }
}
