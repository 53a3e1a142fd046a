package dev.sluice.application.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POST /api/uploads validates itself on construction; each refusal names the field and says what is accepted. */
class UploadRequestTest {

    @Test
    void missingOptionalFieldsTakeTheirDefaultsAndTheNameAndHeadersAreStripped() {
        UploadRequest request = new UploadRequest("o", " ", "  report.csv ", 10, null,
                Map.of("spend", " Cost "));
        assertNull(request.datasetId(), "no dataset: the owner's default one");
        assertEquals("report.csv", request.fileName());
        assertEquals("text/csv", request.contentType());
        assertEquals(Map.of("spend", "Cost"), request.mapping());
        assertEquals(Map.of(), new UploadRequest("o", "sales-2026", "a.csv", 1, "text/csv", null).mapping());
    }

    @Test
    void aDatasetIdMustBeShortPlainAndStartWithALetterOrDigit() {
        assertRefused("datasetId", () -> new UploadRequest("o", "-sales", "a.csv", 1, null, null));
        assertRefused("datasetId", () -> new UploadRequest("o", "sales/2026", "a.csv", 1, null, null));
        assertRefused("datasetId", () -> new UploadRequest("o", "s".repeat(65), "a.csv", 1, null, null));
        assertEquals("s".repeat(64), new UploadRequest("o", "s".repeat(64), "a.csv", 1, null, null).datasetId());
    }

    @Test
    void aFileNameIsRequiredAndMustBeAPlainNameOfAtMost255Characters() {
        assertRefused("fileName", () -> request(null));
        assertRefused("fileName", () -> request("   "));
        assertRefused("fileName", () -> request("reports/q3.csv"));
        assertRefused("fileName", () -> request("reports\\q3.csv"));
        assertRefused("fileName", () -> request(".."));
        assertRefused("fileName", () -> request("q3\n.csv"));
        assertRefused("fileName", () -> request("q3\uD800.csv"));
        assertRefused("fileName", () -> request("a".repeat(256)));
        assertEquals(255, request("😀".repeat(255)).fileName().codePointCount(0, 510), "counted in characters");
    }

    @Test
    void theContentLengthMustBeTheFileSizeInBytes() {
        assertRefused("contentLength", () -> new UploadRequest("o", null, "a.csv", 0, null, null));
        assertRefused("contentLength", () -> new UploadRequest("o", null, "a.csv", -1, null, null));
    }

    @Test
    void aContentTypeMustBeAMediaTypeSoItCannotForgeAHeaderInThePresignedPut() {
        assertEquals("text/csv; charset=utf-8", withType("text/csv; charset=utf-8").contentType());
        assertEquals("text/csv;charset=\"utf-8\"", withType("text/csv;charset=\"utf-8\"").contentType());
        assertRefused("contentType", () -> withType("text/csv\r\nx-amz-acl: public-read"));
        assertRefused("contentType", () -> withType("csv"));
        assertRefused("contentType", () -> withType("text/" + "c".repeat(251)));
    }

    @Test
    void aMappingNamesKnownFieldsAndGivesEachAPlainHeader() {
        assertRefused("mapping", () -> withMapping("cost", "Spend"));
        assertRefused("mapping", () -> withMapping("spend", " "));
        assertRefused("mapping", () -> withMapping("spend", "Cost\u0007"));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("spend", null);
        assertRefused("mapping", () -> new UploadRequest("o", null, "a.csv", 1, null, withNull));
    }

    @Test
    void anUnknownMappingFieldIsRefusedWithTheFieldsThatExist() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> withMapping("cost", "Spend"));
        assertEquals("'mapping' names unknown field 'cost'; fields are date, campaign, channel, spend, clicks, "
                + "conversions, impressions", refused.getMessage());
    }

    private static UploadRequest request(String fileName) {
        return new UploadRequest("o", null, fileName, 1, null, null);
    }

    private static UploadRequest withType(String contentType) {
        return new UploadRequest("o", null, "a.csv", 1, contentType, null);
    }

    private static UploadRequest withMapping(String field, String header) {
        return new UploadRequest("o", null, "a.csv", 1, null, Map.of(field, header));
    }

    private static void assertRefused(String field, org.junit.jupiter.api.function.Executable construction) {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, construction);
        assertEquals("INVALID_REQUEST", refused.code());
        assertEquals(400, refused.httpStatus());
        assertTrue(refused.getMessage().startsWith("'" + field + "' "), refused.getMessage());
    }
}
