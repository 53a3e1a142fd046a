package dev.sluice.application.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FieldMeterTest {

    private static void feed(FieldMeter meter, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        // Across two calls, as segments arrive.
        meter.accept(bytes, 0, bytes.length / 2);
        meter.accept(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
    }

    @Test
    void fieldsEndAtDelimitersAndLineEndsOutsideQuotes() {
        FieldMeter meter = new FieldMeter(',', '"', 10);
        feed(meter, "abcdefghij,abc\r\n\"a,b\nc\"\"d\",x\n");
        assertEquals(10, meter.longest());
    }

    @Test
    void aLongerFieldIsRefusedNamingTheLimit() {
        FieldMeter meter = new FieldMeter(';', '"', 10);
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> feed(meter, "a;\"0123456789\n0123\";b\n"));
        assertEquals("FIELD_TOO_LONG", e.code());
        assertEquals(true, e.getMessage().contains("10 bytes (MAX_FIELD_BYTES)"));
    }
}
