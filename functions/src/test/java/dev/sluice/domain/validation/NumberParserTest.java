package dev.sluice.domain.validation;

import static dev.sluice.domain.csv.NumberStyle.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.csv.NumberStyle;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumberParserTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "US|0|0",
        "US|12.5|12.5",
        "US|12.50|12.50",
        "US|1,234.56|1234.56",
        "US|1,234,567.8|1234567.8",
        "US|$1,234.50|1234.50",
        "US|USD 99|99",
        "US|99 USD|99",
        "US|99usd|99",
        "US|  42  |42",
        "US|.5|0.5",
        "US|5.|5",
        "US|+7|7",
        "US|-0|0",
        "US|1,234|1234",
        "US|123456789012345678901234.5|123456789012345678901234.5",
        "US|0.00|0.00",
        "US|007.50|7.50",
        "US|123456789012345678|123456789012345678",
        "US|12345678901234567.8|12345678901234567.8",
        "US|1234567890123456789|1234567890123456789",
        "US|1.234567890123456789|1.234567890123456789",
        "EUROPEAN|12,5|12.5",
        "EUROPEAN|0,75|0.75",
        "EUROPEAN|1.234,56|1234.56",
        "EUROPEAN|1.234.567|1234567",
        "EUROPEAN|1 234,56|1234.56",
        "EUROPEAN|1\u00A0234,56|1234.56",
        "EUROPEAN|1\u202F234,56 €|1234.56",
        "EUROPEAN|€ 3,10|3.10",
        "EUROPEAN|EUR 3|3",
        "EUROPEAN|£7|7",
        "EUROPEAN|¥7|7",
    })
    void acceptedDecimals(NumberStyle style, String raw, String expected) throws InvalidValueException {
        BigDecimal parsed = NumberParser.parseDecimal(raw, style);
        assertEquals(new BigDecimal(expected), parsed, raw);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "US|-5|NEGATIVE",
        "US|(5)|NEGATIVE",
        "US|($5.00)|NEGATIVE",
        "US|-$5|NEGATIVE",
        "US|$-5|NEGATIVE",
        "US|−5|NEGATIVE",
        "EUROPEAN|-1.234,5|NEGATIVE",
        "US|12,5|INVALID_NUMBER",
        "US|1,23,456|INVALID_NUMBER",
        "US|1.2.3|INVALID_NUMBER",
        "US|12%|INVALID_NUMBER",
        "US|abc|INVALID_NUMBER",
        "US|$|INVALID_NUMBER",
        "US|1e5|INVALID_NUMBER",
        "US|--5|INVALID_NUMBER",
        "US|$5$|INVALID_NUMBER",
        "US|1 234|INVALID_NUMBER",
        "EUROPEAN|12.5|INVALID_NUMBER",
        "EUROPEAN|1,2,3|INVALID_NUMBER",
        "EUROPEAN|1.234 567|INVALID_NUMBER",
        "EUROPEAN|-abc|INVALID_NUMBER",
    })
    void rejectedDecimals(NumberStyle style, String raw, RowErrorCode code) {
        InvalidValueException e = assertThrows(InvalidValueException.class,
                () -> NumberParser.parseDecimal(raw, style));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith("'" + raw + "'"), e.getMessage());
    }

    @Test
    void aDecimalCommaInAUsFileGetsAHint() {
        InvalidValueException e = assertThrows(InvalidValueException.class,
                () -> NumberParser.parseDecimal("12,5", US));
        assertEquals("'12,5' is not a number; expected US style (1,234.56) such as 1234.56 or $1,234.56; "
                + "it reads as European style (1.234,56), but this column is read as US style (1,234.56)",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "US|0|0",
        "US|1234|1234",
        "US|1,234|1234",
        "US|12.0|12",
        "US|12.00|12",
        "US| 7 |7",
        "US|9223372036854775807|9223372036854775807",
        "EUROPEAN|1.234|1234",
        "EUROPEAN|1 234|1234",
        "EUROPEAN|12,0|12",
    })
    void acceptedIntegers(NumberStyle style, String raw, long expected) throws InvalidValueException {
        assertEquals(expected, NumberParser.parseInteger(raw, style));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "US|1.5|INVALID_INTEGER",
        "US|-3|NEGATIVE",
        "US|(3)|NEGATIVE",
        "US|$3|INVALID_INTEGER",
        "US|3 clicks|INVALID_INTEGER",
        "US|9223372036854775808|INVALID_INTEGER",
        "US|1,5|INVALID_INTEGER",
        "EUROPEAN|1,5|INVALID_INTEGER",
        "EUROPEAN|12.0|INVALID_INTEGER",
    })
    void rejectedIntegers(NumberStyle style, String raw, RowErrorCode code) {
        InvalidValueException e = assertThrows(InvalidValueException.class,
                () -> NumberParser.parseInteger(raw, style));
        assertEquals(code, e.code(), e.getMessage());
    }
}
