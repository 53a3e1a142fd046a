package dev.sluice.application.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.RecordRepository.ErrorCursor;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.port.RecordRepository.StoredRecord;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The ownership rule of the HTTP API's reads, against in-memory twins of the run and record repositories. */
class RunQueriesTest {
    private static final Instant T0 = Instant.parse("2026-11-29T14:00:00Z");
    private static final Caller ALICE = new Caller("alice", false);
    private static final Caller BOB = new Caller("bob", false);
    private static final Caller ADMIN = new Caller("carol", true);

    private final InMemoryRuns runs = new InMemoryRuns();
    private final InMemoryRecords records = new InMemoryRecords();
    private final RunQueries queries = new RunQueries(runs, records);

    private Run run(String id, String owner, int minute) {
        Run run = Run.created(id, owner, "default", id + ".csv", "b", "uploads/" + owner + "/" + id + "/f.csv",
                RunSource.UPLOAD, RunStatus.CREATED, 10, Map.of(), T0.plusSeconds(60L * minute));
        runs.create(run);
        return run;
    }

    @Test
    void theOwnerSeesTheirRun() {
        Run alices = run("r1", "alice", 0);
        assertEquals(alices, queries.run(ALICE, "r1"));
    }

    @Test
    void someoneElsesRunIsNotFoundExactlyLikeAMissingOne() {
        run("r1", "alice", 0);
        InvalidRequestException other = assertThrows(InvalidRequestException.class, () -> queries.run(BOB, "r1"));
        InvalidRequestException missing = assertThrows(InvalidRequestException.class, () -> queries.run(BOB, "r2"));
        assertEquals(404, other.httpStatus());
        assertEquals("NOT_FOUND", other.code());
        assertEquals(missing.code(), other.code());
        assertEquals(missing.httpStatus(), other.httpStatus());
        assertEquals(missing.getMessage().replace("r2", "r1"), other.getMessage(), "nothing tells them apart");
    }

    @Test
    void anAdminSeesEveryonesRun() {
        Run alices = run("r1", "alice", 0);
        Run drop = run("r2", "partner:acme", 1);
        assertEquals(alices, queries.run(ADMIN, "r1"));
        assertEquals(drop, queries.run(ADMIN, "r2"));
    }

    @Test
    void recordsAndErrorsOfSomeoneElsesRunAreNotFoundAndNotEvenRead() {
        run("r1", "alice", 0);
        records.add("r1", new StoredRecord(1, 2, null, "c", "search", null, 1L, null, 10L, "{}"));
        records.add("r1", new StoredError(2, 3L, "spend", "INVALID_NUMBER", "bad", "x"));
        List<Executable> reads = List.of(
                () -> queries.records(BOB, "r1", () -> 0, () -> 10),
                () -> queries.errors(BOB, "r1", () -> ErrorCursor.START, () -> 10));
        for (Executable read : reads) {
            InvalidRequestException refused = assertThrows(InvalidRequestException.class, read);
            assertEquals("NOT_FOUND", refused.code());
            assertEquals("No run with id 'r1'", refused.getMessage());
        }
        assertEquals(List.of(), records.reads, "the ownership check comes before any read of the data");
        assertEquals(1, queries.records(ALICE, "r1", () -> 0, () -> 10).items().size());
        assertEquals(1, queries.errors(ADMIN, "r1", () -> ErrorCursor.START, () -> 10).items().size());
    }

    @Test
    void someoneElsesRunIsNotFoundBeforeItsCursorIsJudged() {
        run("r1", "alice", 0);
        InvalidRequestException records = assertThrows(InvalidRequestException.class, () -> queries.records(BOB, "r1",
                () -> { throw InvalidRequestException.badField("cursor", "is not a cursor"); }, () -> 10));
        InvalidRequestException errors = assertThrows(InvalidRequestException.class, () -> queries.errors(BOB, "r1",
                () -> { throw InvalidRequestException.badField("cursor", "is not a cursor"); }, () -> 10));
        assertEquals("NOT_FOUND", records.code());
        assertEquals("NOT_FOUND", errors.code());
    }

    @Test
    void anAdminListsEveryonesRunsWithScopeAllAndNobodyElseMay() {
        run("a1", "alice", 0);
        run("b1", "bob", 1);
        run("p1", "partner:acme", 2);
        assertEquals(List.of("p1", "b1", "a1"), queries.list(ADMIN, "all", 10).stream().map(Run::runId).toList());
        assertEquals(List.of("a1"), queries.list(ALICE, null, 10).stream().map(Run::runId).toList());
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> queries.list(ALICE, "all", 10));
        assertEquals(403, refused.httpStatus());
        assertEquals("INVALID_REQUEST", assertThrows(InvalidRequestException.class,
                () -> queries.list(ADMIN, "everyone", 10)).code());
    }

    @Test
    void theListHoldsOnlyTheCallersOwnRunsNewestFirst() {
        run("a1", "alice", 0);
        run("b1", "bob", 1);
        run("a2", "alice", 2);
        assertEquals(List.of("a2", "a1"), queries.ownRuns(ALICE, 10).stream().map(Run::runId).toList());
        assertEquals(List.of("b1"), queries.ownRuns(BOB, 10).stream().map(Run::runId).toList());
        assertEquals(List.of("a2"), queries.ownRuns(ALICE, 1).stream().map(Run::runId).toList());
        assertTrue(queries.ownRuns(ADMIN, 10).isEmpty(), "an admin's list is their own runs too");
    }

    @Test
    void anIdThatCannotBeARunIsNotFoundWithoutAskingTheRepositoryAndIsShownShortened() {
        String hostile = "x".repeat(5000);
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> queries.run(ADMIN, hostile));
        assertEquals("NOT_FOUND", refused.code());
        assertTrue(refused.getMessage().length() < 100, refused.getMessage());
        assertThrows(InvalidRequestException.class, () -> queries.run(ADMIN, "a/b"));
        assertEquals(List.of(), runs.finds);
    }
}
