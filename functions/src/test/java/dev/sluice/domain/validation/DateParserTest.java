package dev.sluice.domain.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DateParserTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2024-03-01|2024-03-01",
        "2024/03/01|2024-03-01",
        "2024-3-5|2024-03-05",
        " 2024-12-31 |2024-12-31",
        "01.03.2024|2024-03-01",
        "1.3.2024|2024-03-01",
        "Jan 5, 2024|2024-01-05",
        "January 5, 2024|2024-01-05",
        "jan 15, 2024|2024-01-15",
        "Sept 9, 2024|2024-09-09",
        "Sep. 9, 2024|2024-09-09",
        "DECEMBER 31, 2023|2023-12-31",
        "2024-02-29|2024-02-29",
    })
    void acceptedDates(String raw, String expected) throws InvalidValueException {
        assertEquals(LocalDate.parse(expected), DateParser.parse(raw));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2024-02-30|February 2024 has 29 days",
        "2023-02-29|February 2023 has 28 days",
        "2024-13-01|there is no month 13",
        "31.04.2024|April 2024 has 30 days",
        "2024-03-01 10:00|not a date in a known format",
        "03/01/2024x|not a date in a known format",
        "13/01/2024|there is no month 13; this column is month-day-year",
        "Janvier 5, 2024|not a date in a known format",
        "Jan 5 2024|not a date in a known format",
        "yesterday|not a date in a known format",
        "20240301|not a date in a known format",
        "2024-03-001|not a date in a known format",
    })
    void rejectedDatesSayWhy(String raw, String reason) {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> DateParser.parse(raw));
        assertEquals(RowErrorCode.INVALID_DATE, e.code());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains("'" + raw + "'"), e.getMessage());
    }
}
