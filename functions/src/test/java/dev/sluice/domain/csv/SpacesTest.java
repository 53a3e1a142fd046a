package dev.sluice.domain.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpacesTest {

    @Test
    void blankAndTrimKnowSpreadsheetSpaces() {
        assertTrue(Spaces.isBlank(" \u00A0\u202F\t"));
        assertFalse(Spaces.isBlank(" x "));
        assertEquals("x y", Spaces.trim("\u00A0 x y\u202F"));
    }
}
