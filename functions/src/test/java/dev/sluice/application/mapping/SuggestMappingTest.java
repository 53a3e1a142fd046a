package dev.sluice.application.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.MappingSource;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.MappingSuggestion.Conflict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The use case against the in-memory Datasets table. */
class SuggestMappingTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");
    private static final Caller ALICE = new Caller("alice", false);

    private final InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
    private final SuggestMapping suggestMapping = new SuggestMapping(datasets, 200);

    private void saved(String id, String owner, Map<String, String> columns) {
        datasets.create(new Dataset(id, id, owner, DatasetKind.MARKETING, new SavedMapping(List.of(), columns), null,
                null, false, NOW, NOW));
    }

    @Test
    void aSavedMappingFitsAHeaderThatHasItsColumnsInAnyLetterCase() {
        saved("ds", "alice", Map.of("date", "day", "channel", "Src"));
        SuggestMapping.Result result = suggestMapping.suggest(ALICE,
                new SuggestMapping.Request(List.of("Day", "Kampagne", "SRC", "Quelle"), List.of(), "ds"));
        assertEquals(MappingSource.SAVED, result.source());
        assertEquals("Day", result.suggestion().fields().get(CanonicalField.DATE).header());
        assertEquals("SRC", result.suggestion().fields().get(CanonicalField.CHANNEL).header());
        assertEquals("Kampagne", result.suggestion().fields().get(CanonicalField.CAMPAIGN).header(),
                "suggested around the saved columns");
        assertEquals(List.of(new Conflict(CanonicalField.CHANNEL, List.of("SRC", "Quelle"))),
                result.suggestion().conflicts());
        assertEquals(List.of("Quelle"), result.suggestion().unmapped());
    }

    @Test
    void anEmptyOrUnfittingSavedMappingIsNotUsedAndNoDatasetMeansSuggested() {
        saved("empty", "alice", Map.of());
        saved("other", "alice", Map.of("date", "Datum"));
        for (String id : new String[] {"empty", "other", null}) {
            SuggestMapping.Result result = suggestMapping.suggest(ALICE,
                    new SuggestMapping.Request(List.of("Day", "Campaign"), List.of(), id));
            assertEquals(MappingSource.SUGGESTED, result.source(), String.valueOf(id));
        }
    }

    @Test
    void anAdminMayUseAnyonesDatasetAndOthersGetNotFound() {
        saved("bobs", "bob", Map.of("date", "Day"));
        SuggestMapping.Request request = new SuggestMapping.Request(List.of("Day"), List.of(), "bobs");
        assertEquals(MappingSource.SAVED, suggestMapping.suggest(new Caller("root", true), request).source());
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> suggestMapping.suggest(ALICE, request));
        assertEquals("NOT_FOUND", e.code());
        assertEquals(404, e.httpStatus());
    }

    @Test
    void withoutADatasetsTableTheDatasetIsNotLookedUp() {
        SuggestMapping.Result result = new SuggestMapping(null, 200).suggest(ALICE,
                new SuggestMapping.Request(List.of("Day"), List.of(), "anything"));
        assertEquals(MappingSource.SUGGESTED, result.source());
    }

    @Test
    void nullValuesAreRefusedNamingTheField() {
        List<String> header = new java.util.ArrayList<>(List.of("Day"));
        header.add(null);
        assertEquals("'header' must hold column names (strings), not null", assertThrows(
                InvalidRequestException.class, () -> new SuggestMapping.Request(header, List.of(), null)).getMessage());
        List<String> row = new java.util.ArrayList<>();
        row.add(null);
        assertThrows(InvalidRequestException.class,
                () -> new SuggestMapping.Request(List.of("Day"), List.of(row), null));
    }
}
