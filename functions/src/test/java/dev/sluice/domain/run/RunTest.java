package dev.sluice.domain.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunTest {
    private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");

    @Test
    void progressIsMeasuredAgainstTheAnnouncedSizeUntilTheSplitterKnowsTheObjectsSize() {
        Run created = Run.created("r", "o", "d", "f.csv", "b", "uploads/o/r/f.csv", Run.RunSource.UPLOAD,
                RunStatus.CREATED, 1000, Map.of(), NOW);
        assertEquals(1000, created.bytesExpected(), "before the split: the contentLength the upload announced");

        Run split = new Run("r", "o", "d", "f.csv", "b", "k", Run.RunSource.UPLOAD, RunStatus.LOADING, 1000, NOW, NOW,
                null, 0, 0, 0, null, 0, 0, 0, List.of(), Map.of(), null, null, null, 1024, 0, "etag", null);
        assertEquals(1024, split.bytesExpected(), "after: the size of the object the splitter read");

        Run drop = Run.created("r", "partner:acme", "acme", "f.csv", "b", "drop/acme/f.csv", Run.RunSource.DROP,
                RunStatus.RECEIVED, 0, Map.of(), NOW);
        assertEquals(0, drop.bytesExpected(), "a partner drop announces nothing");
    }
}
