package dev.sluice.application.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UploadKeyParseTest {

    @Test
    void anUploadKeyRoundTrips() {
        String key = UploadKey.of("0b6f-sub", "run-1", "März report.csv");
        assertEquals(Optional.of(new UploadKey.Upload("0b6f-sub", "run-1", "März report.csv")), UploadKey.parse(key));
    }

    @Test
    void aDropKeyNamesItsPartnerAndFile() {
        assertEquals(Optional.of(new UploadKey.Drop("acme", "March report.csv")),
                UploadKey.parse("drop/acme/2026-11/March report.csv"));
        assertEquals(Optional.of(new UploadKey.Drop("acme", "f.csv")), UploadKey.parse("drop/acme/f.csv"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"uploads/o/r/", "uploads/o/r", "uploads//r/f.csv", "uploads/o//f.csv",
        "uploads/o/r/sub/f.csv", "drop/acme/", "drop/acme", "drop//f.csv", "decompressed/o/r/f.csv", "other/f.csv",
        "uploads", ""})
    void anyOtherKeyBelongsToNoRun(String key) {
        assertEquals(Optional.empty(), UploadKey.parse(key));
    }

    @Test
    void theDecompressedCopyIsOutsideTheNotifiedPrefixes() {
        String key = UploadKey.decompressed("o", "r", "a.csv.gz");
        assertEquals("decompressed/o/r/a.csv.gz", key);
        assertEquals(Optional.empty(), UploadKey.parse(key));
    }

    @Test
    void aSha256IsTakenAsHexOrBase64() {
        String hex = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
        UploadRequest fromHex = new UploadRequest("o", null, "a.csv", 4, null, Map.of(), hex, false);
        assertEquals(hex.toLowerCase(java.util.Locale.ROOT), fromHex.sha256());
        assertEquals("n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", fromHex.sha256Base64());
        UploadRequest fromBase64 = new UploadRequest("o", null, "a.csv", 4, null, Map.of(),
                "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", true);
        assertEquals(fromHex.sha256(), fromBase64.sha256());
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> new UploadRequest("o", null, "a.csv", 4, null, Map.of(), "abc", false));
        assertTrue(e.getMessage().startsWith("'sha256' must be"), e.getMessage());
    }
}
