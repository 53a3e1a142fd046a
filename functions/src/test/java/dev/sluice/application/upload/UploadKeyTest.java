package dev.sluice.application.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UploadKeyTest {
    private static final String RUN = "6c9fec38-a6bc-47aa-8dcd-c1efe1242e28";

    @Test
    void ordinaryNamesAreKeptAsTheyAre() {
        assertEquals("uploads/local/" + RUN + "/March report (v2).csv",
                UploadKey.of("local", RUN, "March report (v2).csv"));
        assertEquals("Отчёт_март.csv", UploadKey.safeName("Отчёт_март.csv"),
                "letters of any script stay");
    }

    @Test
    void symbolsAndEmojiBecomeUnderscores() {
        assertEquals("a_b_c_d_.csv", UploadKey.safeName("a#b%c?d📈.csv"));
        assertEquals(".csv", UploadKey.safeName(".csv"), "a name that is all extension stays");
        assertEquals("file", UploadKey.safeName("   "), "nothing left is still a name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Отчёт", "📈", "é", "a", "résumé "})
    void longNamesAreCutToTheByteBudgetKeepingTheExtension(String unit) {
        String name = unit.repeat(300 / unit.length()) + ".csv";
        String safe = UploadKey.safeName(name);
        int bytes = safe.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= UploadKey.MAX_NAME_BYTES && bytes > UploadKey.MAX_NAME_BYTES - 8, safe + ": " + bytes);
        assertTrue(safe.endsWith(".csv"), safe);
        assertEquals(safe, new String(safe.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                "cut at a code point boundary");
    }

    @Test
    void theRequestKeepsTheOriginalNameAndRefusesWhatIsNoName() {
        String name = "Отчёт".repeat(50) + ".csv";
        assertEquals(name, request(name, "text/csv").fileName());
        for (String bad : new String[] {"a\u0000.csv", "a\u0085.csv", "a\uD800.csv", "a/b.csv", "x".repeat(256)}) {
            assertThrows(InvalidRequestException.class, () -> request(bad, null), bad);
        }
    }

    @Test
    void aMappedHeaderMustBePlainText() {
        for (String header : new String[] {"Co\u0000st", "Cost\uDC00", "Co\nst"}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> new UploadRequest("local", null, "a.csv", 10, null, Map.of("spend", header)));
            assertTrue(e.getMessage().startsWith("'mapping' gives a header for 'spend' with control"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/csv", "text/csv; charset=utf-8", "text/csv;charset=\"utf-8\"",
        "application/vnd.ms-excel", "text/plain; a=b; c=\"d e\""})
    void mediaTypesAreAccepted(String contentType) {
        assertEquals(contentType, request("a.csv", contentType).contentType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html\r\nX-Evil: 1", "text/csv\n", "text", "text/", "/csv", "text/csv;", "text/c sv",
        "text/csv; a", "text/csv; a=\"b", "text/csv; a=\"\u00e9\"", "tëxt/csv"})
    void anythingElseIsRefused(String contentType) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> request("a.csv", contentType));
        assertTrue(e.getMessage().startsWith("'contentType' must be a media type"), e.getMessage());
    }

    private static UploadRequest request(String fileName, String contentType) {
        return new UploadRequest("local", null, fileName, 10, contentType, Map.of());
    }
}
